/**
 * The renderers' user-facing failures. Kept apart from `paint.ts` so code that only lays out (`book-plan.ts`,
 * `book --dry-run`) can raise and catch them without loading pdfkit.
 */
import type { Lang } from '../../diagnostics/types.js';

/** A renderer's message in both languages; the CLI prints the user's. */
export interface RenderWords {
  readonly zh: string;
  readonly en: string;
}

/** A problem with what was asked for (unknown form, page too small …) that the user can fix. */
export class RenderError extends Error {
  override readonly name: string = 'RenderError';
  readonly words: RenderWords;
  constructor(words: RenderWords) {
    super(words.en);
    this.words = words;
  }
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
    super({
      zh: `${what}：中文字体（Noto Sans Hans）缺少以下 ${missing.length} 个字符：${list.join('、')}`,
      en: `${what}: the Chinese font (Noto Sans Hans) has no glyph for ${missing.length} character(s): ${list.join(', ')}`,
    });
  }
}

/**
 * The message of a renderer's failure in `lang`, also for one rebuilt from a worker thread (matched by
 * name, with its words carried along); `null` for anything else.
 */
export function renderErrorText(err: unknown, lang: Lang): string | null {
  const e = err as { name?: unknown; words?: Partial<RenderWords>; message?: unknown } | null;
  if (!e || (e.name !== 'RenderError' && e.name !== 'MissingGlyphsError')) return null;
  return e.words?.[lang] ?? String(e.message ?? '');
}
