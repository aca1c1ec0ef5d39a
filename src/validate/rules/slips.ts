import type { Duration, DutyWindow } from '../../model/types.js';
import { approxMonths } from '../../normalize/units.js';
import type { WrittenField } from '../../normalize/written.js';
import { formsMeetHandwritingMinimums } from './handwriting.js';
import type { SopRule } from './sop-rules.js';

/**
 * Slips: files the schema accepts and that build, whose machine, form or document would then quietly do
 * something other than what the SOP says. Each is one rule below.
 *
 * | slip                                                        | code                   | what would happen          |
 * | ----------------------------------------------------------- | ---------------------- | -------------------------- |
 * | `{ none: unfinished, flag: urgent }`, the list flags `important` | GUARD_FLAG_UNDECLARED | the guard always passes |
 * | a list's flag that no event's payload can set               | LIST_FLAG_NEVER_SET (w) | guards on it always pass  |
 * | `payload-equals` / `unless` with a value the enum lacks     | GUARD_VALUE_NOT_OPTION | never / always holds       |
 * | `{ field: x, in: [...] }` on a field the case never records  | GUARD_FIELD_UNRECORDED | never holds                |
 * | `{ field: x, in: [...] }` with a value the recorded enum lacks | GUARD_VALUE_NOT_OPTION | that value never matches |
 * | `checklist-none` + `where` on a field no event checking it records | GUARD_CHECKED_FIELD_UNDECLARED | always holds |
 * | `checklist-none` + `where` with a value the checked enum lacks | GUARD_VALUE_NOT_OPTION | that value never matches |
 * | a `before-window-end` lead ≥ the (holiday) window           | LEAD_TOO_LONG          | the timer fires on entry   |
 * | `arrive-early` / `handover-prep` ≥ the holiday window       | LEAD_TOO_LONG          | the same, on holidays      |
 * | an escalation that starts in or watches a final step        | ESCALATION_FROM_END    | it never escalates         |
 * | the same form twice in `records`                            | RECORD_DUPLICATE       | one retention is ignored   |
 * | a retention in minutes or hours (`15m`)                     | RETENTION_UNIT         | kept 15 minutes            |
 * | a manual chapter listed twice                               | CHAPTER_DUPLICATE      | printed twice              |
 * | semi-annual review period ≥ the annual one                  | REVIEW_PERIODS         | the schedule inverts       |
 * | a checklist longer than a shift can print at some size      | CHECKLIST_TOO_LONG     | `build` / `book` fails     |
 * | a form too full for two pages at some size                  | FORM_TOO_FULL          | `build` / `book` fails     |
 * | a register too wide for a two-page spread at some size      | REGISTER_TOO_WIDE      | `build` / `book` fails     |
 * (the last three in `handwriting.ts`, by the layout's own rules)
 *
 * Duplicate checklist item ids and audits on undeclared forms were already caught (DUPLICATE_ITEM,
 * FORM_UNDECLARED).
 */

const WORKFLOW_STEPS = ['workflow', 'steps'] as const;

/** A `none` guard names a flag its list declares (otherwise no entry ever has it and the guard always passes). */
export const guardFlagsAreDeclared: SopRule = ({ written: w, report }) => {
  const ctx = w.workflow?.context ?? {};
  for (const [sid, s] of Object.entries(w.workflow?.steps ?? {})) {
    for (const [ev, t] of Object.entries(s.on ?? {})) {
      (t.when ?? []).forEach((c, i) => {
        if (typeof c.none !== 'string' || typeof c.flag !== 'string') return;
        const decl = Object.hasOwn(ctx, c.none) ? ctx[c.none] : undefined;
        // An undeclared list is CONTEXT_UNDECLARED's business.
        if (decl === undefined || (typeof decl === 'object' && 'checklist' in decl) || decl === 'value')
          return;
        const declared = typeof decl === 'object' ? decl.list : null;
        if (declared === c.flag) return;
        report.at([...WORKFLOW_STEPS, sid, 'on', ev, 'when', i, 'flag'], 'GUARD_FLAG_UNDECLARED', {
          list: c.none,
          flag: c.flag,
          declaredZh: declared ? `它声明的标记是 ${declared}` : '它没有声明标记',
          declared: declared ? `it declares ${declared}` : 'it declares none',
        });
      });
    }
  }
};

