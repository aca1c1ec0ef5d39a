/**
 * Rules of the time rules (design §5, §5.5): every step, event, field and role a deadline, a ladder's
 * clock or a recurring plan names exists; a limit chosen by a recorded value covers every option; units
 * fit the basis; nothing is timed in a step that ends the workflow. Reads only the written document and
 * the model (no heavy modules: `validate` is timed).
 */
import type { FileReporter } from '../../diagnostics/report.js';
import { occurrenceWindow } from '../../model/occurrence.js';
import type { ProcedureSop } from '../../model/types.js';
import { parseDuration } from '../../normalize/units.js';
import type { WrittenClockStart, WrittenField, WrittenSop } from '../../normalize/written.js';
import { suggest, suggestionParams } from '../suggest.js';
import type { SopRule } from './sop-rules.js';

type Path = (string | number)[];
const list = (ids: Iterable<string>) => [...ids].join(', ') || '—';

/** Fields the case records (`set` effects), each with the payload field that fills it, and declared values. */
function recordedFields(w: WrittenSop): Map<string, WrittenField | null> {
  const out = new Map<string, WrittenField | null>();
  for (const [id, c] of Object.entries(w.workflow?.context ?? {})) if (c === 'value') out.set(id, null);
  for (const s of Object.values(w.workflow?.steps ?? {})) {
    for (const t of Object.values(s.on ?? {})) {
      for (const e of t.effects ?? []) {
        if (!Array.isArray(e.set)) continue;
        for (const f of e.set as string[]) {
          const field = (t.payload ?? []).find((p) => p.id === f) ?? null;
          if (!out.get(f)) out.set(f, field);
        }
      }
    }
  }
  return out;
}

function events(w: WrittenSop): Set<string> {
  const out = new Set<string>();
  for (const s of Object.values(w.workflow?.steps ?? {})) for (const e of Object.keys(s.on ?? {})) out.add(e);
  return out;
}

interface Names {
  readonly steps: Set<string>;
  readonly ends: Set<string>;
  readonly events: Set<string>;
  readonly fields: Map<string, WrittenField | null>;
  readonly roles: Set<string>;
}

function names(w: WrittenSop, sop: ProcedureSop): Names {
  return {
    steps: new Set(Object.keys(w.workflow?.steps ?? {})),
    ends: new Set((sop.workflow?.steps ?? []).filter((s) => s.kind !== 'normal').map((s) => s.id)),
    events: events(w),
    fields: recordedFields(w),
    roles: new Set(sop.roles.map((r) => r.id)),
  };
}

function step(n: Names, w: WrittenSop, id: string, path: Path, report: FileReporter): boolean {
  if (n.steps.has(id)) return true;
  const candidates = Object.entries(w.workflow?.steps ?? {}).map(([sid, s]) => ({
    id: sid,
    names: [s.label],
  }));
  report.at(path, 'STEP_UNDECLARED', {
    step: id,
    known: list(n.steps),
    ...suggestionParams(suggest(id, candidates)),
  });
  return false;
}

function event(n: Names, id: string, path: Path, report: FileReporter, what: 'start' | 'stop'): void {
  if (n.events.has(id)) return;
  report.at(path, 'EVENT_UNDECLARED', {
    event: id,
    known: list([...n.events].sort()),
    whatZh: what === 'start' ? '开始' : '停止',
    what: what === 'start' ? 'starts' : 'stops',
  });
}

function field(n: Names, id: string, path: Path, report: FileReporter): WrittenField | null | undefined {
  if (n.fields.has(id)) return n.fields.get(id);
  report.at(path, 'FIELD_UNRECORDED', { field: id, known: list([...n.fields.keys()].sort()) });
  return undefined;
}

/** A clock start names a step, an event or a recorded field that exists. */
function clockStart(
  n: Names,
  w: WrittenSop,
  from: WrittenClockStart,
  path: Path,
  report: FileReporter,
): void {
  if (typeof from.enter === 'string') step(n, w, from.enter, [...path, 'enter'], report);
  if (typeof from.event === 'string') event(n, from.event, [...path, 'event'], report, 'start');
  if (typeof from.field === 'string') field(n, from.field, [...path, 'field'], report);
}

