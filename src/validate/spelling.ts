/**
 * Spellings a Chinese writer reaches for that the schema rejects, and what to write instead: a duration in
 * words (`两天` → `2d`, `三个月` → `3mo`, `15分钟` → `15m`), a time with the full-width colon (`18：00` →
 * `18:00`), and a Chinese name where an id belongs (`role: 客服主管` → `cs-supervisor`). The schema's error
 * mapping (`schema.ts`) adds them to TIME_INVALID, DURATION_INVALID and SCHEMA_ID.
 */
import { chineseNumber } from './figures.js';
import { type Candidate, type Suggestion, suggest } from './suggest.js';

/** Chinese unit words → the schema's units. */
const UNITS: readonly [RegExp, string][] = [
  [/^(分钟|分)$/, 'm'],
  [/^(个?小时|个?钟头|时)$/, 'h'],
  [/^(天|日|个?工作日)$/, 'd'],
  [/^(周|个?星期|个?礼拜)$/, 'w'],
  [/^(个月|月)$/, 'mo'],
  [/^年$/, 'y'],
];

/** The schema's spelling of a duration written in Chinese (`两天` → `2d`), or null when it is not one. */
export function durationSpelling(value: string): string | null {
  const s = value.normalize('NFKC').replace(/\s+/g, '');
  const m = /^([0-9]+|[零〇一二两三四五六七八九十百千]+)(.+)$/.exec(s);
  if (!m) return null;
  const digits = m[1] ?? '';
  const n = /^[0-9]+$/.test(digits) ? Number(digits) : chineseNumber(digits);
  const unit = UNITS.find(([re]) => re.test(m[2] ?? ''))?.[1];
  if (n === null || n < 1 || n > 99_999 || unit === undefined) return null;
  return `${n}${unit}`;
}

const TIME = /^(次日)?([01][0-9]|2[0-3]|[0-9]):[0-5][0-9]$/;

/** `18：00` → `18:00`: a time that is valid once its full-width colon (and digits) are ASCII; else null. */
export function fullWidthColonTime(value: string): string | null {
  if (!value.includes('：')) return null;
  const fixed = value.normalize('NFKC').replace(/\s+/g, '');
  return TIME.test(fixed) ? fixed : null;
}

/** Which declared ids the value of a key names: `role` → roles, `to` → steps, … */
const REFERS_TO: Readonly<Record<string, 'roles' | 'steps' | 'forms' | 'checklists' | 'references'>> = {
  role: 'roles',
  'prepared-by': 'roles',
  'approved-by': 'roles',
  'leave-approved-by': 'roles',
  to: 'steps',
  initial: 'steps',
  starts: 'steps',
  step: 'steps',
  watch: 'steps',
  form: 'forms',
  checklist: 'checklists',
  sop: 'references',
};

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Strings among `keys` of an entry (its name, title, label, aliases). */
function namesOf(entry: unknown, keys: readonly string[]): string[] {
  const r = asRecord(entry);
  return keys.flatMap((k) => {
    const v = r[k];
    if (typeof v === 'string') return [v];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  });
}

function candidates(doc: Record<string, unknown>, kind: string): Candidate[] {
  const entries = (v: unknown, keys: readonly string[]) =>
    Object.entries(asRecord(v)).map(([id, e]) => ({ id, names: namesOf(e, keys) }));
  switch (kind) {
    case 'roles':
      return entries(doc.roles, ['name', 'aliases']);
    case 'steps':
      return entries(asRecord(doc.workflow).steps, ['label']);
    case 'forms':
      return entries(doc.forms, ['title']);
    case 'checklists':
      return entries(doc.checklists, ['title']);
    default:
      return entries(doc.references, ['title']);
  }
}

/**
 * The declared id meant by a malformed id at `path` (a Chinese name where an id belongs), by the key that
 * holds it (`role`, `to`, `form`, …); null for an id that declares something, or when nothing fits.
 */
export function idSuggestion(
  doc: Record<string, unknown>,
  path: readonly (string | number)[],
  value: string,
): Suggestion | null {
  const last = path[path.length - 1];
  const key = typeof last === 'number' ? path[path.length - 2] : last;
  const kind = typeof key === 'string' ? REFERS_TO[key] : undefined;
  return kind === undefined ? null : suggest(value, candidates(doc, kind));
}
