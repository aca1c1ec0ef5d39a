/**
 * "Did you mean": the declared id a reference most likely meant. Every reference rule (roles, steps,
 * forms, checklists, references, chapters, clause citations) and the schema's id errors ask here, so a
 * typo (`cs-supervsor`) and a Chinese name written where the id belongs (`role: 客服主管`) get the same
 * answer everywhere.
 */

/** A declared id and the names people call it by (a role's name and aliases, a form's title, …). */
export interface Candidate {
  readonly id: string;
  readonly names?: readonly string[];
}

/** The id to write instead, and the name that identifies it for the reader (absent when it has none). */
export interface Suggestion {
  readonly id: string;
  readonly name?: string;
}

/** Full-width letters, digits and punctuation read as their ASCII forms; spaces and case do not count. */
function fold(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();
}

/** Levenshtein distance, by code points (a Chinese character is one edit). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (x[i - 1] === y[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[y.length] as number;
}

/** How many edits still count as a slip: one in a short word, two in a longer one, never half the word. */
function tolerance(word: string): number {
  const n = [...word].length;
  return n <= 2 ? 0 : n <= 5 ? 1 : 2;
}

/**
 * The candidate `written` most likely meant, or null: its id, name or alias with another width, case or
 * spacing (or a name or alias written exactly), else the one id or name within a few edits (the nearest; the first declared
 * on a tie), else the one candidate whose name contains what was written or is contained in it.
 *
 * @example
 * suggest('客服主管', [{ id: 'cs-supervisor', names: ['客服主管'] }]); // { id: 'cs-supervisor', name: '客服主管' }
 * suggest('cs-supervsor', [{ id: 'cs-supervisor', names: ['客服主管'] }]); // the same
 */
export function suggest(written: string, candidates: readonly Candidate[]): Suggestion | null {
  const w = fold(written);
  if (w === '') return null;
  const show = (c: Candidate): Suggestion => (c.names?.[0] ? { id: c.id, name: c.names[0] } : { id: c.id });
  const byName = candidates.find((c) => [c.id, ...(c.names ?? [])].some((n) => fold(n) === w));
  if (byName) return show(byName);
  let best: Candidate | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    for (const word of [c.id, ...(c.names ?? [])]) {
      const f = fold(word);
      const d = editDistance(w, f);
      if (d > 0 && d <= Math.min(tolerance(w), tolerance(f)) && d < bestD) [best, bestD] = [c, d];
    }
  }
  if (best) return show(best);
  // 主管 for 客服主管, 客服中心主管 for 客服主管: only when one candidate fits.
  const containing = candidates.filter((c) =>
    (c.names ?? []).some((n) => {
      const f = fold(n);
      return [...w].length >= 2 && [...f].length >= 2 && (f.includes(w) || w.includes(f));
    }),
  );
  return containing.length === 1 && containing[0] ? show(containing[0]) : null;
}

/** Parameters a catalog message reads for its "did you mean" sentence (`suggestion`, `suggestionName`). */
export function suggestionParams(s: Suggestion | null): Record<string, string> {
  if (!s) return {};
  return s.name === undefined ? { suggestion: s.id } : { suggestion: s.id, suggestionName: s.name };
}