/** A list's flag is a payload field of some event that appends to the list; otherwise no entry ever has it. */
export const listFlagsCanBeSet: SopRule = ({ written: w, report }) => {
  const wf = w.workflow;
  if (!wf) return;
  for (const [id, decl] of Object.entries(wf.context ?? {})) {
    if (typeof decl !== 'object' || !('list' in decl)) continue;
    const adders: { event: string; payload: readonly WrittenField[] }[] = [];
    for (const s of Object.values(wf.steps)) {
      for (const [event, t] of Object.entries(s.on ?? {})) {
        if ((t.effects ?? []).some((e) => e.append === id)) adders.push({ event, payload: t.payload ?? [] });
      }
    }
    if (adders.length === 0 || adders.some((a) => a.payload.some((f) => f.id === decl.list))) continue;
    report.at(['workflow', 'context', id, 'list'], 'LIST_FLAG_NEVER_SET', {
      list: id,
      flag: decl.list,
      events: adders.map((a) => a.event).join(', '),
    });
  }
};

/** `payload-equals` and `unless` compare an enum field with one of its options. */
export const guardValuesAreOptions: SopRule = ({ written: w, report }) => {
  for (const [sid, s] of Object.entries(w.workflow?.steps ?? {})) {
    for (const [ev, t] of Object.entries(s.on ?? {})) {
      const fields = new Map((t.payload ?? []).map((f) => [f.id, f]));
      const check = (
        field: string,
        value: unknown,
        path: (string | number)[],
        effectZh: string,
        effect: string,
      ) => {
        const options = Object.keys(fields.get(field)?.options ?? {});
        if (options.length === 0 || typeof value !== 'string' || options.includes(value)) return;
        report.at(path, 'GUARD_VALUE_NOT_OPTION', {
          field,
          value,
          options: options.join(', '),
          effectZh,
          effect,
        });
      };
      (t.when ?? []).forEach((c, i) => {
        const base = [...WORKFLOW_STEPS, sid, 'on', ev, 'when', i];
        const eq = c['payload-equals'];
        if (eq && typeof eq === 'object') {
          for (const [field, value] of Object.entries(eq))
            check(field, value, [...base, 'payload-equals', field], '永远不成立', 'never holds');
        }
        const unless = c.unless;
        if (unless && typeof unless === 'object') {
          for (const [field, value] of Object.entries(unless)) {
            const values: unknown[] = Array.isArray(value) ? value : [value];
            values.forEach((v, j) => {
              const path = Array.isArray(value) ? [...base, 'unless', field, j] : [...base, 'unless', field];
              check(field, v, path, '的例外永远用不上', 'never makes its exception');
            });
          }
        }
      });
    }
  }
};

/**
 * `{ field, in }` reads a value recorded earlier in the case: a `value` of workflow.context or a field
 * some event saves with `set`; when that field is a choice, every listed value is one of its options.
 */
export const contextGuardsReadRecordedFields: SopRule = ({ written: w, report }) => {
  const ctx = w.workflow?.context ?? {};
  const saved = new Map<string, WrittenField>();
  for (const s of Object.values(w.workflow?.steps ?? {})) {
    for (const t of Object.values(s.on ?? {})) {
      for (const e of t.effects ?? []) {
        if (!Array.isArray(e.set)) continue;
        for (const id of e.set as string[]) {
          const f = (t.payload ?? []).find((x) => x.id === id);
          if (f && !saved.has(id)) saved.set(id, f);
        }
      }
    }
  }
  const recorded = new Set([
    ...saved.keys(),
    ...Object.entries(ctx)
      .filter(([, d]) => d === 'value')
      .map(([id]) => id),
  ]);
  for (const [sid, s] of Object.entries(w.workflow?.steps ?? {})) {
    for (const [ev, t] of Object.entries(s.on ?? {})) {
      (t.when ?? []).forEach((c, i) => {
        if (typeof c.field !== 'string' || !Array.isArray(c.in)) return;
        const base = [...WORKFLOW_STEPS, sid, 'on', ev, 'when', i];
        if (!recorded.has(c.field)) {
          report.at([...base, 'field'], 'GUARD_FIELD_UNRECORDED', {
            field: c.field,
            known: [...recorded].sort().join(', ') || '—',
          });
          return;
        }
        const options = Object.keys(saved.get(c.field)?.options ?? {});
        if (options.length === 0) return;
        (c.in as unknown[]).forEach((v, j) => {
          if (typeof v === 'string' && options.includes(v)) return;
          report.at([...base, 'in', j], 'GUARD_VALUE_NOT_OPTION', {
            field: c.field as string,
            value: String(v),
            options: options.join(', '),
            effectZh: '中的这个值永远用不上',
            effect: 'never matches that value',
          });
        });
      });
    }
  }
};

