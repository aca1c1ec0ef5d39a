import { basename } from 'node:path';
import type { FileReporter } from '../../diagnostics/report.js';
import type { ProcedureSop, Sop, Step } from '../../model/types.js';
import { approxMonths } from '../../normalize/units.js';
import type { WrittenSop } from '../../normalize/written.js';
import { type Candidate, suggest, suggestionParams } from '../suggest.js';
import { citationsExist, clauseNumbersAreUnique } from './clause-rules.js';
import { consistencyRules } from './consistency.js';
import { deadlineRules } from './deadlines.js';
import { slipRules } from './slips.js';

/** What a rule over one SOP sees: the written document (for paths), the model, and where to report. */
export interface SopRuleContext {
  readonly written: WrittenSop;
  readonly sop: Sop;
  readonly report: FileReporter;
}

export type SopRule = (ctx: SopRuleContext) => void;

const list = (ids: Iterable<string>) => [...ids].join(', ') || '—';

/** Declared ids with the names a reader might write instead: `{ id, names: [title] }` of each entry. */
function named<T>(
  entries: Record<string, T> | undefined,
  names: (t: T) => readonly (string | undefined)[],
): Candidate[] {
  return Object.entries(entries ?? {}).map(([id, t]) => ({
    id,
    names: names(t).filter((n): n is string => typeof n === 'string' && n !== ''),
  }));
}

/** Every role a step, transition, escalation, audit, roster or form signature names is declared. */
export const rolesAreDeclared: SopRule = ({ written: w, sop, report }) => {
  const known = new Set(sop.roles.map((r) => r.id));
  const candidates = sop.roles.map((r) => ({ id: r.id, names: [r.name, ...r.aliases] }));
  const check = (role: string | undefined, path: (string | number)[]) => {
    if (role !== undefined && !known.has(role))
      report.at(path, 'ROLE_UNDECLARED', {
        role,
        known: list(known),
        ...suggestionParams(suggest(role, candidates)),
      });
  };
  for (const [id, step] of Object.entries(w.workflow?.steps ?? {})) {
    check(step.role, ['workflow', 'steps', id, 'role']);
    for (const [ev, t] of Object.entries(step.on ?? {}))
      check(t.role, ['workflow', 'steps', id, 'on', ev, 'role']);
  }
  for (const [id, l] of Object.entries(w.escalations ?? {})) {
    l.levels.forEach((lv, i) => {
      check(lv.role, ['escalations', id, 'levels', i, 'role']);
    });
  }
  (w.audits ?? []).forEach((a, i) => {
    check(a.role, ['audits', i, 'role']);
  });
  const roster = w.schedule?.roster;
  if (roster) {
    check(roster['prepared-by'], ['schedule', 'roster', 'prepared-by']);
    check(roster['approved-by'], ['schedule', 'roster', 'approved-by']);
    check(roster['leave-approved-by'], ['schedule', 'roster', 'leave-approved-by']);
  }
  for (const [id, f] of Object.entries(w.forms ?? {})) {
    (f.signatures ?? []).forEach((s, i) => {
      check(s.role, ['forms', id, 'signatures', i, 'role']);
    });
  }
};

/** Every step a transition, timer or escalation names exists; the initial step exists. */
export const stepsExist: SopRule = ({ written: w, report }) => {
  const wf = w.workflow;
  const known = new Set(Object.keys(wf?.steps ?? {}));
  const candidates = named(wf?.steps, (s) => [s.label]);
  const check = (step: string | undefined, path: (string | number)[]) => {
    if (step !== undefined && !known.has(step))
      report.at(path, 'STEP_UNDECLARED', {
        step,
        known: list(known),
        ...suggestionParams(suggest(step, candidates)),
      });
  };
  if (wf) check(wf.initial, ['workflow', 'initial']);
  for (const [id, step] of Object.entries(wf?.steps ?? {})) {
    for (const [ev, t] of Object.entries(step.on ?? {}))
      check(t.to, ['workflow', 'steps', id, 'on', ev, 'to']);
    (step.timers ?? []).forEach((t, i) => {
      check(t.to, ['workflow', 'steps', id, 'timers', i, 'to']);
    });
  }
  for (const [id, l] of Object.entries(w.escalations ?? {})) {
    check(l.starts, ['escalations', id, 'starts']);
    (l.watch ?? []).forEach((s, i) => {
      check(s, ['escalations', id, 'watch', i]);
    });
    l.levels.forEach((lv, i) => {
      check(lv.step, ['escalations', id, 'levels', i, 'step']);
    });
  }
};

