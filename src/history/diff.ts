/**
 * Rule-level diff of two normalized SOPs: what a change does, stated as rules ("超过 2 天未处理 → 3 天 转客服主管"),
 * not as a text redline. Items are matched by id (roles, steps, checklist items, audits), forms by id and
 * records by form, so a reordering is not reported as a change.
 */
import type { Lang } from '../diagnostics/types.js';
import type {
  Duration,
  DutyWindow,
  EscalationLadder,
  EscalationLevel,
  ProcedureSop,
  Sop,
  Step,
  Timer,
  Transition,
} from '../model/types.js';
import {
  basisText,
  durationText,
  formTitle,
  frequencyText,
  recordRuleText,
  roleName,
  stepLabel,
} from '../render/doc/words.js';

export type ChangeArea =
  | 'document'
  | 'role'
  | 'schedule'
  | 'rule'
  | 'on-call'
  | 'checklist'
  | 'step'
  | 'escalation'
  | 'audit'
  | 'record'
  | 'form'
  | 'reference'
  | 'manual'
  | 'review';

export type ChangeOp = 'added' | 'removed' | 'changed';

/** One changed rule, with its sentence in both languages. `before`/`after` are the values as printed. */
export interface RuleChange {
  readonly area: ChangeArea;
  readonly op: ChangeOp;
  /** Stable key of the rule, e.g. `escalations.overdue.levels.cs-supervisor.after`. */
  readonly key: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly zh: string;
  readonly en: string;
}

class Changes {
  readonly list: RuleChange[] = [];
  add(
    area: ChangeArea,
    op: ChangeOp,
    key: string,
    before: string | null,
    after: string | null,
    zh: string,
    en: string,
  ): void {
    this.list.push({ area, op, key, before, after, zh, en });
  }
  /** A changed reference (role, step): compared by id, printed by name, so a rename is reported once. */
  ref(
    area: ChangeArea,
    key: string,
    idA: string | null,
    idB: string | null,
    before: string,
    after: string,
    zh: string,
    en: string,
  ): void {
    if (idA === idB) return;
    this.add(area, 'changed', key, before, after, `${zh} ${before} → ${after}`, `${en} ${before} → ${after}`);
  }
  /** A changed value: `label before → after`. */
  value(
    area: ChangeArea,
    key: string,
    before: string,
    after: string,
    zh: string,
    en: string,
    zhTail = '',
    enTail = '',
  ): void {
    if (before === after) return;
    this.add(
      area,
      'changed',
      key,
      before,
      after,
      `${zh} ${before} → ${after}${zhTail}`,
      `${en} ${before} → ${after}${enTail}`,
    );
  }
}

const NONE_ZH = '无';
const NONE_EN = 'none';

function dur(d: Duration | null, lang: Lang): string {
  return d ? durationText(d, lang) : lang === 'zh' ? NONE_ZH : NONE_EN;
}

function windowLabel(w: DutyWindow | null, lang: Lang): string {
  return w ? w.label : lang === 'zh' ? NONE_ZH : NONE_EN;
}

function byId<T>(items: readonly T[], id: (t: T) => string): Map<string, T> {
  return new Map(items.map((t) => [id(t), t]));
}

/** Added and removed entries of two keyed lists, in the order they appear (old order for removals). */
function matchKeyed<T>(
  before: readonly T[],
  after: readonly T[],
  id: (t: T) => string,
): { removed: T[]; added: T[]; both: [T, T][] } {
  const a = byId(before, id);
  const b = byId(after, id);
  return {
    removed: before.filter((t) => !b.has(id(t))),
    added: after.filter((t) => !a.has(id(t))),
    both: before.flatMap((t) => {
      const other = b.get(id(t));
      return other ? [[t, other] as [T, T]] : [];
    }),
  };
}

function diffStrings(
  c: Changes,
  area: ChangeArea,
  key: string,
  zhName: string,
  enName: string,
  a: readonly string[],
  b: readonly string[],
): void {
  for (const x of a.filter((s) => !b.includes(s)))
    c.add(area, 'removed', `${key}.${x}`, x, null, `删除${zhName}：${x}`, `Removed ${enName}: ${x}`);
  for (const x of b.filter((s) => !a.includes(s)))
    c.add(area, 'added', `${key}.${x}`, null, x, `新增${zhName}：${x}`, `Added ${enName}: ${x}`);
}

