import { closeSync, fstatSync, openSync, read, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Fontkit from 'fontkit';
import { fontkit } from './pdfkit.js';

/** The weights sopforge uses; the files come from the `@embedpdf/fonts-sc` package (Noto Sans Hans, OFL-1.1). */
export type FontWeight = 'Regular' | 'Bold';

const cache = new Map<FontWeight, Fontkit.Font>();

/** Path of a bundled Noto Sans Hans weight. The files are not in the package's `exports`, so resolve beside it. */
export function fontPath(weight: FontWeight): string {
  return fileURLToPath(
    new URL(`../fonts/NotoSansHans-${weight}.otf`, import.meta.resolve('@embedpdf/fonts-sc')),
  );
}

/**
 * The Chinese font parsed once per process. Register this object (not the path or buffer) with pdfkit:
 * `doc.registerFont('zh', loadFont('Regular'))` — pdfkit re-parses a path or buffer for every table cell.
 */
export function loadFont(weight: FontWeight = 'Regular'): Fontkit.Font {
  let font = cache.get(weight);
  if (!font) {
    font = fontkit.create(readFileSync(fontPath(weight))) as Fontkit.Font;
    cache.set(weight, font);
  }
  return font;
}

const reading = new Map<FontWeight, Promise<void>>();

/**
 * The whole file in one read on the thread pool: opening and sizing it are quick and done here, so the
 * read itself is the only step that waits (`readFile` reads 512 KiB at a time, each step waiting for
 * this thread, which is busy parsing the SOP meanwhile).
 */
function readWhole(path: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    let fd: number;
    let bytes: Buffer;
    try {
      fd = openSync(path, 'r');
      bytes = Buffer.allocUnsafe(fstatSync(fd).size);
    } catch (err) {
      reject(err);
      return;
    }
    const done = (err: Error | null, value?: Buffer) => {
      try {
        closeSync(fd);
      } catch {
        // already reported or nothing to report
      }
      if (err || !value) reject(err ?? new Error(`cannot read ${path}`));
      else resolvePromise(value);
    };
    const readFrom = (at: number): void => {
      read(fd, bytes, at, bytes.length - at, at, (err, n) => {
        if (err) done(err);
        else if (n === 0 || at + n >= bytes.length) done(null, bytes.subarray(0, at + n));
        else readFrom(at + n);
      });
    };
    readFrom(0);
  });
}

/**
 * Starts reading a weight's file (8 MB) on Node's thread pool, so that a later `loadFont` finds it
 * parsed: a command that is about to load and validate a SOP calls this first and reads the font
 * meanwhile. Never rejects; if the read fails, `loadFont` reads the file itself and reports the error.
 */
export function prefetchFont(weight: FontWeight = 'Regular'): Promise<void> {
  if (cache.has(weight)) return Promise.resolve();
  let pending = reading.get(weight);
  if (!pending) {
    pending = readWhole(fontPath(weight)).then(
      (bytes) => {
        if (!cache.has(weight)) cache.set(weight, fontkit.create(bytes) as Fontkit.Font);
      },
      () => undefined,
    );
    reading.set(weight, pending);
  }
  return pending;
}

/** Characters of `text` the font has no glyph for (whitespace ignored), in order of first appearance. */
export function missingGlyphs(text: string, weight: FontWeight = 'Regular'): string[] {
  const font = loadFont(weight);
  const missing = new Set<string>();
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    const cp = ch.codePointAt(0);
    if (cp !== undefined && !font.hasGlyphForCodePoint(cp)) missing.add(ch);
  }
  return [...missing];
}

/** What a plain (unshaped) text run needs of a glyph; pdfkit reads exactly these three fields. */
export interface GlyphInfo {
  readonly id: number;
  readonly advanceWidth: number;
  readonly codePoints: readonly number[];
}

interface FontTables {
  readonly _cmapProcessor?: { lookup(cp: number): number };
  readonly hmtx?: {
    readonly metrics: { readonly length: number; get(i: number): { readonly advance: number } | undefined };
  };
  readonly _variationProcessor?: unknown;
}

const glyphInfoCache = new WeakMap<Fontkit.Font, Map<number, GlyphInfo>>();

/**
 * The glyph of code point `cp`: its id from the character map and its advance from `hmtx`, as fontkit
 * computes them. It does not build a fontkit `Glyph`: the constructor of one that carries characters
 * loads the Unicode property tables (≈ 25 ms) to ask whether it is a mark, and a glyph built without
 * characters would be cached by fontkit for the font's other users, who need them for ToUnicode.
 */
export function glyphInfo(font: Fontkit.Font, cp: number): GlyphInfo {
  let cache = glyphInfoCache.get(font);
  if (!cache) {
    cache = new Map();
    glyphInfoCache.set(font, cache);
  }
  let info = cache.get(cp);
  if (!info) {
    const t = font as unknown as FontTables;
    const metrics = t.hmtx?.metrics;
    if (t._cmapProcessor && metrics && metrics.length > 0 && !t._variationProcessor) {
      const id = t._cmapProcessor.lookup(cp);
      // Glyphs past the end of hMetrics share the last advance (OpenType hmtx).
      const advanceWidth = metrics.get(Math.min(id, metrics.length - 1))?.advance ?? 0;
      info = { id, advanceWidth, codePoints: [cp] };
    } else {
      const g = font.glyphForCodePoint(cp);
      info = { id: g.id, advanceWidth: g.advanceWidth, codePoints: [cp] };
    }
    cache.set(cp, info);
  }
  return info;
}
