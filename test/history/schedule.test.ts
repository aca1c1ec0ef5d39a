import { describe, expect, it } from 'vitest';
import { addDuration, addMonths, daysBetween, parseIsoDate } from '../../src/history/dates.js';
import { plannedReviews, reviewSchedule } from '../../src/history/schedule.js';
import type { Duration } from '../../src/model/types.js';
import { bundledSet, bundledText, edit, loadText } from '../doc/helpers.js';

const BASE = bundledText('front-desk-reception');
const WRITTEN_INITIAL =
  '    - version: "1.0"\n      date: 2026-01-01\n      type: initial\n      by:\n        - 品质管理部\n      summary: 首次发布。\n';
const INITIAL =
  '    - { version: "1.0", date: 2026-01-01, type: initial, by: [品质管理部], summary: 首次发布。 }\n';
/** The seed's 复审规定 as the manual writes them: a procedure states only what its policy writes. */
const SEED = '  policy:\n    annual: 1y\n    semiannual: 6mo\n';

/** The bundled front-desk SOP with its own review policy and revisions. */
function withReview(policy: string, revisions: string[], feedback = ''): ReturnType<typeof loadText> {
  const last = /version: "([\d.]+)",?\s+date: ([\d-]+)/.exec(revisions[revisions.length - 1] ?? '');
  let text = edit(
    BASE,
    `review:\n  revisions:\n${WRITTEN_INITIAL}`,
    `review:\n${policy}  revisions:\n${revisions.join('')}${feedback}`,
  );
  text = edit(
    text,
    'version: "1.0"\neffective: 2026-01-01',
    `version: "${last?.[1]}"\neffective: ${last?.[2]}`,
  );
  return loadText(text);
}

const rev = (version: string, date: string, type: string) =>
  `    - { version: "${version}", date: ${date}, type: ${type}, by: [品质管理部], summary: 复审。 }\n`;
const months = (n: number): Duration => ({ text: `${n}mo`, amount: n, unit: 'mo', minutes: null });
const years = (n: number): Duration => ({ text: `${n}y`, amount: n, unit: 'y', minutes: null });

describe('calendar arithmetic', () => {
  it('clamps to the end of shorter months', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addDuration('2026-01-31', months(1))).toBe('2026-02-28');
  });

  it('handles leap years', () => {
    expect(addDuration('2028-02-29', years(1))).toBe('2029-02-28');
    expect(addDuration('2028-02-29', years(4))).toBe('2032-02-29');
    expect(addDuration('2100-02-28', years(0))).toBe('2100-02-28');
    expect(parseIsoDate('2100-02-29')).toBeNull();
    expect(parseIsoDate('2000-02-29')).not.toBeNull();
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2027-02-28', '2027-03-01')).toBe(1);
  });

  it('counts exact durations in days', () => {
    expect(addDuration('2026-02-27', { text: '2d', amount: 2, unit: 'd', minutes: 2880 })).toBe('2026-03-01');
    expect(addDuration('2026-12-28', { text: '1w', amount: 1, unit: 'w', minutes: 10080 })).toBe(
      '2027-01-04',
    );
  });
});

