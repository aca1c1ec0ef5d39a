import type { Form, ProcedureSop, Sop } from '../../model/types.js';
import { pageSide, planBook } from './book-plan.js';
import { type PageLayout, type Size, type Slot, scaleFor } from './layout.js';
import {
  checkCoverage,
  type FormXObject,
  makeXObject,
  openDocument,
  paint,
  paintText,
  placeXObject,
  RenderError,
  sopDate,
} from './paint.js';
import { drawCropMarks } from './sheet.js';
import { balanced, Sketch } from './sketch.js';
import type { PaperSize } from './units.js';
import { MM } from './units.js';
import {
  durationZh,
  keepUntilYear,
  recordOf,
  recordRuleText,
  retentionOf,
  sopHeading,
  traceText,
} from './wording.js';

export interface BookOptions {
  readonly form: string;
  /** Numbered form pages (the cover is not counted). */
  readonly pages: number;
  readonly size: PaperSize;
  readonly duplex: boolean;
  /** Binding gutter, points. */
  readonly gutter: number;
  /** Bleed, points. */
  readonly bleed: number;
  readonly cropMarks: boolean;
  /**
   * Serial number of the first page; serials run on across books so every sheet of a series is unique.
   * The book number on the cover follows from it: ⌊(firstSerial − 1) / pages⌋ + 1.
   */
  readonly firstSerial: number;
  /** The year the book is used in, for "保存至"; defaults to the year of the SOP's effective date. */
  readonly year?: number;
  /** PDF/X-4 for the press (the default); `false`: a plain PDF 1.7. */
  readonly pdfx?: boolean;
  /**
   * A slug line outside the trim on every page (SOP id and version, date, book and page number), for the
   * print shop's checks; needs `cropMarks` (the slug is printed in the crop mark margin).
   */
  readonly slug?: boolean;
}

import { BOOK_MARGIN } from './book-plan.js';

export { BOOK_MARGIN };

export function serialText(serial: number): string {
  return `编号 ${String(serial).padStart(6, '0')}`;
}

export function pageText(n: number, total: number): string {
  return `第 ${n} 页 共 ${total} 页`;
}

/** The procedure SOP and form a book is asked for, or a `RenderError` saying what is wrong. */
export function findForm(sop: Sop, formId: string): { sop: ProcedureSop; form: Form } {
  if (sop.kind !== 'procedure')
    throw new RenderError({ zh: `${sop.id} 是手册，没有表格`, en: `${sop.id} is a manual; it has no forms` });
  const form = sop.forms.find((f) => f.id === formId);
  if (!form) {
    const known = sop.forms.map((f) => f.id).join(', ') || '(none)';
    throw new RenderError({
      zh: `${sop.id} 没有表格“${formId}”；它的表格：${known}`,
      en: `${sop.id} has no form "${formId}"; its forms: ${known}`,
    });
  }
  return { sop, form };
}

function slotText(sk: Sketch, slot: Slot, text: string): void {
  sk.text(text, slot.x, slot.y, slot.size, { align: slot.align, width: slot.w });
}

/**
 * The book's cover: what it is, which SOP, which book, how long to keep it; every line centred in `size`
 * (laid on the trim with equal margins, not on the gutter side's content box).
 */
