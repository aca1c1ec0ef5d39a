/**
 * Time rules in the machine (design §5, §5.5): `deadlines:` as live limits with absolute clocks in
 * context, escalation ladders that start at an event or a recorded time, and `recurring:` plans exported
 * as data with `occurrences(from, to)`.
 *
 * Each limit is `context._sop.limits[id] = { startedAt, dueAt, elapsed, remaining, state, inSpan, source }`
 * (epoch ms; `state` is running | paused | met | breached). Every step gets one entry action
 * (`deadlineEnter`) that starts, resumes, pauses or meets the limits as the case enters it; each step of a
 * limit's span waits for it with a named delay `dueAt − now` (chunked below 2^31 − 1 ms, like the
 * escalations) and an `always` transition, so a restored snapshot fires an overdue limit at once and one
 * still ahead exactly on time.
 */

import { occurrenceWindow } from '../../model/occurrence.js';
import type {
  ClockStart,
  Deadline,
  DeadlineLimit,
  Duration,
  ProcedureSop,
  Recurrence,
  RecurringPlan,
} from '../../model/types.js';
import type { Json, JsonObject } from './config.js';

/** The event emitted when a limit is breached (both kinds; `go` says whether the case moved). */
export const OVERDUE_EVENT = 'sop.overdue';
/** The event emitted for a limit's `notify` role when it is breached. */
export const NOTIFY_EVENT = 'sop.notify';
/** Actions the time rules add; the generated module implements each. */
export const DEADLINE_ACTION_NAMES = [
  'deadlineBreach',
  'deadlineEnter',
  'deadlineStart',
  'deadlineStop',
] as const;
export const DEADLINE_EMIT_NAMES = ['deadlineNotify', 'deadlineOverdue'] as const;
/** The guard of every limit's timer. */
export const DEADLINE_GUARD = 'deadlineDue';

export interface PlannedDeadline {
  readonly deadline: Deadline;
  readonly notifyName: string | null;
}

/** The delay of limit `id` in step `step`. */
export function deadlineDelay(step: string, id: string): string {
  return `${step}.deadline.${id}`;
}

export function usesTimeRules(sop: ProcedureSop): boolean {
  return sop.deadlines.length > 0 || sop.recurring.length > 0;
}

/** Every named delay of the limits, with the limit it waits for. */
export function deadlineDelays(sop: ProcedureSop): { delay: string; id: string; step: string }[] {
  const out: { delay: string; id: string; step: string }[] = [];
  for (const step of sop.workflow?.steps ?? []) {
    for (const d of sop.deadlines) {
      if (d.during.includes(step.id))
        out.push({ delay: deadlineDelay(step.id, d.id), id: d.id, step: step.id });
    }
  }
  return out;
}

function durationJson(d: Duration): JsonObject {
  return { text: d.text, amount: d.amount, unit: d.unit, minutes: d.minutes };
}

function limitJson(l: DeadlineLimit): JsonObject {
  switch (l.kind) {
    case 'within':
      return { kind: l.kind, duration: durationJson(l.duration) };
    case 'within-by':
      return {
        kind: l.kind,
        field: l.field,
        options: l.options.map((o) => ({ value: o.value, duration: durationJson(o.duration) })),
        otherwise: l.otherwise ? durationJson(l.otherwise) : null,
      };
    case 'within-field':
      return {
        kind: l.kind,
        field: l.field,
        before: l.before ? durationJson(l.before) : null,
        otherwise: l.otherwise ? durationJson(l.otherwise) : null,
      };
    case 'at':
      return { kind: l.kind, time: l.time.minutes, text: l.time.text, day: l.day };
    case 'by':
      return { kind: l.kind, day: l.day, month: l.month };
    case 'occurrence':
      return { kind: l.kind, plan: l.plan };
  }
}

function startJson(f: ClockStart): JsonObject {
  switch (f.kind) {
    case 'enter':
      return { enter: f.step };
    case 'event':
      return { event: f.event };
    case 'field':
      return { field: f.field };
  }
}

