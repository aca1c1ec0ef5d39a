import { type Calendar, isoFromDayNumber } from '../../../calendar/index.js';
import type { DutyWindow, ProcedureSop } from '../../../model/types.js';
import type { StaffMember } from './staff.js';

/** One day of a roster. */
export interface RosterDay {
  readonly date: string;
  readonly day: number;
  /** 一 … 日 */
  readonly weekday: string;
  /** 国庆节 / 休息日 / 调休上班 / '' for an ordinary workday. */
  readonly kind: string;
  /** The duty window of that day: the holiday window on rest days and statutory holidays. */
  readonly window: DutyWindow;
  readonly restDay: boolean;
  /** Who is on duty; `null` on a blank roster or when nobody is available. */
  readonly person: string | null;
}

export interface RosterPlan {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly days: readonly RosterDay[];
  /** Last day the roster must be ready by (ISO date), from the SOP's roster rule. */
  readonly dueBy: string | null;
  /** `false` when the calendar has no holiday data for the month's year. */
  readonly holidaysKnown: boolean;
  /** Shifts per person, in staff order (empty on a blank roster). */
  readonly counts: readonly { readonly name: string; readonly shifts: number; readonly minutes: number }[];
  /** Days nobody could be rostered (everyone on leave). */
  readonly uncovered: readonly string[];
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(text: string): { year: number; month: number } | null {
  const m = MONTH.exec(text);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

/**
 * Plans a month: each day's window from the calendar (rest days and statutory holidays get the SOP's
 * holiday window, 调休 make-up workdays the normal one), and, given a staff list, who is on duty.
 *
 * The rotation is greedy and deterministic: each day goes to the available person (not on leave) with
 * the fewest duty minutes so far, avoiding whoever was on duty the day before when anyone else is free;
 * ties go to whoever has waited longest, then to staff-list order — rotated by one place each month,
 * so the first days of the month do not always fall to the same people. Counting minutes rather than shifts
 * keeps 24-hour holiday shifts fair against overnight ones.
 */
export function planRoster(
  sop: ProcedureSop,
  month: string,
  calendar: Calendar,
  staff: readonly StaffMember[] | null,
): RosterPlan {
  const ym = parseMonth(month);
  const schedule = sop.schedule;
  if (!ym) throw new RangeError(`not a month: ${month}`);
  if (!schedule) throw new RangeError(`${sop.id} has no schedule`);
  const first = Date.UTC(ym.year, ym.month - 1, 1) / 86_400_000;
  const next = Date.UTC(ym.year, ym.month, 1) / 86_400_000;
  const load = new Map<string, { shifts: number; minutes: number; last: number }>();
  for (const s of staff ?? []) load.set(s.name, { shifts: 0, minutes: 0, last: -Infinity });
  const days: RosterDay[] = [];
  const uncovered: string[] = [];
  const shift = staff && staff.length > 0 ? (ym.year * 12 + ym.month - 1) % staff.length : 0;
  const order = staff ? [...staff.slice(shift), ...staff.slice(0, shift)] : null;
  let previous: string | null = null;
  for (let dn = first; dn < next; dn++) {
    const date = isoFromDayNumber(dn);
    const info = calendar.day(date);
    const restDay = !info.workday;
    const window = restDay ? (schedule.holidayWindow ?? schedule.window) : schedule.window;
    const kind = info.holiday
      ? (info.holidayName ?? '法定节假日')
      : info.makeUpWorkday
        ? '调休上班'
        : restDay
          ? '休息日'
          : '';
    let person: string | null = null;
    if (order) {
      const free = order.filter((s) => !s.leave.has(date));
      const rested = free.filter((s) => s.name !== previous);
      const pool = rested.length > 0 ? rested : free;
      let best: StaffMember | null = null;
      for (const s of pool) {
        if (!best) {
          best = s;
          continue;
        }
        const a = load.get(s.name);
        const b = load.get(best.name);
        if (a && b && (a.minutes < b.minutes || (a.minutes === b.minutes && a.last < b.last))) best = s;
      }
      if (best) {
        const l = load.get(best.name);
        if (l) {
          l.shifts++;
          l.minutes += window.lengthMinutes;
          l.last = dn;
        }
        person = best.name;
      } else {
        uncovered.push(date);
      }
    }
    previous = person;
    days.push({
      date,
      day: dn - first + 1,
      weekday: WEEKDAYS[(((dn + 4) % 7) + 7) % 7] ?? '',
      kind,
      window,
      restDay,
      person,
    });
  }
  const roster = schedule.roster;
  const dueBy =
    roster && roster.dueDaysBeforeMonth !== null
      ? isoFromDayNumber(first - 1 - roster.dueDaysBeforeMonth)
      : null;
  return {
    month,
    days,
    dueBy,
    holidaysKnown: calendar.hasData(ym.year),
    counts: (staff ?? []).map((s) => ({
      name: s.name,
      shifts: load.get(s.name)?.shifts ?? 0,
      minutes: load.get(s.name)?.minutes ?? 0,
    })),
    uncovered,
  };
}