export function coverSketch(sop: ProcedureSop, form: Form, opts: BookOptions, size: Size): Sketch {
  const sc = scaleFor(size.w);
  const sk = new Sketch();
  const year = opts.year ?? Number(sop.effective.slice(0, 4));
  const record = recordOf(sop, form);
  const keep = retentionOf(record);
  const bookNo = Math.floor((opts.firstSerial - 1) / opts.pages) + 1;
  const last = opts.firstSerial + opts.pages - 1;
  let y = size.h * 0.18;
  sk.text(form.title, 0, y, sc.title * 2, { align: 'center', width: size.w });
  y += sc.title * 3;
  sk.text(sopHeading(sop), 0, y, sc.body * 1.1, { align: 'center', width: size.w });
  y += sc.body * 2;
  sk.text(`规程 ${sop.id}　版本 ${sop.version}`, 0, y, sc.body, { align: 'center', width: size.w });
  y += sc.body * 5;
  const lines: string[] = [
    `第 ${bookNo} 本`,
    `${serialText(opts.firstSerial)} 至 ${String(last).padStart(6, '0')}　共 ${opts.pages} 页`,
    `使用年度：${year} 年`,
  ];
  if (keep) lines.push(`保存至 ${keepUntilYear(year, keep)} 年（保存期 ${durationZh(keep)}）`);
  else lines.push('保存期限：规程未规定');
  if (record?.custodian) lines.push(`保管：${record.custodian}`);
  lines.push('启用日期：______年____月____日', '结束日期：______年____月____日');
  for (const l of lines) {
    sk.text(l, 0, y, sc.body * 1.3, { align: 'center', width: size.w });
    y += sc.body * 2.6;
  }
  const rule = recordRuleText(record);
  if (rule) {
    y += sc.body * 2;
    // Each line centred on the page, like the lines above it.
    for (const l of balanced(rule, sc.body, size.w * 0.7)) {
      sk.text(l, 0, y, sc.body, { align: 'center', width: size.w });
      y += sc.body * 1.35;
    }
  }
  sk.text(traceText(sop), 0, size.h - sc.small * 1.1, sc.small);
  if (sop.draft) sk.text(DRAFT_MARK, 0, size.h * 0.08, sc.title * 2, { align: 'center', width: size.w });
  return sk;
}

/** The part of a trim (top left at `x`, `y`) a cover is laid out in: the book margin on every side. */
export function coverArea(
  x: number,
  y: number,
  w: number,
  h: number,
): { x: number; y: number; w: number; h: number } {
  return { x: x + BOOK_MARGIN, y: y + BOOK_MARGIN, w: w - 2 * BOOK_MARGIN, h: h - 2 * BOOK_MARGIN };
}

/** Printed on the cover and every page of a book bound from a draft SOP (proofs only: `book --draft`). */
const DRAFT_MARK = '草稿 DRAFT';

function blankVerso(sop: ProcedureSop, size: Size): Sketch {
  const sc = scaleFor(size.w);
  const sk = new Sketch();
  sk.text('本页空白', 0, size.h / 2, sc.body, { align: 'center', width: size.w });
  sk.text(traceText(sop), 0, size.h - sc.small * 1.1, sc.small);
  return sk;
}

/**
 * A record book for a print shop: a cover, then `pages` copies of the form, each with "第 n 页 共 N 页",
 * a serial number and the SOP trace line. The static part of a page is one form XObject per side.
 *
 * @example
 * const bytes = await renderBook(sop, { form: 'duty-log', pages: 366, size: 'A4', duplex: true,
 *   gutter: 15 * MM, bleed: 3 * MM, cropMarks: true, firstSerial: 1 });
 */
