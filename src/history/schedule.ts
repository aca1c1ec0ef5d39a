/**
 * The review schedule of the seeds' 复审规定: a full review at least every `annual` interval and an
 * adjustment review every `semiannual` interval, each counted from the last review that satisfies it (or
 * from the first issue when there has been none), plus staff feedback still waiting for a decision. Only
 * the intervals the SOP's review rules (its own, or its manual's) write are scheduled.
 *
 * A full annual review is also the half-yearly evaluation: it resets both clocks. A review that found
 * nothing to change (`unchanged: true`, no new version) counts like a revision of its type. Revisions
 * after staff feedback or an expert review reset neither clock: they do not evaluate the whole SOP.
 */
import type { Duration, FeedbackItem, Revision, Sop } from '../model/types.js';
import { addDuration, daysBetween } from './dates.js';

export type ScheduledReview = 'annual' | 'semiannual';

/** Reviews within this many days are listed as due. */
export const DUE_WITHIN_DAYS = 30;

export interface PlannedReview {
  readonly kind: ScheduledReview;
  readonly interval: string;
  /** The interval in words: 每年 / every year, 每 6 个月 / every 6 months. */
  readonly period: { readonly zh: string; readonly en: string };
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

/** The interval the review rules write for `kind`; `null` when they write none (no such review is scheduled). */
export function reviewInterval(sop: Sop, kind: ScheduledReview): Duration | null {
  return kind === 'annual' ? sop.review.annual : sop.review.semiannual;
}

/** The review types that satisfy each scheduled review. */
const SATISFIES: Record<ScheduledReview, readonly Revision['type'][]> = {
  annual: ['annual'],
  semiannual: ['annual', 'semiannual'],
};

/** The last revision that satisfies `kind`, else the first issue; `null` when there is no revision at all. */
function lastOfKind(sop: Sop, kind: ScheduledReview): Revision | null {
  let found: Revision | null = null;
  for (const r of sop.revisions)
    if (SATISFIES[kind].includes(r.type) && (!found || r.date >= found.date)) found = r;
  return found ?? sop.revisions.find((r) => r.type === 'initial') ?? sop.revisions[0] ?? null;
}

/**
 * Next annual and semi-annual review dates, for the intervals the review rules write; deterministic (no
 * "today"), so documents can print them.
 */
export function plannedReviews(sop: Sop): PlannedReview[] {
  return (['annual', 'semiannual'] as const).flatMap((kind) => {
    const interval = reviewInterval(sop, kind);
    if (!interval) return [];
    const last = lastOfKind(sop, kind);
    const base = last?.date ?? sop.effective;
    return [
      {
        kind,
        interval: interval.text,
        period: periodText(interval),
        from: last ? { version: last.version, date: last.date, type: last.type } : null,
        next: addDuration(base, interval),
      },
    ];
  });
}

const UNIT_WORDS: Record<Duration['unit'], readonly [string, string]> = {
  y: ['年', 'year'],
  mo: ['个月', 'month'],
  w: ['周', 'week'],
  d: ['天', 'day'],
  h: ['小时', 'hour'],
  m: ['分钟', 'minute'],
};

/** “每年”, “每 6 个月”, “every 6 months”: an interval as a reader says it. */
export function periodText(d: Duration): { zh: string; en: string } {
  const [zh, en] = UNIT_WORDS[d.unit] ?? [d.unit, d.unit];
  if (d.amount === 1) return { zh: d.unit === 'mo' ? '每月' : `每${zh}`, en: `every ${en}` };
  return { zh: `每 ${d.amount} ${zh}`, en: `every ${d.amount} ${en}s` };
}

/** “153 天（约 5 个月）”: a number of days, with months when it is long. */
export function daysText(days: number): { zh: string; en: string } {
  const months = Math.floor(days / 30.44);
  const plural = days === 1 ? '' : 's';
  if (months < 2) return { zh: `${days} 天`, en: `${days} day${plural}` };
  return { zh: `${days} 天（约 ${months} 个月）`, en: `${days} day${plural} (about ${months} months)` };
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
  readonly openFeedback: readonly (FeedbackItem & { readonly ageDays: number })[];
  /** The last expert review, when the policy asks for expert reviews (`null`: none yet). */
  readonly expert: { readonly required: boolean; readonly last: string | null };
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
    openFeedback: sop.feedback
      .filter((f) => f.status === 'open')
      .map((f) => ({ ...f, ageDays: daysBetween(f.date, today) })),
    expert: {
      required: sop.review.expert,
      last: [...sop.revisions].reverse().find((r) => r.type === 'expert')?.date ?? null,
    },
  };
}
