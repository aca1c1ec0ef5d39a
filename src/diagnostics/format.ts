import type { Diagnostic, Lang } from './types.js';

/** Display width of a character in a terminal: East Asian wide and fullwidth characters take two columns. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

/** Display width of a string in a terminal (Chinese characters take two columns). */
export const width = (s: string) => [...s].reduce((n, ch) => n + charWidth(ch), 0);

/** The source line of a diagnostic with a caret line under the offending span. */
export function codeFrame(source: string, d: Diagnostic): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.line - 1];
  if (text === undefined) return '';
  const chars = [...text];
  const before = chars.slice(0, d.column - 1).join('');
  const endCol = d.endLine === d.line ? Math.max(d.endColumn, d.column + 1) : chars.length + 1;
  const marked = chars.slice(d.column - 1, endCol - 1).join('') || ' ';
  const gutter = String(d.line).length;
  const prev = lines[d.line - 2];
  const out: string[] = [];
  if (prev !== undefined && d.line > 1) out.push(` ${String(d.line - 1).padStart(gutter)} | ${prev}`);
  out.push(`>${String(d.line).padStart(gutter)} | ${text}`);
  out.push(` ${' '.repeat(gutter)} | ${' '.repeat(width(before))}${'^'.repeat(Math.max(1, width(marked)))}`);
  return out.join('\n');
}

const label = {
  zh: { error: '错误', warning: '警告', hint: '修改建议' },
  en: { error: 'error', warning: 'warning', hint: 'fix' },
};

/** A diagnostic for the terminal: `file:line:col  error CODE  message`, the code frame, and the fix. */
export function formatDiagnostic(d: Diagnostic, lang: Lang, source: string | null): string {
  const l = label[lang];
  const msg = lang === 'zh' ? d.message.zh : d.message.en;
  const hint = lang === 'zh' ? d.message.hintZh : d.message.hintEn;
  const head = `${d.file}:${d.line}:${d.column}  ${l[d.severity]} ${d.code}  ${msg}`;
  const frame = source ? codeFrame(source, d) : '';
  return [head, frame, `  ${l.hint}: ${hint}`].filter(Boolean).join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], files: number, lang: Lang): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return lang === 'zh'
    ? `${files} 个文件，${errors} 个错误，${warnings} 个警告`
    : `${files} file${files === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** How many diagnostics of one file the terminal shows; after a syntax error the rest are mostly its echo. */
export const MAX_SHOWN_PER_FILE = 20;

export interface Hidden {
  readonly errors: number;
  readonly warnings: number;
}

/**
 * The first `max` diagnostics of each file (they are sorted, so the first cause comes first), and per file
 * how many are left out. The full list stays available to `--format json`.
 */
export function capPerFile(
  diagnostics: readonly Diagnostic[],
  max = MAX_SHOWN_PER_FILE,
): { shown: Diagnostic[]; hidden: Map<string, Hidden> } {
  const seen = new Map<string, number>();
  const shown: Diagnostic[] = [];
  const hidden = new Map<string, Hidden>();
  for (const d of diagnostics) {
    const n = seen.get(d.file) ?? 0;
    seen.set(d.file, n + 1);
    if (n < max) {
      shown.push(d);
      continue;
    }
    const h = hidden.get(d.file) ?? { errors: 0, warnings: 0 };
    hidden.set(d.file, {
      errors: h.errors + (d.severity === 'error' ? 1 : 0),
      warnings: h.warnings + (d.severity === 'warning' ? 1 : 0),
    });
  }
  return { shown, hidden };
}

/** The closing line of a capped file: `还有 N 个错误未显示` / `N more errors not shown`. */
export function moreNotShown(file: string, h: Hidden, lang: Lang): string {
  const plural = (n: number, word: string) => `${n} more ${word}${n === 1 ? '' : 's'}`;
  if (lang === 'zh') {
    const parts = [h.errors > 0 ? `${h.errors} 个错误` : '', h.warnings > 0 ? `${h.warnings} 个警告` : ''];
    return `${file}: 还有 ${parts.filter(Boolean).join('、')}未显示（--format json 列出全部）`;
  }
  const parts = [
    h.errors > 0 ? plural(h.errors, 'error') : '',
    h.warnings > 0 ? plural(h.warnings, 'warning') : '',
  ];
  return `${file}: ${parts.filter(Boolean).join(' and ')} not shown (--format json lists them all)`;
}
