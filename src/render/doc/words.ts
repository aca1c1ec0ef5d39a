/**
 * Wording generated from the model's data, shared by the document and the rule-level diff, so a
 * threshold, a time or a role reads the same everywhere it is printed.
 */
import type { Lang } from '../../diagnostics/types.js';
import type {
  AuditFrequency,
  DayBasis,
  Duration,
  RecordRule,
  ReviewType,
  Sop,
  Weekday,
} from '../../model/types.js';

const ZH_UNIT: Record<Duration['unit'], string> = {
  m: '分钟',
  h: '小时',
  d: '天',
  w: '周',
  mo: '个月',
  y: '年',
};
const EN_UNIT: Record<Duration['unit'], string> = {
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** `2d` → `2 天` / `2 days`; with a working-day basis `2 个工作日` / `2 working days`. */
export function durationText(d: Duration, lang: Lang = 'zh', basis: DayBasis = 'calendar'): string {
  const working = basis === 'working' && d.unit === 'd';
  if (lang === 'zh') return `${d.amount} ${working ? '个工作日' : ZH_UNIT[d.unit]}`;
  const unit = working ? 'working day' : EN_UNIT[d.unit];
  return `${d.amount} ${unit}${d.amount === 1 ? '' : 's'}`;
}

const ZH_WEEKDAY: Record<Weekday, string> = {
  monday: '周一',
  tuesday: '周二',
  wednesday: '周三',
  thursday: '周四',
  friday: '周五',
  saturday: '周六',
  sunday: '周日',
};

export function frequencyText(f: AuditFrequency, lang: Lang = 'zh'): string {
  switch (f.kind) {
    case 'daily':
      return lang === 'zh' ? '每天' : 'every day';
    case 'weekly':
      return lang === 'zh'
        ? `每${ZH_WEEKDAY[f.weekday]}`
        : `every ${f.weekday[0]?.toUpperCase()}${f.weekday.slice(1)}`;
    case 'monthly':
      if (f.day === 'last-working-day')
        return lang === 'zh' ? '每月最后一个工作日' : 'on the last working day of every month';
      return lang === 'zh' ? `每月 ${f.day} 日` : `on day ${f.day} of every month`;
  }
}

export function recordRuleText(rule: RecordRule, lang: Lang = 'zh'): string {
  switch (rule) {
    case 'no-torn-pages':
      return lang === 'zh' ? '不得撕页' : 'no pages may be torn out';
    case 'no-alterations':
      return lang === 'zh' ? '记录不得涂改' : 'entries may not be altered';
  }
}

export function reviewTypeText(type: ReviewType | 'initial', lang: Lang = 'zh'): string {
  const zh = {
    initial: '首次编制',
    annual: '年度复审',
    semiannual: '半年调整',
    feedback: '实时反馈',
    expert: '专家评审',
  } as const;
  const en = {
    initial: 'initial issue',
    annual: 'annual review',
    semiannual: 'semi-annual adjustment',
    feedback: 'staff feedback',
    expert: 'expert review',
  } as const;
  return lang === 'zh' ? zh[type] : en[type];
}

export function basisText(basis: DayBasis, lang: Lang = 'zh'): string {
  if (lang === 'zh') return basis === 'working' ? '工作日' : '日历日';
  return basis === 'working' ? 'working days' : 'calendar days';
}

/** The display name of a role id (or the id itself when it is not declared, e.g. a free-text custodian). */
export function roleName(sop: Sop, id: string | null): string {
  if (id === null) return '';
  return sop.roles.find((r) => r.id === id)?.name ?? id;
}

/** `《title》` for a form id of a procedure, or the id when the form is not declared. */
export function formTitle(sop: Sop, id: string | null): string {
  if (id === null) return '';
  const form = sop.kind === 'procedure' ? sop.forms.find((f) => f.id === id) : undefined;
  return `《${form?.title ?? id}》`;
}

export function stepLabel(sop: Sop, id: string | null): string {
  if (id === null || sop.kind !== 'procedure') return id ?? '';
  return sop.workflow?.steps.find((s) => s.id === id)?.label ?? id;
}

/** Joins list items the Chinese way (、) or with commas. */
export function joinList(items: readonly string[], lang: Lang = 'zh'): string {
  return items.join(lang === 'zh' ? '、' : ', ');
}

/** The number a seed writes after the title, e.g. 二 → `（二）`. */
export function titleWithNumber(title: string, number: string | null): string {
  return number ? `${title}（${number}）` : title;
}