/** `meta.sopforge.deadlines`: what the runtime needs of each limit, by id. */
export function deadlinesJson(sop: ProcedureSop): JsonObject {
  const roles = new Map(sop.roles.map((r) => [r.id, r.name]));
  const out: JsonObject = {};
  for (const d of sop.deadlines) {
    out[d.id] = {
      id: d.id,
      label: d.label,
      clause: d.clause,
      limit: limitJson(d.limit),
      from: startJson(d.from),
      while: [...d.during],
      stop: d.stop,
      basis: d.basis,
      go: d.go,
      notify: d.notify,
      notifyName: d.notify === null ? null : (roles.get(d.notify) ?? d.notify),
      // Not written: a new clock each time the span is entered (design §5).
      reentry: d.reentry ?? 'restart',
    };
  }
  return out;
}

function recurrenceJson(r: Recurrence): JsonObject {
  switch (r.kind) {
    case 'every':
      return { kind: r.kind, minutes: r.duration.minutes, text: r.duration.text };
    case 'daily':
      return { kind: r.kind };
    case 'weekly':
      return { kind: r.kind, weekday: r.weekday };
    case 'monthly':
      return { kind: r.kind, day: r.day };
    case 'months':
      return { kind: r.kind, months: [...r.months], day: r.day };
  }
}

/** `meta.sopforge.recurring`: the plans, as data an app or a cron can read without running the machine. */
export function recurringJson(sop: ProcedureSop): Json[] {
  return sop.recurring.map((p: RecurringPlan) => ({
    id: p.id,
    label: p.label,
    clause: p.clause,
    every: recurrenceJson(p.every),
    starting: p.starting?.minutes ?? null,
    startingText: p.starting?.text ?? null,
    window: occurrenceWindow(p),
    by: p.by ? { kind: 'by', day: p.by.day, month: p.by.month } : null,
    lateAfterMinutes: p.lateAfter?.minutes ?? null,
    lateAfter: p.lateAfter?.text ?? null,
    basis: p.basis,
    from: sop.effective,
  }));
}

/** The entry action of a step: which limits its entry starts, keeps live, and leaves. */
export function deadlineEntry(sop: ProcedureSop, step: string): Json | null {
  if (sop.deadlines.length === 0) return null;
  return {
    type: 'deadlineEnter',
    params: {
      step,
      starts: sop.deadlines.filter((d) => d.from.kind === 'enter' && d.from.step === step).map((d) => d.id),
      during: sop.deadlines.filter((d) => d.during.includes(step)).map((d) => d.id),
      leave: sop.deadlines.filter((d) => !d.during.includes(step)).map((d) => d.id),
    },
  };
}

/** Actions an accepted event adds: limits and ladder clocks it starts, limits it meets. */
export function eventTimeActions(sop: ProcedureSop, event: string): Json[] {
  const out: Json[] = [];
  for (const l of sop.escalations) {
    if (l.from.kind === 'event' && l.from.event === event)
      out.push({ type: 'startClock', params: { ladder: l.id } });
  }
  const starts = sop.deadlines
    .filter((d) => d.from.kind === 'event' && d.from.event === event)
    .map((d) => d.id);
  if (starts.length > 0) out.push({ type: 'deadlineStart', params: { ids: starts } });
  const stops = sop.deadlines.filter((d) => d.stop === event).map((d) => d.id);
  if (stops.length > 0) out.push({ type: 'deadlineStop', params: { ids: stops } });
  return out;
}

/** The breach transition of limit `d` in `step` (`leaving`: the delays the step's other timers must drop). */
function breachTransition(d: Deadline, step: string, leaving: readonly string[]): JsonObject {
  const actions: Json[] = [];
  if (d.go !== null && d.go !== step && leaving.length > 0)
    actions.push({ type: 'disarm', params: { delays: [...leaving] } });
  actions.push({ type: 'deadlineBreach', params: { id: d.id, step } });
  actions.push({ type: 'deadlineOverdue', params: { id: d.id, step } });
  if (d.notify !== null) actions.push({ type: 'deadlineNotify', params: { id: d.id, step } });
  const t: JsonObject = {
    guard: { type: DEADLINE_GUARD, params: { id: d.id } },
    actions,
    meta: {
      label: d.label,
      timer: 'deadline',
      deadline: d.id,
      breach: d.go === null ? 'overdue' : 'go',
      notify: d.notify,
      clause: d.clause,
    },
  };
  if (d.go !== null) t.target = d.go;
  return t;
}