function text(
  c: Changes,
  area: ChangeArea,
  key: string,
  zhName: string,
  enName: string,
  a: string | null,
  b: string | null,
): void {
  if ((a ?? '') === (b ?? '')) return;
  const op: ChangeOp = !a ? 'added' : !b ? 'removed' : 'changed';
  const zh = op === 'removed' ? `删除${zhName}` : `${zhName}改为：${b}`;
  const en = op === 'removed' ? `Removed ${enName}` : `${enName} now reads: ${b}`;
  c.add(area, op, key, a, b, zh, en);
}

function diffDocument(c: Changes, a: Sop, b: Sop): void {
  text(c, 'document', 'title', '标题', 'Title', a.title, b.title);
  text(c, 'document', 'number', '编号', 'Number', a.number, b.number);
  text(c, 'document', 'department', '部门', 'Department', a.department, b.department);
}

function diffRoles(c: Changes, a: Sop, b: Sop): void {
  const m = matchKeyed(a.roles, b.roles, (r) => r.id);
  for (const r of m.removed)
    c.add('role', 'removed', `roles.${r.id}`, r.name, null, `删除角色：${r.name}`, `Removed role: ${r.name}`);
  for (const r of m.added)
    c.add('role', 'added', `roles.${r.id}`, null, r.name, `新增角色：${r.name}`, `Added role: ${r.name}`);
  for (const [x, y] of m.both) {
    c.value('role', `roles.${x.id}.name`, x.name, y.name, '角色名称', 'Role name');
    diffStrings(
      c,
      'role',
      `roles.${x.id}.aliases`,
      `${y.name}的别称`,
      `alias of ${y.name}`,
      x.aliases,
      y.aliases,
    );
  }
}

