import { ADVANCE_RUNS, MISSING_ADVANCE, UNITS_PER_EM } from './advances.js';

/**
 * A page part as plain drawing operations, in points, origin at the top left, y growing downwards
 * (pdfkit's convention). Layouts produce sketches; `paint.ts` turns them into PDF content. Keeping the
 * layout as data lets the font coverage be checked before anything is written, and lets a static page
 * part be painted once into a form XObject.
 */
export type Op =
  /** `y` is the top of the em box; the Chinese font's glyphs fill [y, y + size]. */
  | {
      readonly kind: 'text';
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly text: string;
      /** What the text is to the person filling the form in, for the handwriting minimums. */
      readonly role?: TextRole;
    }
  | {
      readonly kind: 'line';
      readonly x1: number;
      readonly y1: number;
      readonly x2: number;
      readonly y2: number;
      readonly width: number;
      /** A line a person signs on (its length is a handwriting minimum). */
      readonly role?: 'signature';
    }
  | {
      readonly kind: 'rect';
      readonly x: number;
      readonly y: number;
      readonly w: number;
      readonly h: number;
      readonly width: number;
    }
  | {
      readonly kind: 'fill';
      readonly x: number;
      readonly y: number;
      readonly w: number;
      readonly h: number;
      readonly gray: number;
    };

export type Align = 'left' | 'center' | 'right';

/**
 * `label`: a printed label (title, column head, field name, checklist item, signature label), held to the
 * label minimum; `option`: the word beside a tick box; text without a role is small print (footnotes,
 * trace line), held to the footnote minimum.
 */
export type TextRole = 'label' | 'option';

/** Advance of code point `cp` at size 1, from the print font's table (binary search over its runs). */
function advance(cp: number): number {
  let lo = 0;
  let hi = ADVANCE_RUNS.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = mid * 3;
    if (cp < (ADVANCE_RUNS[at] ?? 0)) hi = mid - 1;
    else if (cp > (ADVANCE_RUNS[at + 1] ?? 0)) lo = mid + 1;
    else return (ADVANCE_RUNS[at + 2] ?? MISSING_ADVANCE) / UNITS_PER_EM;
  }
  return MISSING_ADVANCE / UNITS_PER_EM;
}

const advanceCache = new Map<number, number>();

/**
 * Advance width of `text` at size 1 (multiply by the font size), using the Chinese font's metrics (the
 * table `advances.ts` made from the font, so measuring needs neither fontkit nor the font file). `before`
 * is the width of text that precedes it on the line: the sum goes on in the same order, so
 * `unitWidth(b, unitWidth(a))` is exactly `unitWidth(a + b)`.
 */
export function unitWidth(text: string, before = 0): number {
  let units = before;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    let w = advanceCache.get(cp);
    if (w === undefined) {
      w = advance(cp);
      advanceCache.set(cp, w);
    }
    units += w;
  }
  return units;
}

export function textWidth(text: string, size: number): number {
  return unitWidth(text) * size;
}

