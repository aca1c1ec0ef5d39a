/**
 * The machine plan: everything the emitters need, derived once from the normalized SOP.
 *
 * Each emitter (JSON config, ES module, .d.ts, Mermaid, SCXML) reads the plan, so the named
 * guards, actions and delays they mention are the same lists, and `machine.js` implements every
 * name the config uses.
 */
import type {
  Condition,
  ContextField,
  Duration,
  Effect,
  EscalationLadder,
  Field,
  ProcedureSop,
  Step,
  Transition,
} from '../../model/types.js';
import { clauseLines, findClause } from '../../normalize/clauses.js';
import { needsGuard } from './contract.js';
import { deadlineDelays } from './deadlines.js';

/** A condition as the generated runtime evaluates it (the model's conditions plus implied ones). */
export type PlannedCondition =
  | { readonly kind: 'checklist-complete'; readonly field: string; readonly items: readonly string[] }
  | {
      readonly kind: 'checklist-none';
      readonly field: string;
      readonly match: { readonly field: string; readonly values: readonly string[] };
    }
  | { readonly kind: 'none'; readonly field: string; readonly flag: string | null }
  | {
      readonly kind: 'payload-has';
      readonly fields: readonly string[];
      readonly unless: { readonly field: string; readonly values: readonly string[] } | null;
    }
  | { readonly kind: 'payload-equals'; readonly field: string; readonly value: string }
  | { readonly kind: 'context-in'; readonly field: string; readonly values: readonly string[] }
  /** Implied by a `check` effect: the event names an item of the checklist (by id or name). */
  | {
      readonly kind: 'checklist-item';
      readonly key: string;
      readonly items: readonly { readonly id: string; readonly name: string }[];
    };

/** A threshold as the runtime computes it. */
export interface PlannedDuration {
  readonly text: string;
  readonly amount: number;
  readonly unit: Duration['unit'];
  /** Exact minutes for m/h/d/w, `null` for months and years. */
  readonly minutes: number | null;
}

export type PlannedTimer =
  | {
      readonly kind: 'escalation';
      /** The delay name (also the key of the deadline in context). */
      readonly delay: string;
      readonly ladder: string;
      readonly level: number;
      readonly basis: 'calendar' | 'working';
      /** The recorded field the ladder's clock starts at (`from: { field }`), else `null`. */
      readonly fromField: string | null;
      readonly after: PlannedDuration;
      readonly role: string;
      readonly roleName: string;
      readonly source: string;
      readonly target: string;
      readonly label: string;
      readonly clause: string | null;
    }
  | {
      readonly kind: 'before-window-end';
      readonly delay: string;
      readonly before: PlannedDuration;
      readonly source: string;
      readonly target: string;
      readonly label: string;
      readonly clause: string | null;
    };

export interface PlannedTransition {
  readonly source: string;
  readonly event: string;
  readonly target: string | null;
  readonly label: string;
  readonly role: string | null;
  readonly roleName: string | null;
  readonly clause: string | null;
  /** Guard name, or `null` when the transition is unconditional. */
  readonly guard: string | null;
  readonly conditions: readonly PlannedCondition[];
  readonly refusal: string | null;
  readonly payload: readonly Field[];
  readonly effects: readonly PlannedEffect[];
}

export type PlannedEffect =
  | {
      readonly kind: 'check';
      readonly field: string;
      readonly key: string;
      readonly items: readonly { readonly id: string; readonly name: string }[];
      readonly payload: readonly string[];
    }
  | { readonly kind: 'append'; readonly field: string; readonly payload: readonly string[] }
  | { readonly kind: 'remove'; readonly field: string }
  | { readonly kind: 'set'; readonly fields: readonly string[] }
  /** `empty`: what the field holds with nothing recorded (`{}` for a checklist, `[]` for a list). */
  | { readonly kind: 'clear'; readonly field: string; readonly empty: 'checklist' | 'list' };