function diffSchedule(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const x = a.schedule;
  const y = b.schedule;
  if (!x && !y) return;
  const zhW = (w: DutyWindow | null) => windowLabel(w, 'zh');
  const enW = (w: DutyWindow | null) => windowLabel(w, 'en');
  if (zhW(x?.window ?? null) !== zhW(y?.window ?? null)) {
    c.add(
      'schedule',
      x && y ? 'changed' : x ? 'removed' : 'added',
      'schedule.window',
      x?.window.label ?? null,
      y?.window.label ?? null,
      `值班时间 ${zhW(x?.window ?? null)} → ${zhW(y?.window ?? null)}`,
      `Duty hours ${enW(x?.window ?? null)} → ${enW(y?.window ?? null)}`,
    );
  }
  if (zhW(x?.holidayWindow ?? null) !== zhW(y?.holidayWindow ?? null)) {
    c.add(
      'schedule',
      'changed',
      'schedule.holidayWindow',
      x?.holidayWindow?.label ?? null,
      y?.holidayWindow?.label ?? null,
      `节假日值班时间 ${zhW(x?.holidayWindow ?? null)} → ${zhW(y?.holidayWindow ?? null)}`,
      `Holiday duty hours ${enW(x?.holidayWindow ?? null)} → ${enW(y?.holidayWindow ?? null)}`,
    );
  }
  const durs: [keyof NonNullable<ProcedureSop['schedule']>, string, string][] = [
    ['arriveEarly', '接班人员提前到岗', 'Incoming staff arrive early by'],
    ['handoverPrep', '交班前准备', 'Handover preparation before the end of duty'],
  ];
  for (const [k, zh, en] of durs) {
    const p = (x?.[k] ?? null) as Duration | null;
    const q = (y?.[k] ?? null) as Duration | null;
    if (dur(p, 'zh') !== dur(q, 'zh'))
      c.add(
        'schedule',
        'changed',
        `schedule.${k}`,
        p?.text ?? null,
        q?.text ?? null,
        `${zh} ${dur(p, 'zh')} → ${dur(q, 'zh')}`,
        `${en} ${dur(p, 'en')} → ${dur(q, 'en')}`,
      );
  }
  const rings = (n: number | null | undefined, l: Lang) =>
    n == null ? (l === 'zh' ? NONE_ZH : NONE_EN) : l === 'zh' ? `${n} 声` : `${n} rings`;
  if (rings(x?.answerWithinRings, 'zh') !== rings(y?.answerWithinRings, 'zh')) {
    c.add(
      'schedule',
      'changed',
      'schedule.answerWithinRings',
      x?.answerWithinRings == null ? null : String(x.answerWithinRings),
      y?.answerWithinRings == null ? null : String(y.answerWithinRings),
      `电话铃响 ${rings(x?.answerWithinRings, 'zh')} → ${rings(y?.answerWithinRings, 'zh')}内接听`,
      `Answer the phone within ${rings(x?.answerWithinRings, 'en')} → ${rings(y?.answerWithinRings, 'en')}`,
    );
  }
  if (Boolean(x?.hotlineAnswerOnly) !== Boolean(y?.hotlineAnswerOnly)) {
    const on = Boolean(y?.hotlineAnswerOnly);
    c.add(
      'schedule',
      on ? 'added' : 'removed',
      'schedule.hotlineAnswerOnly',
      String(Boolean(x?.hotlineAnswerOnly)),
      String(on),
      on ? '新增：值班热线电话只允许接听，不允许拨打' : '取消：值班热线电话只允许接听，不允许拨打',
      on
        ? 'Added: the duty hotline may only answer calls'
        : 'Removed: the duty hotline may only answer calls',
    );
  }
  const r = x?.roster ?? null;
  const s = y?.roster ?? null;
  const due = (n: number | null | undefined, l: Lang) =>
    n == null
      ? l === 'zh'
        ? NONE_ZH
        : NONE_EN
      : n === 0
        ? l === 'zh'
          ? '每月底前'
          : 'by the end of the month'
        : l === 'zh'
          ? `每月底前 ${n} 天`
          : `${n} days before the end of the month`;
  c.ref(
    'schedule',
    'schedule.roster.preparedBy',
    r?.preparedBy ?? null,
    s?.preparedBy ?? null,
    roleName(a, r?.preparedBy ?? null) || NONE_ZH,
    roleName(b, s?.preparedBy ?? null) || NONE_ZH,
    '值班安排表编制人',
    'Roster prepared by',
  );
  c.ref(
    'schedule',
    'schedule.roster.approvedBy',
    r?.approvedBy ?? null,
    s?.approvedBy ?? null,
    roleName(a, r?.approvedBy ?? null) || NONE_ZH,
    roleName(b, s?.approvedBy ?? null) || NONE_ZH,
    '值班安排表审批人',
    'Roster approved by',
  );
  if (due(r?.dueDaysBeforeMonth, 'zh') !== due(s?.dueDaysBeforeMonth, 'zh')) {
    c.add(
      'schedule',
      'changed',
      'schedule.roster.due',
      due(r?.dueDaysBeforeMonth, 'zh'),
      due(s?.dueDaysBeforeMonth, 'zh'),
      `值班安排表编制期限 ${due(r?.dueDaysBeforeMonth, 'zh')} → ${due(s?.dueDaysBeforeMonth, 'zh')}`,
      `Roster due ${due(r?.dueDaysBeforeMonth, 'en')} → ${due(s?.dueDaysBeforeMonth, 'en')}`,
    );
  }
  c.ref(
    'schedule',
    'schedule.roster.leaveApprovedBy',
    r?.leaveApprovedBy ?? null,
    s?.leaveApprovedBy ?? null,
    roleName(a, r?.leaveApprovedBy ?? null) || NONE_ZH,
    roleName(b, s?.leaveApprovedBy ?? null) || NONE_ZH,
    '请假审批人',
    'Leave approved by',
  );
  if (Boolean(r?.privateSwapsForbidden) !== Boolean(s?.privateSwapsForbidden)) {
    const on = Boolean(s?.privateSwapsForbidden);
    c.add(
      'schedule',
      on ? 'added' : 'removed',
      'schedule.roster.privateSwaps',
      String(!on),
      String(on),
      on ? '新增：未经批准不允许私自调班' : '取消：未经批准不允许私自调班',
      on ? 'Added: no private shift swaps' : 'Removed: no private shift swaps',
    );
  }
}