/** What the limits live in a step add to its state: `always` and `after` transitions. */
export function deadlineStateParts(
  sop: ProcedureSop,
  step: string,
  otherDelays: readonly string[],
): { always: JsonObject[]; after: JsonObject } | null {
  const live = sop.deadlines.filter((d) => d.during.includes(step));
  if (live.length === 0) return null;
  const always: JsonObject[] = [];
  const after: JsonObject = {};
  for (const d of live) {
    const breach = breachTransition(d, step, otherDelays);
    always.push(breach);
    after[deadlineDelay(step, d.id)] = [
      breach,
      // A wait longer than one timer holds, or a limit restarted by an event: sleep again for what is left.
      { target: step, reenter: true, meta: { label: '继续等待', continue: true } },
    ];
  }
  return { always, after };
}

/**
 * The runtime of the time rules (plain JavaScript; uses the calendar functions of the shared runtime).
 * Included in machine.js only for SOPs with deadlines or recurring plans.
 */
export const TIME_RUNTIME = `
const DEADLINES = SOP.deadlines || {};
const RECURRING = SOP.recurring || [];
const WORKING_HOURS = SOP.workingHours || [];

/** Adds working-hours time: only minutes inside site.working-hours on working days count. */
function addWorkingHours(start, minutes, unknown) {
  let left = minutes * MINUTE;
  if (left <= 0) return start;
  let day = localDay(start);
  for (let guard = 0; guard < 100000; guard++, day++) {
    if (!isWorkday(day, unknown)) continue;
    for (const h of WORKING_HOURS) {
      const from = Math.max(start, day * DAY + h.start * MINUTE - OFFSET);
      const to = day * DAY + h.end * MINUTE - OFFSET;
      if (to <= from) continue;
      if (left <= to - from) return from + left;
      left -= to - from;
    }
  }
  throw new RangeError('no working hours within 100000 days');
}

/** Time of the basis between two instants (ms): what a paused limit still has left. */
function basisBetween(a, b, basis, unknown) {
  if (b <= a) return 0;
  if (basis === 'calendar') return b - a;
  let total = 0;
  for (let day = localDay(a); day <= localDay(b); day++) {
    if (!isWorkday(day, unknown)) continue;
    const spans = basis === 'working' ? [{ start: 0, end: 1440 }] : WORKING_HOURS;
    for (const h of spans) {
      const from = Math.max(a, day * DAY + h.start * MINUTE - OFFSET);
      const to = Math.min(b, day * DAY + h.end * MINUTE - OFFSET);
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** Adds ms of the basis's time to an instant. */
function addBasis(start, ms, basis, unknown) {
  if (basis === 'calendar') return start + ms;
  if (basis === 'working') return addWorkingMinutes(start, ms / MINUTE, unknown);
  return addWorkingHours(start, ms / MINUTE, unknown);
}

function addDuration(start, duration, basis, unknown) {
  if (basis === 'working-hours') return addWorkingHours(start, duration.minutes, unknown);
  return thresholdAt(start, { basis, after: duration }, unknown);
}

/** The local day number of the first working day on or after day (when the basis counts working time). */
function workingFrom(day, basis, unknown) {
  if (basis === 'calendar') return day;
  for (let guard = 0; guard < 100000; guard++, day++) if (isWorkday(day, unknown)) return day;
  throw new RangeError('no working day within 100000 days');
}

/** When a limit started at start is due (epoch ms), or null when its recorded choice is not recorded. */
function limitDue(d, start, context, unknown) {
  const limit = d.limit;
  switch (limit.kind) {
    case 'within':
      return addDuration(start, limit.duration, d.basis, unknown);
    case 'within-by': {
      const value = context[limit.field];
      const hit = limit.options.find((o) => value != null && o.value === String(value));
      const duration = hit ? hit.duration : limit.otherwise;
      return duration ? addDuration(start, duration, d.basis, unknown) : null;
    }
    case 'within-field': {
      const recorded = recordedAt(context[limit.field]);
      // before: calendar time only (validate refuses it on a working basis), so minutes are exact.
      if (recorded !== null) return limit.before ? recorded - limit.before.minutes * MINUTE : recorded;
      return limit.otherwise ? addDuration(start, limit.otherwise, d.basis, unknown) : null;
    }
    case 'at': {
      // day: same is the start's day whatever the basis; otherwise a working basis moves to a working day.
      const first = limit.day === 'next' ? localDay(start) + 1 : localDay(start);
      let day = limit.day === 'same' ? first : workingFrom(first, d.basis, unknown);
      let at = day * DAY + limit.time * MINUTE - OFFSET;
      if (limit.day === 'auto' && at <= start) {
        day = workingFrom(day + 1, d.basis, unknown);
        at = day * DAY + limit.time * MINUTE - OFFSET;
      }
      return at;
    }
    case 'by': {
      const local = new Date(start + OFFSET);
      const month = local.getUTCMonth() + (limit.month === 'next' ? 1 : 0);
      const year = local.getUTCFullYear();
      const last = Date.UTC(year, month + 1, 0) / DAY;
      let day;
      if (limit.day === 'last-working') {
        day = last;
        while (!isWorkday(day, unknown)) day--;
      } else {
        day = Math.min(Date.UTC(year, month, 1) / DAY + limit.day - 1, last);
        // "By the 25th" on a working basis: by the end of the last working day up to the 25th.
        if (d.basis !== 'calendar') while (!isWorkday(day, unknown)) day--;
      }
      return (day + 1) * DAY - OFFSET;
    }
    case 'occurrence': {
      // The due of the occurrence the case was opened for; no limit for a case opened otherwise.
      const o = context._sop && context._sop.occurrence;
      return o && o.plan === limit.plan ? o.dueAt : null;
    }
    default:
      return null;
  }
}

/** A new clock for limit d at instant at (its start read from the record for from: { field }). */
function newLimit(d, at, context, unknown, inSpan) {
  let startedAt = at;
  let source = 'now';
  if (d.from.field) {
    const recorded = recordedAt(context[d.from.field]);
    if (recorded !== null) {
      startedAt = recorded;
      source = 'field';
    }
  }
  const dueAt = limitDue(d, startedAt, context, unknown);
  return { startedAt, dueAt, elapsed: 0, remaining: null, state: 'running', inSpan, source, resumedAt: at, metAt: null, breachedAt: null };
}

/** The clock is started (entry into the from-step, the from-event): restart renews it, continue and keep do not. */
function startLimit(limits, d, at, context, unknown, step) {
  const old = limits[d.id];
  if (old && d.reentry !== 'restart') return;
  limits[d.id] = newLimit(d, at, context, unknown, d.while.indexOf(step) >= 0);
}

function enterSpan(limits, d, at, context, unknown) {
  let c = limits[d.id];
  if (d.from.field && (!c || (!c.inSpan && d.reentry === 'restart'))) {
    limits[d.id] = newLimit(d, at, context, unknown, true);
    return;
  }
  if (!c || c.inSpan) return;
  c = { ...c, inSpan: true };
  if (c.state === 'met') c = { ...c, state: 'running', metAt: null, resumedAt: at };
  else if (c.state === 'paused') c = { ...c, state: 'running', resumedAt: at, dueAt: addBasis(at, c.remaining, d.basis, unknown), remaining: null };
  limits[d.id] = c;
}

function leaveSpan(limits, d, at, unknown) {
  const c = limits[d.id];
  if (!c || !c.inSpan) return;
  if (c.state !== 'running') {
    limits[d.id] = { ...c, inSpan: false };
    return;
  }
  const elapsed = c.elapsed + basisBetween(c.resumedAt, at, d.basis, unknown);
  if (d.reentry === 'continue' && c.dueAt !== null) {
    limits[d.id] = { ...c, inSpan: false, state: 'paused', elapsed, remaining: basisBetween(at, c.dueAt, d.basis, unknown) };
  } else limits[d.id] = { ...c, inSpan: false, state: 'met', elapsed, metAt: at };
}

/** Local ISO minute of an instant in site time, e.g. 2026-03-02T10:00. */
function localIso(at) {
  return new Date(at + OFFSET).toISOString().slice(0, 16);
}

function occurrenceDays(plan, from, to) {
  const days = [];
  const first = Math.max(localDay(from) - 1, localDay(recordedAt(plan.from)));
  for (let day = first; day <= localDay(to); day++) days.push(day);
  return days;
}

/**
 * Where an occurrence planned at instant at ends, and when it is due: an instant has neither; a whole day
 * or month ends at its end and is due then, unless the plan's by: names an earlier or later day.
 */
function occurrenceEnd(plan, at, unknown) {
  if (plan.window === 'instant') return { until: null, dueAt: null };
  let until;
  if (plan.window === 'day') until = (localDay(at) + 1) * DAY - OFFSET;
  else {
    const local = new Date(at + OFFSET);
    until = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - OFFSET;
  }
  if (!plan.by) return { until, dueAt: until };
  return { until, dueAt: limitDue({ limit: plan.by, basis: plan.basis }, at, {}, unknown) };
}

/** The planned instants of one plan in [from, to). */
function planOccurrences(plan, from, to, unknown) {
  const out = [];
  const effective = recordedAt(plan.from);
  const every = plan.every;
  const push = (at) => {
    if (at >= from && at < to && at >= effective) out.push(at);
  };
  const inHours = (at) => {
    const day = localDay(at);
    if (!isWorkday(day, unknown)) return false;
    if (plan.basis !== 'working-hours') return true;
    const minute = (at + OFFSET - day * DAY) / MINUTE;
    return WORKING_HOURS.some((h) => minute >= h.start && minute < h.end);
  };
  if (every.kind === 'every') {
    const step = every.minutes * MINUTE;
    const anchor = effective + plan.starting * MINUTE;
    let at = anchor + Math.max(0, Math.ceil((from - anchor) / step)) * step;
    for (; at < to; at += step) {
      if (out.length > 100000) throw new RangeError('more than 100000 occurrences');
      if (plan.basis === 'calendar' || inHours(at)) push(at);
    }
    return out;
  }
  for (const day of occurrenceDays(plan, from, to)) {
    const iso = isoOf(day);
    const weekday = (((day + 4) % 7) + 7) % 7;
    let hit = false;
    if (every.kind === 'daily') hit = plan.basis === 'calendar' || isWorkday(day, unknown);
    else if (every.kind === 'weekly') hit = WEEKDAYS[weekday] === every.weekday;
    else if (every.kind === 'months' && every.months.indexOf(Number(iso.slice(5, 7))) < 0) hit = false;
    else if (every.day === null) hit = Number(iso.slice(8, 10)) === 1;
    else if (every.day === 'last-working-day') {
      const last = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), 0) / DAY;
      let lw = last;
      while (!isWorkday(lw, unknown)) lw--;
      hit = day === lw;
    } else hit = Number(iso.slice(8, 10)) === every.day;
    if (!hit) continue;
    // On a working basis a weekly or monthly occurrence on a rest day moves to the next working day; a
    // whole month starts on its first day whatever the basis.
    const moves = plan.window !== 'month' && (every.kind === 'weekly' || every.kind === 'monthly' || every.kind === 'months');
    const on = moves ? workingFrom(day, plan.basis === 'calendar' ? 'calendar' : 'working', unknown) : day;
    push(on * DAY + (plan.starting || 0) * MINUTE - OFFSET);
  }
  return out;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * The planned occurrences of every recurring plan in [from, to): ISO dates (site midnight), local
 * date-times (site time) or instants with an offset; sorted by time, then plan.
 */
function occurrences(fromIso, toIso) {
  const from = recordedAt(fromIso);
  const to = recordedAt(toIso);
  if (from === null || to === null) throw new TypeError('occurrences(from, to): ISO dates or date-times');
  const unknown = new Set();
  const out = [];
  for (const plan of RECURRING) {
    // known: false when the occurrence depends on working days of a year without holiday data.
    const calendar =
      plan.basis !== 'calendar' ||
      ((plan.every.kind === 'monthly' || plan.every.kind === 'months') && plan.every.day === 'last-working-day') ||
      (plan.by !== null && plan.by.day === 'last-working');
    for (const at of planOccurrences(plan, from, to, unknown)) {
      const local = localIso(at);
      const { until, dueAt } = occurrenceEnd(plan, at, unknown);
      const years = [local, dueAt === null ? local : localIso(dueAt - 1)].map((t) => Number(t.slice(0, 4)));
      const known = !calendar || years.every((y) => KNOWN_YEARS.has(y));
      out.push({ plan: plan.id, label: plan.label, at, local, until, dueAt, lateAt: plan.lateAfterMinutes === null ? null : at + plan.lateAfterMinutes * MINUTE, known });
    }
  }
  out.sort((a, b) => a.at - b.at || (a.plan < b.plan ? -1 : a.plan > b.plan ? 1 : 0));
  return out;
}

/** A case opened for a planned occurrence: its planned instant and whether it started late. */
function occurrenceOf(input, at) {
  if (!input || !input.occurrence) return null;
  const o = input.occurrence;
  const plan = RECURRING.find((p) => p.id === o.plan);
  const plannedAt = typeof o.at === 'number' ? o.at : recordedAt(o.at);
  if (!plan || plannedAt === null) throw new TypeError('input.occurrence: { plan: a recurring plan id, at: its planned instant }');
  const lateAt = plan.lateAfterMinutes === null ? null : plannedAt + plan.lateAfterMinutes * MINUTE;
  const { until, dueAt } = occurrenceEnd(plan, plannedAt, new Set());
  return { plan: plan.id, plannedAt, startedAt: at, lateAt, late: lateAt !== null && at > lateAt, until, dueAt };
}
`;

