/**
 * Calendar arithmetic on ISO dates (`YYYY-MM-DD`), without time zones: review dates are whole days.
 * Month and year steps clamp to the last day of the target month (Jan 31 + 1 month = Feb 28 or 29,
 * Feb 29 + 1 year = Feb 28), as a reviewer reading "every month" would count.
 */
import type { Duration } from '../model/types.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface YMD {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Parses `YYYY-MM-DD`; `null` when malformed or not a real day (2026-02-30). */
export function parseIsoDate(text: string): YMD | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatIsoDate(d: YMD): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function requireDate(text: string): YMD {
  const d = parseIsoDate(text);
  if (!d) throw new RangeError(`not an ISO date: ${text}`);
  return d;
}

export function addMonths(date: string, months: number): string {
  const d = requireDate(date);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate({ year, month, day: Math.min(d.day, daysInMonth(year, month)) });
}

/** Days since 1970-01-01 (UTC), for differences between dates. */
export function dayNumber(date: string): number {
  const d = requireDate(date);
  return Math.round(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  const t = new Date((dayNumber(date) + days) * 86_400_000);
  return formatIsoDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

/** `b − a` in days. */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** The date `interval` after `date`: months and years on the calendar, shorter units in whole days (rounded up). */
export function addDuration(date: string, interval: Duration): string {
  switch (interval.unit) {
    case 'y':
      return addMonths(date, interval.amount * 12);
    case 'mo':
      return addMonths(date, interval.amount);
    default:
      return addDays(date, Math.ceil((interval.minutes ?? 0) / 1440));
  }
}

/** Today in the given UTC offset (minutes), for commands only — never for build outputs. */
export function todayIso(utcOffsetMinutes = 480, now: Date = new Date()): string {
  const t = new Date(now.getTime() + utcOffsetMinutes * 60_000);
  return formatIsoDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}