function diffChecklists(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const m = matchKeyed(a.checklists, b.checklists, (x) => x.id);
  for (const x of m.removed)
    c.add(
      'checklist',
      'removed',
      `checklists.${x.id}`,
      x.title,
      null,
      `删除清点清单：${x.title}`,
      `Removed checklist: ${x.title}`,
    );
  for (const x of m.added)
    c.add(
      'checklist',
      'added',
      `checklists.${x.id}`,
      null,
      x.title,
      `新增清点清单：${x.title}（${x.items.map((i) => i.name).join('、')}）`,
      `Added checklist: ${x.title} (${x.items.map((i) => i.name).join(', ')})`,
    );
  for (const [x, y] of m.both) {
    c.value('checklist', `checklists.${x.id}.title`, x.title, y.title, '清单名称', 'Checklist title');
    const items = matchKeyed(x.items, y.items, (i) => i.id);
    for (const i of items.removed)
      c.add(
        'checklist',
        'removed',
        `checklists.${x.id}.items.${i.id}`,
        i.name,
        null,
        `删除${y.title}物品：${i.name}`,
        `Removed item from ${y.title}: ${i.name}`,
      );
    for (const i of items.added)
      c.add(
        'checklist',
        'added',
        `checklists.${x.id}.items.${i.id}`,
        null,
        i.name,
        `新增${y.title}物品：${i.name}`,
        `Added item to ${y.title}: ${i.name}`,
      );
    for (const [i, j] of items.both)
      c.value(
        'checklist',
        `checklists.${x.id}.items.${i.id}`,
        i.name,
        j.name,
        `${y.title}物品`,
        `Item of ${y.title}`,
      );
    text(
      c,
      'checklist',
      `checklists.${x.id}.onProblem`,
      `${y.title}发现问题时的处理`,
      `What to do when an item of ${y.title} is damaged or missing`,
      x.onProblem,
      y.onProblem,
    );
  }
}

function timerKey(t: Timer): string {
  return t.kind === 'before-window-end'
    ? `before-window-end.${t.target}`
    : `escalation.${t.ladder}.${t.level}`;
}

function transitionText(sop: Sop, t: Transition): string {
  return t.target ? `${t.label}（→ ${stepLabel(sop, t.target)}）` : t.label;
}