function unitFits(basis: string, text: string, path: Path, report: FileReporter): void {
  const d = parseDuration(text);
  if (basis === 'working' && (d.unit === 'm' || d.unit === 'h'))
    report.at(path, 'DEADLINE_UNIT', {
      basis,
      duration: text,
      whyZh: '工作日按天计',
      why: 'working days are counted in days',
    });
  if (basis === 'working-hours' && d.unit !== 'm' && d.unit !== 'h')
    report.at(path, 'DEADLINE_UNIT', {
      basis,
      duration: text,
      whyZh: '上班时间按小时和分钟计',
      why: 'working hours are counted in hours and minutes',
    });
}

/** `within: { occurrence: plan }` names a plan whose occurrences have an end: a day, a month or `by:`. */
function occurrencePlan(sop: ProcedureSop, id: string, path: Path, report: FileReporter): void {
  const due = sop.recurring.filter((p) => occurrenceWindow(p) !== 'instant');
  const known = list(due.map((p) => p.id));
  const plan = sop.recurring.find((p) => p.id === id);
  if (!plan)
    report.at(path, 'DEADLINE_OCCURRENCE_PLAN', {
      plan: id,
      known,
      whyZh: '：recurring 中没有这个计划',
      why: 'names no plan of recurring',
    });
  else if (occurrenceWindow(plan) === 'instant')
    report.at(path, 'DEADLINE_OCCURRENCE_PLAN', {
      plan: id,
      known,
      whyZh: '：该计划每次只是一个时刻，没有完成期限',
      why: 'names a plan whose occurrences are instants, with no end to be due by',
    });
}