describe('review schedule', () => {
  it('schedules nothing for an SOP that writes no review rules and is no chapter of a manual', () => {
    const sop = loadText(BASE);
    expect(plannedReviews(sop)).toEqual([]);
    expect(reviewSchedule(sop, '2026-06-15').reviews).toEqual([]);
  });

  it("follows the manual's 复审规定 (annual 1y, semi-annual 6mo), counted from the first issue", async () => {
    const sop = (await bundledSet()).sops.find((s) => s.id === 'front-desk-reception');
    if (!sop) throw new Error('no front-desk-reception');
    expect(sop.review.inheritedFrom).toBe('service-centre-manual');
    expect(plannedReviews(sop).map((p) => [p.kind, p.interval, p.next])).toEqual([
      ['annual', '1y', '2027-01-01'],
      ['semiannual', '6mo', '2026-07-01'],
    ]);
    const s = reviewSchedule(sop, '2026-06-15');
    expect(s.reviews.map((r) => [r.kind, r.daysLeft, r.state])).toEqual([
      ['annual', 200, 'ok'],
      ['semiannual', 16, 'due'],
    ]);
    expect(reviewSchedule(sop, '2026-07-02').reviews[1]).toMatchObject({ state: 'overdue', daysLeft: -1 });
  });

  it('counts each kind from the last review of that kind', () => {
    const sop = withReview(SEED, [
      INITIAL,
      rev('1.1', '2026-07-10', 'semiannual'),
      rev('1.2', '2026-09-01', 'feedback'),
    ]);
    const [annual, semi] = plannedReviews(sop);
    expect(annual).toMatchObject({ next: '2027-01-01', from: { version: '1.0', type: 'initial' } });
    expect(semi).toMatchObject({ next: '2027-01-10', from: { version: '1.1', type: 'semiannual' } });
  });

  it('is due and overdue around the end of January (Jan 31 + 1 month)', () => {
    const sop = withReview('  policy: { annual: 1y, semiannual: 1mo }\n', [
      INITIAL,
      rev('1.1', '2027-01-31', 'semiannual'),
    ]);
    expect(plannedReviews(sop)[1]?.next).toBe('2027-02-28');
    expect(reviewSchedule(sop, '2027-01-29').reviews[1]).toMatchObject({ daysLeft: 30, state: 'due' });
    expect(reviewSchedule(sop, '2027-01-28').reviews[1]).toMatchObject({ daysLeft: 31, state: 'ok' });
    expect(reviewSchedule(sop, '2027-02-28').reviews[1]).toMatchObject({ daysLeft: 0, state: 'due' });
    expect(reviewSchedule(sop, '2027-03-01').reviews[1]).toMatchObject({ daysLeft: -1, state: 'overdue' });
    const leap = withReview('  policy: { annual: 1y, semiannual: 1mo }\n', [
      INITIAL,
      rev('1.1', '2028-01-31', 'semiannual'),
    ]);
    expect(plannedReviews(leap)[1]?.next).toBe('2028-02-29');
    expect(reviewSchedule(leap, '2028-03-01').reviews[1]).toMatchObject({ daysLeft: -1, state: 'overdue' });
  });

  it('is due and overdue around a leap day (Feb 29 + 1 year)', () => {
    const sop = withReview(SEED, [INITIAL, rev('1.1', '2028-02-29', 'annual')]);
    expect(plannedReviews(sop)[0]?.next).toBe('2029-02-28');
    expect(reviewSchedule(sop, '2029-02-28').reviews[0]).toMatchObject({ daysLeft: 0, state: 'due' });
    expect(reviewSchedule(sop, '2029-03-01').reviews[0]).toMatchObject({ daysLeft: -1, state: 'overdue' });
    expect(reviewSchedule(sop, '2029-01-29').reviews[0]).toMatchObject({ daysLeft: 30, state: 'due' });
  });

  it('lists open feedback items only', () => {
    const feedback =
      '  feedback:\n    - { id: fb-1, date: 2026-03-01, by: 王五, text: 建议增加夜间巡查。, status: open }\n    - { id: fb-2, date: 2026-03-02, by: 赵六, text: 已采纳。, status: accepted }\n';
    const sop = withReview(SEED, [INITIAL], feedback);
    expect(reviewSchedule(sop, '2026-03-10').openFeedback.map((f) => f.id)).toEqual(['fb-1']);
  });
});

describe('review periods in words', () => {
  it('says 每年 / every year, 每 6 个月 / every 6 months, and long delays in months too', async () => {
    const { periodText, daysText } = await import('../../src/history/schedule.js');
    expect(periodText(years(1))).toEqual({ zh: '每年', en: 'every year' });
    expect(periodText(years(2))).toEqual({ zh: '每 2 年', en: 'every 2 years' });
    expect(periodText(months(6))).toEqual({ zh: '每 6 个月', en: 'every 6 months' });
    expect(periodText(months(1))).toEqual({ zh: '每月', en: 'every month' });
    expect(daysText(1)).toEqual({ zh: '1 天', en: '1 day' });
    expect(daysText(45)).toEqual({ zh: '45 天', en: '45 days' });
    expect(daysText(153)).toEqual({ zh: '153 天（约 5 个月）', en: '153 days (about 5 months)' });
  });

  it('counts the half-yearly review from an annual review, and not from a feedback revision', () => {
    const sop = withReview(SEED, [
      rev('1.0', '2026-01-01', 'initial'),
      rev('1.1', '2026-10-01', 'annual'),
      rev('1.2', '2026-11-01', 'feedback'),
    ]);
    const [annual, semi] = plannedReviews(sop);
    expect(annual).toMatchObject({ next: '2027-10-01', period: { zh: '每年' } });
    expect(semi).toMatchObject({ next: '2027-04-01', from: { version: '1.1', type: 'annual' } });
  });
});
