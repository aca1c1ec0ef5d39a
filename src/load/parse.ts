import { type Document, isAlias, isMap, LineCounter, parseAllDocuments, visit } from '../deps/yaml.js';
import { FileReporter, makeDiagnostic, spanOfRange } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { SourceText } from './read.js';
import { describeYamlError, rootCause } from './syntax.js';

/** A parsed SOP file: the YAML document (for positions) and its plain JS value. */
export interface ParsedFile {
  readonly source: SourceText;
  readonly doc: Document;
  readonly lc: LineCounter;
  readonly value: Record<string, unknown>;
  readonly reporter: FileReporter;
}

/** Aliases may be used (anchors for repeated transitions), but never enough to blow up memory. */
const MAX_ALIAS_COUNT = 200;

/**
 * Parses one SOP file. Every YAML error and warning is an error here: duplicate keys, tabs, unknown tags,
 * alias bombs, several documents in one file, and a top level that is not a mapping.
 */
export function parseSource(source: SourceText): { parsed: ParsedFile | null; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  // logLevel 'error': yaml would print a process warning for a mapping used as a key; the schema reports that key.
  const docs = parseAllDocuments(source.text, {
    lineCounter: lc,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: 'error',
  });
  const diagnostics: Diagnostic[] = [];
  const at = (start: number, end: number) => spanOfRange(source.file, lc, start, end);
  const [doc, second] = docs;
  if (second) {
    const start = second.range[0];
    diagnostics.push(makeDiagnostic('YAML_MULTIPLE_DOCUMENTS', at(start, start + 3), []));
  }
  if (!doc) {
    if (diagnostics.length === 0) diagnostics.push(makeDiagnostic('FILE_EMPTY', at(0, 0), []));
    return { parsed: null, diagnostics };
  }
  // The quote or bracket that broke the file replaces the errors it explains; after it, one error a line.
  const cause = rootCause(source.text, doc.errors, lc.lineStarts);
  if (cause) diagnostics.push(makeDiagnostic(cause.code, at(cause.start, cause.end), [], cause.params));
  const syntaxLines = new Set<number>();
  for (const e of doc.errors) {
    if (cause?.explains(e)) continue;
    const span = at(e.pos[0], e.pos[1]);
    if (e.code === 'DUPLICATE_KEY') {
      diagnostics.push(
        makeDiagnostic('YAML_DUPLICATE_KEY', span, [], { key: source.text.slice(e.pos[0], e.pos[1]) }),
      );
    } else if (
      e.code === 'TAB_AS_INDENT' ||
      (e.code === 'UNEXPECTED_TOKEN' && source.text[e.pos[0]] === '\t')
    ) {
      diagnostics.push(makeDiagnostic('YAML_TAB', span, []));
    } else if (!syntaxLines.has(span.line)) {
      syntaxLines.add(span.line);
      diagnostics.push(makeDiagnostic('YAML_SYNTAX', span, [], describeYamlError(e)));
    }
  }
  // A tab confuses the parser for the rest of its line: keep only the tab error there.
  const tabLines = new Set(diagnostics.filter((d) => d.code === 'YAML_TAB').map((d) => d.line));
  for (let i = diagnostics.length - 1; i >= 0; i--) {
    const d = diagnostics[i];
    if (d && d.code === 'YAML_SYNTAX' && tabLines.has(d.line)) diagnostics.splice(i, 1);
  }
  for (const w of doc.warnings) {
    const span = at(w.pos[0], w.pos[1]);
    if (w.code === 'TAG_RESOLVE_FAILED') {
      diagnostics.push(makeDiagnostic('YAML_UNKNOWN_TAG', span, [], { tag: tagAt(source.text, w.pos[0]) }));
    } else {
      diagnostics.push(makeDiagnostic('YAML_SYNTAX', span, [], describeYamlError(w)));
    }
  }
  if (diagnostics.length > 0) return { parsed: null, diagnostics };
  if (!isMap(doc.contents)) {
    const r = doc.contents?.range ?? [0, 0];
    return { parsed: null, diagnostics: [makeDiagnostic('YAML_NOT_MAPPING', at(r[0], r[1]), [])] };
  }
  const cycle = source.text.includes('*') ? recursiveAlias(doc) : null;
  if (cycle) {
    return {
      parsed: null,
      diagnostics: [makeDiagnostic('YAML_ALIAS_RECURSIVE', at(cycle[0], cycle[1]), [])],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      const alias = source.text.indexOf('*');
      return {
        parsed: null,
        diagnostics: [makeDiagnostic('YAML_ALIAS_LIMIT', at(Math.max(0, alias), Math.max(0, alias) + 1), [])],
      };
    }
    return {
      parsed: null,
      diagnostics: [
        makeDiagnostic(
          'YAML_SYNTAX',
          at(0, 0),
          [],
          describeYamlError({ message: String((err as Error).message) }),
        ),
      ],
    };
  }
  const reporter = new FileReporter(source.file, doc, lc);
  return { parsed: { source, doc, lc, value: value as Record<string, unknown>, reporter }, diagnostics: [] };
}

/**
 * Range of the first alias that refers to a node containing it (`a: &a { b: *a }`): its value would be
 * circular. Anchors are collected in the same pass (document order), so each alias is resolved in O(1)
 * instead of by `Alias.resolve`, which searches the whole document every time.
 */
function recursiveAlias(doc: Document): [number, number] | null {
  let found: [number, number] | null = null;
  const anchors = new Map<string, unknown>();
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target === undefined || !path.includes(target as never)) return undefined;
        const r = node.range ?? [0, 0];
        found = [r[0], r[1]];
        return visit.BREAK;
      }
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor) anchors.set(anchor, node);
      return undefined;
    },
  });
  return found;
}

function tagAt(text: string, pos: number): string {
  const m = /!\S*/.exec(text.slice(pos, pos + 80));
  return m ? m[0] : '!';
}