/**
 * `checklist-none` + `where` reads what the events checking that checklist recorded (`effects: - check:`):
 * its field is a payload field of at least one of them, and when that field is a choice in every one of
 * them, each value is one of its options. An undeclared checklist is CONTEXT_UNDECLARED's business.
 */
export const checklistGuardsReadCheckedFields: SopRule = ({ written: w, report }) => {
  const steps = Object.entries(w.workflow?.steps ?? {});
  const checkers = new Map<string, WrittenField[]>();
  for (const [, s] of steps) {
    for (const t of Object.values(s.on ?? {})) {
      for (const e of t.effects ?? []) {
        if (typeof e.check !== 'string') continue;
        checkers.set(e.check, [...(checkers.get(e.check) ?? []), ...(t.payload ?? [])]);
      }
    }
  }
  for (const [sid, s] of steps) {
    for (const [ev, t] of Object.entries(s.on ?? {})) {
      (t.when ?? []).forEach((c, i) => {
        const where = c.where;
        if (typeof c['checklist-none'] !== 'string' || !where || typeof where !== 'object') return;
        const recorded = checkers.get(c['checklist-none']) ?? [];
        const base = [...WORKFLOW_STEPS, sid, 'on', ev, 'when', i, 'where'];
        for (const [field, value] of Object.entries(where as Record<string, unknown>)) {
          const decls = recorded.filter((f) => f.id === field);
          if (decls.length === 0) {
            report.at(
              [...base, field],
              'GUARD_CHECKED_FIELD_UNDECLARED',
              {
                field,
                checklist: c['checklist-none'],
                known: [...new Set(recorded.map((f) => f.id))].sort().join(', ') || '—',
              },
              { key: true },
            );
            continue;
          }
          if (decls.some((f) => Object.keys(f.options ?? {}).length === 0)) continue;
          const options = [...new Set(decls.flatMap((f) => Object.keys(f.options ?? {})))];
          const values: unknown[] = Array.isArray(value) ? value : [value];
          values.forEach((v, j) => {
            if (typeof v === 'string' && options.includes(v)) return;
            report.at(
              Array.isArray(value) ? [...base, field, j] : [...base, field],
              'GUARD_VALUE_NOT_OPTION',
              {
                field,
                value: String(v),
                options: options.join(', '),
                effectZh: values.length === 1 ? '永远成立' : '中的这个值永远用不上',
                effect: values.length === 1 ? 'always holds' : 'never matches that value',
              },
            );
          });
        }
      });
    }
  }
};

/** Lead times are shorter than every duty window they count back from, the holiday window included. */
export const leadsFitTheWindows: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure' || !sop.schedule) return;
  const { window, holidayWindow } = sop.schedule;
  const shortest: DutyWindow =
    holidayWindow && holidayWindow.lengthMinutes < window.lengthMinutes ? holidayWindow : window;
  const tooLong = (d: Duration, win: DutyWindow) => d.minutes === null || d.minutes >= win.lengthMinutes;
  sop.workflow?.steps.forEach((step) => {
    step.timers.forEach((t, i) => {
      if (t.kind !== 'before-window-end' || !tooLong(t.before, shortest)) return;
      report.at([...WORKFLOW_STEPS, step.id, 'timers', i, 'before-window-end'], 'LEAD_TOO_LONG', {
        what: '定时的提前量',
        whatEn: 'The timer lead',
        lead: t.before.text,
        window: shortest.label,
      });
    });
  });
  // The normal window was checked when the schedule was normalized; a shorter holiday window is checked here.
  if (!holidayWindow || holidayWindow.lengthMinutes >= window.lengthMinutes) return;
  const leads = [
    ['arrive-early', sop.schedule.arriveEarly, '提前到岗时间', 'The early arrival'],
    ['handover-prep', sop.schedule.handoverPrep, '交班准备时间', 'The handover preparation'],
  ] as const;
  for (const [key, lead, what, whatEn] of leads) {
    if (!lead || lead.minutes === null || lead.minutes >= window.lengthMinutes) continue;
    if (lead.minutes >= holidayWindow.lengthMinutes)
      report.at(['schedule', key], 'LEAD_TOO_LONG', {
        what,
        whatEn,
        lead: lead.text,
        window: holidayWindow.label,
      });
  }
};

