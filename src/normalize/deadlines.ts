/**
 * `deadlines:`, `recurring:` and `site.working-hours` → the model (design §5, §5.5). The schema has
 * already checked every spelling; what only the whole SOP can tell (unknown steps, uncovered choices,
 * units on a working basis) is checked by `src/validate/rules/deadlines.ts`.
 */
import type { FileReporter } from '../diagnostics/report.js';
import type {
  ClockStart,
  Deadline,
  DeadlineLimit,
  Recurrence,
  RecurringPlan,
  SiteSettings,
  Weekday,
} from '../model/types.js';
import { parseDuration, parseTime } from './units.js';
import type { WrittenClockStart, WrittenDeadline, WrittenRecurring, WrittenSop } from './written.js';

/** `{ enter: s }` | `{ event: E }` | `{ field: f }` (the schema allows exactly one key). */
export function clockStart(f: WrittenClockStart): ClockStart {
  if (typeof f.event === 'string') return { kind: 'event', event: f.event };
  if (typeof f.field === 'string') return { kind: 'field', field: f.field };
  return { kind: 'enter', step: f.enter ?? '' };
}

/** `"08:30-12:00"` → minutes since midnight (the schema checked the pattern; the order is a rule's business). */
export function workingHours(w: WrittenSop): SiteSettings['workingHours'] {
  return (w.site?.['working-hours'] ?? []).map((text) => {
    const [a = '', b = ''] = text.split('-');
    return { start: parseTime(a).minutes, end: parseTime(b).minutes, text };
  });
}

function limitOf(d: WrittenDeadline): DeadlineLimit {
  if (d.at !== undefined) {
    const at = typeof d.at === 'string' ? { time: d.at } : d.at;
    const time = parseTime(at.time);
    return { kind: 'at', time, day: 'day' in at && at.day ? at.day : 'auto' };
  }
  if (d.by !== undefined) return { kind: 'by', day: d.by.day, month: d.by.month ?? 'this' };
  const within = d.within ?? '0m';
  if (typeof within === 'object' && typeof within.occurrence === 'string')
    return { kind: 'occurrence', plan: within.occurrence };
  if (typeof within === 'string') return { kind: 'within', duration: parseDuration(within) };
  if (typeof within.field === 'string')
    return {
      kind: 'within-field',
      field: within.field,
      before: within.before ? parseDuration(within.before) : null,
      otherwise: within.else ? parseDuration(within.else) : null,
    };
  const options = Object.entries(within)
    .filter(([k]) => k !== 'by' && k !== 'else')
    .map(([value, text]) => ({ value, duration: parseDuration(text) }));
  return {
    kind: 'within-by',
    field: within.by ?? '',
    options,
    otherwise: within.else === undefined ? null : parseDuration(within.else),
  };
}

export function normalizeDeadlines(w: WrittenSop, r: FileReporter): Deadline[] {
  return (w.deadlines ?? []).map((d, i) => {
    const from = clockStart(d.from);
    return {
      id: d.id,
      label: d.label,
      clause: d.clause ?? null,
      limit: limitOf(d),
      from,
      // Without `while:` a limit that starts on entering a step is live in that step (the rules require
      // `while:` for the other starts).
      during: d.while ?? (from.kind === 'enter' ? [from.step] : []),
      stop: d.stop?.event ?? null,
      basis: d.basis ?? 'calendar',
      go: typeof d.breach === 'object' ? d.breach.go : null,
      notify: d.notify ?? null,
      reentry: d.reentry ?? null,
      span: r.span(['deadlines', i]),
    };
  });
}

function recurrence(every: WrittenRecurring['every']): Recurrence {
  if (every === 'daily') return { kind: 'daily' };
  if (every === 'monthly') return { kind: 'monthly', day: null };
  if (typeof every === 'string') return { kind: 'every', duration: parseDuration(every) };
  if ('weekly' in every) return { kind: 'weekly', weekday: every.weekly as Weekday };
  if ('months' in every)
    return { kind: 'months', months: [...every.months].sort((a, b) => a - b), day: every.day ?? null };
  return { kind: 'monthly', day: every.monthly };
}

export function normalizeRecurring(w: WrittenSop, r: FileReporter): RecurringPlan[] {
  return (w.recurring ?? []).map((p, i) => ({
    id: p.id,
    label: p.label ?? p.id,
    clause: p.clause ?? null,
    every: recurrence(p.every),
    starting: p.starting === undefined ? null : parseTime(p.starting),
    by: p.by ? { day: p.by.day, month: p.by.month ?? 'this' } : null,
    lateAfter: p['late-after'] ? parseDuration(p['late-after']) : null,
    basis: p.basis ?? 'calendar',
    span: r.span(['recurring', i]),
  }));
}
