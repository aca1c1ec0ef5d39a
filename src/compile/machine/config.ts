/**
 * Plan → XState v5 machine config as plain JSON: states, transitions, guards and actions by name
 * with JSON params, named delays, `meta` with the Chinese labels, responsible roles and clauses.
 * Everything the generated runtime needs (duty windows, site offset, embedded holiday data) sits in
 * `meta.sopforge`, so `machine.json` alone is enough to rebuild the machine.
 */
import { type Calendar, type CalendarData, createCalendar, isoFromDayNumber } from '../../calendar/index.js';
import type { DutyWindow, ProcedureSop } from '../../model/types.js';
import { guardParams, refusalHandler } from './contract.js';
import {
  DEADLINE_ACTION_NAMES,
  DEADLINE_EMIT_NAMES,
  DEADLINE_GUARD,
  deadlineEntry,
  deadlineStateParts,
  deadlinesJson,
  eventTimeActions,
  initialTimeState,
  recurringJson,
  timeRulesNeedCalendar,
} from './deadlines.js';
import { eventSchemas, portablePath } from './package.js';
import {
  INTERNAL_KEY,
  type MachinePlan,
  type PlannedStep,
  type PlannedTimer,
  type PlannedTransition,
  planMachine,
  RESUME_EVENT,
} from './plan.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CompileMachineOptions {
  /** Extra official arrangements (`calendars/*.yaml`) for years `chinese-days` does not cover. */
  readonly calendars?: readonly CalendarData[];
}

/** The embedded holiday data: only the dates that differ from the plain Monday–Friday rule. */
export interface EmbeddedCalendar {
  /** Years with official data; any other year falls back to weekends only and is flagged. */
  readonly years: readonly number[];
  /** Monday–Friday dates that are rest days (statutory holidays, site closures). */
  readonly rest: readonly string[];
  /** Saturday/Sunday dates that are working days (调休上班, site extra workdays). */
  readonly work: readonly string[];
}

function windowJson(w: DutyWindow): JsonObject {
  return { start: w.start.minutes, length: w.lengthMinutes, label: w.label };
}

/**
 * The years whose data the module embeds: from the year before the SOP takes effect (a case opened
 * just before) up to the last year with data. Later years are unknown to the module and flagged.
 */
function embedCalendar(sop: ProcedureSop, calendar: Calendar): EmbeddedCalendar {
  const known = calendar.knownYears();
  const from = Number(sop.effective.slice(0, 4)) - 1;
  const last = known.length > 0 ? Math.max(...known) : from;
  const years = known.filter((y) => y >= from && y <= last);
  const rest = new Set<string>();
  const work = new Set<string>();
  const consider = (iso: string): void => {
    const info = calendar.day(iso);
    const wd = new Date(`${iso}T00:00:00Z`).getUTCDay();
    const weekend = wd === 0 || wd === 6;
    if (!weekend && !info.workday) rest.add(iso);
    if (weekend && info.workday) work.add(iso);
  };
  for (let y = Math.min(from, last); y <= last; y++) {
    if (!years.includes(y)) continue;
    const first = Date.UTC(y, 0, 1) / 86_400_000;
    const end = Date.UTC(y, 11, 31) / 86_400_000;
    for (let d = first; d <= end; d++) consider(isoFromDayNumber(d));
  }
  for (const iso of [...sop.site.extraHolidays, ...sop.site.extraWorkdays]) consider(iso);
  return { years, rest: [...rest].sort(), work: [...work].sort() };
}

/**
 * What a named delay means, for readers of machine.json: a calendar-day threshold has a fixed length
 * in milliseconds; a working-day threshold and a window timer depend on the date (`ms: null`).
 */
function delayJson(t: PlannedTimer): JsonObject {
  if (t.kind === 'before-window-end') {
    return {
      kind: t.kind,
      step: t.source,
      target: t.target,
      ms: null,
      beforeMs: (t.before.minutes ?? 0) * 60_000,
      text: t.before.text,
    };
  }
  const fixed = t.basis === 'calendar' && t.after.minutes !== null;
  return {
    kind: t.kind,
    step: t.source,
    target: t.target,
    ms: fixed ? (t.after.minutes ?? 0) * 60_000 : null,
    basis: t.basis,
    ladder: t.ladder,
    level: t.level,
    text: t.after.text,
  };
}

