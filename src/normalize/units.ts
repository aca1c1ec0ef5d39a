import type { Duration, DurationUnit, TimeOfDay } from '../model/types.js';

const MINUTES: Record<DurationUnit, number | null> = { m: 1, h: 60, d: 1440, w: 10080, mo: null, y: null };

/** Parses `15m`, `2d`, `1w`, `6mo`, `3y` (already checked by the schema). */
export function parseDuration(text: string): Duration {
  const m = /^([0-9]+)(mo|m|h|d|w|y)$/.exec(text);
  if (!m) throw new Error(`internal: unchecked duration ${text}`);
  const amount = Number(m[1]);
  const unit = m[2] as DurationUnit;
  const per = MINUTES[unit];
  return { text, amount, unit, minutes: per === null ? null : per * amount };
}

/** Months a duration spans, for calendar comparisons of months and years (weeks and days count as fractions). */
export function approxMonths(d: Duration): number {
  switch (d.unit) {
    case 'y':
      return d.amount * 12;
    case 'mo':
      return d.amount;
    default:
      return (d.minutes ?? 0) / (1440 * 30.436875);
  }
}

/** Comparable length in minutes; months and years use their average length. */
export function approxMinutes(d: Duration): number {
  return d.minutes ?? approxMonths(d) * 30.436875 * 1440;
}

/** Parses `17:30` or `次日08:30` (already checked by the schema). */
export function parseTime(text: string): TimeOfDay {
  const nextDay = text.startsWith('次日');
  const m = /^(?:次日)?([0-9]{1,2}):([0-9]{2})$/.exec(text);
  if (!m) throw new Error(`internal: unchecked time ${text}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return { text, minutes, nextDay };
}

export function formatTime(t: TimeOfDay): string {
  const hh = String(Math.floor(t.minutes / 60)).padStart(2, '0');
  const mm = String(t.minutes % 60).padStart(2, '0');
  return `${t.nextDay ? '次日' : ''}${hh}:${mm}`;
}

const UNIT_ZH: Record<DurationUnit, string> = { m: '分钟', h: '小时', d: '天', w: '周', mo: '个月', y: '年' };
const UNIT_EN: Record<DurationUnit, [string, string]> = {
  m: ['minute', 'minutes'],
  h: ['hour', 'hours'],
  d: ['day', 'days'],
  w: ['week', 'weeks'],
  mo: ['month', 'months'],
  y: ['year', 'years'],
};

/** `2d` → `2 天`, `1w` → `1 周`, `6mo` → `6 个月`. */
export function durationZh(d: Duration): string {
  return `${d.amount} ${UNIT_ZH[d.unit]}`;
}

/** `2d` → `2 days`, `1w` → `1 week`. */
export function durationEn(d: Duration): string {
  const [one, many] = UNIT_EN[d.unit];
  return `${d.amount} ${d.amount === 1 ? one : many}`;
}