/** The xstate actions, guard and delays of the time rules (inside machine.js, after the shared runtime). */
export const TIME_XSTATE_RUNTIME = `
export { OVERDUE_EVENT, NOTIFY_EVENT, occurrences };
const OVERDUE_EVENT = ${JSON.stringify(OVERDUE_EVENT)};
const NOTIFY_EVENT = ${JSON.stringify(NOTIFY_EVENT)};

function timeActions(now) {
  const update = (context, fn) => {
    const state = context._sop;
    const limits = { ...state.limits };
    const unknown = new Set(state.unknownCalendarYears);
    const patch = fn(limits, unknown, state) || {};
    return internal(context, { ...patch, limits, unknownCalendarYears: [...unknown].sort((a, b) => a - b) });
  };
  return {
    deadlineEnter: assign(({ context }, params) => {
      // Re-entered by a resume or a long sleep: nothing moved, the limits stay as they are.
      if (context._sop.step === params.step) return {};
      const at = now();
      return update(context, (limits, unknown) => {
        for (const id of params.starts) startLimit(limits, DEADLINES[id], at, context, unknown, params.step);
        for (const id of params.leave) leaveSpan(limits, DEADLINES[id], at, unknown);
        for (const id of params.during) enterSpan(limits, DEADLINES[id], at, context, unknown);
        return { step: params.step };
      });
    }),
    // On the accepted event's transition, before the target's entry: the step is still the source.
    deadlineStart: assign(({ context }, params) =>
      update(context, (limits, unknown, state) => {
        for (const id of params.ids) startLimit(limits, DEADLINES[id], now(), context, unknown, state.step);
      }),
    ),
    deadlineStop: assign(({ context }, params) =>
      update(context, (limits, unknown) => {
        const at = now();
        for (const id of params.ids) {
          const c = limits[id];
          if (!c || c.state !== 'running') continue;
          const elapsed = c.inSpan ? c.elapsed + basisBetween(c.resumedAt, at, DEADLINES[id].basis, unknown) : c.elapsed;
          limits[id] = { ...c, state: 'met', metAt: at, elapsed };
        }
      }),
    ),
    deadlineBreach: assign(({ context }, params) =>
      update(context, (limits, _unknown, state) => {
        const d = DEADLINES[params.id];
        const c = limits[params.id];
        const at = now();
        limits[params.id] = { ...c, state: 'breached', breachedAt: at };
        const overdue = [...state.overdue, { deadline: d.id, step: params.step, due: c.dueAt, at, go: d.go }];
        return d.go === null ? { overdue } : { overdue, moved: { deadline: d.id } };
      }),
    ),
    deadlineOverdue: emit(({ context }, params) => {
      const d = DEADLINES[params.id];
      const c = context._sop.limits[params.id];
      return { type: OVERDUE_EVENT, deadline: d.id, label: d.label, clause: d.clause, step: params.step, due: c.dueAt, at: c.breachedAt, go: d.go };
    }),
    deadlineNotify: emit(({ context }, params) => {
      const d = DEADLINES[params.id];
      const c = context._sop.limits[params.id];
      return { type: NOTIFY_EVENT, role: d.notify, roleName: d.notifyName, deadline: d.id, label: d.label, clause: d.clause, step: params.step, due: c.dueAt, at: c.breachedAt };
    }),
  };
}

function limitDueNow(now) {
  return ({ context }, params) => {
    const c = context._sop.limits[params.id];
    return c != null && c.inSpan && c.state === 'running' && c.dueAt != null && now() >= c.dueAt;
  };
}

function remainingLimit(id, now) {
  return ({ context }) => {
    const c = context._sop.limits[id];
    if (!c || !c.inSpan || c.state !== 'running' || c.dueAt == null) return MAX_TIMER_MS;
    return Math.min(MAX_TIMER_MS, Math.max(0, c.dueAt - now()));
  };
}
`;