export interface PlannedStep {
  readonly id: string;
  readonly label: string;
  readonly kind: Step['kind'];
  readonly role: string | null;
  readonly roleName: string | null;
  readonly clause: string | null;
  /** The wording of the step's clause (its own text and its children's, one line each), from the clause tree. */
  readonly clauseText: readonly string[];
  readonly handoff: { readonly sop: string; readonly title: string; readonly external: boolean } | null;
  readonly startsClocks: readonly string[];
  readonly transitions: readonly PlannedTransition[];
  readonly timers: readonly PlannedTimer[];
}

export type PlannedContextField =
  | { readonly id: string; readonly kind: 'checklist'; readonly items: readonly string[] }
  | { readonly id: string; readonly kind: 'list'; readonly flag: string | null }
  /** `field`: the payload field a `set` effect copies into it, for its type (null when none does). */
  | { readonly id: string; readonly kind: 'value'; readonly field: Field | null };

export interface MachinePlan {
  readonly id: string;
  readonly initial: string;
  readonly steps: readonly PlannedStep[];
  readonly context: readonly PlannedContextField[];
  readonly ladders: readonly EscalationLadder[];
  /** Every event name the machine accepts, sorted, with the union of its payload fields. */
  readonly events: readonly {
    readonly type: string;
    readonly fields: readonly { readonly field: Field; readonly always: boolean }[];
  }[];
  readonly guards: readonly string[];
  readonly delays: readonly string[];
  /** The SOP's role ids, in their order. */
  readonly roles: readonly string[];
  /** The delays of `deadlines:` limits, each with its limit and step (`src/compile/machine/deadlines.ts`). */
  readonly deadlineDelays: readonly { readonly delay: string; readonly id: string; readonly step: string }[];
  readonly usesWindow: boolean;
  readonly usesWorkingDays: boolean;
}

/** The event an app sends after restoring a snapshot (or from a scheduler) to re-arm timers. */
export const RESUME_EVENT = 'sop.resume';
/** The event the machine emits when it hands a case to another SOP. */
export const HANDOFF_EVENT = 'sop.handoff';
/** Context key holding the runtime's own state; SOP ids cannot start with `_`, so it never clashes. */
export const INTERNAL_KEY = '_sop';

function duration(d: Duration): PlannedDuration {
  return { text: d.text, amount: d.amount, unit: d.unit, minutes: d.minutes };
}

function roleName(sop: ProcedureSop, id: string | null): string | null {
  if (id === null) return null;
  return sop.roles.find((r) => r.id === id)?.name ?? id;
}

function planConditions(
  sop: ProcedureSop,
  t: Transition,
  context: readonly ContextField[],
): PlannedCondition[] {
  const out: PlannedCondition[] = [];
  for (const c of t.conditions) out.push(planCondition(sop, c, context));
  for (const e of t.effects) {
    if (e.kind !== 'check') continue;
    const key = checkKey(t);
    if (key !== null) out.push({ kind: 'checklist-item', key, items: checklistItems(sop, context, e.field) });
  }
  return out;
}

function planCondition(sop: ProcedureSop, c: Condition, context: readonly ContextField[]): PlannedCondition {
  switch (c.kind) {
    case 'checklist-complete':
      return {
        kind: 'checklist-complete',
        field: c.field,
        items: checklistItems(sop, context, c.field).map((i) => i.id),
      };
    case 'checklist-none':
      return {
        kind: 'checklist-none',
        field: c.field,
        match: { field: c.match.field, values: [...c.match.values] },
      };
    case 'none':
      return { kind: 'none', field: c.field, flag: c.flag };
    case 'payload-has':
      return {
        kind: 'payload-has',
        fields: [...c.fields],
        unless: c.unless ? { field: c.unless.field, values: [...c.unless.values] } : null,
      };
    case 'payload-equals':
      return { kind: 'payload-equals', field: c.field, value: c.value };
    case 'context-in':
      return { kind: 'context-in', field: c.field, values: [...c.values] };
  }
}

function checklistItems(
  sop: ProcedureSop,
  context: readonly ContextField[],
  field: string,
): { id: string; name: string }[] {
  const cf = context.find((f) => f.id === field);
  const listId = cf?.kind === 'checklist' ? cf.checklist : field;
  const list = sop.checklists.find((c) => c.id === listId);
  return (list?.items ?? []).map((i) => ({ id: i.id, name: i.name }));
}

