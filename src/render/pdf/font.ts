import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';

/** The weights sopforge uses; the files come from the `@embedpdf/fonts-sc` package (Noto Sans Hans, OFL-1.1). */
export type FontWeight = 'Regular' | 'Bold';

const cache = new Map<FontWeight, fontkit.Font>();

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
export function loadFont(weight: FontWeight = 'Regular'): fontkit.Font {
  let font = cache.get(weight);
  if (!font) {
    font = fontkit.create(readFileSync(fontPath(weight))) as fontkit.Font;
    cache.set(weight, font);
  }
  return font;
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
