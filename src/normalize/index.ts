import { createHash } from 'node:crypto';
import type { FileReporter } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { ParsedFile } from '../load/parse.js';
import type {
  Audit,
  AuditFrequency,
  Checklist,
  DocumentControl,
  Form,
  ManualSop,
  ProcedureSop,
  RecordSpec,
  Reference,
  Role,
  Signoff,
  SiteSettings,
  Sop,
  Weekday,
} from '../model/types.js';
import { normalizeClauses } from './clauses.js';
import { normalizeDeadlines, normalizeRecurring, workingHours } from './deadlines.js';
import { normalizeReview } from './review.js';
import { normalizeSchedule } from './schedule.js';
import { parseDuration, parseTime } from './units.js';
import { normalizeEscalations, normalizeField, normalizeWorkflow } from './workflow.js';
import type { WrittenSignoff, WrittenSop } from './written.js';

/**
 * Turns a schema-valid document into the readonly model: defaults filled, durations and times parsed,
 * escalation ladders folded into step timers. Problems only visible after parsing values (a window whose end
 * is before its start, a lead time longer than the window) are reported here.
 */
export function normalize(parsed: ParsedFile): { sop: Sop; diagnostics: Diagnostic[] } {
  const w = parsed.value as unknown as WrittenSop;
  const r = parsed.reporter;
  const start = r.diagnostics.length;
  const sop = w.kind === 'manual' ? manual(w, parsed) : procedure(w, parsed);
  return { sop, diagnostics: r.diagnostics.splice(start) };
}

function base(w: WrittenSop, parsed: ParsedFile) {
  const r = parsed.reporter;
  const { review, revisions, feedback } = normalizeReview(w, r);
  return {
    id: w.id,
    title: w.title,
    number: w.number ?? null,
    department: w.department ?? null,
    document: documentControl(w),
    version: w.version,
    effective: w.effective,
    file: parsed.source.file,
    source: parsed.source.text,
    sourceHash: createHash('sha256').update(parsed.source.text).digest('hex'),
    site: site(w),
    clauses: normalizeClauses(w.clauses, r),
    roles: roles(w, r),
    references: references(w, r),
    review,
    revisions,
    feedback,
    span: r.span(['id']),
  };
}

function documentControl(w: WrittenSop): DocumentControl | null {
  const d = w.document;
  if (!d) return null;
  const signoff = (s: WrittenSignoff | undefined): Signoff | null =>
    s ? { name: s.name, date: s.date ?? null } : null;
  return {
    number: d.number ?? null,
    controlled: d.controlled ?? false,
    preparedBy: signoff(d['prepared-by']),
    reviewedBy: signoff(d['reviewed-by']),
    approvedBy: signoff(d['approved-by']),
  };
}

function site(w: WrittenSop): SiteSettings {
  const off = w.site?.['utc-offset'] ?? '+08:00';
  const sign = off.startsWith('-') ? -1 : 1;
  const [hh, mm] = off.slice(1).split(':').map(Number);
  return {
    utcOffsetMinutes: sign * ((hh ?? 0) * 60 + (mm ?? 0)),
    extraHolidays: [...(w.site?.['extra-holidays'] ?? [])].sort(),
    extraWorkdays: [...(w.site?.['extra-workdays'] ?? [])].sort(),
    workingHours: workingHours(w),
  };
}

function roles(w: WrittenSop, r: FileReporter): Role[] {
  return Object.entries(w.roles ?? {}).map(([id, role]) => ({
    id,
    name: role.name,
    aliases: role.aliases ?? [],
    span: r.span(['roles', id], { key: true }),
  }));
}

function references(w: WrittenSop, r: FileReporter): Reference[] {
  return Object.entries(w.references ?? {}).map(([id, ref]) => ({
    id,
    title: ref.title,
    external: ref.external ?? false,
    note: ref.note ?? null,
    span: r.span(['references', id], { key: true }),
  }));
}

function procedure(w: WrittenSop, parsed: ParsedFile): ProcedureSop {
  const r = parsed.reporter;
  const escalations = normalizeEscalations(w, r);
  const checklists: Checklist[] = Object.entries(w.checklists ?? {}).map(([id, c]) => ({
    id,
    title: c.title,
    kind: c.kind ?? 'items',
    // A round's points are its items; the rules report `items:` on a round and `points:` on a list of items.
    items:
      c.kind === 'round'
        ? (c.points ?? []).map((p) => ({
            id: p.id,
            name: p.place,
            check: p.check ?? null,
            at: p.at !== undefined ? parseTime(p.at) : null,
          }))
        : (c.items ?? []).map((i) => ({ id: i.id, name: i.name, check: null, at: null })),
    onProblem: c['on-problem'] ?? null,
    clause: c.clause ?? null,
  }));
  const forms: Form[] = Object.entries(w.forms ?? {}).map(([id, f]) => ({
    id,
    title: f.title,
    kind: f.kind,
    fields: (f.fields ?? []).map(normalizeField),
    columns: (f.columns ?? []).map(normalizeField),
    checklist: f.checklist ?? null,
    signatures: (f.signatures ?? []).map((s) => ({ label: s.label, role: s.role ?? null })),
    rows: f.rows ?? (f.kind === 'log' ? 18 : 20),
  }));
  const audits: Audit[] = (w.audits ?? []).map((a) => ({
    id: a.id,
    role: a.role,
    frequency: frequency(a.every, a.on),
    form: a.form ?? null,
    action: a.action ?? null,
    covers: a.covers,
    signs: a.signs ?? false,
    clause: a.clause ?? null,
  }));
  const records: RecordSpec[] = (w.records ?? []).map((rec, i) => ({
    form: rec.form,
    retention: rec.retention ? parseDuration(rec.retention) : null,
    minRetention: rec['min-retention'] ? parseDuration(rec['min-retention']) : null,
    custodian: rec.custodian ?? null,
    rules: rec.rules ?? [],
    clause: rec.clause ?? null,
    span: r.span(['records', i]),
  }));
  return {
    ...base(w, parsed),
    kind: 'procedure',
    schedule: normalizeSchedule(w, r),
    checklists,
    workflow: normalizeWorkflow(w, escalations, r),
    escalations,
    deadlines: normalizeDeadlines(w, r),
    recurring: normalizeRecurring(w, r),
    audits,
    records,
    forms,
  };
}

function frequency(every: 'daily' | 'weekly' | 'monthly', on: string | number | undefined): AuditFrequency {
  if (every === 'weekly')
    return { kind: 'weekly', weekday: (typeof on === 'string' ? on : 'monday') as Weekday };
  if (every === 'monthly')
    return { kind: 'monthly', day: typeof on === 'number' || on === 'last-working-day' ? on : 1 };
  return { kind: 'daily' };
}

function manual(w: WrittenSop, parsed: ParsedFile): ManualSop {
  const minRetention = w['record-policy']?.['min-retention'];
  return {
    ...base(w, parsed),
    kind: 'manual',
    chapters: w.chapters ?? [],
    minRetention: minRetention ? parseDuration(minRetention) : null,
  };
}
