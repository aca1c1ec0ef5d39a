/**
 * The review schedule of the seeds' 复审规定: a full review at least every `annual` interval and an
 * adjustment review every `semiannual` interval, each counted from the last review of that kind (or from
 * the first issue when there has been none), plus staff feedback still waiting for a decision.
 */
import type { Duration, FeedbackItem, Revision, Sop } from '../model/types.js';
import { addDuration, daysBetween } from './dates.js';

export type ScheduledReview = 'annual' | 'semiannual';

/** Reviews within this many days are listed as due. */
export const DUE_WITHIN_DAYS = 30;

const DEFAULT_INTERVAL: Record<ScheduledReview, Duration> = {
  annual: { text: '1y', amount: 1, unit: 'y', minutes: null },
  semiannual: { text: '6mo', amount: 6, unit: 'mo', minutes: null },
};

export interface PlannedReview {
  readonly kind: ScheduledReview;
  readonly interval: string;
  /** The revision the interval is counted from. */
  readonly from: { readonly version: string; readonly date: string; readonly type: Revision['type'] } | null;
  readonly next: string;
}

export type ReviewState = 'ok' | 'due' | 'overdue';

export interface ReviewStatus extends PlannedReview {
  /** Days from `today` to `next`; negative when overdue. */
  readonly daysLeft: number;
  readonly state: ReviewState;
}

export function reviewInterval(sop: Sop, kind: ScheduledReview): Duration {
  return (kind === 'annual' ? sop.review.annual : sop.review.semiannual) ?? DEFAULT_INTERVAL[kind];
}

/** The last revision of `kind`, else the first issue; `null` when there is no revision at all. */
function lastOfKind(sop: Sop, kind: ScheduledReview): Revision | null {
  let found: Revision | null = null;
  for (const r of sop.revisions) if (r.type === kind && (!found || r.date >= found.date)) found = r;
  return found ?? sop.revisions.find((r) => r.type === 'initial') ?? sop.revisions[0] ?? null;
}

/** Next annual and semi-annual review dates; deterministic (no "today"), so documents can print them. */
export function plannedReviews(sop: Sop): PlannedReview[] {
  return (['annual', 'semiannual'] as const).map((kind) => {
    const interval = reviewInterval(sop, kind);
    const last = lastOfKind(sop, kind);
    const base = last?.date ?? sop.effective;
    return {
      kind,
      interval: interval.text,
      from: last ? { version: last.version, date: last.date, type: last.type } : null,
      next: addDuration(base, interval),
    };
  });
}

export function reviewState(daysLeft: number): ReviewState {
  return daysLeft < 0 ? 'overdue' : daysLeft <= DUE_WITHIN_DAYS ? 'due' : 'ok';
}

export interface SopReviewSchedule {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly file: string;
  readonly reviews: readonly ReviewStatus[];
  readonly openFeedback: readonly FeedbackItem[];
}

/**
 * The schedule of one SOP as seen on `today` (ISO date).
 *
 * @example
 * reviewSchedule(sop, '2026-12-15').reviews[0]; // { kind: 'annual', next: '2027-01-01', daysLeft: 17, state: 'due', … }
 */
export function reviewSchedule(sop: Sop, today: string): SopReviewSchedule {
  return {
    id: sop.id,
    title: sop.title,
    version: sop.version,
    file: sop.file,
    reviews: plannedReviews(sop).map((p) => {
      const daysLeft = daysBetween(today, p.next);
      return { ...p, daysLeft, state: reviewState(daysLeft) };
    }),
    openFeedback: sop.feedback.filter((f) => f.status === 'open'),
  };
}