/** The payload field naming the checklist item of a `check` effect: the first required field, else the first. */
function checkKey(t: Transition): string | null {
  return (t.payload.find((f) => f.required) ?? t.payload[0])?.id ?? null;
}

function planEffect(
  sop: ProcedureSop,
  t: Transition,
  e: Effect,
  context: readonly ContextField[],
): PlannedEffect {
  const payload = t.payload.map((f) => f.id);
  switch (e.kind) {
    case 'check':
      return {
        kind: 'check',
        field: e.field,
        key: checkKey(t) ?? 'id',
        items: checklistItems(sop, context, e.field),
        payload,
      };
    case 'append':
      return { kind: 'append', field: e.field, payload };
    case 'remove':
      return { kind: 'remove', field: e.field };
    case 'set':
      return { kind: 'set', fields: [...e.fields] };
    case 'clear':
      return {
        kind: 'clear',
        field: e.field,
        empty: context.find((f) => f.id === e.field)?.kind === 'list' ? 'list' : 'checklist',
      };
  }
}

/**
 * The escalation timers of a step: those the normalizer attached to it, plus any implied by the
 * ladders (watched steps wait for level 0; the step of level n waits for level n + 1), without
 * duplicates. Deriving them here keeps the machine right even if a step lists none.
 */
function escalationTimersOf(sop: ProcedureSop, step: Step): { ladder: EscalationLadder; level: number }[] {
  const found = new Map<string, { ladder: EscalationLadder; level: number }>();
  const add = (ladderId: string, level: number): void => {
    const ladder = sop.escalations.find((l) => l.id === ladderId);
    if (!ladder?.levels[level]) return;
    found.set(`${ladderId}\u0000${level}`, { ladder, level });
  };
  for (const t of step.timers) if (t.kind === 'escalation') add(t.ladder, t.level);
  for (const ladder of sop.escalations) {
    if (ladder.watch.includes(step.id)) add(ladder.id, 0);
    ladder.levels.forEach((lv, i) => {
      if (lv.step === step.id && i + 1 < ladder.levels.length) add(ladder.id, i + 1);
    });
  }
  return [...found.values()];
}

