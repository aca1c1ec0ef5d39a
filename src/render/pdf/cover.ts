import type { Sop } from '../../model/types.js';
import type { BookOptions } from './book.js';
import { coverArea, coverSketch, findForm, pageText, serialText } from './book.js';
import { type BookPlan, planBook } from './book-plan.js';
import { scaleFor } from './layout.js';
import {
  checkCoverage,
  makeXObject,
  openDocument,
  paint,
  placeXObject,
  RenderError,
  sopDate,
} from './paint.js';
import { cropMarkInset, drawCropMarksAt } from './sheet.js';
import { balanced, Sketch } from './sketch.js';
import { MM } from './units.js';
import { recordOf, recordRuleText, sopHeading, traceText } from './wording.js';

/**
 * Thickness of one leaf of text paper per gram of its weight: uncoated offset paper has a bulk of about
 * 1.25 cm³/g, so 80 g/m² paper is 0.1 mm a leaf. `--caliper` gives the thickness itself when the print
 * shop knows it.
 */
export const CALIPER_MM_PER_GSM = 0.00125;

/** Paper of a record book when nothing is said: 80 g/m² uncoated offset (0.1 mm a leaf). */
export const DEFAULT_PAPER_GSM = 80;

/** A cover always has at least this much bleed: it is printed to the edge and trimmed. */
export const COVER_BLEED = 3 * MM;

/** Spine text is printed only on a spine at least this wide (the characters stand upright, one under another). */
const SPINE_TEXT_MIN = 5 * MM;

export interface CoverOptions {
  /** Paper weight, g/m² (default 80). */
  readonly paperGsm?: number;
  /** Thickness of one leaf, points; when given, the paper weight is not used. */
  readonly caliper?: number;
}

/** The cover sheet of a book: back, spine and front side by side, in points. */
export interface CoverPlan {
  /** Leaves of the book block (each printed on one or both sides). */
  readonly leaves: number;
  readonly caliper: number;
  readonly spine: number;
  /** One panel (front or back): the book's trim. */
  readonly panelWidth: number;
  readonly height: number;
  readonly bleed: number;
  /** Offset of the trim in the media box (room for the crop marks). */
  readonly inset: number;
  /** The whole trim: back + spine + front. */
  readonly trimWidth: number;
  readonly mediaWidth: number;
  readonly mediaHeight: number;
}

/**
 * The cover sheet for `plan`: the spine is the leaves of the book block (its physical pages, two to a
 * leaf in duplex, the inner cover page included) times the caliper of one leaf; the cover's own board is
 * not counted.
 */
export function planCover(plan: BookPlan, opts: BookOptions, cover: CoverOptions = {}): CoverPlan {
  const gsm = cover.paperGsm ?? DEFAULT_PAPER_GSM;
  const caliper = cover.caliper ?? gsm * CALIPER_MM_PER_GSM * MM;
  const leaves = opts.duplex ? Math.ceil(plan.physicalPages / 2) : plan.physicalPages;
  const spine = leaves * caliper;
  const bleed = Math.max(opts.bleed, COVER_BLEED);
  const inset = cropMarkInset(bleed);
  const panelWidth = plan.sheet.trimWidth;
  const height = plan.sheet.trimHeight;
  const trimWidth = 2 * panelWidth + spine;
  return {
    leaves,
    caliper,
    spine,
    panelWidth,
    height,
    bleed,
    inset,
    trimWidth,
    mediaWidth: trimWidth + 2 * inset,
    mediaHeight: height + 2 * inset,
  };
}

/**
 * A separate cover for a book, one sheet: the back on the left, the spine, the front on the right (a book
 * bound on its left edge), with bleed, crop marks and fold marks at the spine in the Registration colour,
 * PDF/X-4 like the book. The front is the book's cover page, centred on its panel; the spine carries the
 * form's title and the book number, upright one character under another, when it is wide enough; the back
 * the SOP, its record rule and the trace line.
 *
 * @example
 * const bytes = await renderCover(sop, { form: 'duty-log', pages: 366, size: 'A4', duplex: true,
 *   gutter: 15 * MM, bleed: 3 * MM, cropMarks: true, firstSerial: 1 }, { paperGsm: 80 });
 */
export async function renderCover(
  input: Sop,
  opts: BookOptions,
  options: CoverOptions = {},
): Promise<Uint8Array> {
  const { sop, form } = findForm(input, opts.form);
  if (form.kind === 'roster')
    throw new RenderError({
      zh: `${form.id} 是值班安排表（每月一张），不装订成册`,
      en: `${form.id} is a roster (one sheet a month), not a form to bind`,
    });
  const plan = planBook(sop, form, opts);
  const c = planCover(plan, opts, options);
  const pages = plan.pages;
  const front = coverArea(c.inset + c.panelWidth + c.spine, c.inset, c.panelWidth, c.height);
  const back = coverArea(c.inset, c.inset, c.panelWidth, c.height);
  const frontSk = coverSketch(sop, form, { ...opts, pages }, front);
  const sc = scaleFor(back.w);
  const backSk = new Sketch();
  let y = back.h * 0.3;
  backSk.text(sopHeading(sop), 0, y, sc.body * 1.1, { align: 'center', width: back.w });
  y += sc.body * 3;
  const rule = recordRuleText(recordOf(sop, form));
  for (const l of rule ? balanced(rule, sc.body, back.w * 0.7) : []) {
    backSk.text(l, 0, y, sc.body, { align: 'center', width: back.w });
    y += sc.body * 1.35;
  }
  backSk.text(traceText(sop), 0, back.h - sc.small * 1.1, sc.small, { align: 'center', width: back.w });
  const spineSk = new Sketch();
  const bookNo = Math.floor((opts.firstSerial - 1) / pages) + 1;
  if (c.spine >= SPINE_TEXT_MIN) {
    const size = Math.min(14, c.spine * 0.6);
    const stackText = (text: string, top: number): number => {
      let cy = top;
      for (const ch of text) {
        spineSk.text(ch, 0, cy, size, { align: 'center', width: c.spine });
        cy += size * 1.1;
      }
      return cy;
    };
    stackText(form.title, c.height * 0.12);
    stackText(`第${bookNo}本`, c.height * 0.7);
  }
  checkCoverage(
    [frontSk.allText(), backSk.allText(), spineSk.allText(), serialText(1), pageText(1, 1)].join(''),
    `${sop.id} / ${form.id}`,
  );
  const marks = new Sketch();
  const left = c.inset + c.panelWidth;
  drawCropMarksAt(marks, c.inset, c.trimWidth, c.height, c.bleed, [left, left + c.spine]);
  const { doc, addPage, finish } = openDocument({
    title: `${form.title} 封面（${sop.title}）`,
    subject: `${sop.id} ${sop.version} ${form.id} cover`,
    keywords: `sopforge, ${sop.id}, ${sop.sourceHash}`,
    date: sopDate(sop),
    standard: opts.pdfx === false ? null : 'PDF/X-4',
  });
  const t = c.inset;
  addPage([c.mediaWidth, c.mediaHeight], {
    trim: [t, t, t + c.trimWidth, t + c.height],
    bleed: [t - c.bleed, t - c.bleed, t + c.trimWidth + c.bleed, t + c.height + c.bleed],
  });
  placeXObject(doc, makeXObject(doc, c.mediaWidth, c.mediaHeight, marks.ops, 'Marks', 'registration'));
  paint(doc, backSk.ops, back.x, back.y);
  paint(doc, spineSk.ops, left, c.inset);
  paint(doc, frontSk.ops, front.x, front.y);
  return finish();
}
