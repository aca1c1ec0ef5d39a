import type { Form, ProcedureSop } from '../../model/types.js';
import { bookSheet } from '../../render/pdf/book-plan.js';
import {
  blankFormSheet,
  checklistCapacity,
  columnsFitAcross,
  formOrientation,
  lays,
  type Size,
} from '../../render/pdf/layout.js';
import { MM, PAPER_SIZES, type PaperSize } from '../../render/pdf/units.js';
import type { SopRule } from './sop-rules.js';

/** Where a form is printed: the blank A4 form (`build`) and a book page at each offered size. */
export interface PrintSize {
  /** As the messages name it: `A4`, `A5`, `B5`, or `A4 空白表格` for the blank form. */
  readonly zh: string;
  readonly en: string;
  readonly portrait: Size;
  readonly landscape: Size;
  /**
   * A size the SOP is not necessarily printed at (a book size `validate` checks ahead of `book`): a form
   * that does not fit there is a warning, and an error only when `book` is asked for that size.
   */
  readonly ahead?: boolean;
}

/** The binding gutter of a book when `book --gutter` is not given. */
export const BOOK_GUTTER = 15 * MM;

/** A book page at `size` with the book's defaults (15 mm gutter, no bleed or crop marks), or the given ones. */
export function bookPrintSize(size: PaperSize, gutter = BOOK_GUTTER): PrintSize {
  const opts = {
    form: '',
    pages: 1,
    size,
    duplex: false,
    gutter,
    bleed: 0,
    cropMarks: false,
    firstSerial: 1,
  };
  return {
    zh: `${size} 记录本`,
    en: `an ${size} book`,
    portrait: bookSheet(opts, 'portrait').content('recto'),
    landscape: bookSheet(opts, 'landscape').content('recto'),
  };
}

function blankPrintSize(form: Form): PrintSize {
  const box = blankFormSheet(form).content('recto');
  return { zh: 'A4 空白表格', en: 'the blank A4 form', portrait: box, landscape: box };
}

/**
 * Every form lays out with the handwriting minimums kept (`src/render/pdf/handwriting.ts`: writing rows
 * 7 mm, check boxes 3.5 mm, labels 9 pt, footnotes 7 pt, signature lines 40 mm, columns as wide as what
 * they hold) on its blank A4 form and in a book at every offered size, by the layout's own reflow rules
 * (`layoutForm`), so `build` and `book` never meet a form they cannot print. One diagnostic a form, for the
 * first size where it fails:
 * - a register whose columns do not fit across two pages even in landscape: `REGISTER_TOO_WIDE` at its
 *   `columns`;
 * - a checklist with more items than a shift can print: `CHECKLIST_TOO_LONG` at the first item that does
 *   not fit;
 * - a form that does not fit even without a checklist: `FORM_TOO_FULL` at its `rows` (or the form).
 */
export function formsMeetHandwritingMinimums(sizes?: (form: Form) => readonly PrintSize[]): SopRule {
  return ({ written: w, sop, report }) => {
    if (sop.kind !== 'procedure') return;
    for (const form of sop.forms) {
      if (form.kind === 'roster') continue;
      const where = sizes
        ? sizes(form)
        : [blankPrintSize(form), ...PAPER_SIZES.map((s) => ({ ...bookPrintSize(s), ahead: true }))];
      checkForm(sop, form, where, w.forms?.[form.id]?.rows !== undefined, report);
    }
  };
}

function checkForm(
  sop: ProcedureSop,
  form: Form,
  where: readonly PrintSize[],
  rowsWritten: boolean,
  report: Parameters<SopRule>[0]['report'],
): void {
  const checklist = sop.checklists.find((c) => c.id === form.checklist);
  for (const at of where) {
    // Every `build` prints the blank form; a book size is only a warning until `book` asks for it.
    const severity = at.ahead ? ('warning' as const) : undefined;
    const size = { sizeZh: at.zh, sizeEn: at.en };
    const box = formOrientation(form, at.portrait, at.landscape) === 'landscape' ? at.landscape : at.portrait;
    const across = columnsFitAcross(form, box);
    if (across !== null) {
      report.at(
        ['forms', form.id, 'columns'],
        'REGISTER_TOO_WIDE',
        {
          form: form.id,
          columns: form.columns.length,
          need: Math.ceil(across / MM),
          have: Math.floor(Math.max(at.portrait.w, at.landscape.w) / MM),
          ...size,
        },
        { severity },
      );
      return;
    }
    // The count of items that fit is only worked out (by laying the form out again) when it does not fit.
    if (lays(sop, form, box)) continue;
    const capacity = checklistCapacity(sop, form, box);
    if (capacity >= 0 && checklist && checklist.items.length > capacity && Number.isFinite(capacity)) {
      const list = checklist.kind === 'round' ? 'points' : 'items';
      report.at(
        ['checklists', checklist.id, list, capacity],
        'CHECKLIST_TOO_LONG',
        { checklist: checklist.id, items: checklist.items.length, form: form.id, capacity, ...size },
        { severity },
      );
    } else
      report.at(
        ['forms', form.id, ...(rowsWritten ? ['rows'] : [])],
        'FORM_TOO_FULL',
        { form: form.id, ...size },
        { key: !rowsWritten, severity },
      );
    return;
  }
}
