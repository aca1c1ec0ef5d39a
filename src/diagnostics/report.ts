import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
} from '../deps/yaml.js';
import type { SourceSpan } from '../model/types.js';
import { type Code, catalog } from './catalog.js';
import type { Diagnostic } from './types.js';

export type Path = readonly (string | number)[];
type Params = Record<string, string | number>;

/** Finds the YAML node at `path`, following aliases and `<<` merge keys. Returns the deepest node found. */
export function nodeAt(
  doc: Document,
  path: Path,
  opts: { key?: boolean } = {},
): { node: Node | null; exact: boolean } {
  let node: unknown = doc.contents;
  let keyNode: unknown = null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const resolved = isAlias(node) ? node.resolve(doc) : node;
    const next = child(doc, resolved, seg);
    if (!next) return { node: (isAlias(node) ? node : (resolved as Node)) ?? null, exact: false };
    node = next.value;
    keyNode = next.key;
  }
  if (opts.key && keyNode) return { node: keyNode as Node, exact: true };
  return { node: (node as Node) ?? null, exact: true };
}

function child(
  doc: Document,
  node: unknown,
  seg: string | number | undefined,
): { key: unknown; value: unknown } | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(seg))
        return { key: pair.key, value: pair.value };
    }
    // `<<: *anchor` merges keys that are not physically in this map.
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.value === '<<') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const src of sources) {
          const found = child(doc, isAlias(src) ? src.resolve(doc) : src, seg);
          if (found) return found;
        }
      }
    }
    return null;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? null : { key: null, value: isPair(item) ? item.value : item };
  }
  return null;
}

function lineEnd(lc: LineCounter, offset: number): number {
  const starts = lc.lineStarts;
  const line = lc.linePos(offset).line;
  const next = starts[line];
  return next === undefined ? offset + 1 : Math.max(offset + 1, next - 1);
}

/** Span of a YAML node; falls back to the start of the file. */
export function spanOf(file: string, lc: LineCounter, node: Node | null): SourceSpan {
  const range = node?.range;
  if (!range) return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return spanOfRange(file, lc, range[0], range[1]);
}

export function spanOfRange(file: string, lc: LineCounter, start: number, end: number): SourceSpan {
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return { file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

export function makeDiagnostic(
  code: Code,
  span: SourceSpan,
  path: Path,
  params: Params = {},
  severity?: Diagnostic['severity'] | undefined,
): Diagnostic {
  const entry = catalog[code];
  return {
    code,
    severity: severity ?? entry.severity,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    path,
    message: entry.message(params),
  };
}

/** Collects diagnostics for one parsed file, locating each by its YAML path. */
export class FileReporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lc: LineCounter,
  ) {}

  /** Span of the node at `path`; a mapping or list is marked on its first line only, so the caret stays readable. */
  span(path: Path, opts: { key?: boolean } = {}): SourceSpan {
    const node = nodeAt(this.doc, path, opts).node;
    const span = spanOf(this.file, this.lc, node);
    if (span.endLine === span.line || !(isMap(node) || isSeq(node))) return span;
    const start = node.range?.[0] ?? 0;
    const eol = lineEnd(this.lc, start);
    return spanOfRange(this.file, this.lc, start, eol);
  }

  /**
   * Reports `code` at the node at `path` (or at its key with `{ key: true }`); `severity` overrides the
   * catalog's, for a check that is an error in one command and only a warning in another.
   */
  at(
    path: Path,
    code: Code,
    params: Params = {},
    opts: { key?: boolean; severity?: Diagnostic['severity'] | undefined } = {},
  ): void {
    this.diagnostics.push(makeDiagnostic(code, this.span(path, opts), path, params, opts.severity));
  }

  atSpan(span: SourceSpan, path: Path, code: Code, params: Params = {}): void {
    this.diagnostics.push(makeDiagnostic(code, span, path, params));
  }
}
