import { clauseKey } from '../../normalize/clauses.js';
import type { WrittenClauseNode } from '../../normalize/written.js';
import { editDistance } from '../suggest.js';
import type { SopRule } from './sop-rules.js';

type Path = (string | number)[];

/** The numbered clauses of the written tree: key, written number and the path of the `clause:` value. */
function numbered(
  tree: readonly WrittenClauseNode[] | undefined,
): { key: string; number: string; path: Path }[] {
  const out: { key: string; number: string; path: Path }[] = [];
  const walk = (list: readonly WrittenClauseNode[], parentKey: string, path: Path) => {
    list.forEach((c, i) => {
      if (typeof c === 'string') return;
      const key = clauseKey(parentKey, c.clause ?? null, i);
      if (c.clause !== undefined) out.push({ key, number: c.clause, path: [...path, i, 'clause'] });
      walk(c.clauses ?? [], key, [...path, i, 'clauses']);
    });
  };
  walk(tree ?? [], '', ['clauses']);
  return out;
}

/** Every `clause:` citation outside the tree, with its path (merge keys are already resolved in `written`). */
function citations(value: unknown, path: Path, out: { clause: string; path: Path }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      citations(v, [...path, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (path.length === 0 && k === 'clauses') continue;
      if (k === 'clause' && typeof v === 'string') out.push({ clause: v, path: [...path, k] });
      else citations(v, [...path, k], out);
    }
  }
}

/** A clause key is used once in an SOP: two clauses with the same number under the same parent are a mistake. */
export const clauseNumbersAreUnique: SopRule = ({ written: w, report }) => {
  const first = new Map<string, Path>();
  for (const c of numbered(w.clauses)) {
    const seen = first.get(c.key);
    if (seen) {
      report.at(c.path, 'CLAUSE_DUPLICATE', { clause: c.key, firstLine: report.span(seen).line });
    } else first.set(c.key, c.path);
  }
};

/** Every clause a rule cites (`clause: "4.1.2"`) is a clause of the tree. */
export const citationsExist: SopRule = ({ written: w, report }) => {
  const keys = numbered(w.clauses).map((c) => c.key);
  const known = new Set(keys);
  const found: { clause: string; path: Path }[] = [];
  citations(w, [], found);
  for (const c of found) {
    if (known.has(c.clause)) continue;
    const suggestion = nearest(c.clause, keys);
    report.at(c.path, 'CLAUSE_UNKNOWN', { clause: c.clause, ...(suggestion ? { suggestion } : {}) });
  }
};

/** The key a mistyped citation most likely meant: one that ends with it, else the closest within 2 edits. */
function nearest(cited: string, keys: readonly string[]): string | null {
  const ending = keys.filter((k) => k.endsWith(cited));
  if (ending.length === 1) return ending[0] ?? null;
  let best: string | null = null;
  let bestD = 3;
  for (const k of keys) {
    const d = editDistance(cited, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}