/** Splits text into pieces that must stay together: a Latin word or number, or a single other character. */
function tokens(text: string): string[] {
  return text.match(/[A-Za-z0-9.,:;'"%/()\-–]+|\s+|./gsu) ?? [];
}

/** Breaks `text` into lines no wider than `width` at `size`; CJK text may break between any two characters. */
export function wrap(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    // The line's width grows with each piece instead of being measured again from its start.
    let line = '';
    let units = 0;
    for (const tok of tokens(paragraph)) {
      const next = unitWidth(tok, units);
      if (line !== '' && next * size > width) {
        lines.push(line.trimEnd());
        line = /^\s+$/.test(tok) ? '' : tok;
        units = line === '' ? 0 : unitWidth(tok);
      } else {
        line += tok;
        units = next;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * Lines with no last line of one character (a lone “）” or “。” under a paragraph): that line takes the
 * previous line's last character too.
 */
export function noLoneLastChar(lines: string[]): string[] {
  const last = [...(lines.at(-1) ?? '')];
  const prev = [...(lines.at(-2) ?? '')];
  if (lines.length < 2 || last.length !== 1 || prev.length < 3) return lines;
  return [...lines.slice(0, -2), prev.slice(0, -1).join(''), `${prev.at(-1) ?? ''}${last[0]}`];
}

/**
 * `wrap`, with the lines as even as they can be: the narrowest width that gives no more lines, so a
 * heading never ends in one orphaned character (来电/来访人及房 / 号 becomes 来电/来访 / 人及房号).
 */
export function balanced(text: string, size: number, width: number): string[] {
  const lines = wrap(text, size, width);
  if (lines.length < 2) return lines;
  let lo = 0;
  let hi = width;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (wrap(text, size, mid).length <= lines.length) hi = mid;
    else lo = mid;
  }
  return wrap(text, size, hi);
}

/** A growing list of drawing operations with a few layout helpers. */
export class Sketch {
  readonly ops: Op[] = [];

  text(
    text: string,
    x: number,
    y: number,
    size: number,
    opts: { align?: Align; width?: number; role?: TextRole } = {},
  ): void {
    if (text === '') return;
    const w = textWidth(text, size);
    const box = opts.width ?? 0;
    const left = opts.align === 'center' ? x + (box - w) / 2 : opts.align === 'right' ? x + box - w : x;
    this.ops.push(
      opts.role
        ? { kind: 'text', x: left, y, size, text, role: opts.role }
        : { kind: 'text', x: left, y, size, text },
    );
  }

  /**
   * A label in a box at its full `size`, never smaller: wrapped onto as many lines as the box is tall
   * enough for (the layout gives every label a box it fits in, see `labelWidth`).
   */
  label(
    text: string,
    x: number,
    y: number,
    w: number,
    h: number,
    size: number,
    align: Align = 'center',
    pad = 2,
  ): void {
    const inner = Math.max(1, w - 2 * pad);
    const lines = text.split('\n').flatMap((l) => balanced(l, size, inner));
    const lead = size * 1.15;
    const top = y + (h - (lines.length * lead - 0.15 * size)) / 2;
    lines.forEach((l, i) => {
      this.text(l, x + pad, top + i * lead, size, { align, width: inner, role: 'label' });
    });
  }

  /**
   * Writes `text` centred vertically in the box, shrinking the size (down to 40 %) so it fits the width,
   * and wrapping onto two lines when even that is too small and the box is tall enough.
   */
  fit(
    text: string,
    x: number,
    y: number,
    w: number,
    h: number,
    size: number,
    align: Align = 'center',
    pad = 2,
  ): void {
    const inner = Math.max(1, w - 2 * pad);
    if (text.includes('\n')) {
      // Explicit lines (a heading and its legend): each as large as fits, at most `size`.
      const lines = text.split('\n');
      const cap = Math.min(size, h / (lines.length * 1.15 + 0.2));
      const sizes = lines.map((l) => Math.min(cap, (size * inner) / Math.max(1, textWidth(l, size))));
      const total = sizes.reduce((a, b) => a + b * 1.15, 0) - 0.15 * (sizes[sizes.length - 1] ?? 0);
      let top = y + (h - total) / 2;
      lines.forEach((l, i) => {
        const si = sizes[i] ?? cap;
        this.text(l, x + pad, top, si, { align, width: inner });
        top += si * 1.15;
      });
      return;
    }
    let s = size;
    const natural = textWidth(text, size);
    if (natural > inner) s = Math.max(size * 0.4, (size * inner) / natural);
    if (s < size * 0.75 && h >= size * 1.6) {
      // Two lines at a larger size read better than one squeezed line.
      for (let s2 = Math.min(size, h / 2.3); s2 > s; s2 *= 0.93) {
        const lines = wrap(text, s2, inner);
        if (lines.length <= 2 && lines.every((l) => textWidth(l, s2) <= inner + 0.01)) {
          const top = y + (h - s2 * (lines.length * 1.15 - 0.15)) / 2;
          lines.forEach((l, i) => {
            this.text(l, x + pad, top + i * s2 * 1.15, s2, { align, width: inner });
          });
          return;
        }
      }
    }
    this.text(text, x + pad, y + (h - s) / 2, s, { align, width: inner });
  }

  /** Writes wrapped text from (x, y); returns the height used. */
  paragraph(text: string, x: number, y: number, width: number, size: number, leading = 1.35): number {
    const lines = noLoneLastChar(wrap(text, size, width));
    lines.forEach((l, i) => {
      this.text(l, x, y + i * size * leading, size);
    });
    return lines.length * size * leading;
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, role?: 'signature'): void {
    this.ops.push(
      role ? { kind: 'line', x1, y1, x2, y2, width, role } : { kind: 'line', x1, y1, x2, y2, width },
    );
  }

  rect(x: number, y: number, w: number, h: number, width = 0.5): void {
    this.ops.push({ kind: 'rect', x, y, w, h, width });
  }

  fill(x: number, y: number, w: number, h: number, gray: number): void {
    this.ops.push({ kind: 'fill', x, y, w, h, gray });
  }

  /** A tick box of side `s` with its top left at (x, y). */
  box(x: number, y: number, s: number): void {
    this.rect(x, y, s, s, 0.4);
  }

  /** All text of the sketch, for the font coverage check. */
  allText(): string {
    let out = '';
    for (const op of this.ops) if (op.kind === 'text') out += op.text;
    return out;
  }
}
