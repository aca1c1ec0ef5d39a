import type { Clause } from '../model/types.js';
import type { WrittenClause } from './written.js';

export function clause(c: WrittenClause): Clause {
  return typeof c === 'string' ? { text: c, clause: null } : { text: c.text, clause: c.clause ?? null };
}

export function clauses(list: readonly WrittenClause[] | undefined): Clause[] {
  return (list ?? []).map(clause);
}