function timerParams(t: PlannedTimer): JsonObject {
  if (t.kind === 'before-window-end') {
    return { delay: t.delay, kind: t.kind, beforeMinutes: t.before.minutes ?? 0 };
  }
  return {
    delay: t.delay,
    kind: t.kind,
    ladder: t.ladder,
    level: t.level,
    basis: t.basis,
    ...(t.fromField === null ? {} : { fromField: t.fromField }),
    after: { amount: t.after.amount, unit: t.after.unit, minutes: t.after.minutes },
  };
}

function transitionJson(sop: ProcedureSop, step: PlannedStep, t: PlannedTransition): Json {
  // A transition to the step itself does not re-enter it (XState v5 default), so its timers stay armed.
  const leaving = t.target !== null && t.target !== step.id && step.timers.length > 0;
  const actions: Json[] = [];
  if (leaving) actions.push({ type: 'disarm', params: { delays: step.timers.map((x) => x.delay) } });
  if (t.guard) actions.push({ type: 'clearRefusal' });
  for (const e of t.effects) {
    switch (e.kind) {
      case 'check':
        actions.push({
          type: 'check',
          params: {
            field: e.field,
            key: e.key,
            items: e.items.map((i) => ({ id: i.id, name: i.name })),
            payload: [...e.payload],
          },
        });
        break;
      case 'append':
        actions.push({ type: 'append', params: { field: e.field, payload: [...e.payload] } });
        break;
      case 'remove':
        actions.push({ type: 'remove', params: { field: e.field } });
        break;
      case 'set':
        actions.push({ type: 'set', params: { fields: [...e.fields] } });
        break;
      case 'clear':
        actions.push({ type: 'clear', params: { field: e.field, empty: e.empty } });
        break;
    }
  }
  // After the effects, so a limit chosen by a value this event records sees it.
  const timeActions = eventTimeActions(sop, t.event);
  actions.push(...timeActions);
  const accepted: JsonObject = {};
  if (t.target !== null) accepted.target = t.target;
  else if (timeActions.length > 0 && sop.deadlines.some((d) => d.during.includes(step.id))) {
    // A clock this event (re)starts in place must be timed now: re-enter, which re-arms the step's
    // timers from the stored deadlines and leaves the limits as they are.
    accepted.target = step.id;
    accepted.reenter = true;
  }
  if (t.guard) accepted.guard = { type: t.guard, params: guardParams(step, t) };
  if (actions.length > 0) accepted.actions = actions;
  accepted.meta = {
    label: t.label,
    role: t.role,
    roleName: t.roleName,
    clause: t.clause,
    refusal: t.refusal,
  };
  // A refused event matches no transition (so `can()` is false); contract.ts reports it.
  return accepted;
}

/** The transitions of a timer: to its target once the deadline is reached, else sleep again. */
function deadlineTransitions(step: PlannedStep, t: PlannedTimer): [JsonObject, JsonObject] {
  const actions: Json[] = [];
  if (t.kind === 'escalation')
    actions.push({
      type: 'escalate',
      params: { ladder: t.ladder, level: t.level, role: t.role, delay: t.delay },
    });
  actions.push({ type: 'disarm', params: { delays: step.timers.map((x) => x.delay) } });
  const meta: JsonObject =
    t.kind === 'escalation'
      ? {
          label: t.label,
          timer: 'escalation',
          ladder: t.ladder,
          level: t.level,
          basis: t.basis,
          after: t.after.text,
          role: t.role,
          roleName: t.roleName,
          clause: t.clause,
        }
      : { label: t.label, timer: 'before-window-end', before: t.before.text, clause: t.clause };
  return [
    { guard: { type: 'deadlineReached', params: { delay: t.delay } }, target: t.target, actions, meta },
    // A wait longer than one timer can hold (2^31 − 1 ms): sleep again for what is left.
    { target: step.id, reenter: true, meta: { label: '继续等待', continue: true } },
  ];
}

