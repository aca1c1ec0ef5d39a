import type { FileReporter } from '../diagnostics/report.js';
import type { FeedbackItem, ReviewPolicy, Revision, Signoff, Sop } from '../model/types.js';
import { parseDuration } from './units.js';
import type { WrittenSignoff, WrittenSop } from './written.js';

/**
 * The review rules of an SOP that states none: no review is scheduled and none is asked for. A procedure that
 * is a chapter of a manual inherits the manual's rules (`inheritReviewPolicy`).
 */
export const NO_REVIEW_POLICY: ReviewPolicy = {
  annual: null,
  semiannual: null,
  feedback: false,
  expert: false,
  recordEveryReview: false,
  inheritedFrom: null,
};

const signoff = (s: WrittenSignoff | undefined): Signoff | null =>
  s ? { name: s.name, date: s.date ?? null } : null;

export function normalizeReview(
  w: WrittenSop,
  r: FileReporter,
): { review: ReviewPolicy; revisions: Revision[]; feedback: FeedbackItem[] } {
  const p = w.review?.policy;
  const review: ReviewPolicy = p
    ? {
        annual: p.annual ? parseDuration(p.annual) : null,
        semiannual: p.semiannual ? parseDuration(p.semiannual) : null,
        feedback: p.feedback ?? false,
        expert: p.expert ?? false,
        recordEveryReview: p['record-every-review'] ?? false,
        inheritedFrom: null,
      }
    : NO_REVIEW_POLICY;
  const revisions: Revision[] = (w.review?.revisions ?? []).map((rev, i) => ({
    version: rev.version,
    date: rev.date,
    type: rev.type,
    by: rev.by,
    summary: rev.summary,
    changes: rev.changes ?? [],
    effective: rev.effective ?? null,
    preparedBy: signoff(rev['prepared-by']),
    reviewedBy: signoff(rev['reviewed-by']),
    approvedBy: signoff(rev['approved-by']),
    unchanged: rev.unchanged ?? false,
    closes: rev.closes ?? [],
    source: rev.source ?? null,
    model: rev.model ?? null,
    hash: rev.hash ?? null,
    span: r.span(['review', 'revisions', i]),
  }));
  const feedback: FeedbackItem[] = (w.review?.feedback ?? []).map((f) => ({
    id: f.id,
    date: f.date,
    by: f.by,
    text: f.text,
    status: f.status ?? 'open',
    closedBy: f['closed-by'] ?? null,
  }));
  return { review, revisions, feedback };
}

/**
 * A procedure that writes no `review.policy` and is a chapter of a manual that writes one follows the
 * manual's review rules (the seed's 复审规定 stand in the manual, before its chapters); the model records
 * which manual they come from. The first manual in the set listing the chapter wins.
 */
export function inheritReviewPolicy(
  entries: readonly { readonly written: WrittenSop; readonly sop: Sop }[],
): Map<string, ReviewPolicy> {
  const inherited = new Map<string, ReviewPolicy>();
  for (const { written, sop } of entries) {
    if (sop.kind !== 'manual' || !written.review?.policy) continue;
    for (const chapter of sop.chapters) {
      const e = entries.find((x) => x.sop.id === chapter && x.sop.kind === 'procedure');
      if (!e || e.written.review?.policy || inherited.has(chapter)) continue;
      inherited.set(chapter, { ...sop.review, inheritedFrom: sop.id });
    }
  }
  return inherited;
}
