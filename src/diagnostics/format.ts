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

const width = (s: string) => [...s].reduce((n, ch) => n + charWidth(ch), 0);

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