export async function renderBook(input: Sop, opts: BookOptions): Promise<Uint8Array> {
  const { sop, form } = findForm(input, opts.form);
  if (form.kind === 'roster')
    throw new RenderError({
      zh: `${form.id} 是值班安排表（每月一张），不装订成册`,
      en: `${form.id} is a roster (one sheet a month), not a form to bind`,
    });
  if (!Number.isInteger(opts.pages) || opts.pages < 1)
    throw new RenderError({ zh: '一本记录本至少要有一页', en: 'a book needs at least one page' });
  if (!Number.isInteger(opts.firstSerial) || opts.firstSerial < 1)
    throw new RenderError({ zh: '起始编号须为正整数', en: 'the first serial must be a positive integer' });
  if (opts.slug && !opts.cropMarks)
    throw new RenderError({
      zh: '版面信息行印在裁切线旁：须同时印裁切线（--crop-marks）',
      en: 'a slug line is printed beside the crop marks: ask for crop marks too',
    });
  const plan = planBook(sop, form, opts);
  const { sheet, padded } = plan;
  const layout = pageSide(plan, opts.duplex, 1).layout;
  // Whole shifts: the pages asked for, rounded up (see `planBook`).
  const total = plan.pages;
  const box = sheet.content('recto');
  const coverBox = coverArea(sheet.inset, sheet.inset, sheet.trimWidth, sheet.trimHeight);
  const cover = coverSketch(sop, form, { ...opts, pages: total }, coverBox);
  const verso = opts.duplex ? blankVerso(sop, box) : null;
  const bookNo = Math.floor((opts.firstSerial - 1) / total) + 1;
  const dynamicText = (n: number, on: PageLayout = layout): Sketch => {
    const sk = new Sketch();
    slotText(sk, on.serial, serialText(opts.firstSerial + n - 1));
    slotText(sk, on.pageNumber, pageText(n, total));
    if (sop.draft)
      sk.text(DRAFT_MARK, 0, on.serial.y, on.serial.size * 1.3, { align: 'center', width: box.w });
    return sk;
  };
  const slugText = (page: string): string =>
    `${sop.id} ${sop.version} · ${sopDate(sop).toISOString().slice(0, 10)} · 第 ${bookNo} 本 · ${page}`;
  const slug = (page: string): Sketch => {
    const sk = new Sketch();
    const { inset, trimHeight } = sheet;
    sk.text(slugText(page), inset + 12 * MM, inset + trimHeight + Math.max(opts.bleed, 3 * MM) + 1 * MM, 6);
    return sk;
  };
  checkCoverage(
    [
      cover.allText(),
      verso?.allText() ?? '',
      ...[...plan.recto.pages, ...plan.verso.pages].map((p) => p.fixed.allText()),
      dynamicText(1).allText(),
      DRAFT_MARK,
      opts.slug ? slugText(`${pageText(1, total)} 封面 封二 空白`) : '',
      '0123456789',
    ].join(''),
    `${sop.id} / ${form.id}`,
  );

  const { doc, addPage, finish } = openDocument({
    title: `${form.title}（${sop.title}）`,
    subject: `${sop.id} ${sop.version} ${form.id}`,
    keywords: `sopforge, ${sop.id}, ${sop.sourceHash}`,
    date: sopDate(sop),
    standard: opts.pdfx === false ? null : 'PDF/X-4',
  });
  const marks = new Sketch();
  if (opts.cropMarks) drawCropMarks(marks, sheet);
  let marksXo: FormXObject | null = null;
  // One XObject per page of a shift and side.
  const pageXo = new Map<PageLayout, FormXObject>();
  // Page labels (what a viewer shows as the page number) follow the printed 第 n 页; the cover, its
  // back and a blank last page are named instead of numbered.
  const labels: unknown[] = [];
  let physical = 0;
  const newPage = (label: string | null, compress = true): void => {
    addPage(
      [sheet.mediaWidth, sheet.mediaHeight],
      { trim: sheet.trimBox, bleed: sheet.bleedBox },
      { compress },
    );
    if (label !== null) labels.push(physical, { P: new String(label) });
    physical++;
    if (opts.cropMarks) {
      marksXo ??= makeXObject(doc, sheet.mediaWidth, sheet.mediaHeight, marks.ops, 'Marks', 'registration');
      placeXObject(doc, marksXo);
    }
  };
  const blankPage = (label: string): void => {
    newPage(label);
    const b = sheet.content('verso');
    paint(doc, verso?.ops ?? blankVerso(sop, box).ops, b.x, b.y);
    if (opts.slug) paintText(doc, slug(label).ops);
  };

  newPage('封面');
  paint(doc, cover.ops, coverBox.x, coverBox.y);
  if (opts.slug) paintText(doc, slug('封面').ops);
  if (verso) blankPage('封二');
  if (plan.lead) blankPage('空白');
  labels.push(physical, { S: 'D', St: 1 });
  for (let n = 1; n <= total; n++) {
    newPage(null, false);
    // The cover (and in duplex its blank back, and a lead page) come first; `pageSide` says which side
    // numbered page n falls on and which page of its shift it is.
    const { side, layout: on } = pageSide(plan, opts.duplex, n);
    const b = sheet.content(side);
    let xo = pageXo.get(on);
    if (!xo) {
      const i = (n - 1) % plan.group;
      xo = makeXObject(
        doc,
        b.w,
        b.h,
        on.fixed.ops,
        `${side === 'recto' ? 'Page' : 'PageV'}${i > 0 ? i + 1 : ''}`,
      );
      pageXo.set(on, xo);
    }
    placeXObject(doc, xo, b.x, b.y);
    paintText(doc, dynamicText(n, on).ops, b.x, b.y);
    if (opts.slug) paintText(doc, slug(pageText(n, total)).ops);
  }
  if (padded) blankPage('空白');
  (doc as unknown as { _root: { data: Record<string, unknown> } })._root.data.PageLabels = { Nums: labels };
  return finish();
}
