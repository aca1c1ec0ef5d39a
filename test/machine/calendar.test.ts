import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { addWorkingDays, createCalendar, workingDaysBetween } from '../../src/calendar/index.js';
import { loadCalendars, parseCalendar } from '../../src/calendar/load.js';

const CHINA = { utcOffsetMinutes: 480, extraHolidays: [], extraWorkdays: [] };
const fixture = readFileSync(join(import.meta.dirname, 'fixtures/cn-2027.example.yaml'), 'utf8');

describe('createCalendar (chinese-days 2004–2026)', () => {
  const cal = createCalendar(CHINA);

  test('statutory holidays, 调休 workdays and plain weekends', () => {
    expect(cal.day('2026-10-01')).toEqual({
      date: '2026-10-01',
      workday: false,
      holiday: true,
      holidayName: '国庆节',
      makeUpWorkday: false,
      known: true,
    });
    expect(cal.day('2026-10-10')).toEqual({
      date: '2026-10-10',
      workday: true,
      holiday: false,
      holidayName: null,
      makeUpWorkday: true,
      known: true,
    });
    expect(cal.day('2026-10-11')).toMatchObject({ workday: false, holiday: false, makeUpWorkday: false });
    expect(cal.day('2026-02-14')).toMatchObject({ workday: true, makeUpWorkday: true });
    expect(cal.day('2026-02-17')).toMatchObject({ workday: false, holiday: true, holidayName: '春节' });
    expect(cal.day('2026-03-02')).toMatchObject({ workday: true, holiday: false, makeUpWorkday: false });
  });

  test('a year without data is unknown, not silently right', () => {
    expect(cal.hasData(2026)).toBe(true);
    expect(cal.hasData(2004)).toBe(true);
    expect(cal.hasData(2027)).toBe(false);
    expect(cal.day('2027-01-01')).toMatchObject({ workday: true, holiday: false, known: false });
    expect(cal.knownYears()).toContain(2026);
    expect(cal.knownYears()).not.toContain(2027);
  });

  test('working-day arithmetic', () => {
    expect(addWorkingDays(cal, '2026-09-30', 2)).toEqual({ date: '2026-10-09', unknownYears: [] });
    expect(addWorkingDays(cal, '2026-09-30', 3)).toEqual({ date: '2026-10-10', unknownYears: [] });
    expect(addWorkingDays(cal, '2026-10-03', 0)).toEqual({ date: '2026-10-08', unknownYears: [] });
    expect(addWorkingDays(cal, '2026-10-08', -1)).toEqual({ date: '2026-09-30', unknownYears: [] });
    expect(addWorkingDays(cal, '2026-12-30', 3)).toEqual({ date: '2027-01-04', unknownYears: [2027] });
    expect(workingDaysBetween(cal, '2026-10-01', '2026-10-11')).toBe(3);
    expect(() => cal.day('2026-02-30')).toThrow(RangeError);
  });

  test('site overrides from the SOP', () => {
    const site = createCalendar({
      utcOffsetMinutes: 480,
      extraHolidays: ['2026-03-03'],
      extraWorkdays: ['2026-03-07', '2026-10-02'],
    });
    expect(site.day('2026-03-03')).toMatchObject({ workday: false, holiday: true });
    expect(site.day('2026-03-07')).toMatchObject({ workday: true, makeUpWorkday: true });
    expect(site.day('2026-10-02')).toMatchObject({ workday: true, holiday: false, makeUpWorkday: true });
  });
});

describe('calendar files (calendars/*.yaml)', () => {
  test('a year file adds that year and makes it known', () => {
    const { calendars, diagnostics } = loadCalendars([{ file: 'test/cn-2027.example.yaml', text: fixture }]);
    expect(diagnostics).toEqual([]);
    const cal = createCalendar(CHINA, calendars);
    expect(cal.hasData(2027)).toBe(true);
    expect(cal.day('2027-01-02')).toMatchObject({ holiday: true, holidayName: '元旦', known: true });
    expect(cal.day('2027-03-06')).toMatchObject({ workday: true, makeUpWorkday: true });
    expect(cal.day('2027-03-03')).toMatchObject({ workday: false, holiday: true });
    expect(addWorkingDays(cal, '2026-12-30', 3)).toEqual({ date: '2027-01-05', unknownYears: [] });
  });

  const bad: [string, string, string, number, number][] = [
    ['duplicate key', 'calendar: 1\nyear: 2027\nyear: 2028\n', 'CALENDAR_YAML', 3, 1],
    [
      'tab indentation',
      'calendar: 1\nyear: 2027\nholidays:\n\t- { name: x, date: 2027-01-01 }\n',
      'CALENDAR_YAML',
      4,
      1,
    ],
    [
      'unknown key',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 元旦, date: 2027-01-01 }\nextra: 1\n',
      'CALENDAR_SHAPE',
      6,
      1,
    ],
    [
      'impossible date',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 元旦, date: 2027-02-30 }\n',
      'CALENDAR_DATE',
      5,
      23,
    ],
    [
      'other year',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 元旦, date: 2026-01-01 }\n',
      'CALENDAR_YEAR',
      5,
      23,
    ],
    [
      'holiday and workday',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 元旦, date: 2027-01-02 }\nworkdays:\n  - { name: 调休, date: 2027-01-02 }\n',
      'CALENDAR_CONFLICT',
      7,
      23,
    ],
    [
      'from after to',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 春节, from: 2027-02-10, to: 2027-02-05 }\n',
      'CALENDAR_DATE',
      5,
      39,
    ],
    [
      'weekday make-up',
      'calendar: 1\nyear: 2027\nsource: x\nholidays:\n  - { name: 元旦, date: 2027-01-01 }\nworkdays:\n  - { name: 调休, date: 2027-01-06 }\n',
      'CALENDAR_WEEKDAY_WORKDAY',
      7,
      23,
    ],
    [
      'missing source',
      'calendar: 1\nyear: 2027\nholidays:\n  - { name: 元旦, date: 2027-01-01 }\n',
      'CALENDAR_SHAPE',
      1,
      1,
    ],
  ];
  test.each(bad)('%s → %s at line:column', (_what, text, code, line, column) => {
    const { diagnostics } = parseCalendar('calendars/cn-2027.yaml', text);
    expect(
      diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, file: d.file })),
    ).toContainEqual({ code, line, column, file: 'calendars/cn-2027.yaml' });
    for (const d of diagnostics) expect(d.message.zh.length).toBeGreaterThan(0);
  });

  test('two files for one year are reported', () => {
    const { calendars, diagnostics } = loadCalendars([
      { file: 'calendars/a.yaml', text: fixture },
      { file: 'calendars/b.yaml', text: fixture },
    ]);
    expect(calendars).toHaveLength(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['CALENDAR_DUPLICATE_YEAR', 'calendars/b.yaml', 5],
    ]);
  });
});
