import type { FileReporter } from '../diagnostics/report.js';
import type { FeedbackItem, ReviewPolicy, Revision, Signoff } from '../model/types.js';
import { parseDuration } from './units.js';
import type { WrittenSignoff, WrittenSop } from './written.js';

/** The seed's review rules (复审规定): annual full review, semi-annual adjustment, feedback, expert review, all recorded. */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  annual: parseDuration('1y'),
  semiannual: parseDuration('6mo'),
  feedback: true,
  expert: true,
  recordEveryReview: true,
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
        annual: p.annual ? parseDuration(p.annual) : DEFAULT_REVIEW_POLICY.annual,
        semiannual: p.semiannual ? parseDuration(p.semiannual) : DEFAULT_REVIEW_POLICY.semiannual,
        feedback: p.feedback ?? true,
        expert: p.expert ?? true,
        recordEveryReview: p['record-every-review'] ?? true,
      }
    : DEFAULT_REVIEW_POLICY;
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
