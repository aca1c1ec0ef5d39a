import type { Form, ProcedureSop } from '../../model/types.js';
import type { BookOptions } from './book.js';
import { RenderError } from './errors.js';
import { type MeasuredSize, measureHandwriting } from './handwriting.js';
import {
  type FormLayout,
  formOrientation,
  layoutForm,
  type PageLayout,
  type ReflowRule,
  type Side,
} from './layout.js';
import { makeSheet, type Sheet } from './sheet.js';
import { MM, type Orientation } from './units.js';

/** Margin inside the trim of a book page, on every side (the gutter comes on top on the binding edge). */
export const BOOK_MARGIN = 10 * MM;

/** How a book is laid out, before anything is drawn (pure: no pdfkit, for `book --dry-run`). */
export interface BookPlan {
  readonly sheet: Sheet;
  /** How one shift (or register sheet) is laid out at this size (`ReflowRule`). */
  readonly rule: ReflowRule;
  /** The pages of one shift or sheet on the recto side; `verso`: mirrored for a verso (the recto layout in simplex). */
  readonly recto: FormLayout;
  readonly verso: FormLayout;
  /** Pages of one shift or sheet (1, or 2 for a continuation page or a spread). */
  readonly group: number;
  /** Numbered pages: the pages asked for, rounded up to whole shifts or sheets. */
  readonly pages: number;
  /**
   * Duplex with two pages a shift: a blank page before page 1 makes page 1 a verso, so the two pages of
   * every shift face each other as a spread.
   */
  readonly lead: boolean;
  /** Physical pages: the cover, in duplex its blank back, a lead page, the numbered pages, a blank last page if padded. */
  readonly physicalPages: number;
  /** Duplex with an odd page count: a blank last page makes the book whole sheets. */
  readonly padded: boolean;
  /** The smallest sizes the pages of a shift give the writer, beside the handwriting minimums. */
  readonly sizes: readonly MeasuredSize[];
}

/** The sheet of a book page at the options' size, in `orientation`. */
export function bookSheet(opts: BookOptions, orientation: Orientation): Sheet {
  return makeSheet({
    size: opts.size,
    orientation,
    bleed: opts.bleed,
    cropMarks: opts.cropMarks,
    gutter: opts.gutter,
    margin: BOOK_MARGIN,
    duplex: opts.duplex,
  });
}

/** The side numbered page `n` (from 1) is printed on, and its place in its shift. */
export function pageSide(plan: BookPlan, duplex: boolean, n: number): { side: Side; layout: PageLayout } {
  const side: Side = duplex && (n + (plan.lead ? 1 : 0)) % 2 === 0 ? 'verso' : 'recto';
  const pages = (side === 'verso' ? plan.verso : plan.recto).pages;
  const layout = pages[(n - 1) % plan.group] ?? pages[0];
  if (!layout) throw new RenderError({ zh: '没有可用的版面', en: 'no page layout' });
  return { side, layout };
}

export function planBook(sop: ProcedureSop, form: Form, opts: BookOptions): BookPlan {
  try {
    const orientation = formOrientation(
      form,
      bookSheet(opts, 'portrait').content('recto'),
      bookSheet(opts, 'landscape').content('recto'),
    );
    const sheet = bookSheet(opts, orientation);
    const recto = layoutForm(sop, form, sheet.content('recto'));
    const verso = opts.duplex ? layoutForm(sop, form, sheet.content('verso'), 'verso') : recto;
    const group = recto.pages.length;
    const pages = Math.ceil(opts.pages / group) * group;
    const lead = opts.duplex && group === 2;
    const padded = opts.duplex && (pages + (lead ? 1 : 0)) % 2 === 1;
    return {
      sheet,
      rule: recto.rule,
      recto,
      verso,
      group,
      pages,
      lead,
      physicalPages: 1 + (opts.duplex ? 1 : 0) + (lead ? 1 : 0) + pages + (padded ? 1 : 0),
      padded,
      sizes: measureHandwriting([...recto.pages, ...(verso === recto ? [] : verso.pages)]),
    };
  } catch (err) {
    if (err instanceof RangeError)
      throw new RenderError({
        zh: `${form.id} 在 ${opts.size} 上排不下：${err.message}`,
        en: `${form.id} does not fit on ${opts.size}: ${err.message}`,
      });
    throw err;
  }
}