/** Every deadline: one limit, names that exist, units that fit its basis, a span outside end steps. */
export const deadlinesResolve: SopRule = ({ written: w, sop, report }) => {
  if (sop.kind !== 'procedure') return;
  const n = names(w, sop);
  const seen = new Set<string>();
  (w.deadlines ?? []).forEach((d, i) => {
    const base: Path = ['deadlines', i];
    if (seen.has(d.id))
      report.at([...base, 'id'], 'DEADLINE_DUPLICATE', { id: d.id, kind: 'deadline', kindZh: '时限' });
    seen.add(d.id);
    const limits = (['within', 'at', 'by'] as const).filter((k) => d[k] !== undefined);
    if (limits.length !== 1)
      report.at(limits.length > 1 ? [...base, limits[1] as string] : base, 'DEADLINE_LIMIT', {
        id: d.id,
        countZh: limits.length === 0 ? '没有写期限' : `同时写了 ${limits.join('、')}`,
        count: limits.length === 0 ? 'states no limit' : `states ${limits.join(' and ')}`,
      });
    const basis = d.basis ?? 'calendar';
    if (basis === 'working-hours' && sop.site.workingHours.length === 0)
      report.at([...base, 'basis'], 'WORKING_HOURS_MISSING');
    const within = d.within;
    if (typeof within === 'string') unitFits(basis, within, [...base, 'within'], report);
    else if (within && typeof within === 'object') {
      if (typeof within.else === 'string') unitFits(basis, within.else, [...base, 'within', 'else'], report);
      if (typeof within.field === 'string') field(n, within.field, [...base, 'within', 'field'], report);
      if (typeof within.occurrence === 'string')
        occurrencePlan(sop, within.occurrence, [...base, 'within', 'occurrence'], report);
      if (typeof within.before === 'string') {
        const before = parseDuration(within.before);
        if (basis !== 'calendar')
          report.at([...base, 'within', 'before'], 'DEADLINE_BEFORE', {
            duration: within.before,
            whyZh: `只能按自然时间往前推，不能用于 basis: ${basis}`,
            why: `counts back in calendar time only, not on basis: ${basis}`,
          });
        else if (before.minutes === null)
          report.at([...base, 'within', 'before'], 'DEADLINE_BEFORE', {
            duration: within.before,
            whyZh: '的长度不固定（月、年），不能往前推',
            why: 'has no fixed length (months, years) to count back',
          });
      }
      if (typeof within.by === 'string') {
        const options = Object.entries(within).filter(([k]) => k !== 'by' && k !== 'else');
        for (const [k, v] of options) unitFits(basis, v, [...base, 'within', k], report);
        const f = field(n, within.by, [...base, 'within', 'by'], report);
        if (f !== undefined) {
          const declared = Object.keys(f?.options ?? {});
          if (declared.length === 0)
            report.at([...base, 'within', 'by'], 'DEADLINE_CHOICE_NOT_CHOICE', { field: within.by });
          else {
            for (const [k] of options) {
              if (!declared.includes(k))
                report.at([...base, 'within', k], 'DEADLINE_CHOICE_UNKNOWN', {
                  field: within.by,
                  value: k,
                  options: declared.join(', '),
                });
            }
            const missing = declared.filter((o) => !options.some(([k]) => k === o));
            if (missing.length > 0 && within.else === undefined)
              report.at([...base, 'within'], 'DEADLINE_CHOICE_UNCOVERED', {
                field: within.by,
                missing: missing.join(', '),
              });
          }
        }
      }
    }
    clockStart(n, w, d.from, [...base, 'from'], report);
    if (d.while === undefined && typeof d.from.enter !== 'string')
      report.at([...base, 'from'], 'DEADLINE_SPAN_MISSING', {
        id: d.id,
        fromZh: typeof d.from.event === 'string' ? `事件 ${d.from.event} ` : `记录的 ${d.from.field ?? ''} `,
        from:
          typeof d.from.event === 'string'
            ? `the event ${d.from.event}`
            : `the recorded ${d.from.field ?? ''}`,
      });
    const span = d.while ?? (typeof d.from.enter === 'string' ? [d.from.enter] : []);
    const spanPath = (j: number): Path => (d.while ? [...base, 'while', j] : [...base, 'from', 'enter']);
    span.forEach((s, j) => {
      if (step(n, w, s, spanPath(j), report) && n.ends.has(s))
        report.at(spanPath(j), 'DEADLINE_IN_END', { id: d.id, step: s });
    });
    if (d.while && typeof d.from.enter === 'string' && n.ends.has(d.from.enter))
      report.at([...base, 'from', 'enter'], 'DEADLINE_IN_END', { id: d.id, step: d.from.enter });
    if (d.stop) event(n, d.stop.event, [...base, 'stop', 'event'], report, 'stop');
    if (typeof d.breach === 'object') step(n, w, d.breach.go, [...base, 'breach', 'go'], report);
    if (d.notify !== undefined && !n.roles.has(d.notify))
      report.at([...base, 'notify'], 'ROLE_UNDECLARED', {
        role: d.notify,
        known: list(n.roles),
        ...suggestionParams(
          suggest(
            d.notify,
            sop.roles.map((r) => ({ id: r.id, names: [r.name, ...r.aliases] })),
          ),
        ),
      });
    const fixed =
      d.at !== undefined
        ? 'at'
        : d.by !== undefined
          ? 'by'
          : within && typeof within === 'object' && within.field
            ? 'within.field'
            : within && typeof within === 'object' && within.occurrence
              ? 'within.occurrence'
              : null;
    // The occurrence's due comes from its plan, on the plan's basis: a basis written here would change nothing.
    if (fixed === 'within.occurrence' && d.basis !== undefined)
      report.at([...base, 'basis'], 'DEADLINE_BASIS_UNUSED', { id: d.id, basis: d.basis });
    if (d.reentry === 'continue' && fixed !== null)
      report.at([...base, 'reentry'], 'DEADLINE_REENTRY_FIXED', { id: d.id, limit: fixed });
  });
};

/** A ladder's clock: `starts` or `from`, `watch` or `while`, never both; what `from` names exists. */
export const ladderClocksResolve: SopRule = ({ written: w, sop, report }) => {
  if (sop.kind !== 'procedure') return;
  const n = names(w, sop);
  for (const [id, l] of Object.entries(w.escalations ?? {})) {
    const base: Path = ['escalations', id];
    if (l.starts !== undefined && l.from !== undefined)
      report.at([...base, 'from'], 'LADDER_KEYS_CONFLICT', {
        ladder: id,
        whatZh: '同时写了 starts 和 from',
        what: 'states both starts and from',
        hintZh: '只写一个：from: { enter: 步骤 } 等同于 starts: 步骤。',
        hint: 'Write one: from: { enter: step } is the same as starts: step.',
      });
    else if (l.starts === undefined && l.from === undefined)
      report.at(
        base,
        'LADDER_KEYS_CONFLICT',
        {
          ladder: id,
          whatZh: '没有写从何时起算（starts 或 from）',
          what: 'does not say where its clock starts (starts or from)',
          hintZh: '如 from: { field: date }（记录的接待日期）或 starts: received。',
          hint: 'For example from: { field: date } (the recorded reception date) or starts: received.',
        },
        { key: true },
      );
    if (l.watch !== undefined && l.while !== undefined)
      report.at([...base, 'while'], 'LADDER_KEYS_CONFLICT', {
        ladder: id,
        whatZh: '同时写了 watch 和 while',
        what: 'states both watch and while',
        hintZh: '只写 while（watch 的新写法）。',
        hint: 'Write while only (the newer spelling of watch).',
      });
    if (l.from !== undefined) {
      clockStart(n, w, l.from, [...base, 'from'], report);
      if (l.while === undefined && l.watch === undefined && typeof l.from.enter !== 'string')
        report.at([...base, 'from'], 'LADDER_KEYS_CONFLICT', {
          ladder: id,
          whatZh: '从事件或记录的时间起算，却没有写 while',
          what: 'starts at an event or a recorded time but has no while',
          hintZh: '写明在哪些步骤中计时，如 while: [recorded, handling, transferred]。',
          hint: 'Say in which steps it is timed, e.g. while: [recorded, handling, transferred].',
        });
    }
    (l.while ?? []).forEach((s, i) => {
      step(n, w, s, [...base, 'while', i], report);
    });
  }
};