function diffStep(c: Changes, a: ProcedureSop, b: ProcedureSop, x: Step, y: Step): void {
  const k = `steps.${x.id}`;
  const name = `「${y.label}」`;
  c.value('step', `${k}.label`, x.label, y.label, '步骤名称', 'Step name');
  c.ref(
    'step',
    `${k}.role`,
    x.role,
    y.role,
    roleName(a, x.role) || NONE_ZH,
    roleName(b, y.role) || NONE_ZH,
    `步骤${name}执行人`,
    `Step ${name} performed by`,
  );
  const tr = matchKeyed(x.transitions, y.transitions, (t) => t.event);
  for (const t of tr.removed)
    c.add(
      'step',
      'removed',
      `${k}.on.${t.event}`,
      t.label,
      null,
      `删除步骤${name}的操作：${transitionText(a, t)}`,
      `Removed action of step ${name}: ${transitionText(a, t)}`,
    );
  for (const t of tr.added)
    c.add(
      'step',
      'added',
      `${k}.on.${t.event}`,
      null,
      t.label,
      `新增步骤${name}的操作：${transitionText(b, t)}`,
      `Added action of step ${name}: ${transitionText(b, t)}`,
    );
  for (const [t, u] of tr.both) {
    const tk = `${k}.on.${t.event}`;
    c.value('step', `${tk}.label`, t.label, u.label, `步骤${name}的操作`, `Action of step ${name}`);
    c.ref(
      'step',
      `${tk}.target`,
      t.target,
      u.target,
      stepLabel(a, t.target) || '（不转步骤）',
      stepLabel(b, u.target) || '（不转步骤）',
      `「${u.label}」后转入`,
      `After "${u.label}" the case moves to`,
    );
    c.ref(
      'step',
      `${tk}.role`,
      t.role ?? x.role,
      u.role ?? y.role,
      roleName(a, t.role) || roleName(a, x.role) || NONE_ZH,
      roleName(b, u.role) || roleName(b, y.role) || NONE_ZH,
      `「${u.label}」由`,
      `"${u.label}" performed by`,
    );
    text(
      c,
      'step',
      `${tk}.refusal`,
      `「${u.label}」的前提要求`,
      `Precondition of "${u.label}"`,
      t.refusal,
      u.refusal,
    );
    const fa = t.payload.map((f) => f.label);
    const fb = u.payload.map((f) => f.label);
    diffStrings(
      c,
      'step',
      `${tk}.payload`,
      `「${u.label}」须记录的项目`,
      `field recorded by "${u.label}"`,
      fa,
      fb,
    );
    if (
      JSON.stringify(t.conditions) !== JSON.stringify(u.conditions) &&
      (t.refusal ?? '') === (u.refusal ?? '')
    ) {
      c.add(
        'step',
        'changed',
        `${tk}.conditions`,
        JSON.stringify(t.conditions),
        JSON.stringify(u.conditions),
        `「${u.label}」的前提条件有变更`,
        `The conditions of "${u.label}" changed`,
      );
    }
  }
  const tm = matchKeyed(x.timers, y.timers, timerKey);
  const timerText = (sop: ProcedureSop, t: Timer, l: Lang) =>
    t.kind === 'before-window-end'
      ? l === 'zh'
        ? `值班结束前 ${durationText(t.before, 'zh')}转入「${stepLabel(sop, t.target)}」`
        : `${durationText(t.before, 'en')} before the end of duty, move to "${stepLabel(sop, t.target)}"`
      : t.label;
  for (const t of tm.removed)
    if (t.kind === 'before-window-end')
      c.add(
        'step',
        'removed',
        `${k}.timers.${timerKey(t)}`,
        t.before.text,
        null,
        `删除：${timerText(a, t, 'zh')}`,
        `Removed: ${timerText(a, t, 'en')}`,
      );
  for (const t of tm.added)
    if (t.kind === 'before-window-end')
      c.add(
        'step',
        'added',
        `${k}.timers.${timerKey(t)}`,
        null,
        t.before.text,
        `新增：${timerText(b, t, 'zh')}`,
        `Added: ${timerText(b, t, 'en')}`,
      );
  for (const [t, u] of tm.both) {
    if (t.kind === 'before-window-end' && u.kind === 'before-window-end' && t.before.text !== u.before.text) {
      c.add(
        'step',
        'changed',
        `${k}.timers.${timerKey(t)}`,
        t.before.text,
        u.before.text,
        `值班结束前 ${durationText(t.before, 'zh')} → ${durationText(u.before, 'zh')}转入「${stepLabel(b, u.target)}」`,
        `${durationText(t.before, 'en')} → ${durationText(u.before, 'en')} before the end of duty, move to "${stepLabel(b, u.target)}"`,
      );
    }
  }
}

function diffWorkflow(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const sa = a.workflow?.steps ?? [];
  const sb = b.workflow?.steps ?? [];
  const m = matchKeyed(sa, sb, (s) => s.id);
  const who = (sop: Sop, s: Step) => (s.role ? `（${roleName(sop, s.role)}）` : '');
  for (const s of m.removed)
    c.add(
      'step',
      'removed',
      `steps.${s.id}`,
      s.label,
      null,
      `删除步骤：${s.label}${who(a, s)}`,
      `Removed step: ${s.label}${who(a, s)}`,
    );
  for (const s of m.added)
    c.add(
      'step',
      'added',
      `steps.${s.id}`,
      null,
      s.label,
      `新增步骤：${s.label}${who(b, s)}`,
      `Added step: ${s.label}${who(b, s)}`,
    );
  for (const [x, y] of m.both) diffStep(c, a, b, x, y);
  if (a.workflow && b.workflow && a.workflow.initial !== b.workflow.initial) {
    c.ref(
      'step',
      'workflow.initial',
      a.workflow.initial,
      b.workflow.initial,
      stepLabel(a, a.workflow.initial),
      stepLabel(b, b.workflow.initial),
      '流程起始步骤',
      'First step',
    );
  }
}

function levelSentence(sop: Sop, ladder: EscalationLadder, level: EscalationLevel, l: Lang): string {
  const after = durationText(level.after, l, ladder.basis);
  return l === 'zh'
    ? `超过 ${after}未处理转${roleName(sop, level.role)}`
    : `not resolved after ${after}: passed to ${roleName(sop, level.role)}`;
}

