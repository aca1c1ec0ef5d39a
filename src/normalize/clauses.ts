import type { FileReporter } from '../diagnostics/report.js';
import type { ClauseNode } from '../model/types.js';
import type { WrittenClauseNode } from './written.js';

/** A dotted number (`1.0`, `4.1.2`) names its clause by itself; `1`, `一、`, `（1）`, `a、` need their parent. */
const SELF_QUALIFIED = /^[0-9]+(\.[0-9]+)+$/;

/**
 * The key of a clause: a dotted number is its own key; any other number is appended to the parent's key
 * (directly after a parent key ending in `、`, `）`, `)` or `．`, else after a `/`); an unnumbered clause is
 * `<parent key>#<index>`.
 *
 * @example
 * clauseKey('四、1、', '（2）', 1); // '四、1、（2）'
 * clauseKey('4.1.3', null, 0);     // '4.1.3#0'
 */
export function clauseKey(parentKey: string, number: string | null, index: number): string {
  if (number === null) return `${parentKey}#${index}`;
  if (parentKey === '' || SELF_QUALIFIED.test(number)) return number;
  return /[、）)．]$/.test(parentKey) ? `${parentKey}${number}` : `${parentKey}/${number}`;
}

/** The written tree → `ClauseNode`s with keys and source spans. */
export function normalizeClauses(
  written: readonly WrittenClauseNode[] | undefined,
  r: FileReporter,
): ClauseNode[] {
  const walk = (
    list: readonly WrittenClauseNode[],
    parentKey: string,
    path: readonly (string | number)[],
  ): ClauseNode[] =>
    list.map((c, i): ClauseNode => {
      const at = [...path, i];
      if (typeof c === 'string') {
        return {
          number: null,
          key: clauseKey(parentKey, null, i),
          title: null,
          text: c,
          children: [],
          span: r.span(at),
        };
      }
      const number = c.clause ?? null;
      const key = clauseKey(parentKey, number, i);
      return {
        number,
        key,
        title: c.title ?? null,
        text: c.text ?? null,
        children: walk(c.clauses ?? [], key, [...at, 'clauses']),
        span: r.span(at),
      };
    });
  return walk(written ?? [], '', ['clauses']);
}

/** Every clause of the tree, parents before their children, in document order. */
export function* allClauses(tree: readonly ClauseNode[]): Generator<ClauseNode> {
  for (const c of tree) {
    yield c;
    yield* allClauses(c.children);
  }
}

/** The clause with this key, or `null`. */
export function findClause(tree: readonly ClauseNode[], key: string): ClauseNode | null {
  for (const c of allClauses(tree)) if (c.key === key) return c;
  return null;
}

/** A clause's own wording and that of its children, one line each (for machine `meta` and appendices). */
export function clauseLines(c: ClauseNode): string[] {
  const own = [c.title, c.text].filter((t): t is string => t !== null).join('');
  return [...(own ? [own] : []), ...c.children.flatMap(clauseLines)];
}