/** Forms and checklists named anywhere are declared. */
export const formsAndChecklistsExist: SopRule = ({ written: w, report }) => {
  const forms = new Set(Object.keys(w.forms ?? {}));
  const checklists = new Set(Object.keys(w.checklists ?? {}));
  const formNames = named(w.forms, (f) => [f.title]);
  const checklistNames = named(w.checklists, (c) => [c.title]);
  const form = (id: string | undefined, path: (string | number)[]) => {
    if (id !== undefined && !forms.has(id))
      report.at(path, 'FORM_UNDECLARED', {
        id,
        known: list(forms),
        ...suggestionParams(suggest(id, formNames)),
      });
  };
  const checklist = (id: string | undefined, path: (string | number)[]) => {
    if (id !== undefined && !checklists.has(id))
      report.at(path, 'CHECKLIST_UNDECLARED', { id, ...suggestionParams(suggest(id, checklistNames)) });
  };
  (w.records ?? []).forEach((r, i) => {
    form(r.form, ['records', i, 'form']);
  });
  (w.audits ?? []).forEach((a, i) => {
    form(a.form, ['audits', i, 'form']);
  });
  form(w.schedule?.roster?.form, ['schedule', 'roster', 'form']);
  for (const [id, f] of Object.entries(w.forms ?? {})) checklist(f.checklist, ['forms', id, 'checklist']);
  for (const [id, c] of Object.entries(w.workflow?.context ?? {})) {
    if (typeof c === 'object' && 'checklist' in c)
      checklist(c.checklist, ['workflow', 'context', id, 'checklist']);
  }
};

/**
 * A checklist's kind and its list agree: a patrol round (`kind: round`) lists `points`, items counted one by one
 * list `items`. Reported at the list that does not belong.
 */
export const checklistKindMatchesList: SopRule = ({ written: w, report }) => {
  for (const [id, c] of Object.entries(w.checklists ?? {})) {
    if (c.kind === 'round' && c.items !== undefined)
      report.at(['checklists', id, 'items'], 'CHECKLIST_ROUND_ITEMS', { id }, { key: true });
    if (c.kind !== 'round' && c.points !== undefined)
      report.at(['checklists', id, 'points'], 'CHECKLIST_POINTS_NOT_ROUND', { id }, { key: true });
  }
};

/** Ids inside one list are unique: checklist items, form fields and columns, event payload fields, audits. */
export const idsAreUniqueInLists: SopRule = ({ written: w, report }) => {
  const unique = (items: readonly { id: string }[] | undefined, path: (string | number)[]) => {
    const seen = new Set<string>();
    (items ?? []).forEach((item, i) => {
      if (seen.has(item.id)) report.at([...path, i, 'id'], 'DUPLICATE_ITEM', { id: item.id });
      seen.add(item.id);
    });
  };
  for (const [id, c] of Object.entries(w.checklists ?? {})) {
    unique(c.items, ['checklists', id, 'items']);
    unique(c.points, ['checklists', id, 'points']);
  }
  for (const [id, f] of Object.entries(w.forms ?? {})) {
    unique(f.fields, ['forms', id, 'fields']);
    unique(f.columns, ['forms', id, 'columns']);
  }
  for (const [id, s] of Object.entries(w.workflow?.steps ?? {})) {
    for (const [ev, t] of Object.entries(s.on ?? {}))
      unique(t.payload, ['workflow', 'steps', id, 'on', ev, 'payload']);
  }
  unique(w.audits, ['audits']);
};

