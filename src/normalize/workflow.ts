import type { FileReporter } from '../diagnostics/report.js';
import type {
  Condition,
  ContextField,
  Effect,
  EscalationLadder,
  Field,
  FieldType,
  Step,
  Timer,
  Transition,
  Workflow,
} from '../model/types.js';
import { clockStart } from './deadlines.js';
import { durationZh, parseDuration } from './units.js';
import type { WrittenField, WrittenSop, WrittenTransition } from './written.js';

export function normalizeField(f: WrittenField): Field {
  return {
    id: f.id,
    label: f.label,
    type: (f.type ?? 'text') as FieldType,
    options: Object.entries(f.options ?? {}).map(([value, label]) => ({ value, label })),
    required: f.required ?? false,
    width: f.width ?? 1,
  };
}

function condition(c: Record<string, unknown>): Condition {
  if (typeof c['checklist-complete'] === 'string')
    return { kind: 'checklist-complete', field: c['checklist-complete'] };
  if (typeof c['checklist-none'] === 'string') {
    const [field, value] = Object.entries((c.where ?? {}) as Record<string, unknown>)[0] ?? ['', []];
    return {
      kind: 'checklist-none',
      field: c['checklist-none'],
      match: { field, values: ([] as unknown[]).concat(value).map(String) },
    };
  }
  if (typeof c.none === 'string')
    return { kind: 'none', field: c.none, flag: typeof c.flag === 'string' ? c.flag : null };
  if (Array.isArray(c['payload-has'])) {
    const [field, value] = Object.entries((c.unless ?? {}) as Record<string, string | string[]>)[0] ?? [];
    return {
      kind: 'payload-has',
      fields: c['payload-has'] as string[],
      unless:
        field === undefined || value === undefined ? null : { field, values: ([] as string[]).concat(value) },
    };
  }
  if (typeof c.field === 'string' && Array.isArray(c.in))
    return { kind: 'context-in', field: c.field, values: (c.in as unknown[]).map(String) };
  const [field, value] = Object.entries((c['payload-equals'] ?? {}) as Record<string, string>)[0] ?? ['', ''];
  return { kind: 'payload-equals', field, value };
}

function effect(e: Record<string, unknown>): Effect {
  if (typeof e.check === 'string') return { kind: 'check', field: e.check };
  if (typeof e.append === 'string') return { kind: 'append', field: e.append };
  if (typeof e.remove === 'string') return { kind: 'remove', field: e.remove };
  if (typeof e.clear === 'string') return { kind: 'clear', field: e.clear };
  return { kind: 'set', fields: (e.set ?? []) as string[] };
}

function transition(
  event: string,
  t: WrittenTransition,
  path: (string | number)[],
  r: FileReporter,
): Transition {
  return {
    event,
    label: t.label,
    target: t.to ?? null,
    role: t.role ?? null,
    payload: (t.payload ?? []).map(normalizeField),
    conditions: (t.when ?? []).map(condition),
    refusal: t.refusal ?? null,
    effects: (t.effects ?? []).map(effect),
    clause: t.clause ?? null,
    span: r.span(path, { key: true }),
  };
}

export function normalizeEscalations(w: WrittenSop, r: FileReporter): EscalationLadder[] {
  return Object.entries(w.escalations ?? {}).map(([id, l]) => {
    // `starts: s` is `from: { enter: s }`; `while:` is the newer spelling of `watch:` (the rules refuse both).
    const from = l.from ? clockStart(l.from) : { kind: 'enter' as const, step: l.starts ?? '' };
    const startsAt = from.kind === 'enter' ? from.step : null;
    return {
      id,
      label: l.label ?? id,
      basis: l.basis ?? 'calendar',
      from,
      startsAt,
      watch: l.while ?? l.watch ?? (startsAt === null ? [] : [startsAt]),
      levels: l.levels.map((lv, i) => ({
        after: parseDuration(lv.after),
        role: lv.role,
        step: lv.step,
        clause: lv.clause ?? null,
        span: r.span(['escalations', id, 'levels', i, 'after']),
      })),
      span: r.span(['escalations', id], { key: true }),
    };
  });
}

/**
 * The workflow with escalation ladders folded in: a step watched by a ladder before level 1 gets a timer to
 * level 1's step; level k's step gets a timer to level k+1's. Steps that start a ladder's clock say so.
 */
export function normalizeWorkflow(
  w: WrittenSop,
  ladders: readonly EscalationLadder[],
  r: FileReporter,
): Workflow | null {
  const wf = w.workflow;
  if (!wf) return null;
  const context: ContextField[] = Object.entries(wf.context ?? {}).map(([id, v]) => {
    if (v === 'value') return { id, kind: 'value' };
    if (v === 'list') return { id, kind: 'list', flag: null };
    if ('checklist' in v) return { id, kind: 'checklist', checklist: v.checklist };
    return { id, kind: 'list', flag: v.list };
  });
  const escalationTimers = new Map<string, Timer[]>();
  const starts = new Map<string, string[]>();
  for (const ladder of ladders) {
    if (ladder.startsAt !== null)
      starts.set(ladder.startsAt, [...(starts.get(ladder.startsAt) ?? []), ladder.id]);
    ladder.levels.forEach((level, i) => {
      const from = i === 0 ? ladder.watch : [ladder.levels[i - 1]?.step ?? ''];
      for (const stepId of from) {
        const timer: Timer = {
          kind: 'escalation',
          ladder: ladder.id,
          level: i,
          target: level.step,
          label: `超过 ${durationZh(level.after)}未处理完毕`,
          clause: level.clause,
          span: level.span,
        };
        escalationTimers.set(stepId, [...(escalationTimers.get(stepId) ?? []), timer]);
      }
    });
  }
  const steps: Step[] = Object.entries(wf.steps).map(([id, s]) => {
    const path = ['workflow', 'steps', id];
    const transitions = Object.entries(s.on ?? {}).map(([event, t]) =>
      transition(event, t, [...path, 'on', event], r),
    );
    const timers: Timer[] = (s.timers ?? []).map((t, i) => ({
      kind: 'before-window-end',
      before: parseDuration(t['before-window-end']),
      target: t.to,
      label: t.label,
      clause: t.clause ?? null,
      span: r.span([...path, 'timers', i]),
    }));
    return {
      id,
      label: s.label,
      kind: s.type ?? 'normal',
      role: s.role ?? null,
      clause: s.clause ?? null,
      transitions,
      timers: [...timers, ...(escalationTimers.get(id) ?? [])],
      handoff: s.sop ?? null,
      startsClocks: starts.get(id) ?? [],
      span: r.span(path, { key: true }),
    };
  });
  return { initial: wf.initial, context, steps };
}