function diffEscalations(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const m = matchKeyed(a.escalations, b.escalations, (x) => x.id);
  for (const x of m.removed)
    c.add(
      'escalation',
      'removed',
      `escalations.${x.id}`,
      x.label,
      null,
      `删除逐级上报：${x.label}`,
      `Removed escalation: ${x.label}`,
    );
  for (const x of m.added) {
    const zh = x.levels.map((l) => levelSentence(b, x, l, 'zh')).join('；');
    const en = x.levels.map((l) => levelSentence(b, x, l, 'en')).join('; ');
    c.add(
      'escalation',
      'added',
      `escalations.${x.id}`,
      null,
      x.label,
      `新增逐级上报：${x.label}（${zh}）`,
      `Added escalation: ${x.label} (${en})`,
    );
  }
  for (const [x, y] of m.both) {
    const k = `escalations.${x.id}`;
    c.value('escalation', `${k}.label`, x.label, y.label, '逐级上报名称', 'Escalation name');
    if (x.basis !== y.basis)
      c.add(
        'escalation',
        'changed',
        `${k}.basis`,
        x.basis,
        y.basis,
        `${y.label}计日方式 ${basisText(x.basis)} → ${basisText(y.basis)}`,
        `${y.label} counts ${basisText(x.basis, 'en')} → ${basisText(y.basis, 'en')}`,
      );
    c.ref(
      'escalation',
      `${k}.startsAt`,
      x.startsAt,
      y.startsAt,
      stepLabel(a, x.startsAt),
      stepLabel(b, y.startsAt),
      `${y.label}起算步骤`,
      `${y.label} clock starts at`,
    );
    const lv = matchKeyed(x.levels, y.levels, (l) => l.role);
    for (const l of lv.removed)
      c.add(
        'escalation',
        'removed',
        `${k}.levels.${l.role}`,
        l.after.text,
        null,
        `删除：${levelSentence(a, x, l, 'zh')}`,
        `Removed: ${levelSentence(a, x, l, 'en')}`,
      );
    for (const l of lv.added)
      c.add(
        'escalation',
        'added',
        `${k}.levels.${l.role}`,
        null,
        l.after.text,
        `新增：${levelSentence(b, y, l, 'zh')}`,
        `Added: ${levelSentence(b, y, l, 'en')}`,
      );
    for (const [l, n] of lv.both) {
      const before = durationText(l.after, 'zh', x.basis);
      const after = durationText(n.after, 'zh', y.basis);
      if (before !== after) {
        c.add(
          'escalation',
          'changed',
          `${k}.levels.${l.role}.after`,
          l.after.text,
          n.after.text,
          `超过 ${before}未处理 → ${after} 转${roleName(b, n.role)}`,
          `Not resolved after ${durationText(l.after, 'en', x.basis)} → ${durationText(n.after, 'en', y.basis)}: passed to ${roleName(b, n.role)}`,
        );
      }
      c.ref(
        'escalation',
        `${k}.levels.${l.role}.step`,
        l.step,
        n.step,
        stepLabel(a, l.step),
        stepLabel(b, n.step),
        `转${roleName(b, n.role)}后进入`,
        `Passed to ${roleName(b, n.role)}, the case moves to`,
      );
    }
  }
}