/** Builds the plan of a procedure SOP with a workflow. */
export function planMachine(sop: ProcedureSop): MachinePlan {
  const wf = sop.workflow;
  if (!wf) throw new Error(`SOP ${sop.id} has no workflow`);
  const guards: string[] = [];
  const delays: string[] = [];
  const eventFields = new Map<string, { perTransition: Field[][] }>();

  const steps: PlannedStep[] = wf.steps.map((step) => {
    const transitions: PlannedTransition[] = step.transitions.map((t) => {
      const conditions = planConditions(sop, t, wf.context);
      // Every transition with a sender role, a payload or conditions is guarded (contract.ts).
      const guard = needsGuard(step.role, { role: t.role, payload: t.payload, conditions })
        ? `${step.id}.${t.event}`
        : null;
      if (guard) guards.push(guard);
      const ev = eventFields.get(t.event) ?? { perTransition: [] };
      ev.perTransition.push([...t.payload]);
      eventFields.set(t.event, ev);
      return {
        source: step.id,
        event: t.event,
        target: t.target,
        label: t.label,
        role: t.role,
        roleName: roleName(sop, t.role),
        clause: t.clause,
        guard,
        conditions,
        refusal: t.refusal,
        payload: t.payload,
        effects: t.effects.map((e) => planEffect(sop, t, e, wf.context)),
      };
    });
    const timers: PlannedTimer[] = [];
    step.timers.forEach((t, i) => {
      if (t.kind !== 'before-window-end') return;
      const delay = `${step.id}.window-end.${i}`;
      delays.push(delay);
      timers.push({
        kind: 'before-window-end',
        delay,
        before: duration(t.before),
        source: step.id,
        target: t.target,
        label: t.label,
        clause: t.clause,
      });
    });
    for (const { ladder, level } of escalationTimersOf(sop, step)) {
      const lv = ladder.levels[level];
      if (!lv) continue;
      const fromModel = step.timers.find(
        (t) => t.kind === 'escalation' && t.ladder === ladder.id && t.level === level,
      );
      const delay = `${step.id}.${ladder.id}.${level}`;
      delays.push(delay);
      timers.push({
        kind: 'escalation',
        delay,
        ladder: ladder.id,
        level,
        basis: ladder.basis,
        fromField: ladder.from.kind === 'field' ? ladder.from.field : null,
        after: duration(lv.after),
        role: lv.role,
        roleName: roleName(sop, lv.role) ?? lv.role,
        source: step.id,
        target: fromModel?.target ?? lv.step,
        label: fromModel?.label ?? `${ladder.label}：${lv.after.text}`,
        clause: fromModel?.clause ?? lv.clause,
      });
    }
    const ref = step.handoff ? sop.references.find((r) => r.id === step.handoff) : undefined;
    return {
      id: step.id,
      label: step.label,
      kind: step.kind,
      role: step.role,
      roleName: roleName(sop, step.role),
      clause: step.clause,
      clauseText: clauseTextOf(sop, step.clause),
      handoff: step.handoff
        ? { sop: step.handoff, title: ref?.title ?? step.handoff, external: ref?.external ?? true }
        : null,
      startsClocks: [...step.startsClocks],
      transitions,
      timers,
    };
  });

  // Context: declared fields first, then fields written by `set` effects, then lists/maps effects name.
  const context: PlannedContextField[] = [];
  const seen = new Set<string>();
  const setFrom = new Map<string, Field>();
  for (const step of wf.steps) {
    for (const t of step.transitions) {
      for (const e of t.effects) {
        if (e.kind !== 'set') continue;
        for (const id of e.fields) {
          const f = t.payload.find((p) => p.id === id);
          if (f && !setFrom.has(id)) setFrom.set(id, f);
        }
      }
    }
  }
  for (const f of wf.context) {
    seen.add(f.id);
    if (f.kind === 'checklist')
      context.push({
        id: f.id,
        kind: 'checklist',
        items: checklistItems(sop, wf.context, f.id).map((i) => i.id),
      });
    else if (f.kind === 'list') context.push({ id: f.id, kind: 'list', flag: f.flag });
    else context.push({ id: f.id, kind: 'value', field: setFrom.get(f.id) ?? null });
  }
  for (const step of wf.steps) {
    for (const t of step.transitions) {
      for (const e of t.effects) {
        const ids = e.kind === 'set' ? e.fields : [e.field];
        for (const id of ids) {
          if (seen.has(id)) continue;
          seen.add(id);
          if (e.kind === 'set') context.push({ id, kind: 'value', field: setFrom.get(id) ?? null });
          else if (e.kind === 'check')
            context.push({
              id,
              kind: 'checklist',
              items: checklistItems(sop, wf.context, id).map((i) => i.id),
            });
          else context.push({ id, kind: 'list', flag: null });
        }
      }
    }
  }

  const events = [...eventFields.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, { perTransition }]) => {
      const byId = new Map<string, { field: Field; count: number; required: number }>();
      for (const fields of perTransition) {
        for (const f of fields) {
          const e = byId.get(f.id) ?? { field: f, count: 0, required: 0 };
          e.count++;
          if (f.required) e.required++;
          byId.set(f.id, e);
        }
      }
      return {
        type,
        fields: [...byId.values()].map((e) => ({
          field: e.field,
          always: e.required === perTransition.length,
        })),
      };
    });

  const allTimers = steps.flatMap((s) => s.timers);
  return {
    id: sop.id,
    initial: wf.initial,
    steps,
    context,
    ladders: sop.escalations,
    events,
    guards,
    delays,
    roles: sop.roles.map((r) => r.id),
    deadlineDelays: deadlineDelays(sop),
    usesWindow: allTimers.some((t) => t.kind === 'before-window-end'),
    usesWorkingDays: allTimers.some((t) => t.kind === 'escalation' && t.basis === 'working'),
  };
}

function clauseTextOf(sop: ProcedureSop, key: string | null): string[] {
  const c = key === null ? null : findClause(sop.clauses, key);
  return c ? clauseLines(c) : [];
}
