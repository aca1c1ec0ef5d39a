/**
 * The renderers' user-facing failures. Kept apart from `paint.ts` so code that only lays out (`book-plan.ts`,
 * `book --dry-run`) can raise and catch them without loading pdfkit.
 */

/** A problem with what was asked for (unknown form, page too small …) that the user can fix. */
export class RenderError extends Error {
  override readonly name: string = 'RenderError';
}

/** The text of a document uses characters the embedded font cannot draw. */
export class MissingGlyphsError extends RenderError {
  override readonly name = 'MissingGlyphsError';
  constructor(
    readonly missing: readonly string[],
    readonly what: string,
  ) {
    const list = missing.map(
      (c) => `${c} (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`,
    );
    super(
      `${what}: the Chinese font (Noto Sans Hans) has no glyph for ${missing.length} character(s): ${list.join(', ')} — 字体缺少以下字符：${missing.join(' ')}`,
    );
  }
}
