/**
 * The SOP document and the manual as PDF, laid out with pdfkit from the same view the templates use.
 * A4, Noto Sans Hans embedded (subset), page footer "第 n 页 共 N 页" (the books' wording), the mark 受控 at
 * the head of every page of a controlled document, PDF outline (bookmarks) of the titled clauses and
 * appendices, and for the manual a cover and one chapter per procedure.
 *
 * Black ink only: every colour is a tint of K in DeviceCMYK (as on the forms), never RGB, which a print
 * shop's RIP turns into four-colour grey. A heading is kept with what follows it: it moves to the next page
 * unless the first two lines after it (or a table's header and first row) fit below it.
 * Deterministic: CreationDate/ModDate come from the document's latest revision date.
 */

import { pageText } from '../pdf/book.js';
import { pdfBytes } from '../pdf/bytes.js';
import { loadFont } from '../pdf/font.js';
import { CREATOR, PRODUCER } from '../pdf/paint.js';
import { PDFDocument } from '../pdf/pdfkit.js';
import { applyStandard, PDF_VERSION } from '../pdf/standard.js';
import type { Appendix, CoverRow, DocBlock, DocClause, ManualView, RevisionTable, SopView } from './view.js';

const REGULAR = 'doc-zh';
const BOLD = 'doc-zh-bold';
const MARGIN = { top: 60, bottom: 64, left: 62, right: 62 };
const BODY = 10.5;
const GAP = 4;
const LINE_GAP = 2;

/** Black ink at `k` (0–1): a K-only CMYK colour, as the forms print. */
const ink = (k: number): [number, number, number, number] => [0, 0, 0, Math.round(k * 100)];
const BLACK = ink(1);

type Doc = PDFKit.PDFDocument;

