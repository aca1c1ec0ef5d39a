/**
 * How the rule-level diff reads the model's values: which objects are one value (a duration, a time, a
 * window, a frequency), how a value is printed for a reader (role and step ids as names, durations in
 * words) and what an item is called.
 */
import type { Lang } from '../diagnostics/types.js';
import type { AuditFrequency, Duration, DutyWindow, Sop, TimeOfDay } from '../model/types.js';
import {
  basisText,
  durationText,
  formTitle,
  frequencyText,
  joinList,
  recordRuleText,
  roleName,
  stepLabel,
} from '../render/doc/words.js';

/** Not rules, wherever they are: source positions and the source text. */
/** Not rules: source positions and text, and the display name the diff gives a clause (`FlatClause.where`). */
export const NOT_RULES: ReadonlySet<string> = new Set(['span', 'file', 'source', 'sourceHash', 'where']);

/**
 * The revision record, at the top of a SOP: the revision list, the staff feedback log, and the version and
 * effective date, which `revise` sets with each revision (and `sopforge diff` prints in its heading).
 */
export const REVISION_RECORD: ReadonlySet<string> = new Set([
  'version',
  'effective',
  'revisions',
  'feedback',
]);

export const tr = (l: Lang, zh: string, en: string): string => (l === 'zh' ? zh : en);

export function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isDuration = (v: Readonly<Record<string, unknown>>) =>
  'amount' in v && 'unit' in v && 'text' in v;
const isWindow = (v: Readonly<Record<string, unknown>>) => 'lengthMinutes' in v && 'label' in v;
const isTime = (v: Readonly<Record<string, unknown>>) => 'minutes' in v && 'nextDay' in v;
// An audit's frequency (a recurring plan's `every` is walked: its monthly day may be last-working-day,
// or none for the whole month).
const isFrequency = (v: Readonly<Record<string, unknown>>) =>
  (v.kind === 'daily' || v.kind === 'weekly' || v.kind === 'monthly') &&
  !('day' in v && typeof v.day !== 'number');

/** Objects compared and printed as one value (a duration, a time, a window, a frequency), not walked into. */
export function isValue(v: unknown): boolean {
  return !isRecord(v) || isDuration(v) || isWindow(v) || isTime(v) || isFrequency(v);
}

/** How a string is printed, by the property it sits under: references by name, codes in words. */
const REFS: Readonly<Record<string, (sop: Sop, v: string, l: Lang) => string>> = {
  role: (s, v) => roleName(s, v),
  roles: (s, v) => roleName(s, v),
  preparedBy: (s, v) => roleName(s, v),
  approvedBy: (s, v) => roleName(s, v),
  leaveApprovedBy: (s, v) => roleName(s, v),
  custodian: (s, v) => roleName(s, v),
  target: (s, v) => stepLabel(s, v),
  step: (s, v) => stepLabel(s, v),
  startsAt: (s, v) => stepLabel(s, v),
  initial: (s, v) => stepLabel(s, v),
  watch: (s, v) => stepLabel(s, v),
  during: (s, v) => stepLabel(s, v),
  go: (s, v) => stepLabel(s, v),
  notify: (s, v) => roleName(s, v),
  form: (s, v) => formTitle(s, v),
  // A limit's recurring plan (`within: { occurrence }`), by its label.
  plan: (s, v) => (s.kind === 'procedure' ? (s.recurring.find((p) => p.id === v)?.label ?? v) : v),
  basis: (_, v, l) =>
    v === 'working' || v === 'calendar'
      ? basisText(v, l)
      : v === 'working-hours'
        ? tr(l, '工作时间', 'working hours')
        : v,
  rules: (_, v, l) => (v === 'no-torn-pages' || v === 'no-alterations' ? recordRuleText(v, l) : v),
};

/** A value as a reader sees it: durations in words, role and step ids as names, `无` for nothing. */
export function show(v: unknown, prop: string, sop: Sop, l: Lang): string {
  if (v === null || v === undefined || v === '') return tr(l, '无', 'none');
  if (typeof v === 'boolean') return v ? tr(l, '是', 'yes') : tr(l, '否', 'no');
  if (typeof v === 'string') return REFS[prop]?.(sop, v, l) ?? v;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v))
    return v.length === 0
      ? tr(l, '无', 'none')
      : joinList(
          v.map((x) => show(x, prop, sop, l)),
          l,
        );
  const o = v as Readonly<Record<string, unknown>>;
  if (isDuration(o)) return durationText(o as unknown as Duration, l);
  if (isWindow(o)) return (o as unknown as DutyWindow).label;
  if (isTime(o)) return (o as unknown as TimeOfDay).text;
  if (isFrequency(o)) return frequencyText(o as unknown as AuditFrequency, l);
  if (typeof o.text === 'string') return o.text;
  return Object.entries(o)
    .filter(([k, x]) => !NOT_RULES.has(k) && x !== null && !(Array.isArray(x) && x.length === 0))
    .map(([k, x]) => `${k} ${show(x, k, sop, l)}`)
    .join(tr(l, '，', ', '));
}

/** The name an item goes by: its name, title, label or text, a record by its form, else its key. */
export function nameOf(v: unknown, prop: string, key: string, sop: Sop, l: Lang): string {
  if (!isRecord(v) || isValue(v)) return show(v, prop, sop, l);
  if (typeof v.name === 'string') return v.name;
  if (typeof v.title === 'string') return prop === 'forms' ? `《${v.title}》` : v.title;
  if (typeof v.label === 'string') return v.label;
  if (typeof v.text === 'string') return v.text;
  if (typeof v.form === 'string') return formTitle(sop, v.form);
  return key;
}
