import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { addWorkingMinutes, createCalendar } from '../../src/calendar/index.js';
import { loadCalendars } from '../../src/calendar/load.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { cst, type GeneratedModule, importMachine, variantSop } from './helpers.js';

/** The receptionist sends the front desk's events (the SOP gives those steps to that role). */
const BY = { role: 'receptionist', name: '李四' } as const;
const RECORD = {
  by: BY,
  type: 'RECORD',
  date: '2026-09-30',
  owner: '李四',
  phone: '13900000000',
  room: '5-1102',
  matter: '水管漏水',
};

/**
 * The reception SOP with its ladder edited (basis and thresholds). The ladder counts from the instant the
 * request is received (`from: { enter: received }`), so that the hour of the day matters; the bundled SOP
 * counts from the recorded reception date (front-desk.test.ts).
 */
function reception(basis: 'calendar' | 'working', first = '2d', second = '1w'): ProcedureSop {
  return variantSop('front-desk-reception.yaml', (text) =>
    text
      .replace('    from:\n      field: date\n', '    from:\n      enter: received\n')
      .replace('basis: calendar', `basis: ${basis}`)
      .replace('- after: 2d\n        role: cs-supervisor', `- after: ${first}\n        role: cs-supervisor`)
      .replace('- after: 1w\n        role: manager', `- after: ${second}\n        role: manager`),
  );
}

const cache = new Map<string, Promise<GeneratedModule>>();
function machineOf(
  basis: 'calendar' | 'working',
  first = '2d',
  second = '1w',
  calendars = '',
): Promise<GeneratedModule> {
  const key = [basis, first, second, calendars].join('|');
  let hit = cache.get(key);
  if (!hit) {
    const extra = calendars ? loadCalendars([{ file: 'fixture.yaml', text: calendars }]).calendars : [];
    hit = importMachine(reception(basis, first, second), extra).then((r) => r.mod);
    cache.set(key, hit);
  }
  return hit;
}

/** Logs and transfers a case at `at`; returns the actor on a simulated clock. */
async function transferredAt(mod: GeneratedModule, at: number) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor = mod.startActor({ clock });
  actor.send(RECORD);
  actor.send({ type: 'TRANSFER', by: BY, department: '工程部' });
  return { clock, actor };
}

/** Asserts the machine is still in `before` 1 ms before `at` and in `after` at `at`. */
function expectFlipAt(
  clock: SimulatedClock,
  actor: { getSnapshot(): { value: unknown } },
  at: number,
  before: string,
  after: string,
) {
  clock.set(at - 1);
  expect(actor.getSnapshot().value).toBe(before);
  clock.set(at);
  expect(actor.getSnapshot().value).toBe(after);
}

describe('working days vs calendar days (2026 data from chinese-days)', () => {
  test('calendar days: a request logged the day before National Day reaches the supervisor 2 days later', async () => {
    const mod = await machineOf('calendar');
    const { clock, actor } = await transferredAt(mod, cst('2026-09-30T10:00'));
    expectFlipAt(clock, actor, cst('2026-10-02T10:00'), 'transferred', 'supervisor');
  });

  test('working days: National Day (10-01…10-07) is skipped — 14 h on 09-30, all of 10-08, 10 h on 10-09', async () => {
    const mod = await machineOf('working');
    const { clock, actor } = await transferredAt(mod, cst('2026-09-30T10:00'));
    clock.set(cst('2026-10-02T10:00'));
    expect(actor.getSnapshot().value).toBe('transferred');
    expectFlipAt(clock, actor, cst('2026-10-09T10:00'), 'transferred', 'supervisor');
    // 1w on a working basis is 5 working days: 09-30, 10-08, 10-09, 10-10 (调休 Saturday), 10-12 → 10-13 10:00.
    expectFlipAt(clock, actor, cst('2026-10-13T10:00'), 'supervisor', 'manager');
    expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([]);
  });

  test('working days: the 调休 Saturday 2026-10-10 counts as a working day', async () => {
    const mod = await machineOf('working', '3d', '2w');
    const { clock, actor } = await transferredAt(mod, cst('2026-09-30T10:00'));
    expectFlipAt(clock, actor, cst('2026-10-10T10:00'), 'transferred', 'supervisor');
  });

  test('working days: Spring Festival 2026 — logged Friday 02-13 16:00, Saturday 02-14 is 调休, 02-15…02-23 off', async () => {
    const mod = await machineOf('working');
    const { clock, actor } = await transferredAt(mod, cst('2026-02-13T16:00'));
    // 8 h on 02-13 + 24 h on 02-14 (调休) + 16 h on 02-24.
    expectFlipAt(clock, actor, cst('2026-02-24T16:00'), 'transferred', 'supervisor');
  });

  test('the generated module agrees with src/calendar on many start times', async () => {
    const mod = await machineOf('working');
    const cal = createCalendar({ utcOffsetMinutes: 480, extraHolidays: [], extraWorkdays: [] });
    for (let t = cst('2026-01-01T00:00'); t < cst('2026-12-20T00:00'); t += 7 * 3_600_000 + 13 * 60_000) {
      const expected = addWorkingMinutes(cal, 480, t, 2 * 1440).at;
      expect(mod.thresholdAt(t, { basis: 'working', after: { amount: 2, unit: 'd', minutes: 2880 } })).toBe(
        expected,
      );
    }
  });

  test('site overrides in the YAML: an extra closing day is skipped, an extra working Saturday counts', async () => {
    const sop = variantSop('front-desk-reception.yaml', (text) =>
      text
        .replace('basis: calendar', 'basis: working')
        .replace('    from:\n      field: date\n', '    from:\n      enter: received\n')
        .replace(
          'effective: 2026-01-01\n',
          'effective: 2026-01-01\nsite:\n  extra-holidays: [2026-03-03]\n  extra-workdays: [2026-03-07]\n',
        ),
    );
    const { mod } = await importMachine(sop);
    // Logged Monday 03-02 10:00: 14 h on 03-02, 03-03 closed, 24 h on 03-04, 10 h on 03-05.
    const { clock, actor } = await transferredAt(mod, cst('2026-03-02T10:00'));
    expectFlipAt(clock, actor, cst('2026-03-05T10:00'), 'transferred', 'supervisor');
    // 1w = 5 × 24 h of working time: 14 h on 03-02, 03-04…03-06, 03-07 (extra workday), 10 h on 03-09 (not 03-10).
    expectFlipAt(clock, actor, cst('2026-03-09T10:00'), 'supervisor', 'manager');
  });

  describe('a deadline in a year without holiday data', () => {
    test('is flagged in context (chinese-days has no 2027 data)', async () => {
      const mod = await machineOf('working');
      const { clock, actor } = await transferredAt(mod, cst('2026-12-30T10:00'));
      expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([2027]);
      // Weekends only are known there: 2027-01-01 (a Friday) counts as a working day.
      expectFlipAt(clock, actor, cst('2027-01-01T10:00'), 'transferred', 'supervisor');
    });

    test('a calendar data file for 2027 removes the flag and its holidays are skipped', async () => {
      const fixture = readFileSync(join(import.meta.dirname, 'fixtures/cn-2027.example.yaml'), 'utf8');
      const mod = await machineOf('working', '2d', '1w', fixture);
      const { clock, actor } = await transferredAt(mod, cst('2026-12-30T10:00'));
      expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([]);
      // 14 h on 12-30, 24 h on 12-31, 2027-01-01…03 off (fixture), 10 h on Monday 01-04.
      expectFlipAt(clock, actor, cst('2027-01-04T10:00'), 'transferred', 'supervisor');
    });

    test('a calendar-day ladder never depends on holiday data and is not flagged', async () => {
      const mod = await machineOf('calendar');
      const { actor } = await transferredAt(mod, cst('2026-12-30T10:00'));
      expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([]);
    });
  });
});