function open(title: string, date: string): { doc: Doc; finish(): Promise<Uint8Array> } {
  const when = new Date(`${date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: false,
    compress: true,
    pdfVersion: PDF_VERSION['PDF/A-2b'],
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: title,
      Creator: CREATOR,
      Producer: PRODUCER,
      CreationDate: when,
      ModDate: when,
    },
  });
  // A SOP document is a record kept for years: PDF/A-2b.
  const endStandard = applyStandard(doc, 'PDF/A-2b', {
    title,
    creator: CREATOR,
    producer: PRODUCER,
    date: when,
  });
  doc.registerFont(REGULAR, loadFont('Regular') as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont(BOLD, loadFont('Bold') as unknown as PDFKit.Mixins.PDFFontSource);
  const done = pdfBytes(doc);
  return {
    doc,
    finish() {
      endStandard();
      doc.end();
      return done;
    },
  };
}

function width(doc: Doc): number {
  return doc.page.width - MARGIN.left - MARGIN.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN.bottom;
}

/** Starts a new page when fewer than `height` points are left. */
function need(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

/** Height of a heading as `heading` draws it, spacing before and after included. */
function headingHeight(doc: Doc, text: string, size: number, before: number): number {
  doc.font(BOLD).fontSize(size);
  return before + doc.heightOfString(text, { width: width(doc) }) + GAP;
}

/** Height of the first two lines of a paragraph (all of it when shorter). */
function firstLines(doc: Doc, text: string, w: number): number {
  doc.font(REGULAR).fontSize(BODY);
  const all = doc.heightOfString(text || ' ', { width: w, lineGap: LINE_GAP });
  return Math.min(all, 2 * (doc.currentLineHeight(true) + LINE_GAP));
}

/**
 * Draws a heading, first moving to a new page unless `keep` points (what must follow it on the same page:
 * two lines, a table's header and first row) fit below it.
 */
function heading(doc: Doc, text: string, size: number, before = 10, keep = 0): void {
  need(doc, headingHeight(doc, text, size, before) + keep);
  doc.font(BOLD).fontSize(size);
  doc.y += before;
  doc.text(text, MARGIN.left, doc.y, { width: width(doc) });
  doc.y += GAP;
}

/** A paragraph with a hanging number (or bullet) in the left gutter. */
/** Closing punctuation, which the line breaker keeps with the character before it. */
const CLOSING = /[，。、；：？！”’）》」』】〕…—,.;:?!)\]]$/u;

/**
 * The width to set a paragraph in so that its last line holds more than one character (besides closing
 * punctuation): a last line of one character (孤字) is a typesetting fault. A one-character last line is
 * the one that disappears when that character goes; the text is then set a little narrower, up to three
 * characters narrower, until its last line holds two.
 */
function noLoneLastChar(
  doc: Doc,
  text: string,
  w: number,
  face = `${REGULAR}/${BODY}`,
  lineGap = LINE_GAP,
): number {
  // Tables measure a row several times (to keep it with a heading, to draw it): measure each text once.
  // `face` names the font and size the caller has set.
  const key = `${face}\u0000${w}\u0000${lineGap}\u0000${text}`;
  const memo = fitted.get(doc) ?? new Map<string, number>();
  fitted.set(doc, memo);
  const known = memo.get(key);
  if (known !== undefined) return known;
  const width = narrowedWidth(doc, text, w, lineGap);
  memo.set(key, width);
  return width;
}

const fitted = new WeakMap<Doc, Map<string, number>>();

function narrowedWidth(doc: Doc, text: string, w: number, lineGap: number): number {
  const chars = [...text];
  const tail = chars.length >= 2 && CLOSING.test(chars[chars.length - 1] ?? '') ? 2 : 1;
  if (chars.length <= tail + 1) return w;
  const em = doc.currentLineHeight(false);
  // One line (or all that fits the page) has no last-line fault: most cells and short clauses.
  if (doc.heightOfString(text, { width: w, lineGap }) < 2 * em) return w;
  const shorter = chars.slice(0, chars.length - tail).join('');
  for (let k = 0; k <= 3 && k * em <= w / 4; k++) {
    const width = w - k * em;
    const full = doc.heightOfString(text, { width, lineGap });
    if (doc.heightOfString(shorter, { width, lineGap }) >= full) return width;
  }
  return w;
}

function hanging(
  doc: Doc,
  mark: string,
  text: string,
  indent: number,
  gutter: number,
  markFont = BOLD,
): void {
  doc.font(REGULAR).fontSize(BODY);
  const x = MARGIN.left + indent;
  const w = width(doc) - indent - gutter;
  // The same measure a heading before it reserved: a one-line clause needs one line, not two.
  need(doc, firstLines(doc, text, w));
  doc.font(REGULAR).fontSize(BODY);
  const y = doc.y;
  if (mark) doc.font(markFont).text(mark, x, y, { width: gutter, lineBreak: false });
  doc.font(REGULAR).text(text, x + gutter, y, { width: noLoneLastChar(doc, text, w), lineGap: LINE_GAP });
  doc.y += GAP;
}

function paragraph(doc: Doc, text: string, indent = 0): void {
  need(doc, firstLines(doc, text, width(doc) - indent));
  doc.font(REGULAR).fontSize(BODY);
  const w = noLoneLastChar(doc, text, width(doc) - indent);
  doc.text(text, MARGIN.left + indent, doc.y, { width: w, lineGap: LINE_GAP });
  doc.y += GAP;
}

function gutterFor(doc: Doc, label: string): number {
  doc.font(BOLD).fontSize(BODY);
  return Math.ceil(doc.widthOfString(label)) + 2;
}

function clauseHeading(c: DocClause): { text: string; size: number; before: number } {
  return { text: `${c.label}${c.title ?? ''}`, size: c.hl <= 2 ? 13 : 11.5, before: c.hl <= 2 ? 12 : 6 };
}

/**
 * What must stay on the page with the start of a block: its first two lines; for a titled clause its
 * heading and what must stay with that (a chain of headings moves as one).
 */
function lead(doc: Doc, b: DocBlock, indent: number): number {
  const c = b.clause;
  if (!c) return firstLines(doc, b.items[0] ?? '', width(doc) - indent - 12);
  if (!c.titled) {
    const gutter = c.label ? gutterFor(doc, c.label) : 0;
    return firstLines(doc, c.text ?? '', width(doc) - indent - gutter);
  }
  const h = clauseHeading(c);
  return headingHeight(doc, h.text, h.size, h.before) + after(doc, c, indent);
}

/** What must follow a titled clause's heading on its page: its text's first two lines, or its first block's lead. */
function after(doc: Doc, c: DocClause, indent: number): number {
  if (c.text) return firstLines(doc, c.text, width(doc) - indent);
  const first = c.blocks[0];
  return first ? lead(doc, first, indent) : 0;
}

/**
 * A clause as written: a titled clause is a heading, an untitled one a paragraph with its number. `next` is
 * what must stay with the clause's end: a heading with nothing under it (`6.0 相关支持文件`) keeps with it.
 */
function clause(doc: Doc, c: DocClause, indent: number, outline: PDFKit.PDFOutline, next: number): void {
  let inner = outline;
  if (c.titled) {
    const { text, size, before } = clauseHeading(c);
    heading(doc, text, size, before, after(doc, c, indent) || next);
    inner = outline.addItem(text);
    if (c.text) paragraph(doc, c.text, indent);
  } else {
    hanging(doc, c.label, c.text ?? '', indent, c.label ? gutterFor(doc, c.label) : 0);
  }
  const childIndent = c.titled ? indent : indent + 12;
  blocks(doc, c.blocks, childIndent, inner, next);
}

/** A list of blocks; each is told what follows it (the next block's lead, or `next` after the last). */
function blocks(
  doc: Doc,
  list: readonly DocBlock[],
  indent: number,
  outline: PDFKit.PDFOutline,
  next: number,
): void {
  list.forEach((b, i) => {
    const following = list[i + 1];
    const then = following ? lead(doc, following, indent) : next;
    if (b.clause) clause(doc, b.clause, indent, outline, then);
    for (const item of b.items) paragraph(doc, item, indent + 12);
  });
}

function body(doc: Doc, list: readonly DocBlock[], outline: PDFKit.PDFOutline, next: number): void {
  blocks(doc, list, 0, outline, next);
}

interface Column {
  readonly title: string;
  readonly weight: number;
}

const CELL_PAD = 4;

/** Column widths of a table across the text block, and the height a row of cells takes in them. */
function tableMeasure(doc: Doc, columns: readonly Column[], size: number) {
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * width(doc));
  /** The width a cell's text is set in (narrower when its last line would hold one character). */
  const cellWidth = (t: string, w: number, font: string) =>
    t ? noLoneLastChar(doc, t, w, `${font}/${size}`, 1) : w;
  const rowHeight = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(size);
    const heights = cells.map((t, i) =>
      doc.heightOfString(t || ' ', {
        width: cellWidth(t, (widths[i] ?? 0) - 2 * CELL_PAD, font),
        lineGap: 1,
      }),
    );
    return Math.max(...heights) + 2 * CELL_PAD;
  };
  return { widths, pad: CELL_PAD, rowHeight, cellWidth };
}

/** Height of a table's header row and first row: what a heading before it keeps on its page. */
function tableLead(
  doc: Doc,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  size: number,
  withHeader = true,
): number {
  const { rowHeight } = tableMeasure(doc, columns, size);
  return (
    (withHeader
      ? rowHeight(
          columns.map((c) => c.title),
          BOLD,
        )
      : 0) + (rows[0] ? rowHeight(rows[0], REGULAR) : 0)
  );
}

/** A table with borders; rows move to the next page whole, and the header is repeated there. */
function table(
  doc: Doc,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  size = 9,
  withHeader = true,
): void {
  const { widths, pad, rowHeight, cellWidth } = tableMeasure(doc, columns, size);
  const drawRow = (cells: readonly string[], font: string, shade: boolean) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    let x = MARGIN.left;
    cells.forEach((t, i) => {
      const w = widths[i] ?? 0;
      if (shade) doc.rect(x, y, w, h).fillColor(ink(0.07)).fill().fillColor(BLACK);
      doc.lineWidth(0.5).rect(x, y, w, h).stroke();
      doc.font(font).fontSize(size);
      doc.text(t, x + pad, y + pad, { width: cellWidth(t, w - 2 * pad, font), lineGap: 1 });
      x += w;
    });
    doc.y = y + h;
    doc.x = MARGIN.left;
  };
  const header = columns.map((c) => c.title);
  need(doc, tableLead(doc, columns, rows, size, withHeader));
  if (withHeader) drawRow(header, BOLD, true);
  for (const r of rows) {
    const h = rowHeight(r, REGULAR);
    if (doc.y + h > bottom(doc)) {
      doc.addPage();
      if (withHeader) drawRow(header, BOLD, true);
    }
    drawRow(r, REGULAR, false);
  }
  doc.y += GAP * 2;
}

function coverTable(doc: Doc, rows: readonly CoverRow[]): void {
  table(
    doc,
    [
      { title: '项目', weight: 1 },
      { title: '内容', weight: 4 },
    ],
    rows.map((r) => [r.label, r.value]),
    9.5,
    false,
  );
}

const REVISION_COLUMNS: readonly Column[] = [
  { title: '版本', weight: 0.7 },
  { title: '日期', weight: 1.3 },
  { title: '类型', weight: 1 },
  { title: '摘要', weight: 3.5 },
  { title: '批准', weight: 1.4 },
];

const revisionRows = (t: RevisionTable) =>
  t.rows.map((r) => [r.version, r.date, r.type, r.summary, r.approver]);

function revisions(doc: Doc, t: RevisionTable, size: number): void {
  heading(doc, t.title, size, 12, tableLead(doc, REVISION_COLUMNS, revisionRows(t), 8.5));
  table(doc, REVISION_COLUMNS, revisionRows(t), 8.5);
}

/** The revision table's heading, header row and first row: what the end of the body keeps with. */
function revisionsLead(doc: Doc, t: RevisionTable, size: number): number {
  return headingHeight(doc, t.title, size, 12) + tableLead(doc, REVISION_COLUMNS, revisionRows(t), 8.5);
}

/** An appendix: its title, then its tables (the clause column narrow, the last column wide). */
const columnsOf = (t: Appendix['tables'][number]): Column[] =>
  t.columns.map((title, i, all) => ({
    title,
    weight: i === 0 ? 0.8 : i === all.length - 1 ? 3 : 1.6,
  }));

/** An appendix's heading and what it keeps with (its first table's header and first row). */
function appendixLead(doc: Doc, a: Appendix): number {
  return headingHeight(doc, a.title, 12.5, 16) + appendixKeep(doc, a);
}

function appendixKeep(doc: Doc, a: Appendix): number {
  const first = a.tables[0];
  const keep = !first
    ? 0
    : first.caption
      ? firstLines(doc, first.caption, width(doc))
      : tableLead(
          doc,
          columnsOf(first),
          first.rows.map((r) => r.cells),
          8.5,
        );
  return keep;
}

function appendix(doc: Doc, a: Appendix, outline: PDFKit.PDFOutline): void {
  heading(doc, a.title, 12.5, 16, appendixKeep(doc, a));
  outline.addItem(a.title);
  for (const t of a.tables) {
    if (t.caption) paragraph(doc, t.caption);
    table(
      doc,
      columnsOf(t),
      t.rows.map((r) => r.cells),
      8.5,
    );
  }
}

function sopBody(doc: Doc, v: SopView, outline: PDFKit.PDFOutline): void {
  const first = v.appendices[0];
  body(doc, v.body, outline, first ? appendixLead(doc, first) : revisionsLead(doc, v.revisions, 13));
  for (const a of v.appendices) appendix(doc, a, outline);
  revisions(doc, v.revisions, 13);
  outline.addItem(v.revisions.title);
}

/** The mark (受控, or 草稿 DRAFT for a draft) at the head of a page, boxed, in the top margin's right corner. */
function controlledMark(doc: Doc, text: string): void {
  doc.font(BOLD).fontSize(10).fillColor(BLACK);
  const w = doc.widthOfString(text) + 10;
  const h = 16;
  const x = doc.page.width - MARGIN.right - w;
  const y = MARGIN.top - h - 14;
  doc.lineWidth(0.8).rect(x, y, w, h).stroke();
  doc.text(text, x, y + 3, { width: w, align: 'center', lineBreak: false });
}

/**
 * On every buffered page: the mark 受控 when the document is controlled, and the footer (title, version,
 * "第 n 页 共 N 页"), except on pages listed in `skip` (the manual's cover has no footer).
 */
function pageMarks(doc: Doc, left: string, mark: string | null, skip: ReadonlySet<number> = new Set()): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margins would start a new page; lift them for the marks.
    const saved = { ...doc.page.margins };
    doc.page.margins.bottom = 0;
    doc.page.margins.top = 0;
    if (mark !== null) controlledMark(doc, mark);
    if (!skip.has(i)) {
      const y = doc.page.height - MARGIN.bottom + 24;
      doc.font(REGULAR).fontSize(8).fillColor(ink(0.67));
      doc.text(left, MARGIN.left, y, { width: width(doc) * 0.7, lineBreak: false });
      doc.text(pageText(i + 1 - range.start, range.count), MARGIN.left, y, {
        width: width(doc),
        align: 'right',
        lineBreak: false,
      });
      doc.fillColor(BLACK);
    }
    doc.page.margins.bottom = saved.bottom;
    doc.page.margins.top = saved.top;
  }
}

/**
 * The PDF of one procedure SOP.
 *
 * @example
 * const bytes = await renderSopPdf(procedureView(sop));
 */
export async function renderSopPdf(v: SopView): Promise<Uint8Array> {
  const { doc, finish } = open(v.heading, v.date);
  doc.addPage();
  doc
    .font(BOLD)
    .fontSize(17)
    .text(v.heading, MARGIN.left, doc.y, { width: width(doc), align: 'center' });
  doc.y += 10;
  coverTable(doc, v.cover);
  sopBody(doc, v, doc.outline);
  pageMarks(doc, `${v.heading}　版本 ${v.cover.find((r) => r.label === '版本')?.value ?? ''}`, v.mark);
  return finish();
}

/**
 * The PDF of the manual: cover, the manual's own clauses and its revisions, then one chapter per procedure,
 * each starting on a new page.
 */
export async function renderManualPdf(v: ManualView): Promise<Uint8Array> {
  const { doc, finish } = open(v.heading, v.date);
  doc.addPage();
  doc.y = doc.page.height * 0.28;
  doc
    .font(BOLD)
    .fontSize(24)
    .text(v.heading, MARGIN.left, doc.y, { width: width(doc), align: 'center' });
  doc.y += 36;
  coverTable(doc, v.cover);

  doc.addPage();
  body(doc, v.body, doc.outline, revisionsLead(doc, v.revisions, 13));
  revisions(doc, v.revisions, 13);
  doc.outline.addItem(v.revisions.title);
  for (const c of v.chapters) {
    doc.addPage();
    doc
      .font(BOLD)
      .fontSize(15)
      .text(c.heading, MARGIN.left, doc.y, { width: width(doc), align: 'center' });
    doc.y += 4;
    doc
      .font(REGULAR)
      .fontSize(9)
      .fillColor(ink(0.73))
      .text(c.meta, MARGIN.left, doc.y, { width: width(doc), align: 'center' });
    doc.fillColor(BLACK);
    doc.y += 8;
    const item = doc.outline.addItem(c.heading);
    sopBody(doc, c, item);
  }
  pageMarks(
    doc,
    `${v.heading}　版本 ${v.cover.find((r) => r.label === '版本')?.value ?? ''}`,
    v.mark,
    new Set([0]),
  );
  return finish();
}