function stateJson(sop: ProcedureSop, step: PlannedStep): JsonObject {
  const state: JsonObject = {};
  if (step.kind === 'final' || step.kind === 'handoff') state.type = 'final';
  state.description = step.label;
  const entry: Json[] = [];
  const limitEntry = deadlineEntry(sop, step.id);
  if (limitEntry) entry.push(limitEntry);
  const limits = deadlineStateParts(
    sop,
    step.id,
    step.timers.map((x) => x.delay),
  );
  for (const ladder of step.startsClocks) entry.push({ type: 'startClock', params: { ladder } });
  if (step.timers.length > 0) entry.push({ type: 'arm', params: { timers: step.timers.map(timerParams) } });
  if (step.kind === 'final' || step.kind === 'handoff') {
    entry.push({
      type: 'finish',
      params: {
        step: step.id,
        handoff: step.handoff
          ? { sop: step.handoff.sop, title: step.handoff.title, external: step.handoff.external }
          : null,
      },
    });
  }
  if (step.handoff)
    entry.push({
      type: 'handoff',
      params: {
        step: step.id,
        sop: step.handoff.sop,
        title: step.handoff.title,
        external: step.handoff.external,
      },
    });
  if (entry.length > 0) state.entry = entry;

  const on: JsonObject = {};
  for (const t of step.transitions) on[t.event] = transitionJson(sop, step, t);
  if (step.timers.length > 0 || limits)
    on[RESUME_EVENT] = { target: step.id, reenter: true, meta: { label: '恢复计时', resume: true } };
  if (Object.keys(on).length > 0) state.on = on;

  if (step.timers.length > 0 || limits) {
    // A deadline already past on entry (a restored snapshot, a chain of overdue levels) fires at once,
    // whatever clock the actor runs on; `after` wakes the machine up when time passes without events.
    state.always = [...step.timers.map((t) => deadlineTransitions(step, t)[0]), ...(limits?.always ?? [])];
    const after: JsonObject = {};
    for (const t of step.timers) {
      after[t.delay] = deadlineTransitions(step, t);
    }
    Object.assign(after, limits?.after ?? {});
    state.after = after;
  }
  state.meta = {
    label: step.label,
    kind: step.kind,
    role: step.role,
    roleName: step.roleName,
    clause: step.clause,
    clauseText: [...step.clauseText],
    handoff: step.handoff
      ? { sop: step.handoff.sop, title: step.handoff.title, external: step.handoff.external }
      : null,
  };
  return state;
}

function initialContext(plan: MachinePlan, sop: ProcedureSop): JsonObject {
  const ctx: JsonObject = {};
  for (const f of plan.context) ctx[f.id] = f.kind === 'checklist' ? {} : f.kind === 'list' ? [] : null;
  ctx[INTERNAL_KEY] = {
    // Which SOP, version and source the case was opened under (snapshot.ts checks it on restore).
    sop: { id: sop.id, version: sop.version, sourceHash: sop.sourceHash },
    migrations: [],
    clocks: {},
    deadlines: {},
    escalations: [],
    unknownCalendarYears: [],
    lastRefusal: null,
    outcome: null,
    handoff: null,
    /** Which escalation level (`{ ladder, level }`) or limit (`{ deadline }`) moved the case last. */
    moved: null,
    ...initialTimeState(sop),
  };
  return ctx;
}

/** The compiled machine: the JSON config plus the plan the emitters share. */
export interface CompiledMachine {
  readonly config: JsonObject;
  readonly plan: MachinePlan;
  readonly actions: readonly string[];
}

/** Every action the config can name; the generated module implements each. */
export const ACTION_NAMES = [
  'append',
  'arm',
  'check',
  'clear',
  'clearRefusal',
  'disarm',
  'emitRefusal',
  'escalate',
  'finish',
  'handoff',
  'refuse',
  'remove',
  'set',
  'startClock',
] as const;

