/**
 * Working days, Chinese statutory holidays and 调休 make-up workdays.
 *
 * Sources, in order of precedence (later wins):
 *   1. `chinese-days` (offline, 2004–2026 in 1.5.7);
 *   2. `CalendarData` from `calendars/*.yaml` (one year's official arrangement each; see `load.ts`);
 *   3. the SOP's `site` overrides (`extraHolidays`, `extraWorkdays`).
 * A year none of the first two covers is *unknown*: only weekends are rest days there and every
 * `DayInfo` of it says `known: false`, so callers can flag results that depend on it.
 */
import { createRequire } from 'node:module';
import type { SiteSettings } from '../model/types.js';

export interface DayInfo {
  /** ISO date, YYYY-MM-DD. */
  readonly date: string;
  readonly workday: boolean;
  /** A statutory holiday (or a site's extra holiday); ordinary weekends are not holidays. */
  readonly holiday: boolean;
  readonly holidayName: string | null;
  /** A weekend or holiday worked by arrangement (调休上班) or by the site's `extraWorkdays`. */
  readonly makeUpWorkday: boolean;
  /** `false` when no holiday data covers the year: the answer then only knows weekends. */
  readonly known: boolean;
}

export interface Calendar {
  day(date: string): DayInfo;
  hasData(year: number): boolean;
  /** Years with holiday data, ascending. */
  knownYears(): readonly number[];
}

/** One year's official arrangement, as published by the State Council. */
export interface CalendarData {
  readonly year: number;
  readonly holidays: readonly CalendarEntry[];
  readonly workdays: readonly CalendarEntry[];
  /** Where it comes from (file path), for messages. */
  readonly source: string;
}

