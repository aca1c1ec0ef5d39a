import type { Sketch } from './sketch.js';
import { MM, type Orientation, type PaperSize, paperPoints } from './units.js';

/** How a page is laid on the sheet a printer prints: trim size, bleed, crop marks, margins and binding gutter. */
export interface SheetOptions {
  readonly size: PaperSize;
  readonly orientation: Orientation;
  /** Bleed beyond the trim on every side, points. */
  readonly bleed: number;
  readonly cropMarks: boolean;
  /** Extra margin on the binding edge, points. */
  readonly gutter: number;
  /** Which edge the gutter is on: the side (left, alternating in duplex; the default) or the top. */
  readonly gutterEdge?: 'side' | 'top';
  /** Margin inside the trim on every side (before the gutter), points. */
  readonly margin: number;
  /** Margin at the top and bottom instead, when the gutter is on the side (points). */
  readonly marginEnds?: number;
  /** Printed on both sides: the gutter alternates between the left (recto) and right (verso) edge. */
  readonly duplex: boolean;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Distance of the crop marks from the trim when there is no larger bleed, and their length. */
const MARK_OFFSET = 3 * MM;
const MARK_LENGTH = 5 * MM;

export interface Sheet {
  readonly options: SheetOptions;
  readonly mediaWidth: number;
  readonly mediaHeight: number;
  readonly trimWidth: number;
  readonly trimHeight: number;
  /** Offset of the trim box inside the media box on every side. */
  readonly inset: number;
  /** The area pages are laid out in (same size on both sides, y down, media coordinates). */
  content(side: 'recto' | 'verso'): Box;
  /** TrimBox and BleedBox in PDF coordinates (origin bottom left). */
  readonly trimBox: readonly number[];
  readonly bleedBox: readonly number[];
}

export function makeSheet(options: SheetOptions): Sheet {
  const { width: trimWidth, height: trimHeight } = paperPoints(options.size, options.orientation);
  const inset = options.cropMarks ? cropMarkInset(options.bleed) : options.bleed;
  const mediaWidth = trimWidth + 2 * inset;
  const mediaHeight = trimHeight + 2 * inset;
  const top = options.gutterEdge === 'top';
  const w = trimWidth - 2 * options.margin - (top ? 0 : options.gutter);
  const ends = top ? options.margin : (options.marginEnds ?? options.margin);
  const h = trimHeight - 2 * ends - (top ? options.gutter : 0);
  if (w < 100 || h < 100) throw new RangeError('the margins and gutter leave no room on the page');
  return {
    options,
    mediaWidth,
    mediaHeight,
    trimWidth,
    trimHeight,
    inset,
    content(side) {
      if (top) return { x: inset + options.margin, y: inset + options.margin + options.gutter, w, h };
      const left = side === 'verso' && options.duplex ? 0 : options.gutter;
      return { x: inset + options.margin + left, y: inset + ends, w, h };
    },
    trimBox: [inset, inset, inset + trimWidth, inset + trimHeight],
    bleedBox: [
      inset - options.bleed,
      inset - options.bleed,
      inset + trimWidth + options.bleed,
      inset + trimHeight + options.bleed,
    ],
  };
}

/** Crop marks at the four trim corners, outside the bleed, in media coordinates. */
export function drawCropMarks(sk: Sketch, sheet: Sheet): void {
  drawCropMarksAt(sk, sheet.inset, sheet.trimWidth, sheet.trimHeight, sheet.options.bleed);
}

/**
 * Crop marks at the corners of a trim `w` × `h` whose top left is at (`inset`, `inset`), starting outside
 * the bleed (or 3 mm out), and `folds`: short marks above and below the trim at these x (a cover's spine).
 */
export function drawCropMarksAt(
  sk: Sketch,
  inset: number,
  w: number,
  h: number,
  bleed: number,
  folds: readonly number[] = [],
): void {
  const start = Math.max(bleed, MARK_OFFSET);
  const i = inset;
  for (const x of [i, i + w]) {
    const dir = x === i ? -1 : 1;
    for (const y of [i, i + h]) {
      const dirY = y === i ? -1 : 1;
      sk.line(x + dir * start, y, x + dir * (start + MARK_LENGTH), y, 0.25);
      sk.line(x, y + dirY * start, x, y + dirY * (start + MARK_LENGTH), 0.25);
    }
  }
  for (const x of folds) {
    sk.line(x, i - start, x, i - start - MARK_LENGTH, 0.25);
    sk.line(x, i + h + start, x, i + h + start + MARK_LENGTH, 0.25);
  }
}

/** The room crop marks take outside the trim: where the media box begins. */
export function cropMarkInset(bleed: number): number {
  return Math.max(bleed, MARK_OFFSET) + MARK_LENGTH + 2 * MM;
}