export function compileMachineWithPlan(
  sop: ProcedureSop,
  options: CompileMachineOptions = {},
): CompiledMachine {
  const plan = planMachine(sop);
  const needsCalendar =
    plan.usesWorkingDays ||
    timeRulesNeedCalendar(sop) ||
    (plan.usesWindow && sop.schedule?.holidayWindow != null);
  const calendar = createCalendar(sop.site, options.calendars ?? []);
  const embedded: EmbeddedCalendar = needsCalendar
    ? embedCalendar(sop, calendar)
    : { years: [], rest: [], work: [] };
  const schedule = sop.schedule;
  if (plan.usesWindow && !schedule) {
    throw new Error(`${sop.id}: a before-window-end timer needs a schedule (the rules should have said so)`);
  }
  const states: JsonObject = {};
  for (const step of plan.steps) states[step.id] = stateJson(sop, step);
  const actions =
    sop.deadlines.length > 0
      ? [...ACTION_NAMES, ...DEADLINE_ACTION_NAMES, ...DEADLINE_EMIT_NAMES].sort()
      : [...ACTION_NAMES];
  const config: JsonObject = {
    id: plan.id,
    initial: plan.initial,
    context: initialContext(plan, sop),
    on: refusalHandler(),
    states,
    meta: {
      sopforge: {
        sop: {
          id: sop.id,
          title: sop.title,
          number: sop.number,
          department: sop.department,
          version: sop.version,
          effective: sop.effective,
          file: portablePath(sop.file),
          sourceHash: sop.sourceHash,
        },
        utcOffsetMinutes: sop.site.utcOffsetMinutes,
        schedule:
          plan.usesWindow && schedule
            ? {
                window: windowJson(schedule.window),
                holidayWindow: schedule.holidayWindow ? windowJson(schedule.holidayWindow) : null,
                arriveEarlyMinutes: schedule.arriveEarly?.minutes ?? null,
                handoverPrepMinutes: schedule.handoverPrep?.minutes ?? null,
                clause: schedule.clause,
              }
            : null,
        calendar: { years: [...embedded.years], rest: [...embedded.rest], work: [...embedded.work] },
        ladders: plan.ladders.map((l) => ({
          id: l.id,
          label: l.label,
          basis: l.basis,
          startsAt: l.startsAt,
          ...(l.from.kind === 'enter'
            ? {}
            : { from: l.from.kind === 'event' ? { event: l.from.event } : { field: l.from.field } }),
          watch: [...l.watch],
          levels: l.levels.map((lv) => ({
            after: lv.after.text,
            role: lv.role,
            step: lv.step,
            clause: lv.clause,
          })),
        })),
        roles: Object.fromEntries(sop.roles.map((r) => [r.id, r.name])),
        guards: [
          ...plan.guards,
          'deadlineReached',
          'runtimeRefusal',
          ...(sop.deadlines.length > 0 ? [DEADLINE_GUARD] : []),
        ],
        actions,
        delays: Object.fromEntries([
          ...plan.steps.flatMap((st) => st.timers.map((t) => [t.delay, delayJson(t)])),
          ...plan.deadlineDelays.map((d) => [
            d.delay,
            { kind: 'deadline', step: d.step, deadline: d.id, ms: null },
          ]),
        ]),
        events: eventSchemas(plan),
        ...(sop.deadlines.length > 0 ? { deadlines: deadlinesJson(sop) } : {}),
        ...(sop.recurring.length > 0 ? { recurring: recurringJson(sop) } : {}),
        ...(sop.site.workingHours.length > 0
          ? { workingHours: sop.site.workingHours.map((h) => ({ start: h.start, end: h.end, text: h.text })) }
          : {}),
      },
    },
  };
  return { config, plan, actions };
}

/**
 * Compiles the workflow of a procedure SOP into an XState v5 machine config (plain JSON).
 *
 * @example
 * const config = compileMachine(sop);
 * // createMachine(config) works for structure; use the generated machine.js for guards, actions and timers.
 */
export function compileMachine(sop: ProcedureSop, options: CompileMachineOptions = {}): JsonObject {
  return compileMachineWithPlan(sop, options).config;
}
