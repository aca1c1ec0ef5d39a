/**
 * The rows of appendix B (时限与周期) for `deadlines:` and `recurring:`, worded from the YAML only: the
 * limit, where its clock starts, the steps it covers, its basis and what a breach does.
 */

import { occurrenceWindow } from '../../model/occurrence.js';
import type { ClockStart, Deadline, ProcedureSop, RecurringPlan, TimeBasis } from '../../model/types.js';
import { durationText, roleName, stepLabel } from './words.js';

export interface TimeRow {
  readonly clause: string | null;
  readonly what: string;
  readonly when: string;
  readonly who: string;
}

const q = (s: string) => `“${s}”`;

const BASIS: Record<TimeBasis, string> = {
  calendar: '自然时间',
  working: '工作日',
  'working-hours': '工作时间',
};

/** The label of a recorded field: the first payload field of that id an event records. */
function fieldLabel(sop: ProcedureSop, id: string): { label: string; options: Map<string, string> } {
  for (const s of sop.workflow?.steps ?? []) {
    for (const t of s.transitions) {
      const f = t.payload.find((p) => p.id === id);
      if (f) return { label: f.label, options: new Map(f.options.map((o) => [o.value, o.label])) };
    }
  }
  return { label: id, options: new Map() };
}

function eventLabel(sop: ProcedureSop, event: string): string {
  for (const s of sop.workflow?.steps ?? []) {
    const t = s.transitions.find((x) => x.event === event);
    if (t) return t.label;
  }
  return event;
}

function limitText(sop: ProcedureSop, d: Deadline): string {
  const l = d.limit;
  const basis = d.basis === 'working' ? 'working' : 'calendar';
  switch (l.kind) {
    case 'within':
      return `${durationText(l.duration, 'zh', basis)}内`;
    case 'within-by': {
      const f = fieldLabel(sop, l.field);
      const parts = l.options.map(
        (o) => `${f.options.get(o.value) ?? o.value} ${durationText(o.duration, 'zh', basis)}内`,
      );
      if (l.otherwise) parts.push(`其他 ${durationText(l.otherwise, 'zh', basis)}内`);
      return `按${q(f.label)}：${parts.join('；')}`;
    }
    case 'within-field':
      return `${q(fieldLabel(sop, l.field).label)}${l.before ? `前 ${durationText(l.before, 'zh', basis)}` : '记录的时间前'}${l.otherwise ? `；未记录则 ${durationText(l.otherwise, 'zh', basis)}内` : ''}`;
    case 'at': {
      const day = l.day === 'next' ? '次日' : '当天';
      return `${day}${l.time.text}前${l.day === 'auto' ? '（已过则次日）' : ''}`;
    }
    case 'by':
      return byText(l);
    case 'occurrence': {
      const plan = sop.recurring.find((p) => p.id === l.plan);
      return plan ? `按计划${q(plan.label)}开立的，${planDue(plan)}` : `按计划 ${l.plan} 的期限`;
    }
  }
}

function byText(l: { readonly day: number | 'last-working'; readonly month: 'this' | 'next' }): string {
  const month = l.month === 'next' ? '下月' : '当月';
  return l.day === 'last-working' ? `${month}最后一个工作日结束前` : `${month} ${l.day} 日结束前`;
}

/** When an occurrence of a plan is due, as its YAML says: by its by: day, else within its day or month. */
function planDue(p: RecurringPlan): string {
  if (p.by) return `${byText(p.by)}完成`;
  return occurrenceWindow(p) === 'month' ? '当月内完成' : '当天内完成';
}

/** Where a clock starts, in the words of the YAML: 自进入“维修中”起, 自“投诉”起, 自记录的“接待日期”起. */
export function clockStartText(sop: ProcedureSop, from: ClockStart): string {
  switch (from.kind) {
    case 'enter':
      return `自进入${q(stepLabel(sop, from.step))}起`;
    case 'event':
      return `自${q(eventLabel(sop, from.event))}起`;
    case 'field':
      return `自记录的${q(fieldLabel(sop, from.field).label)}起`;
  }
}

/** What re-entering the span does, only when the YAML says so. */
const REENTRY: Record<string, string> = {
  restart: '，再次进入时重新计时',
  continue: '，离开时暂停、再次进入时接续计时',
  keep: '，再次进入时仍从第一次起算',
  '': '',
};

function deadlineRow(sop: ProcedureSop, d: Deadline): TimeRow {
  const during = d.during.map((s) => q(stepLabel(sop, s))).join('、');
  const stop = d.stop ? `，${q(eventLabel(sop, d.stop))}即达成` : '';
  // An occurrence limit's due comes from its plan, so it is counted on no basis of its own.
  const basis = d.limit.kind === 'occurrence' ? '' : `，按${BASIS[d.basis]}计`;
  const what = `${d.label}（${clockStartText(sop, d.from)}，在${during}中计时${stop}${REENTRY[d.reentry ?? '']}${basis}）`;
  const breach = d.go === null ? '超时标记逾期' : `超时转${q(stepLabel(sop, d.go))}`;
  const notify = d.notify === null ? '' : `，通知${roleName(sop, d.notify)}`;
  return { clause: d.clause, what, when: limitText(sop, d), who: `${breach}${notify}` };
}

const WEEKDAY: Record<string, string> = {
  monday: '周一',
  tuesday: '周二',
  wednesday: '周三',
  thursday: '周四',
  friday: '周五',
  saturday: '周六',
  sunday: '周日',
};

/** The day a monthly or a months plan names: 10 日, 最后一个工作日, or nothing for the whole month. */
function dayText(day: number | 'last-working-day' | null): string {
  return day === null ? '' : day === 'last-working-day' ? '最后一个工作日' : ` ${day} 日`;
}

function recurringRow(p: RecurringPlan): TimeRow {
  const e = p.every;
  const time = p.starting ? ` ${p.starting.text}` : '';
  const every =
    e.kind === 'every'
      ? `每 ${durationText(e.duration)}（自 ${p.starting?.text ?? ''} 起）`
      : e.kind === 'daily'
        ? `每天${time}`
        : e.kind === 'weekly'
          ? `每${WEEKDAY[e.weekday] ?? e.weekday}${time}`
          : e.kind === 'monthly'
            ? `每月${dayText(e.day)}${time}`
            : `每年 ${e.months.map((m) => `${m} 月`).join('、')}${dayText(e.day)}${time}`;
  const basis = p.basis === 'calendar' ? '' : `，按${BASIS[p.basis]}`;
  const late = p.lateAfter ? `；晚于计划 ${durationText(p.lateAfter)}开始即为迟到` : '';
  const due = occurrenceWindow(p) === 'instant' ? '' : `，${planDue(p)}`;
  return { clause: p.clause, what: p.label, when: `${every}${due}${basis}${late}`, who: '—' };
}

/** Appendix B's rows for the SOP's deadlines and recurring plans, in the YAML's order. */
export function timeRuleRows(sop: ProcedureSop): TimeRow[] {
  return [...sop.deadlines.map((d) => deadlineRow(sop, d)), ...sop.recurring.map(recurringRow)];
}
