import type {
  Audit,
  AuditFrequency,
  Duration,
  Form,
  ProcedureSop,
  RecordRule,
  RecordSpec,
  Sop,
} from '../../model/types.js';
import { durationText, frequencyText } from '../doc/words.js';

/** Chinese wording built from the model: role names, durations, audit and record rules. */

export function roleName(sop: Sop, id: string | null): string | null {
  if (id === null) return null;
  return sop.roles.find((r) => r.id === id)?.name ?? id;
}

/** Durations and audit frequencies are worded as in the SOP document, so forms and document agree. */
export const durationZh = (d: Duration): string => durationText(d, 'zh');
const frequencyZh = (f: AuditFrequency): string => frequencyText(f, 'zh');

const RULE_ZH: Record<RecordRule, string> = { 'no-torn-pages': '不得撕页', 'no-alterations': '不得涂改' };

export function clauseSuffix(clause: string | null): string {
  return clause ? `（${clause}）` : '';
}

export function recordOf(sop: ProcedureSop, form: Form): RecordSpec | null {
  return sop.records.find((r) => r.form === form.id) ?? null;
}

/** The retention that applies to a record: its own, else its minimum. */
export function retentionOf(record: RecordSpec | null): Duration | null {
  return record?.retention ?? record?.minRetention ?? null;
}

/** e.g. `保存 3 年，由管理处保管；不得撕页，不得涂改（4.1.8）`; `null` when the SOP sets no rule for the form. */
export function recordRuleText(record: RecordSpec | null): string | null {
  if (!record) return null;
  const parts: string[] = [];
  const keep = retentionOf(record);
  if (keep)
    parts.push(`本记录保存 ${durationZh(keep)}${record.custodian ? `，由${record.custodian}保管` : ''}`);
  else if (record.custodian) parts.push(`本记录由${record.custodian}保管`);
  if (record.rules.length > 0) parts.push(record.rules.map((r) => RULE_ZH[r]).join('，'));
  if (parts.length === 0) return null;
  return `${parts.join('；')}${clauseSuffix(record.clause)}`;
}

/** e.g. `客服主管每日审核：《接待业主情况记录》上记录的情况（4.3）`, in the SOP's own verb. */
export function auditText(sop: Sop, audit: Audit): string {
  return `${roleName(sop, audit.role) ?? audit.role}${frequencyZh(audit.frequency)}${audit.action ?? ''}：${audit.covers}${audit.signs ? '，并签名确认' : ''}${clauseSuffix(audit.clause)}`;
}

/**
 * The last year a record book must be kept: the book is used in `year`, so its last entry is at the
 * latest on 31 December of that year, and the retention runs from there.
 */
export function keepUntilYear(year: number, retention: Duration): number {
  switch (retention.unit) {
    case 'y':
      return year + retention.amount;
    case 'mo':
      return year + Math.ceil(retention.amount / 12);
    default: {
      const end = Date.UTC(year, 11, 31) + (retention.minutes ?? 0) * 60_000;
      return new Date(end).getUTCFullYear();
    }
  }
}

/** A line that ties a printed sheet to the approved SOP: id, version and a short hash of its source. */
export function traceText(sop: Sop): string {
  return `${sop.id} v${sop.version} · ${sop.sourceHash.slice(0, 8)}`;
}

export function sopHeading(sop: Sop): string {
  const number = sop.number ? `（${sop.number}）` : '';
  return [sop.department, `${sop.title}${number}`].filter((s): s is string => Boolean(s)).join(' · ');
}
