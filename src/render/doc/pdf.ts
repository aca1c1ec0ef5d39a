/**
 * The SOP document and the manual as PDF, laid out with pdfkit from the same view the templates use.
 * A4, Noto Sans Hans embedded (subset), page footer "第 n 页 / 共 N 页", PDF outline (bookmarks) of the
 * titled clauses and appendices, and for the manual a cover and one chapter per procedure.
 * Deterministic: CreationDate/ModDate come from the document's latest revision date.
 */
import { pdfBytes } from '../pdf/bytes.js';
import { loadFont } from '../pdf/font.js';
import { PDFDocument } from '../pdf/pdfkit.js';
import type { Appendix, CoverRow, DocBlock, DocClause, ManualView, RevisionTable, SopView } from './view.js';

const REGULAR = 'doc-zh';
const BOLD = 'doc-zh-bold';
const MARGIN = { top: 60, bottom: 64, left: 62, right: 62 };
const BODY = 10.5;
const GAP = 4;

type Doc = PDFKit.PDFDocument;

function open(title: string, date: string): { doc: Doc; finish(): Promise<Uint8Array> } {
  const when = new Date(`${date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: false,
    compress: true,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: title,
      Creator: 'sopforge',
      Producer: 'sopforge (pdfkit)',
      CreationDate: when,
      ModDate: when,
    },
  });
  doc.registerFont(REGULAR, loadFont('Regular') as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont(BOLD, loadFont('Bold') as unknown as PDFKit.Mixins.PDFFontSource);
  const done = pdfBytes(doc);
  return {
    doc,
    finish() {
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

function heading(doc: Doc, text: string, size: number, before = 10): void {
  doc.font(BOLD).fontSize(size);
  const h = doc.heightOfString(text, { width: width(doc) });
  need(doc, h + before + BODY * 6);
  doc.y += before;
  doc.text(text, MARGIN.left, doc.y, { width: width(doc) });
  doc.y += GAP;
}

/** A paragraph with a hanging number (or bullet) in the left gutter. */
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
  need(doc, doc.currentLineHeight(true) * 2);
  const y = doc.y;
  if (mark) doc.font(markFont).text(mark, x, y, { width: gutter, lineBreak: false });
  doc.font(REGULAR).text(text, x + gutter, y, { width: w, lineGap: 2 });
  doc.y += GAP;
}

function paragraph(doc: Doc, text: string, indent = 0): void {
  doc.font(REGULAR).fontSize(BODY);
  need(doc, doc.currentLineHeight(true) * 2);
  doc.text(text, MARGIN.left + indent, doc.y, { width: width(doc) - indent, lineGap: 2 });
  doc.y += GAP;
}

function gutterFor(doc: Doc, label: string): number {
  doc.font(BOLD).fontSize(BODY);
  return Math.ceil(doc.widthOfString(label)) + 2;
}

/** A clause as written: a titled clause is a heading, an untitled one a paragraph with its number. */
function clause(doc: Doc, c: DocClause, indent: number, outline: PDFKit.PDFOutline): void {
  let inner = outline;
  if (c.titled) {
    const text = `${c.label}${c.title ?? ''}`;
    heading(doc, text, c.hl <= 2 ? 13 : 11.5, c.hl <= 2 ? 12 : 6);
    inner = outline.addItem(text);
    if (c.text) paragraph(doc, c.text, indent);
  } else {
    hanging(doc, c.label, c.text ?? '', indent, c.label ? gutterFor(doc, c.label) : 0);
  }
  const childIndent = c.titled ? indent : indent + 12;
  for (const b of c.blocks) block(doc, b, childIndent, inner);
}

function block(doc: Doc, b: DocBlock, indent: number, outline: PDFKit.PDFOutline): void {
  if (b.clause) clause(doc, b.clause, indent, outline);
  for (const item of b.items) paragraph(doc, item, indent + 12);
}

function body(doc: Doc, blocks: readonly DocBlock[], outline: PDFKit.PDFOutline): void {
  for (const b of blocks) block(doc, b, 0, outline);
}

interface Column {
  readonly title: string;
  readonly weight: number;
}

/** A table with borders; rows move to the next page whole, and the header is repeated there. */
function table(
  doc: Doc,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  size = 9,
  withHeader = true,
): void {
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * width(doc));
  const pad = 4;
  const rowHeight = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(size);
    return (
      Math.max(
        ...cells.map((t, i) =>
          doc.heightOfString(t || ' ', { width: (widths[i] ?? 0) - 2 * pad, lineGap: 1 }),
        ),
      ) +
      2 * pad
    );
  };
  const drawRow = (cells: readonly string[], font: string, shade: boolean) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    let x = MARGIN.left;
    cells.forEach((t, i) => {
      const w = widths[i] ?? 0;
      if (shade) doc.rect(x, y, w, h).fillColor('#eeeeee').fill().fillColor('black');
      doc.lineWidth(0.5).rect(x, y, w, h).stroke();
      doc
        .font(font)
        .fontSize(size)
        .text(t, x + pad, y + pad, { width: w - 2 * pad, lineGap: 1 });
      x += w;
    });
    doc.y = y + h;
    doc.x = MARGIN.left;
  };
  const header = columns.map((c) => c.title);
  need(doc, (withHeader ? rowHeight(header, BOLD) : 0) + (rows[0] ? rowHeight(rows[0], REGULAR) : 0));
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

function revisions(doc: Doc, t: RevisionTable, size: number): void {
  heading(doc, t.title, size, 12);
  table(
    doc,
    [
      { title: '版本', weight: 0.7 },
      { title: '日期', weight: 1.3 },
      { title: '类型', weight: 1 },
      { title: '复审人', weight: 1.2 },
      { title: '摘要', weight: 3.5 },
    ],
    t.rows.map((r) => [r.version, r.date, r.type, r.by, r.summary]),
    8.5,
  );
}

/** An appendix: its title, then its tables (the clause column narrow, the last column wide). */
function appendix(doc: Doc, a: Appendix, outline: PDFKit.PDFOutline): void {
  heading(doc, a.title, 12.5, 16);
  outline.addItem(a.title);
  for (const t of a.tables) {
    if (t.caption) paragraph(doc, t.caption);
    const n = t.columns.length;
    table(
      doc,
      t.columns.map((title, i) => ({ title, weight: i === 0 ? 0.8 : i === n - 1 ? 3 : 1.6 })),
      t.rows.map((r) => r.cells),
      8.5,
    );
  }
}

function sopBody(doc: Doc, v: SopView, outline: PDFKit.PDFOutline): void {
  body(doc, v.body, outline);
  for (const a of v.appendices) appendix(doc, a, outline);
  revisions(doc, v.revisions, 13);
  outline.addItem(v.revisions.title);
}

/** Footer on every buffered page: title, version and "第 n 页 / 共 N 页". Skips pages listed in `skip`. */
function footers(doc: Doc, left: string, skip: ReadonlySet<number> = new Set()): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    if (skip.has(i)) continue;
    doc.switchToPage(i);
    const y = doc.page.height - MARGIN.bottom + 24;
    // Writing below the bottom margin would start a new page; lift it for the footer.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor('#555555');
    doc.text(left, MARGIN.left, y, { width: width(doc) * 0.7, lineBreak: false });
    const pageText = `第 ${i + 1} 页 / 共 ${range.count} 页`;
    doc.text(pageText, MARGIN.left, y, { width: width(doc), align: 'right', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.bottom = saved;
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
  footers(doc, `${v.heading}　版本 ${v.cover.find((r) => r.label === '版本')?.value ?? ''}`);
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
  body(doc, v.body, doc.outline);
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
      .fillColor('#444444')
      .text(c.meta, MARGIN.left, doc.y, { width: width(doc), align: 'center' });
    doc.fillColor('black');
    doc.y += 8;
    const item = doc.outline.addItem(c.heading);
    sopBody(doc, c, item);
  }
  footers(doc, `${v.heading}　版本 ${v.cover.find((r) => r.label === '版本')?.value ?? ''}`, new Set([0]));
  return finish();
}