/** machine.js without time rules still answers `occurrences` (a SOP with no recurring plans has none). */
export const NO_TIME_RUNTIME = `
/** This SOP states no recurring plans: no occurrences in any range. */
export function occurrences(_fromIso, _toIso) {
  return [];
}
function timeActions(_now) {
  return {};
}
function occurrenceOf(input, _at) {
  if (input && input.occurrence) throw new TypeError('input.occurrence: this SOP has no recurring plans');
  return null;
}
`;

/** Whether the time rules need the embedded holiday data (a working basis, the last working day). */
export function timeRulesNeedCalendar(sop: ProcedureSop): boolean {
  return (
    sop.deadlines.some(
      (d) => d.basis !== 'calendar' || (d.limit.kind === 'by' && d.limit.day === 'last-working'),
    ) ||
    sop.recurring.some(
      (p) =>
        p.basis !== 'calendar' ||
        ((p.every.kind === 'monthly' || p.every.kind === 'months') && p.every.day === 'last-working-day') ||
        p.by?.day === 'last-working',
    )
  );
}

/** What `context._sop` holds for the time rules, initially (only in machines that have them). */
export function initialTimeState(sop: ProcedureSop): JsonObject {
  if (!usesTimeRules(sop)) return {};
  return { step: null, limits: {}, overdue: [], occurrence: null };
}