describe('waits longer than a JavaScript timer holds (2^31 − 1 ms ≈ 24.8 days)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('the fake timers reproduce the overflow (so the next test means something)', () => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 2 ** 31);
    vi.advanceTimersByTime(2);
    expect(fired).toBe(true);
  });

  test('a 30-day and a 60-day threshold fire on time on real timers (chunked)', async () => {
    const mod = await machineOf('calendar', '30d', '60d');
    vi.useFakeTimers({ now: cst('2026-03-02T10:00') });
    const t0 = Date.now();
    const actor = mod.startActor();
    actor.send(RECORD);
    actor.send({ type: 'TRANSFER', by: BY, department: '工程部' });
    vi.advanceTimersByTime(1000);
    expect(actor.getSnapshot().value).toBe('transferred');
    vi.advanceTimersByTime(30 * 86_400_000 - 1000 - 1);
    expect(actor.getSnapshot().value).toBe('transferred');
    vi.advanceTimersByTime(1);
    expect(actor.getSnapshot().value).toBe('supervisor');
    expect(Date.now() - t0).toBe(30 * 86_400_000);
    vi.advanceTimersByTime(30 * 86_400_000 - 1);
    expect(actor.getSnapshot().value).toBe('supervisor');
    vi.advanceTimersByTime(1);
    expect(actor.getSnapshot().value).toBe('manager');
    actor.stop();
  });
});

describe('working-day thresholds, property-based', () => {
  test('the working time between start and deadline is exactly the threshold, counted day by day', async () => {
    const fc = (await import('fast-check')).default;
    const mod = await machineOf('working');
    const cal = createCalendar({ utcOffsetMinutes: 480, extraHolidays: [], extraWorkdays: [] });
    const DAY = 86_400_000;
    const OFFSET = 8 * 3_600_000;
    /** Milliseconds of [a, b) that fall on working days (site time), summed one local day at a time. */
    const workingMs = (a: number, b: number) => {
      let total = 0;
      for (let dayStart = Math.floor((a + OFFSET) / DAY) * DAY - OFFSET; dayStart < b; dayStart += DAY) {
        const iso = new Date(dayStart + OFFSET).toISOString().slice(0, 10);
        if (cal.day(iso).workday) total += Math.max(0, Math.min(b, dayStart + DAY) - Math.max(a, dayStart));
      }
      return total;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: cst('2025-01-01T00:00'), max: cst('2026-11-30T00:00') }),
        fc.integer({ min: 1, max: 15 }),
        (start, days) => {
          const at = mod.thresholdAt(start, {
            basis: 'working',
            after: { amount: days, unit: 'd', minutes: days * 1440 },
          });
          expect(workingMs(start, at)).toBe(days * DAY);
          // Not a millisecond of slack: 1 ms earlier the threshold is not reached.
          expect(workingMs(start, at - 1)).toBeLessThan(days * DAY);
          expect(at).toBeGreaterThanOrEqual(start + days * DAY);
        },
      ),
      { numRuns: 300, seed: 20261001 },
    );
  });
});