function diffAudits(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const zh = (sop: Sop, x: ProcedureSop['audits'][number]) =>
    `${roleName(sop, x.role)}${frequencyText(x.frequency)}审核${x.form ? formTitle(sop, x.form) : x.covers}`;
  const en = (sop: Sop, x: ProcedureSop['audits'][number]) =>
    `${roleName(sop, x.role)} checks ${x.form ? formTitle(sop, x.form) : x.covers} ${frequencyText(x.frequency, 'en')}`;
  const m = matchKeyed(a.audits, b.audits, (x) => x.id);
  for (const x of m.removed)
    c.add(
      'audit',
      'removed',
      `audits.${x.id}`,
      zh(a, x),
      null,
      `删除检查：${zh(a, x)}`,
      `Removed check: ${en(a, x)}`,
    );
  for (const x of m.added)
    c.add(
      'audit',
      'added',
      `audits.${x.id}`,
      null,
      zh(b, x),
      `新增检查：${zh(b, x)}`,
      `Added check: ${en(b, x)}`,
    );
  for (const [x, y] of m.both) {
    const k = `audits.${x.id}`;
    const f = (sop: Sop, v: typeof x) => (v.form ? formTitle(sop, v.form) : v.covers);
    c.ref(
      'audit',
      `${k}.role`,
      x.role,
      y.role,
      roleName(a, x.role),
      roleName(b, y.role),
      `${f(b, y)}的检查人`,
      `Check of ${f(b, y)} by`,
    );
    const fa = frequencyText(x.frequency);
    const fb = frequencyText(y.frequency);
    if (fa !== fb) {
      c.add(
        'audit',
        'changed',
        `${k}.frequency`,
        fa,
        fb,
        `${roleName(b, y.role)}检查${f(b, y)} ${fa} → ${fb}`,
        `${roleName(b, y.role)} checks ${f(b, y)} ${frequencyText(x.frequency, 'en')} → ${frequencyText(y.frequency, 'en')}`,
      );
    }
    c.ref(
      'audit',
      `${k}.form`,
      x.form,
      y.form,
      formTitle(a, x.form) || NONE_ZH,
      formTitle(b, y.form) || NONE_ZH,
      `${roleName(b, y.role)}检查的记录`,
      `Record checked by ${roleName(b, y.role)}`,
    );
    text(
      c,
      'audit',
      `${k}.covers`,
      `${roleName(b, y.role)}检查的内容`,
      `What ${roleName(b, y.role)} checks`,
      x.covers,
      y.covers,
    );
    if (x.signs !== y.signs)
      c.add(
        'audit',
        'changed',
        `${k}.signs`,
        String(x.signs),
        String(y.signs),
        y.signs ? `${roleName(b, y.role)}检查后须签名确认` : `${roleName(b, y.role)}检查后不再须签名确认`,
        y.signs
          ? `${roleName(b, y.role)} signs after checking`
          : `${roleName(b, y.role)} no longer signs after checking`,
      );
  }
}

function diffRecords(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const m = matchKeyed(a.records, b.records, (r) => r.form);
  for (const r of m.removed)
    c.add(
      'record',
      'removed',
      `records.${r.form}`,
      formTitle(a, r.form),
      null,
      `删除记录：${formTitle(a, r.form)}`,
      `Removed record: ${formTitle(a, r.form)}`,
    );
  for (const r of m.added)
    c.add(
      'record',
      'added',
      `records.${r.form}`,
      null,
      formTitle(b, r.form),
      `新增记录：${formTitle(b, r.form)}`,
      `Added record: ${formTitle(b, r.form)}`,
    );
  for (const [x, y] of m.both) {
    const k = `records.${x.form}`;
    const t = formTitle(b, y.form);
    if (dur(x.retention, 'zh') !== dur(y.retention, 'zh')) {
      c.add(
        'record',
        'changed',
        `${k}.retention`,
        x.retention?.text ?? null,
        y.retention?.text ?? null,
        `${t}保存期 ${dur(x.retention, 'zh')} → ${dur(y.retention, 'zh')}`,
        `${t} kept for ${dur(x.retention, 'en')} → ${dur(y.retention, 'en')}`,
      );
    }
    c.ref(
      'record',
      `${k}.custodian`,
      x.custodian,
      y.custodian,
      roleName(a, x.custodian) || NONE_ZH,
      roleName(b, y.custodian) || NONE_ZH,
      `${t}保管`,
      `${t} kept by`,
    );
    diffStrings(
      c,
      'record',
      `${k}.rules`,
      `${t}记录要求`,
      `rule of ${t}`,
      x.rules.map((r) => recordRuleText(r)),
      y.rules.map((r) => recordRuleText(r)),
    );
  }
}

