/** Languages diagnostics and documents speak. Chinese is the default. */
export type Lang = 'zh' | 'en';

export type Severity = 'error' | 'warning';

/** A message and a fix hint in both languages, built from the diagnostic's parameters. */
export interface Message {
  readonly zh: string;
  readonly en: string;
  readonly hintZh: string;
  readonly hintEn: string;
}

/**
 * One problem found in a source file. Positions are 1-based; the end is exclusive.
 * `path` is the YAML path of the offending node (e.g. `['escalations', 'overdue', 'levels', 1, 'after']`).
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly path: readonly (string | number)[];
  readonly message: Message;
}

/** The JSON shape printed by `--format json`. */
export interface DiagnosticJson {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Severity;
  message: string;
  hint: string;
}

export function toJson(d: Diagnostic, lang: Lang): DiagnosticJson {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    code: d.code,
    severity: d.severity,
    message: lang === 'zh' ? d.message.zh : d.message.en,
    hint: lang === 'zh' ? d.message.hintZh : d.message.hintEn,
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then code, so output is stable; a warning an error repeats is dropped. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  // One finding reported by two rules (a check `validate` only warns about, made an error by the command
  // that needs it, e.g. `book --size A5`) is listed once, as the error.
  const place = (d: Diagnostic) =>
    `${d.code}\u0000${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.message.en}`;
  const errors = new Set(diagnostics.filter((d) => d.severity === 'error').map(place));
  const once = diagnostics.filter((d) => d.severity === 'error' || !errors.has(place(d)));
  return once.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
