import type { FieldType } from '../../model/types.js';
import type { PageLayout } from './layout.js';
import { MM } from './units.js';

/**
 * What a person needs to write in a printed form, as data: the smallest sizes a form may have at any
 * paper size. Sources: the brief for print shops (rows at least 7 mm for handwriting, check boxes
 * 3.5 mm, labels 9 pt, footnotes 7 pt, a signature line 40 mm long).
 */
export const HANDWRITING_MINIMUMS = {
  /** Height of a writing row, millimetres. */
  writingRowMm: 7,
  /** Side of a check box, millimetres. */
  checkBoxMm: 3.5,
  /** Printed labels (column heads, field names), points. */
  labelPt: 9,
  /** The smallest printed text (footnotes, trace line), points. */
  footnotePt: 7,
  /** Length of a signature line, millimetres. */
  signatureLineMm: 40,
  /** Clear space on each side of what a column holds, millimetres. */
  cellPaddingMm: 1,
} as const;

/**
 * What a column of each type holds, written at the label size: the column is at least this wide (plus
 * its padding). A phone number is 11 digits (a mainland mobile number), a date 年-月-日 in digits, a name
 * (a signature column) three characters, free text at least three characters a line. Enum and boolean
 * columns hold their tick boxes with the options' labels, on one line (see `layout.ts`).
 */
export const COLUMN_HOLDS: Readonly<Record<Exclude<FieldType, 'enum' | 'boolean'>, string>> = {
  phone: '00000000000',
  date: '0000-00-00',
  time: '00:00',
  datetime: '00-00 00:00',
  number: '000000',
  signature: '签名人',
  text: '文字行',
};

/** One measured size of a page beside its minimum. */
export interface MeasuredSize {
  readonly what: 'writingRow' | 'checkBox' | 'labelText' | 'smallestText' | 'signatureLine' | 'column';
  /** The size on the page (mm for rows and boxes, pt for text); `null` when the page has none. */
  readonly value: number | null;
  readonly minimum: number;
  readonly unit: 'mm' | 'pt';
  readonly ok: boolean;
  /** For `column`: the label of the tightest column (its width beside what it must hold). */
  readonly label?: string;
}

/**
 * The sizes the pages of a form give the person filling it in, read from what the pages draw: the writing
 * rows' height, the smallest check box (a square outline), the smallest label and the smallest text of
 * any kind, the shortest signature line, and the column that is tightest for what it holds. Each is the
 * smallest over `pages` (the pages of one shift or one register sheet).
 *
 * @example
 * const sizes = measureHandwriting(layoutForm(sop, form, sheet.content('recto')).pages);
 * const tooSmall = sizes.filter((s) => !s.ok);
 */
export function measureHandwriting(pages: readonly PageLayout[]): MeasuredSize[] {
  let box: number | null = null;
  let text: number | null = null;
  let label: number | null = null;
  let sign: number | null = null;
  let row: number | null = null;
  let column: { label: string; width: number; holds: number } | null = null;
  const min = (a: number | null, b: number): number => (a === null ? b : Math.min(a, b));
  for (const page of pages) {
    for (const op of page.fixed.ops) {
      if (op.kind === 'rect' && Math.abs(op.w - op.h) < 1e-6 && op.w < 10 * MM) box = min(box, op.w);
      if (op.kind === 'text') {
        text = min(text, op.size);
        if (op.role === 'label') label = min(label, op.size);
      }
      if (op.kind === 'line' && op.role === 'signature')
        sign = min(sign, Math.hypot(op.x2 - op.x1, op.y2 - op.y1));
    }
    if (page.writingRows > 0) row = min(row, page.rowHeight);
    for (const c of page.columns)
      if (column === null || c.width - c.holds < column.width - column.holds) column = c;
  }
  const m = HANDWRITING_MINIMUMS;
  const mm = (v: number | null): number | null => (v === null ? null : v / MM);
  const size = (
    what: MeasuredSize['what'],
    value: number | null,
    minimum: number,
    unit: 'mm' | 'pt',
  ): MeasuredSize => ({ what, value, minimum, unit, ok: value === null || value >= minimum - 1e-6 });
  const out = [
    size('writingRow', mm(row), m.writingRowMm, 'mm'),
    size('checkBox', mm(box), m.checkBoxMm, 'mm'),
    size('labelText', label, m.labelPt, 'pt'),
    size('smallestText', text, m.footnotePt, 'pt'),
    size('signatureLine', mm(sign), m.signatureLineMm, 'mm'),
  ];
  if (column) {
    const need = column.holds / MM;
    out.push({
      what: 'column',
      value: column.width / MM,
      minimum: Number(need.toFixed(1)),
      unit: 'mm',
      ok: column.width >= column.holds - 1e-6,
      label: column.label,
    });
  }
  return out;
}