function diffForms(c: Changes, a: ProcedureSop, b: ProcedureSop): void {
  const m = matchKeyed(a.forms, b.forms, (f) => f.id);
  for (const f of m.removed)
    c.add(
      'form',
      'removed',
      `forms.${f.id}`,
      f.title,
      null,
      `删除表格：《${f.title}》`,
      `Removed form: 《${f.title}》`,
    );
  for (const f of m.added)
    c.add(
      'form',
      'added',
      `forms.${f.id}`,
      null,
      f.title,
      `新增表格：《${f.title}》`,
      `Added form: 《${f.title}》`,
    );
  for (const [x, y] of m.both) {
    c.value('form', `forms.${x.id}.title`, `《${x.title}》`, `《${y.title}》`, '表格名称', 'Form title');
    diffStrings(
      c,
      'form',
      `forms.${x.id}.columns`,
      `《${y.title}》栏目`,
      `column of 《${y.title}》`,
      x.columns.map((f) => f.label),
      y.columns.map((f) => f.label),
    );
    diffStrings(
      c,
      'form',
      `forms.${x.id}.fields`,
      `《${y.title}》填写项`,
      `field of 《${y.title}》`,
      x.fields.map((f) => f.label),
      y.fields.map((f) => f.label),
    );
    diffStrings(
      c,
      'form',
      `forms.${x.id}.signatures`,
      `《${y.title}》签名栏`,
      `signature of 《${y.title}》`,
      x.signatures.map((s) => s.label),
      y.signatures.map((s) => s.label),
    );
  }
}

function diffReferences(c: Changes, a: Sop, b: Sop): void {
  const m = matchKeyed(a.references, b.references, (r) => r.id);
  for (const r of m.removed)
    c.add(
      'reference',
      'removed',
      `references.${r.id}`,
      r.title,
      null,
      `删除相关文件：${r.title}`,
      `Removed related document: ${r.title}`,
    );
  for (const r of m.added)
    c.add(
      'reference',
      'added',
      `references.${r.id}`,
      null,
      r.title,
      `新增相关文件：${r.title}`,
      `Added related document: ${r.title}`,
    );
  for (const [x, y] of m.both) {
    c.value('reference', `references.${x.id}.title`, x.title, y.title, '相关文件名称', 'Related document');
    text(c, 'reference', `references.${x.id}.note`, `${y.title}的说明`, `Note on ${y.title}`, x.note, y.note);
  }
}

function diffReview(c: Changes, a: Sop, b: Sop): void {
  c.value(
    'review',
    'review.annual',
    dur(a.review.annual, 'zh'),
    dur(b.review.annual, 'zh'),
    '年度复审周期',
    'Annual review interval',
  );
  c.value(
    'review',
    'review.semiannual',
    dur(a.review.semiannual, 'zh'),
    dur(b.review.semiannual, 'zh'),
    '半年调整周期',
    'Semi-annual adjustment interval',
  );
}

function diffManual(c: Changes, a: Sop, b: Sop): void {
  if (a.kind !== 'manual' || b.kind !== 'manual') return;
  diffStrings(c, 'manual', 'chapters', '收录规程', 'chapter', a.chapters, b.chapters);
}

/**
 * The rule-level changes from `before` to `after`. Version, effective date and the revision list itself are
 * not rules and are left out.
 *
 * @example
 * for (const ch of diffSops(oldSop, newSop)) console.log(ch.zh); // 超过 2 天未处理 → 3 天 转客服主管
 */
export function diffSops(before: Sop, after: Sop): RuleChange[] {
  const c = new Changes();
  diffDocument(c, before, after);
  diffRoles(c, before, after);
  if (before.kind === 'procedure' && after.kind === 'procedure') {
    diffSchedule(c, before, after);
    diffChecklists(c, before, after);
    diffWorkflow(c, before, after);
    diffEscalations(c, before, after);
    diffAudits(c, before, after);
    diffRecords(c, before, after);
    diffForms(c, before, after);
  }
  diffManual(c, before, after);
  diffReferences(c, before, after);
  diffReview(c, before, after);
  return c.list;
}

export function changeText(change: RuleChange, lang: Lang): string {
  return lang === 'zh' ? change.zh : change.en;
}

/** The plain-text listing printed by `sopforge diff`. */
export function formatChanges(changes: readonly RuleChange[], lang: Lang): string {
  if (changes.length === 0) return lang === 'zh' ? '无规则变更。\n' : 'No rule changes.\n';
  return changes.map((ch) => `- ${changeText(ch, lang)}\n`).join('');
}
