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
} as const;

/** One measured size of a page beside its minimum. */
export interface MeasuredSize {
  readonly what: 'writingRow' | 'checkBox' | 'smallestText';
  /** The size on the page (mm for rows and boxes, pt for text); `null` when the page has none. */
  readonly value: number | null;
  readonly minimum: number;
  readonly unit: 'mm' | 'pt';
  readonly ok: boolean;
}

/**
 * The sizes a laid-out page gives the person filling it in, read from what the page draws: the writing
 * rows' height, the smallest check box (a square outline drawn as a box) and the smallest text.
 *
 * Labels and signature lines are not told apart from other text and lines in the drawing, so they are not
 * measured here; the smallest text is compared with the footnote minimum.
 *
 * @example
 * const sizes = measureHandwriting(layoutTablePage(sop, form, sheet.content('recto')));
 * const tooSmall = sizes.filter((s) => !s.ok);
 */
export function measureHandwriting(layout: PageLayout): MeasuredSize[] {
  let box: number | null = null;
  let text: number | null = null;
  for (const op of layout.fixed.ops) {
    if (op.kind === 'rect' && Math.abs(op.w - op.h) < 1e-6 && op.w < 10 * MM)
      box = box === null ? op.w : Math.min(box, op.w);
    if (op.kind === 'text') text = text === null ? op.size : Math.min(text, op.size);
  }
  const m = HANDWRITING_MINIMUMS;
  const row = layout.writingRows > 0 ? layout.rowHeight / MM : null;
  const boxMm = box === null ? null : box / MM;
  return [
    {
      what: 'writingRow',
      value: row,
      minimum: m.writingRowMm,
      unit: 'mm',
      ok: row === null || row >= m.writingRowMm,
    },
    {
      what: 'checkBox',
      value: boxMm,
      minimum: m.checkBoxMm,
      unit: 'mm',
      ok: boxMm === null || boxMm >= m.checkBoxMm,
    },
    {
      what: 'smallestText',
      value: text,
      minimum: m.footnotePt,
      unit: 'pt',
      ok: text === null || text >= m.footnotePt,
    },
  ];
}