/** Conditions and effects name context fields of the right kind and payload fields the event declares. */
export const conditionsAndEffectsResolve: SopRule = ({ written: w, report }) => {
  const wf = w.workflow;
  if (!wf) return;
  const ctx = wf.context ?? {};
  const kindOf = (id: string) => {
    // Own keys only: `constructor` is a valid id and must not find Object.prototype.constructor.
    const c = Object.hasOwn(ctx, id) ? ctx[id] : undefined;
    if (c === undefined) return null;
    if (c === 'value') return 'value';
    if (c === 'list' || (typeof c === 'object' && 'list' in c)) return 'list';
    return 'checklist';
  };
  const need = (id: string, kind: 'list' | 'checklist', path: (string | number)[]) => {
    if (kindOf(id) !== kind) {
      report.at(path, 'CONTEXT_UNDECLARED', {
        id,
        kind,
        kindZh: kind === 'list' ? '列表' : '清单',
        decl: kind === 'list' ? 'list' : '{ checklist: <清单编号> }',
      });
    }
  };
  for (const [sid, s] of Object.entries(wf.steps)) {
    for (const [ev, t] of Object.entries(s.on ?? {})) {
      const base = ['workflow', 'steps', sid, 'on', ev];
      const fields = new Set((t.payload ?? []).map((f) => f.id));
      const field = (f: string, path: (string | number)[]) => {
        if (!fields.has(f)) report.at(path, 'PAYLOAD_FIELD_UNDECLARED', { field: f, known: list(fields) });
      };
      (t.when ?? []).forEach((c, i) => {
        const p = [...base, 'when', i];
        if (typeof c['checklist-complete'] === 'string')
          need(c['checklist-complete'], 'checklist', [...p, 'checklist-complete']);
        if (typeof c['checklist-none'] === 'string')
          need(c['checklist-none'], 'checklist', [...p, 'checklist-none']);
        if (typeof c.none === 'string') need(c.none, 'list', [...p, 'none']);
        if (c.unless && typeof c.unless === 'object') {
          for (const f of Object.keys(c.unless)) field(f, [...p, 'unless', f]);
        }
        if (Array.isArray(c['payload-has']))
          (c['payload-has'] as string[]).forEach((f, j) => {
            field(f, [...p, 'payload-has', j]);
          });
        if (c['payload-equals'] && typeof c['payload-equals'] === 'object') {
          for (const f of Object.keys(c['payload-equals'])) field(f, [...p, 'payload-equals', f]);
        }
      });
      (t.effects ?? []).forEach((e, i) => {
        const p = [...base, 'effects', i];
        if (typeof e.check === 'string') {
          need(e.check, 'checklist', [...p, 'check']);
          // A round's point is reached (which point, when), an item is counted (which item, its state).
          const decl = Object.hasOwn(ctx, e.check) ? ctx[e.check] : undefined;
          const list = typeof decl === 'object' && 'checklist' in decl ? decl.checklist : undefined;
          const round = list !== undefined && w.checklists?.[list]?.kind === 'round';
          for (const f of round ? ['point', 'arrived-at'] : ['item', 'status']) field(f, p);
        }
        if (typeof e.append === 'string') need(e.append, 'list', [...p, 'append']);
        if (typeof e.remove === 'string') {
          need(e.remove, 'list', [...p, 'remove']);
          field('id', p);
        }
        if (typeof e.clear === 'string' && kindOf(e.clear) !== 'list' && kindOf(e.clear) !== 'checklist')
          report.at([...p, 'clear'], 'CLEAR_FIELD_UNDECLARED', {
            id: e.clear,
            known: list(Object.keys(ctx).filter((id) => kindOf(id) === 'list' || kindOf(id) === 'checklist')),
          });
        if (Array.isArray(e.set))
          (e.set as string[]).forEach((f, j) => {
            field(f, [...p, 'set', j]);
          });
      });
    }
  }
};

/** Escalation thresholds grow level by level; working-day thresholds are in days or weeks. */
export const thresholdsIncrease: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure') return;
  for (const ladder of sop.escalations) {
    ladder.levels.forEach((level, i) => {
      const path = ['escalations', ladder.id, 'levels', i, 'after'];
      if (ladder.basis === 'working' && level.after.unit !== 'd' && level.after.unit !== 'w') {
        report.at(path, 'THRESHOLD_UNIT', { after: level.after.text });
      }
      const prev = ladder.levels[i - 1];
      if (prev && thresholdDays(level.after, ladder.basis) <= thresholdDays(prev.after, ladder.basis)) {
        report.at(path, 'THRESHOLD_NOT_INCREASING', { after: level.after.text, previous: prev.after.text });
      }
    });
  }
};