/** An escalation clock runs in steps where the case is still open, never in a final or handoff step. */
export const escalationsWatchOpenSteps: SopRule = ({ written: w, sop, report }) => {
  if (sop.kind !== 'procedure' || !sop.workflow) return;
  const ends = new Set(sop.workflow.steps.filter((s) => s.kind !== 'normal').map((s) => s.id));
  for (const ladder of sop.escalations) {
    const written = w.escalations?.[ladder.id];
    const at = (step: string, path: (string | number)[]) => {
      if (ends.has(step))
        report.at(['escalations', ladder.id, ...path], 'ESCALATION_FROM_END', { ladder: ladder.id, step });
    };
    const watched = written?.while ? 'while' : written?.watch ? 'watch' : null;
    if (watched) {
      (written?.[watched] ?? []).forEach((s, i) => {
        at(s, [watched, i]);
      });
    } else if (ladder.startsAt !== null) at(ladder.startsAt, written?.from ? ['from', 'enter'] : ['starts']);
    // A clock that starts in an end step never reaches the watched steps.
    if (watched && ladder.startsAt !== null)
      at(ladder.startsAt, written?.from ? ['from', 'enter'] : ['starts']);
    // Level k's step is watched for level k + 1: only the last level may end the workflow.
    ladder.levels.slice(0, -1).forEach((lv, i) => {
      at(lv.step, ['levels', i, 'step']);
    });
  }
};

/** Each form is listed once in `records`: a second entry's retention and rules would be ignored. */
export const recordsListedOnce: SopRule = ({ written: w, report }) => {
  const first = new Map<string, number>();
  (w.records ?? []).forEach((r, i) => {
    const prev = first.get(r.form);
    if (prev === undefined) first.set(r.form, i);
    else report.at(['records', i, 'form'], 'RECORD_DUPLICATE', { form: r.form, first: prev + 1 });
  });
};

const SHORT_UNITS: Partial<Record<Duration['unit'], [string, string]>> = {
  m: ['分钟', 'minutes'],
  h: ['小时', 'hours'],
};

/** Retention periods are in days or longer (d, w, mo, y); `15m` is fifteen minutes, not fifteen months. */
export const retentionInDaysOrLonger: SopRule = ({ written: w, report }) => {
  const check = (text: string | undefined, path: (string | number)[]) => {
    const unit = text === undefined ? undefined : /^[0-9]+(mo|m|h|d|w|y)$/.exec(text)?.[1];
    const names = SHORT_UNITS[unit as Duration['unit']];
    if (text !== undefined && names)
      report.at(path, 'RETENTION_UNIT', { value: text, unitZh: names[0], unit: names[1] });
  };
  (w.records ?? []).forEach((r, i) => {
    check(r.retention, ['records', i, 'retention']);
    check(r['min-retention'], ['records', i, 'min-retention']);
  });
  check(w['record-policy']?.['min-retention'], ['record-policy', 'min-retention']);
};

/** A manual lists each chapter once. */
export const chaptersListedOnce: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'manual') return;
  const first = new Map<string, number>();
  sop.chapters.forEach((c, i) => {
    const prev = first.get(c);
    if (prev === undefined) first.set(c, i);
    else report.at(['chapters', i], 'CHAPTER_DUPLICATE', { id: c, first: prev + 1 });
  });
};

/** The semi-annual review comes more often than the annual one (reported where the rules are written). */
export const reviewPeriodsInOrder: SopRule = ({ written: w, sop, report }) => {
  const { annual, semiannual, inheritedFrom } = sop.review;
  if (inheritedFrom !== null || !annual || !semiannual || approxMonths(semiannual) < approxMonths(annual))
    return;
  const policy = w.review?.policy;
  const path = policy?.semiannual ? ['review', 'policy', 'semiannual'] : ['review', 'policy', 'annual'];
  report.at(path, 'REVIEW_PERIODS', { semiannual: semiannual.text, annual: annual.text });
};

export const slipRules: readonly SopRule[] = [
  guardFlagsAreDeclared,
  listFlagsCanBeSet,
  guardValuesAreOptions,
  contextGuardsReadRecordedFields,
  checklistGuardsReadCheckedFields,
  leadsFitTheWindows,
  escalationsWatchOpenSteps,
  recordsListedOnce,
  retentionInDaysOrLonger,
  chaptersListedOnce,
  reviewPeriodsInOrder,
  formsMeetHandwritingMinimums(),
];