/**
 * The states without the `deadlines:` limits, for the SCXML target: it carries the escalations and duty
 * timers, and says in a comment that the limits run in machine.js only.
 */
export function statesWithoutLimits<T>(states: T): T {
  const isLimit = (a: unknown): boolean =>
    typeof a === 'object' && a !== null && String((a as { type?: unknown }).type).startsWith('deadline');
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.filter((x) => !isLimit(x) && !isLimitTransition(x)).map(clean);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'after' && typeof x === 'object' && x !== null) {
        const kept = Object.entries(x).filter(([delay]) => !delay.includes('.deadline.'));
        if (kept.length > 0) out[k] = Object.fromEntries(kept.map(([d, t]) => [d, clean(t)]));
      } else if (k === 'always' && Array.isArray(x)) {
        const kept = clean(x) as unknown[];
        if (kept.length > 0) out[k] = kept;
      } else out[k] = clean(x);
    }
    return out;
  };
  return clean(states) as T;
}

function isLimitTransition(t: unknown): boolean {
  const guard = (t as { guard?: { type?: unknown } } | null)?.guard;
  return typeof t === 'object' && t !== null && guard?.type === DEADLINE_GUARD;
}

/** A short label of a limit for diagrams: `⏱ 到场 2h`, `⏱ 归还钥匙 18:00`, `⏱ 月末 last-working`. */
export function deadlineDiagramLabel(d: Deadline): string {
  const l = d.limit;
  const limit =
    l.kind === 'within'
      ? l.duration.text
      : l.kind === 'within-by'
        ? [
            ...l.options.map((o) => `${o.value} ${o.duration.text}`),
            ...(l.otherwise ? [`else ${l.otherwise.text}`] : []),
          ].join(' / ')
        : l.kind === 'within-field'
          ? `${l.field}${l.before ? ` − ${l.before.text}` : ''}${l.otherwise ? ` / ${l.otherwise.text}` : ''}`
          : l.kind === 'at'
            ? `${l.day === 'next' ? '次日' : ''}${l.time.text}`
            : l.kind === 'occurrence'
              ? `计划 ${l.plan}`
              : `${l.month === 'next' ? '下月' : ''}${l.day === 'last-working' ? '最后工作日' : `${l.day}日`}`;
  const basis = d.basis === 'calendar' ? '' : d.basis === 'working' ? '（工作日）' : '（工作时间）';
  return `⏱ ${d.label} ${limit}${basis}`;
}
