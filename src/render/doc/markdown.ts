/**
 * Untrusted text in Markdown: every character Markdown gives a meaning to inside a line is backslash-escaped
 * (CommonMark allows it before any ASCII punctuation), line breaks become spaces, and a construct that only
 * counts at the start of a line (heading, quote, list item) is escaped there. Rendered, the text shows as
 * written and adds no element: no raw HTML, link, emphasis, table cell or heading.
 */

const INLINE = /[\\`*_[\]<>&|~!]/g;
const LINE_START = /^[#>+=-]/;
const ORDERED = /^(\d+)([.)])(?=\s|$)/;
const BARE_LINK = /\b(https?|ftp|mailto)(:)|\b(www)(\.)/gi;

export function mdText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029\u0085]+/g, ' ')
    .replace(/^[ \t]+/, '')
    .replace(INLINE, '\\$&')
    .replace(
      BARE_LINK,
      (_m, a: string | undefined, b: string | undefined, c: string | undefined, d: string | undefined) =>
        a ? `${a}\\${b}` : `${c}\\${d}`,
    )
    .replace(LINE_START, '\\$&')
    .replace(ORDERED, '$1\\$2');
}

/** Keys whose values are structure made by sopforge (heading marks, anchors), not text. */
const STRUCTURAL = new Set(['h', 'anchor']);

/** A copy of a view with every text escaped for Markdown. */
export function mdView<T>(value: T): T {
  return escapeValue(value, null) as T;
}

function escapeValue(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') return key !== null && STRUCTURAL.has(key) ? value : mdText(value);
  if (Array.isArray(value)) return value.map((v) => escapeValue(v, null));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeValue(v, k)]));
  }
  return value;
}
