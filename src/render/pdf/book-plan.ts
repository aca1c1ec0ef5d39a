import type { Form, ProcedureSop } from '../../model/types.js';
import type { BookOptions } from './book.js';
import { RenderError } from './errors.js';
import { type MeasuredSize, measureHandwriting } from './handwriting.js';
import { layoutTablePage, type PageLayout, prefersLandscape } from './layout.js';
import { makeSheet, type Sheet } from './sheet.js';
import { MM } from './units.js';

/** Margin inside the trim of a book page, on every side (the gutter comes on top on the binding edge). */
export const BOOK_MARGIN = 10 * MM;

/** How a book is laid out, before anything is drawn (pure: no pdfkit, for `book --dry-run`). */
export interface BookPlan {
  readonly sheet: Sheet;
  readonly recto: PageLayout;
  /** A verso mirrors the page number and serial to its outer (left) edge; the recto layout in simplex. */
  readonly verso: PageLayout;
  /** Physical pages: the cover, in duplex its blank back, the numbered pages, a blank last page if padded. */
  readonly physicalPages: number;
  /** Duplex with an odd page count: a blank last page makes the book whole sheets. */
  readonly padded: boolean;
  /** The sizes a numbered page gives the writer, beside the handwriting minimums. */
  readonly sizes: readonly MeasuredSize[];
}

export function planBook(sop: ProcedureSop, form: Form, opts: BookOptions): BookPlan {
  try {
    const sheet = makeSheet({
      size: opts.size,
      orientation: prefersLandscape(form) ? 'landscape' : 'portrait',
      bleed: opts.bleed,
      cropMarks: opts.cropMarks,
      gutter: opts.gutter,
      margin: BOOK_MARGIN,
      duplex: opts.duplex,
    });
    const recto = layoutTablePage(sop, form, sheet.content('recto'));
    const verso = opts.duplex ? layoutTablePage(sop, form, sheet.content('verso'), 'verso') : recto;
    const padded = opts.duplex && opts.pages % 2 === 1;
    return {
      sheet,
      recto,
      verso,
      physicalPages: 1 + (opts.duplex ? 1 : 0) + opts.pages + (padded ? 1 : 0),
      padded,
      sizes: measureHandwriting(recto),
    };
  } catch (err) {
    if (err instanceof RangeError)
      throw new RenderError(`${form.id} does not fit on ${opts.size}: ${err.message}`);
    throw err;
  }
}
