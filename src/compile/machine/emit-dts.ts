/**
 * `machine.d.ts`: typed context, events, emitted events, state values and the names of every
 * guard, action and delay, for apps that import `machine.js` from TypeScript.
 */
import type { Field, ProcedureSop } from '../../model/types.js';
import type { CompiledMachine } from './config.js';
import { REFUSAL_CODES, REFUSED_EVENT, senderRole } from './contract.js';
import { DEADLINE_GUARD, NOTIFY_EVENT, OVERDUE_EVENT, usesTimeRules } from './deadlines.js';
import { banner } from './emit-js.js';
import { HANDOFF_EVENT, INTERNAL_KEY, type MachinePlan, RESUME_EVENT } from './plan.js';
import { SNAPSHOT_DTS } from './snapshot.js';

const lit = (v: string): string => JSON.stringify(v);
const union = (xs: readonly string[]): string => (xs.length === 0 ? 'never' : xs.map(lit).join(' | '));
const prop = (id: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(id) ? id : lit(id));

export function fieldType(f: Field): string {
  switch (f.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return f.options.length > 0 ? union(f.options.map((o) => o.value)) : 'string';
    case 'text':
    case 'date':
    case 'time':
    case 'datetime':
    case 'phone':
    case 'signature':
      return 'string';
  }
}

function docLabel(label: string): string {
  return label.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** The checklist items an event's field names (a `check` effect's key): by id or by name. */