function thresholdDays(d: { unit: string; amount: number; minutes: number | null }, basis: string): number {
  if (basis === 'working') return d.unit === 'w' ? d.amount * 5 : d.amount;
  if (d.unit === 'mo') return d.amount * 28; // the shortest month: a month threshold is at least this long
  if (d.unit === 'y') return d.amount * 365;
  return (d.minutes ?? 0) / 1440;
}

/** Handoff steps name the SOP they hand over to; final and handoff steps have no way out. */
export const endStepsAreWellFormed: SopRule = ({ written: w, sop, report }) => {
  if (sop.kind !== 'procedure' || !sop.workflow) return;
  const refs = new Set(Object.keys(w.references ?? {}));
  for (const step of sop.workflow.steps) {
    const path = ['workflow', 'steps', step.id];
    if (step.kind === 'handoff') {
      if (!step.handoff) report.at(path, 'HANDOFF_WITHOUT_SOP', {}, { key: true });
      else if (!refs.has(step.handoff))
        report.at([...path, 'sop'], 'REFERENCE_UNDECLARED', {
          id: step.handoff,
          ...suggestionParams(
            suggest(
              step.handoff,
              named(w.references, (r) => [r.title]),
            ),
          ),
        });
    }
    // Escalation timers on an end step are the ladder's mistake (ESCALATION_FROM_END), reported there.
    const ownTimers = step.timers.filter((t) => t.kind !== 'escalation');
    if (step.kind !== 'normal' && (step.transitions.length > 0 || ownTimers.length > 0)) {
      report.at(path, 'FINAL_WITH_TRANSITIONS', {}, { key: true });
    }
  }
  if (!sop.workflow.steps.some((s) => s.kind !== 'normal'))
    report.at(['workflow', 'steps'], 'NO_FINAL_STEP', {}, { key: true });
};

/** Every step can be reached from the initial one, and every reachable step can reach an end. */
export const everyStepReachableAndFinishes: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure' || !sop.workflow) return;
  const steps = new Map(sop.workflow.steps.map((s) => [s.id, s]));
  const next = (s: Step) => [
    ...s.transitions.map((t) => t.target).filter((t): t is string => t !== null),
    ...s.timers.map((t) => t.target),
    ...sop.deadlines.flatMap((d) => (d.go !== null && d.during.includes(s.id) ? [d.go] : [])),
  ];
  const reached = new Set<string>();
  const queue = [sop.workflow.initial];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    const step = steps.get(id);
    if (!step || reached.has(id)) continue;
    reached.add(id);
    queue.push(...next(step));
  }
  const finishes = new Set(sop.workflow.steps.filter((s) => s.kind !== 'normal').map((s) => s.id));
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of sop.workflow.steps) {
      if (!finishes.has(s.id) && next(s).some((t) => finishes.has(t))) {
        finishes.add(s.id);
        changed = true;
      }
    }
  }
  for (const s of sop.workflow.steps) {
    const path = ['workflow', 'steps', s.id];
    if (!reached.has(s.id)) report.at(path, 'STEP_UNREACHABLE', { step: s.id }, { key: true });
    else if (!finishes.has(s.id)) report.at(path, 'STEP_DEAD_END', { step: s.id }, { key: true });
  }
};

/** Timers relative to the duty window need a schedule. */
export const windowTimersHaveSchedule: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure' || !sop.workflow || sop.schedule) return;
  for (const s of sop.workflow.steps) {
    s.timers.forEach((t, i) => {
      if (t.kind === 'before-window-end')
        report.at(['workflow', 'steps', s.id, 'timers', i], 'TIMER_WITHOUT_SCHEDULE');
    });
  }
};