export interface CalendarEntry {
  readonly date: string;
  readonly name: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO date strictly (rejects 2026-02-30); returns days since 1970-01-01, or `null`. */
export function parseIsoDate(date: string): number | null {
  const m = ISO_DATE.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

/** Days since 1970-01-01 → ISO date. */
export function isoFromDayNumber(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

interface YearTable {
  readonly holidays: ReadonlyMap<string, string>;
  readonly workdays: ReadonlyMap<string, string>;
}

/** `chinese-days` names look like `National Day,国庆节,3`; keep the Chinese name. */
function chineseName(raw: string): string {
  const parts = raw.split(',');
  return (parts.length >= 2 ? parts[1] : parts[0])?.trim() || raw;
}

const bundledCache = new Map<number, YearTable | null>();

/**
 * The package's own data file: date strings mapped to `English,中文,days`. Read directly because the
 * package's date functions parse `YYYY-MM-DD` as UTC midnight and read it back in local time, so west of
 * UTC every answer is a day early.
 */
const bundled = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
  readonly holidays: Readonly<Record<string, string>>;
  readonly workdays: Readonly<Record<string, string>>;
};

/** The bundled data for one year, or `null` when `chinese-days` has none (it ends with 2026). */
function bundledYear(year: number): YearTable | null {
  const cached = bundledCache.get(year);
  if (cached !== undefined) return cached;
  const prefix = `${year}-`;
  const pick = (table: Readonly<Record<string, string>>) =>
    new Map(
      Object.keys(table)
        .filter((d) => d.startsWith(prefix))
        .sort()
        .map((d) => [d, chineseName(table[d] ?? '')] as const),
    );
  const holidays = pick(bundled.holidays);
  const table = holidays.size > 0 ? { holidays, workdays: pick(bundled.workdays) } : null;
  bundledCache.set(year, table);
  return table;
}

/**
 * Builds the calendar of a site.
 *
 * @example
 * const cal = createCalendar(sop.site);
 * cal.day('2026-10-10'); // { workday: true, makeUpWorkday: true, holiday: false, known: true, … }
 */
export function createCalendar(site: SiteSettings, extra: readonly CalendarData[] = []): Calendar {
  const extraByYear = new Map<number, YearTable>();
  for (const data of extra) {
    const prev = extraByYear.get(data.year);
    const holidays = new Map(prev?.holidays ?? []);
    const workdays = new Map(prev?.workdays ?? []);
    for (const h of data.holidays) holidays.set(h.date, h.name);
    for (const w of data.workdays) workdays.set(w.date, w.name);
    extraByYear.set(data.year, { holidays, workdays });
  }
  const siteHolidays = new Set(site.extraHolidays);
  const siteWorkdays = new Set(site.extraWorkdays);

  const table = (year: number): YearTable | null => extraByYear.get(year) ?? bundledYear(year);

  return {
    hasData: (year) => table(year) !== null,
    knownYears: () => {
      const years = new Set<number>(extraByYear.keys());
      for (let y = 2004; y <= 2100; y++) if (bundledYear(y)) years.add(y);
      return [...years].sort((a, b) => a - b);
    },
    day(date) {
      const dn = parseIsoDate(date);
      if (dn === null) throw new RangeError(`not an ISO date: ${date}`);
      const year = Number(date.slice(0, 4));
      const t = table(year);
      const wd = weekdayOf(dn);
      const weekend = wd === 0 || wd === 6;
      let holidayName = t?.holidays.get(date) ?? null;
      const arranged = t?.workdays.has(date) ?? false;
      let holiday = holidayName !== null;
      let workday = arranged || (!weekend && !holiday);
      let makeUp = arranged;
      if (siteHolidays.has(date)) {
        holiday = true;
        workday = false;
        makeUp = false;
        holidayName ??= '场所休息日';
      }
      if (siteWorkdays.has(date)) {
        workday = true;
        holiday = false;
        holidayName = null;
        makeUp = weekend || t?.holidays.has(date) === true;
      }
      return {
        date,
        workday,
        holiday,
        holidayName: holiday ? holidayName : null,
        makeUpWorkday: workday && makeUp,
        known: t !== null,
      };
    },
  };
}

/** The result of counting working days: the date reached and whether every day counted was known. */
export interface WorkingDayResult {
  readonly date: string;
  /** Years without holiday data that the count walked through (empty when fully known). */
  readonly unknownYears: readonly number[];
}

/**
 * The `n`-th working day after `date` (n ≥ 1), or the first working day on/after it for n = 0.
 * Negative `n` counts backwards (the `-n`-th working day before `date`).
 *
 * @example
 * addWorkingDays(cal, '2026-09-30', 2); // { date: '2026-10-09', unknownYears: [] } — National Day skipped
 */
export function addWorkingDays(calendar: Calendar, date: string, n: number): WorkingDayResult {
  const start = parseIsoDate(date);
  if (start === null) throw new RangeError(`not an ISO date: ${date}`);
  if (!Number.isInteger(n)) throw new RangeError(`not an integer: ${n}`);
  const unknown = new Set<number>();
  const visit = (dn: number): DayInfo => {
    const info = calendar.day(isoFromDayNumber(dn));
    if (!info.known) unknown.add(Number(info.date.slice(0, 4)));
    return info;
  };
  let dn = start;
  if (n === 0) {
    while (!visit(dn).workday) dn++;
  } else {
    const step = n > 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      dn += step;
      if (visit(dn).workday) left--;
    }
  }
  return { date: isoFromDayNumber(dn), unknownYears: [...unknown].sort((a, b) => a - b) };
}

/** Working days in the closed range [from, to]. */
export function workingDaysBetween(calendar: Calendar, from: string, to: string): number {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  if (a === null || b === null) throw new RangeError(`not an ISO date: ${a === null ? from : to}`);
  let count = 0;
  for (let d = a; d <= b; d++) if (calendar.day(isoFromDayNumber(d)).workday) count++;
  return count;
}

/** The result of a deadline computation: an absolute time and the unknown years it depends on. */
export interface Deadline {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly unknownYears: readonly number[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Adds `minutes` of working time to the instant `start` (epoch ms): only time that falls on a
 * working day (in site time) counts. This is the meaning of a `basis: working` threshold: `2d`
 * is 2 × 24 h of working-day time, so a request logged on Friday 10:00 before a holiday reaches
 * 2 working days at 10:00 on the second working day after it.
 */
export function addWorkingMinutes(
  calendar: Calendar,
  utcOffsetMinutes: number,
  start: number,
  minutes: number,
): Deadline {
  if (minutes <= 0) return { at: start, unknownYears: [] };
  const offset = utcOffsetMinutes * MINUTE;
  let local = start + offset;
  let left = minutes * MINUTE;
  const unknown = new Set<number>();
  // Guard against a calendar with no working days at all.
  for (let guard = 0; guard < 100_000; guard++) {
    const dayStart = Math.floor(local / DAY) * DAY;
    const info = calendar.day(isoFromDayNumber(dayStart / DAY));
    if (!info.known) unknown.add(Number(info.date.slice(0, 4)));
    const dayEnd = dayStart + DAY;
    if (info.workday) {
      const available = dayEnd - local;
      if (left <= available) {
        // A threshold that ends exactly at midnight ends at the end of that working day.
        return { at: local + left - offset, unknownYears: [...unknown].sort((a, b) => a - b) };
      }
      left -= available;
    }
    local = dayEnd;
  }
  throw new RangeError('no working day within 100000 days');
}