function checklistKeys(plan: MachinePlan): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const s of plan.steps) {
    for (const t of s.transitions) {
      for (const c of t.conditions) {
        if (c.kind !== 'checklist-item') continue;
        const key = `${t.event}\u0000${c.key}`;
        const set = out.get(key) ?? new Set<string>();
        for (const i of c.items) {
          set.add(i.id);
          set.add(i.name);
        }
        out.set(key, set);
      }
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

/** The roles that may send an event: every step's sender role, or any role when one step has none. */
function senders(plan: MachinePlan, event: string): string {
  const roles = new Set<string>();
  for (const s of plan.steps) {
    for (const t of s.transitions) {
      if (t.event !== event) continue;
      const role = senderRole(s, t);
      if (role === null) return 'RoleId';
      roles.add(role);
    }
  }
  return union([...roles].sort());
}

function eventTypes(plan: MachinePlan): string[] {
  const keys = checklistKeys(plan);
  const lines: string[] = ['export type Event ='];
  for (const e of plan.events) {
    const fields = e.fields.map(({ field, always }) => {
      const items = keys.get(`${e.type}\u0000${field.id}`);
      const type = items ? union(items) : fieldType(field);
      return `/** ${docLabel(field.label)} */ readonly ${prop(field.id)}${always ? '' : '?'}: ${type}`;
    });
    const by = `/** Who sends it */ readonly by: Sender<${senders(plan, e.type)}>`;
    lines.push(`  | { readonly type: ${lit(e.type)}; ${[by, ...fields].join('; ')} }`);
  }
  lines.push(`  | { readonly type: ${lit(RESUME_EVENT)} };`);
  return lines;
}

function contextType(plan: MachinePlan): string[] {
  // Which events fill each list or checklist, so entries are typed by their payload.
  const writers = new Map<string, Set<string>>();
  for (const s of plan.steps) {
    for (const t of s.transitions) {
      for (const e of t.effects) {
        if (e.kind === 'check' || e.kind === 'append') {
          const set = writers.get(e.field) ?? new Set<string>();
          set.add(t.event);
          writers.set(e.field, set);
        }
      }
    }
  }
  const entryOf = (field: string): string => {
    const evs = [...(writers.get(field) ?? [])].sort();
    return evs.length > 0
      ? evs.map((e) => `Payload<${lit(e)}>`).join(' | ')
      : 'Readonly<Record<string, unknown>>';
  };
  const lines = ['export interface Context {'];
  for (const f of plan.context) {
    if (f.kind === 'checklist')
      lines.push(`  readonly ${prop(f.id)}: { readonly [item in ${union(f.items)}]?: ${entryOf(f.id)} };`);
    else if (f.kind === 'list') lines.push(`  readonly ${prop(f.id)}: readonly (${entryOf(f.id)})[];`);
    else lines.push(`  readonly ${prop(f.id)}: ${f.field ? fieldType(f.field) : 'unknown'} | null;`);
  }
  lines.push(`  readonly ${INTERNAL_KEY}: RuntimeState;`);
  lines.push('}');
  return lines;
}

export function emitMachineDts(sop: ProcedureSop, compiled: CompiledMachine): string {
  const { plan } = compiled;
  const time = timeTypes(sop);
  const states = plan.steps.map((s) => s.id);
  const ladders = plan.ladders.map((l) => l.id);
  return [
    banner(sop, `${sop.title} — types of machine.js`),
    "import type { Actor, ActorOptions, MetaObject, NonReducibleUnknown, ParameterizedObject, Snapshot, SnapshotFrom, StateMachine } from 'xstate';",
    '',
    `export type RoleId = ${union(plan.roles)};`,
    '/** The sender of an event: the app authenticates the person; the machine checks the role. */',
    'export interface Sender<R extends RoleId = RoleId> { readonly role: R; readonly name: string }',
    '',
    ...eventTypes(plan),
    '',
    '/** The payload of an event (its fields without `type` and `by`): what the record keeps. */',
    "export type Payload<T extends Event['type']> = Omit<Extract<Event, { readonly type: T }>, 'type' | 'by'>;",
    '',
    `export type StateValue = ${union(states)};`,
    `export type LadderId = ${union(ladders)};`,
    `export type GuardName = ${union([...plan.guards, 'deadlineReached', 'runtimeRefusal', ...(sop.deadlines.length > 0 ? [DEADLINE_GUARD] : [])])};`,
    `export type ActionName = ${union(compiled.actions)};`,
    `export type DelayName = ${union([...plan.delays, ...plan.deadlineDelays.map((d) => d.delay)])};`,
    ...time.types,
    '',
    '/** What the runtime keeps in context: clocks and deadlines are epoch milliseconds. */',
    'export interface RuntimeState {',
    '  /** The SOP, version and source the case was opened under (or last migrated to). */',
    '  readonly sop: { readonly id: string; readonly version: string; readonly sourceHash: string };',
    '  /** The versions the case was migrated from, oldest first. */',
    '  readonly migrations: readonly { readonly version: string | null; readonly sourceHash: string | null }[];',
    '  /** When each escalation clock started. */',
    '  readonly clocks: { readonly [ladder in LadderId]?: number };',
    '  /** Absolute deadline of every pending timer, by delay name; survives persist/restore. */',
    '  readonly deadlines: { readonly [delay in DelayName]?: number };',
    '  readonly escalations: readonly { readonly ladder: LadderId; readonly level: number; readonly role: string; readonly due: number | null; readonly at: number }[];',
    '  /** Years without holiday data that a deadline or duty window depended on; non-empty means "check by hand". */',
    '  readonly unknownCalendarYears: readonly number[];',
    '  /** The last refusal (cleared by the next accepted guarded event). */',
    "  readonly lastRefusal: (Omit<RefusedEvent, 'type' | 'event'> & { readonly event: string; readonly at: number }) | null;",
    '  readonly outcome: StateValue | null;',
    '  readonly handoff: { readonly sop: string; readonly title: string; readonly external: boolean } | null;',
    '  /** Which escalation level or limit moved the case last (two ladders into one step are told apart). */',
    '  readonly moved: { readonly ladder: LadderId; readonly level: number } | { readonly deadline: string } | null;',
    ...time.state,
    '}',
    '',
    ...contextType(plan),
    '',
    'export interface HandoffEvent {',
    `  readonly type: ${lit(HANDOFF_EVENT)};`,
    '  readonly sop: string;',
    '  readonly title: string;',
    '  readonly external: boolean;',
    '  readonly step: StateValue;',
    `  readonly record: Omit<Context, ${lit(INTERNAL_KEY)}>;`,
    '}',
    '',
    `export type RefusalCode = ${union(REFUSAL_CODES)};`,
    '/** One broken rule of a refused event, with its own words and the clause that states it. */',
    'export interface RefusalFailure {',
    '  /** The payload field (or `by`) at fault, when there is one. */',
    '  readonly field?: string;',
    '  /** The condition that does not hold (CONDITION_FAILED). */',
    '  readonly condition?: { readonly kind: string; readonly [key: string]: unknown };',
    '  readonly message: { readonly zh: string; readonly en: string };',
    '  readonly clause: string | null;',
    '}',
    '/** Emitted (actor.on) when an event is refused; the state and the record are unchanged. */',
    'export interface RefusedEvent {',
    `  readonly type: ${lit(REFUSED_EVENT)};`,
    '  readonly code: RefusalCode;',
    '  /** The event as it was sent. */',
    '  readonly event: { readonly type: string; readonly [key: string]: unknown };',
    '  readonly step: StateValue;',
    '  readonly failures: readonly RefusalFailure[];',
    '}',
    `export type EmittedEvent = ${['HandoffEvent', 'RefusedEvent', ...time.emitted].join(' | ')};`,
    '',
    "export interface Output { readonly outcome: StateValue | null; readonly handoff: RuntimeState['handoff'] }",
    '',
    'export type SopMachine = StateMachine<',
    '  Context,',
    '  Event,',
    '  Record<string, never>,',
    '  never,',
    '  ParameterizedObject & { type: ActionName },',
    '  ParameterizedObject & { type: GuardName },',
    '  DelayName,',
    '  StateValue,',
    '  string,',
    '  NonReducibleUnknown,',
    '  Output,',
    '  EmittedEvent,',
    '  MetaObject,',
    '  any',
    '>;',
    '',
    'export type SopSnapshot = SnapshotFrom<SopMachine>;',
    '/** A persisted snapshot of this machine (JSON), as `getPersistedSnapshot()` gives and `migrate()` returns. */',
    'export interface SopPersistedSnapshot { readonly value: StateValue; readonly status: string; readonly context: Context; readonly [key: string]: unknown }',
    '',
    ...SNAPSHOT_DTS,
    '',
    'export declare const config: { readonly id: string; readonly initial: StateValue; readonly [key: string]: unknown };',
    'export declare const MAX_TIMER_MS: number;',
    'export declare const WORKING_DAYS_PER_WEEK: number;',
    `export declare const RESUME_EVENT: ${lit(RESUME_EVENT)};`,
    `export declare const HANDOFF_EVENT: ${lit(HANDOFF_EVENT)};`,
    `export declare const REFUSED_EVENT: ${lit(REFUSED_EVENT)};`,
    'export declare const REFUSAL_CODES: readonly RefusalCode[];',
    'export declare const implemented: { readonly guards: readonly GuardName[]; readonly actions: readonly ActionName[]; readonly delays: readonly DelayName[] };',
    '/** Builds the machine; pass `now` when running on a simulated clock. */',
    'export declare function createSopMachine(options?: { readonly now?: () => number }): SopMachine;',
    '/** The machine on the wall clock. */',
    'export declare const machine: SopMachine;',
    '/** Starts an actor, restoring `snapshot` if given and re-arming its timers; throws `SnapshotError` for a snapshot `checkSnapshot` refuses. */',
    'export declare function startActor(',
    "  options?: Omit<ActorOptions<SopMachine>, 'snapshot' | 'clock'> & {",
    '    readonly snapshot?: unknown;',
    '    readonly clock?: { now(): number; setTimeout(fn: (...args: any[]) => void, timeout: number): unknown; clearTimeout(id: any): void };',
    '    readonly now?: () => number;',
    '    readonly machine?: SopMachine;',
    '  },',
    '): Actor<SopMachine>;',
    ...time.declarations,
    '/** The earliest pending deadline of a snapshot (epoch ms), or null. */',
    'export declare function nextDeadline(snapshot: { readonly context: Context } | Snapshot<unknown>): number | null;',
    '/** Whether one declarative condition (from the config) holds for a context and an event. */',
    'export declare function holds(condition: { readonly kind: string }, context: Context, event: { readonly [key: string]: unknown }): boolean;',
    "/** Why a transition's guard (its params in the config) refuses an event, or null when it accepts it. */",
    "export declare function verdict(params: unknown, context: Context, event: { readonly type: string; readonly [key: string]: unknown }): { readonly code: Exclude<RefusalCode, 'EVENT_NOT_ACCEPTED'>; readonly failures: readonly RefusalFailure[] } | null;",
    '/** Day facts from the embedded holiday data; `known: false` outside the embedded years. */',
    'export declare function dayInfo(date: string): { readonly date: string; readonly workday: boolean; readonly known: boolean };',
    '/** When a threshold is reached for a clock started at `start` (epoch ms). */',
    "export declare function thresholdAt(start: number, timer: { readonly basis: 'calendar' | 'working'; readonly after: { readonly amount: number; readonly unit: string; readonly minutes: number | null } }, unknown?: Set<number>): number;",
    '/** The end of the first duty window ending after `at` (epoch ms). */',
    'export declare function windowEndAfter(at: number, unknown?: Set<number>): number;',
    '',
  ].join('\n');
}

/** The types the time rules add: limit and plan ids, the limits in context, the emitted events, `occurrences`. */
function timeTypes(sop: ProcedureSop): {
  types: string[];
  state: string[];
  emitted: string[];
  declarations: string[];
} {
  const occurrence = [
    '/** The planned occurrences of the recurring plans in [from, to): ISO dates (site midnight), site date-times or instants with an offset. */',
    'export declare function occurrences(fromIso: string, toIso: string): readonly Occurrence[];',
  ];
  const occurrenceType = [
    '/** A planned occurrence: `at`, `until`, `dueAt` and `lateAt` are epoch ms, `local` the site time (YYYY-MM-DDTHH:MM) of `at`; `until` ends a whole-day or whole-month occurrence and `dueAt` is when it is due (both `null` for an instant); `known: false` when it depends on working days of a year without holiday data. */',
    `export interface Occurrence { readonly plan: PlanId; readonly label: string; readonly at: number; readonly local: string; readonly until: number | null; readonly dueAt: number | null; readonly lateAt: number | null; readonly known: boolean }`,
    `export type PlanId = ${union(sop.recurring.map((p) => p.id))};`,
  ];
  if (!usesTimeRules(sop)) return { types: occurrenceType, state: [], emitted: [], declarations: occurrence };
  const ids = sop.deadlines.map((d) => d.id);
  const types = [
    ...occurrenceType,
    `export type DeadlineId = ${union(ids)};`,
    '/** A live limit: absolute epoch-ms times, so a persisted snapshot restores exactly. */',
    'export interface Limit {',
    '  readonly startedAt: number;',
    '  /** `null` when the recorded value that chooses the limit was not recorded when the clock started. */',
    '  readonly dueAt: number | null;',
    "  /** Time counted while live, in the limit's basis (ms). */",
    '  readonly elapsed: number;',
    '  /** What a paused limit (`reentry: continue`) has left, in its basis (ms). */',
    '  readonly remaining: number | null;',
    "  readonly state: 'running' | 'paused' | 'met' | 'breached';",
    "  /** Whether the case is in a step of the limit's span. */",
    '  readonly inSpan: boolean;',
    '  /** `field`: started at the recorded time of `from: { field }`; `now`: when it was started. */',
    "  readonly source: 'now' | 'field';",
    '  readonly resumedAt: number;',
    '  readonly metAt: number | null;',
    '  readonly breachedAt: number | null;',
    '}',
    'export interface OverdueEvent {',
    `  readonly type: ${lit(OVERDUE_EVENT)};`,
    '  readonly deadline: DeadlineId;',
    '  readonly label: string;',
    '  readonly clause: string | null;',
    '  readonly step: StateValue;',
    '  readonly due: number | null;',
    '  readonly at: number;',
    '  /** The step the case moved to (`breach: { go }`), or `null`: it stays, marked overdue. */',
    '  readonly go: StateValue | null;',
    '}',
    'export interface NotifyEvent {',
    `  readonly type: ${lit(NOTIFY_EVENT)};`,
    '  readonly role: string;',
    '  readonly roleName: string;',
    '  readonly deadline: DeadlineId;',
    '  readonly label: string;',
    '  readonly clause: string | null;',
    '  readonly step: StateValue;',
    '  readonly due: number | null;',
    '  readonly at: number;',
    '}',
  ];
  const state = [
    '  /** The step last entered (a resume re-enters it without moving). */',
    '  readonly step: StateValue | null;',
    '  readonly limits: { readonly [id in DeadlineId]?: Limit };',
    '  readonly overdue: readonly { readonly deadline: DeadlineId; readonly step: StateValue; readonly due: number | null; readonly at: number; readonly go: StateValue | null }[];',
    '  /** The occurrence this case was opened for (`input.occurrence`), whether it started late, and when it ends and is due (whole days and months). */',
    '  readonly occurrence: { readonly plan: PlanId; readonly plannedAt: number; readonly startedAt: number; readonly lateAt: number | null; readonly late: boolean; readonly until: number | null; readonly dueAt: number | null } | null;',
  ];
  const declarations = [
    ...occurrence,
    `export declare const OVERDUE_EVENT: ${lit(OVERDUE_EVENT)};`,
    `export declare const NOTIFY_EVENT: ${lit(NOTIFY_EVENT)};`,
  ];
  return { types, state, emitted: ['OverdueEvent', 'NotifyEvent'], declarations };
}