/** Weekly and monthly audits say on which day. */
export const auditsSayWhen: SopRule = ({ written: w, report }) => {
  (w.audits ?? []).forEach((a, i) => {
    if (a.every === 'weekly' && (typeof a.on !== 'string' || a.on === 'last-working-day')) {
      report.at(['audits', i], 'WEEKDAY_MISSING', {
        every: 'weekly',
        everyZh: '周',
        what: 'monday … sunday',
        whatZh: '星期几',
      });
    }
    if (a.every === 'monthly' && typeof a.on !== 'number' && a.on !== 'last-working-day') {
      report.at(['audits', i], 'WEEKDAY_MISSING', {
        every: 'monthly',
        everyZh: '月',
        what: '1–28, last-working-day',
        whatZh: '几号（或 last-working-day，最后一个工作日）',
      });
    }
  });
};

/** Records keep at least their own stated minimum. */
export const retentionMeetsOwnMinimum: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure') return;
  sop.records.forEach((rec, i) => {
    if (rec.minRetention && !rec.retention) {
      report.at(['records', i], 'RETENTION_MISSING', { minimum: rec.minRetention.text });
    } else if (
      rec.minRetention &&
      rec.retention &&
      approxMonths(rec.retention) < approxMonths(rec.minRetention)
    ) {
      report.at(['records', i, 'retention'], 'RETENTION_TOO_SHORT', {
        retention: rec.retention.text,
        minimum: rec.minRetention.text,
      });
    }
  });
};

/** Keys that belong to the other kind of document are refused (a manual has no workflow, a procedure no chapters). */
export const keysFitKind: SopRule = ({ written: w, report }) => {
  const manualOnly = ['chapters', 'record-policy'] as const;
  const procedureOnly = [
    'schedule',
    'checklists',
    'forms',
    'workflow',
    'escalations',
    'deadlines',
    'recurring',
    'audits',
    'records',
  ] as const;
  const wrong = w.kind === 'manual' ? procedureOnly : manualOnly;
  const other = w.kind === 'manual' ? 'procedure' : 'manual';
  for (const key of wrong) if (key in w) report.at([key], 'MANUAL_ONLY', { key, kind: other }, { key: true });
};

/** Revisions are in date order, and the version is that of the latest revision. */
export const revisionsInOrder: SopRule = ({ sop, report }) => {
  sop.revisions.forEach((rev, i) => {
    const prev = sop.revisions[i - 1];
    if (prev && rev.date < prev.date) {
      report.at(['review', 'revisions', i, 'date'], 'REVISIONS_OUT_OF_ORDER', {
        version: rev.version,
        date: rev.date,
        previous: prev.date,
      });
    }
  });
  const last = sop.revisions[sop.revisions.length - 1];
  if (last && last.version !== sop.version) {
    report.at(['version'], 'VERSION_NOT_LATEST_REVISION', { version: sop.version, revision: last.version });
  }
};

/** The file is named after the SOP id, so people find it. */
export const fileNamedAfterId: SopRule = ({ sop, report }) => {
  const name = basename(sop.file).replace(/\.ya?ml$/i, '');
  if (name !== sop.id) report.at(['id'], 'ID_FILE_MISMATCH', { id: sop.id, file: basename(sop.file) });
};

/** Names Windows refuses for a file or folder, whatever the extension (`con`, `nul`, `com1`, …). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** The SOP id names its output folder and form ids name PDF files: neither may be a reserved device name. */
export const idsAreNotReservedNames: SopRule = ({ written: w, sop, report }) => {
  if (WINDOWS_RESERVED.test(sop.id)) report.at(['id'], 'ID_RESERVED', { id: sop.id });
  for (const id of Object.keys(w.forms ?? {})) {
    if (WINDOWS_RESERVED.test(id)) report.at(['forms', id], 'ID_RESERVED', { id }, { key: true });
  }
};

export const sopRules: readonly SopRule[] = [
  idsAreNotReservedNames,
  keysFitKind,
  rolesAreDeclared,
  stepsExist,
  formsAndChecklistsExist,
  checklistKindMatchesList,
  idsAreUniqueInLists,
  conditionsAndEffectsResolve,
  thresholdsIncrease,
  endStepsAreWellFormed,
  everyStepReachableAndFinishes,
  windowTimersHaveSchedule,
  auditsSayWhen,
  retentionMeetsOwnMinimum,
  revisionsInOrder,
  fileNamedAfterId,
  ...slipRules,
  ...deadlineRules,
  clauseNumbersAreUnique,
  citationsExist,
  ...consistencyRules,
];

export type { ProcedureSop };