/** `site.working-hours`: each span ends after it starts, in order, without overlap. */
export const workingHoursInOrder: SopRule = ({ sop, report }) => {
  let previous = -1;
  sop.site.workingHours.forEach((h, i) => {
    const path = ['site', 'working-hours', i];
    if (h.end <= h.start)
      report.at(path, 'WORKING_HOURS_INVALID', {
        text: h.text,
        whyZh: '结束不晚于开始',
        why: 'does not end after it starts',
      });
    else if (h.start < previous)
      report.at(path, 'WORKING_HOURS_INVALID', {
        text: h.text,
        whyZh: '与前一段重叠或顺序颠倒',
        why: 'overlaps the previous span or comes before it',
      });
    previous = Math.max(previous, h.end);
  });
};

/** Recurring plans: unique ids, intervals of fixed length, working hours declared when counted. */
export const recurringPlansResolve: SopRule = ({ written: w, sop, report }) => {
  if (sop.kind !== 'procedure') return;
  const seen = new Set<string>();
  (w.recurring ?? []).forEach((p, i) => {
    const base: Path = ['recurring', i];
    if (seen.has(p.id))
      report.at([...base, 'id'], 'DEADLINE_DUPLICATE', {
        id: p.id,
        kind: 'recurring plan',
        kindZh: '周期计划',
      });
    seen.add(p.id);
    const every = p.every;
    const interval = typeof every === 'string' && every !== 'daily' && every !== 'monthly';
    if (typeof every === 'string' && interval) {
      const d = parseDuration(every);
      if (d.minutes === null) report.at([...base, 'every'], 'RECURRING_UNIT', { id: p.id, duration: every });
      else if (p.starting === undefined)
        report.at([...base, 'every'], 'RECURRING_STARTING_MISSING', { id: p.id, duration: every });
    }
    // The model keeps the written order: plan i is the written plan i.
    const plan = sop.recurring[i];
    const window = plan ? occurrenceWindow(plan) : null;
    const wholeMonth =
      (plan?.every.kind === 'monthly' || plan?.every.kind === 'months') && plan.every.day === null;
    if (wholeMonth && p.starting !== undefined)
      report.at([...base, 'starting'], 'RECURRING_STARTING_WHOLE_MONTH', { id: p.id, time: p.starting });
    if (p['late-after'] !== undefined && p.starting === undefined && !interval)
      report.at([...base, 'late-after'], 'RECURRING_LATE_WITHOUT_TIME', {
        id: p.id,
        duration: p['late-after'],
      });
    if (p.by !== undefined && window !== 'month' && window !== null)
      report.at(
        [...base, 'by'],
        'RECURRING_BY_NOT_MONTH',
        {
          id: p.id,
          whatZh: window === 'instant' ? '有每次的时刻' : '以一天为期',
          what: window === 'instant' ? 'has a time for each occurrence' : 'spans one day',
        },
        { key: true },
      );
    if (p.basis === 'working-hours' && sop.site.workingHours.length === 0)
      report.at([...base, 'basis'], 'WORKING_HOURS_MISSING');
  });
};

export const deadlineRules: readonly SopRule[] = [
  deadlinesResolve,
  ladderClocksResolve,
  workingHoursInOrder,
  recurringPlansResolve,
];
