/**
 * The wording of the rule-level diff: one entry per kind of value, keyed by its path in the model with list
 * keys as `*` (`escalations.*.levels.*.after`). An entry names the value (`noun`), which the diff puts into
 * its plain sentences (`新增{noun}：…`, `{noun} a → b`, `{noun}改为：…`), or says the whole sentence where the
 * plain ones do not read well. A kind missing here still gets the generic sentence with its clause and key.
 */
import type { Lang } from '../diagnostics/types.js';
import type { Condition, Duration, Effect, Sop, Transition } from '../model/types.js';
import { conditionText, effectText } from '../render/doc/conditions.js';
import { timeRuleRows } from '../render/doc/deadlines.js';
import { durationText, formTitle, roleName, stepLabel } from '../render/doc/words.js';
import type { ChangeOp } from './diff.js';
import { isRecord, show, tr } from './values.js';

type Words = readonly [zh: string, en: string];
export type Side = 'before' | 'after';

/** What a phrase sees: the change, both SOPs, and the objects along the key path on either side. */
export interface Ctx {
  readonly op: ChangeOp;
  /** `item`: a list item or object added or removed as a whole; `order`: a list reordered. */
  readonly shape: 'value' | 'item' | 'order';
  readonly path: readonly string[];
  readonly a: Sop;
  readonly b: Sop;
  /** The SOP names are taken from: the old one for a removal, else the new one. */
  readonly sop: Sop;
  readonly value: (side: Side) => unknown;
  /** The object at `depth` segments of the path (0 is the SOP), on `side` (default: where it exists, new first). */
  readonly at: (depth: number, side?: Side) => Readonly<Record<string, unknown>>;
  /** A string property of `at(depth)`, or `''`. */
  readonly str: (depth: number, key: string, side?: Side) => string;
  readonly show: (side: Side, l: Lang) => string;
  /** The display name of the object at `depth` (default: the changed item itself). */
  readonly name: (l: Lang, depth?: number) => string;
}

export interface Phrase {
  readonly noun?: Words | ((c: Ctx) => Words);
  /** The whole sentence; `null` falls back to the plain sentences with `noun`. */
  readonly say?: (c: Ctx, l: Lang) => string | null;
  /** Prose: `{noun}改为：…` rather than `{noun} a → b`. */
  readonly prose?: boolean;
}

const prose = (zh: string, en: string): Phrase => ({ noun: [zh, en], prose: true });
const noun = (zh: string, en: string): Phrase => ({ noun: [zh, en] });
const arrow = (c: Ctx, l: Lang) => `${c.show('before', l)} → ${c.show('after', l)}`;
/** `on`/`off` sentences of a yes-or-no rule. */
const flag =
  (on: Words, off: Words) =>
  (c: Ctx, l: Lang): string => {
    const [zh, en] = c.value('after') === true ? on : off;
    return tr(l, zh, en);
  };

const limitName = (c: Ctx) => c.str(2, 'label');
/** A whole deadline or plan in the words of appendix B (the same table the document prints). */
function deadlineText(c: Ctx): string {
  const id = c.str(2, 'id');
  const sop = c.sop;
  const row =
    sop.kind === 'procedure' ? timeRuleRows(sop)[sop.deadlines.findIndex((d) => d.id === id)] : undefined;
  return row ? `${row.what}：${row.when}，${row.who}` : id;
}
function planText(c: Ctx): string {
  const id = c.str(2, 'id');
  const sop = c.sop;
  if (sop.kind !== 'procedure') return id;
  const row = timeRuleRows(sop)[sop.deadlines.length + sop.recurring.findIndex((p) => p.id === id)];
  return row ? `${row.what}：${row.when}` : id;
}

const step = (c: Ctx) => c.str(3, 'label');
const transition = (c: Ctx) => c.str(5, 'label');
const ladder = (c: Ctx) => c.str(2, 'label');
const checklist = (c: Ctx) => c.str(2, 'title');
const form = (c: Ctx) => `《${c.str(2, 'title')}》`;
const record = (c: Ctx) => formTitle(c.sop, c.str(2, 'form'));
const auditWhat = (c: Ctx) => (c.str(2, 'form') ? formTitle(c.sop, c.str(2, 'form')) : c.str(2, 'covers'));
const auditBy = (c: Ctx) => roleName(c.sop, c.str(2, 'role'));
/** The audit's own verb; 检查 (the rule kind's name) when the audit states none. */
const auditVerb = (c: Ctx) => c.str(2, 'action') || '检查';

const ACTION_EN: Record<string, string> = {
  检查: 'checks',
  审核: 'reviews',
  抽查: 'spot-checks',
  复核: 're-checks',
};

/** The audit in its own verb; without one, what is audited and by whom. */
function audit(c: Ctx, l: Lang): string {
  const f = c.at(2).frequency;
  const when = isRecord(f) ? show(f, 'frequency', c.sop, l) : '';
  const verb = c.str(2, 'action');
  return tr(
    l,
    `${auditBy(c)}${when}${verb || '：'}${auditWhat(c)}`,
    `${auditBy(c)} ${ACTION_EN[verb] ?? '—'} ${auditWhat(c)} ${when}`,
  );
}

/** `超过 2 天未处理转客服主管`, with the ladder's day basis. */
function level(c: Ctx, side: 'before' | 'after', l: Lang): string {
  const lv = c.at(4, side);
  const basis = c.at(2, side).basis === 'working' ? 'working' : 'calendar';
  const after = isRecord(lv.after) ? durationText(lv.after as unknown as Duration, l, basis) : '';
  const who = roleName(side === 'before' ? c.a : c.b, typeof lv.role === 'string' ? lv.role : null);
  return tr(l, `超过 ${after}未处理转${who}`, `not resolved after ${after}: passed to ${who}`);
}

function timer(c: Ctx, side: 'before' | 'after', l: Lang): string {
  const t = c.at(5, side);
  const before = isRecord(t.before) ? durationText(t.before as unknown as Duration, l) : '';
  const to = stepLabel(side === 'before' ? c.a : c.b, typeof t.target === 'string' ? t.target : null);
  return tr(l, `值班结束前 ${before}转入“${to}”`, `${before} before the end of duty, move to "${to}"`);
}

function due(v: unknown, l: Lang): string {
  if (typeof v !== 'number') return tr(l, '无', 'none');
  if (v === 0) return tr(l, '每月底前', 'by the end of the month');
  return tr(l, `每月底前 ${v} 天`, `${v} days before the end of the month`);
}

/** A condition or effect added or removed, worded as the document words it (`src/render/doc/conditions.ts`). */
function rule(
  c: Ctx,
  l: Lang,
  zh: string,
  en: string,
  text: (sop: Sop, t: Transition, v: unknown) => string,
): string | null {
  if (c.shape !== 'item') return null;
  const side: Side = c.op === 'removed' ? 'before' : 'after';
  const words = text(side === 'before' ? c.a : c.b, c.at(5, side) as unknown as Transition, c.value(side));
  const name = c.str(5, 'label', side);
  return c.op === 'added'
    ? tr(l, `新增“${name}”${zh}：${words}`, `Added ${en} "${name}": ${words}`)
    : tr(l, `删除“${name}”${zh}：${words}`, `Removed ${en} "${name}": ${words}`);
}

/** Added and removed whole items: `新增：…` / `删除：…` around a sentence of the item. */
const whole =
  (zhAdd: string, enAdd: string, zhDel: string, enDel: string, say: (c: Ctx, l: Lang) => string) =>
  (c: Ctx, l: Lang): string | null =>
    c.shape !== 'item'
      ? null
      : c.op === 'added'
        ? tr(l, `${zhAdd}${say(c, l)}`, `${enAdd}${say(c, l)}`)
        : tr(l, `${zhDel}${say(c, l)}`, `${enDel}${say(c, l)}`);

/** The clause a change is in, as `flatClauses` names it. */
function clauseAt(c: Ctx, l: Lang): string {
  const where = c.at(2).where;
  if (!isRecord(where)) return c.path[1] ?? '';
  const name = where[l];
  return typeof name === 'string' ? name : '';
}

/** A clause as another clause names it (`parent`): by its key's own words, or as found in the model. */
function clauseByKey(c: Ctx, key: string, side: Side, l: Lang): string {
  const list = (side === 'before' ? c.a : c.b).clauses as unknown as readonly Readonly<
    Record<string, unknown>
  >[];
  const found = list.find((x) => x.key === key)?.where;
  const name = isRecord(found) ? found[l] : undefined;
  return typeof name === 'string' ? name : key;
}

const clauseWords = (c: Ctx) => {
  const v = c.at(2);
  const words = [v.title, v.text].filter((t): t is string => typeof t === 'string').join(' ');
  return words;
};

/** The approved text: a clause added, removed, reworded, retitled or moved. */
export const CLAUSE_PHRASES: Readonly<Record<string, Phrase>> = {
  'clauses.*': {
    noun: ['条款', 'clauses'],
    say: (c, l) =>
      c.op === 'added'
        ? tr(
            l,
            `新增${clauseAt(c, 'zh')}：${clauseWords(c)}`,
            `Added ${clauseAt(c, 'en')}: ${clauseWords(c)}`,
          )
        : tr(
            l,
            `删除${clauseAt(c, 'zh')}：${clauseWords(c)}`,
            `Removed ${clauseAt(c, 'en')}: ${clauseWords(c)}`,
          ),
  },
  'clauses.*.text': {
    say: (c, l) => {
      const now = c.value('after');
      if (typeof now !== 'string')
        return tr(l, `删除${clauseAt(c, 'zh')}的正文`, `Removed the text of ${clauseAt(c, 'en')}`);
      return tr(l, `${clauseAt(c, 'zh')}正文改为：${now}`, `${clauseAt(c, 'en')} now reads: ${now}`);
    },
  },
  'clauses.*.title': { noun: (c) => [`${clauseAt(c, 'zh')}标题`, `Title of ${clauseAt(c, 'en')}`] },
  'clauses.*.number': { noun: (c) => [`${clauseAt(c, 'zh')}编号`, `Number of ${clauseAt(c, 'en')}`] },
  'clauses.*.parent': {
    say: (c, l) => {
      const to = c.value('after');
      const where =
        typeof to === 'string' ? clauseByKey(c, to, 'after', l) : tr(l, '正文第一层', 'the top level');
      return tr(l, `${clauseAt(c, 'zh')}移至${where}之下`, `${clauseAt(c, 'en')} moved under ${where}`);
    },
  },
};

export const PHRASES: Readonly<Record<string, Phrase>> = {
  ...CLAUSE_PHRASES,
  id: noun('规程标识', 'SOP id'),
  title: prose('标题', 'Title'),
  number: prose('编号', 'Number'),
  department: prose('部门', 'Department'),
  'site.utcOffsetMinutes': noun('现场时区（与 UTC 相差的分钟数）', 'Site UTC offset in minutes'),
  'site.extraHolidays.*': noun('本地节假日', 'local holiday'),
  'site.extraWorkdays.*': noun('本地调休工作日', 'local make-up workday'),

  'roles.*': noun('角色', 'role'),
  'roles.*.name': noun('角色名称', 'Role name'),
  'roles.*.aliases.*': { noun: (c) => [`${c.str(2, 'name')}的别称`, `alias of ${c.str(2, 'name')}`] },

  schedule: noun('值班时间安排', 'duty schedule'),
  'schedule.window': noun('值班时间', 'Duty hours'),
  'schedule.holidayWindow': noun('节假日值班时间', 'Holiday duty hours'),
  'schedule.arriveEarly': noun('接班人员提前到岗', 'Incoming staff arrive early by'),
  'schedule.handoverPrep': noun('交班前准备', 'Handover preparation before the end of duty'),
  'schedule.answerWithinRings': {
    say: (c, l) => {
      const rings = (v: unknown) =>
        typeof v === 'number' ? tr(l, `${v} 声`, `${v} rings`) : tr(l, '无', 'none');
      const [x, y] = [rings(c.value('before')), rings(c.value('after'))];
      return tr(l, `电话铃响 ${x} → ${y}内接听`, `Answer the phone within ${x} → ${y}`);
    },
  },
  'schedule.hotlineAnswerOnly': {
    say: flag(
      ['新增：值班热线电话只允许接听，不允许拨打', 'Added: the duty hotline may only answer calls'],
      ['取消：值班热线电话只允许接听，不允许拨打', 'Removed: the duty hotline may only answer calls'],
    ),
  },
  'schedule.roster': noun('值班安排表规定', 'roster rule'),
  'schedule.roster.preparedBy': noun('值班安排表编制人', 'Roster prepared by'),
  'schedule.roster.approvedBy': noun('值班安排表审批人', 'Roster approved by'),
  'schedule.roster.dueDaysBeforeMonth': {
    say: (c, l) =>
      tr(l, '值班安排表编制期限 ', 'Roster due ') +
      `${due(c.value('before'), l)} → ${due(c.value('after'), l)}`,
  },
  'schedule.roster.form': noun('值班安排表所用表格', 'Roster form'),
  'schedule.roster.leaveApprovedBy': noun('请假审批人', 'Leave approved by'),
  'schedule.roster.privateSwapsForbidden': {
    say: flag(
      ['新增：未经批准不允许私自调班', 'Added: no private shift swaps'],
      ['取消：未经批准不允许私自调班', 'Removed: no private shift swaps'],
    ),
  },

  'checklists.*': {
    noun: ['清点清单', 'checklist'],
    say: (c, l) => {
      if (c.op !== 'added' || c.shape !== 'item') return null;
      const items = show(c.at(2).items, 'items', c.b, l);
      return tr(
        l,
        `新增清点清单：${checklist(c)}（${items}）`,
        `Added checklist: ${checklist(c)} (${items})`,
      );
    },
  },
  'checklists.*.title': noun('清单名称', 'Checklist title'),
  'checklists.*.items.*': {
    say: (c, l) =>
      c.op === 'added'
        ? tr(l, `新增${checklist(c)}物品：${c.name(l)}`, `Added item to ${checklist(c)}: ${c.name(l)}`)
        : tr(l, `删除${checklist(c)}物品：${c.name(l)}`, `Removed item from ${checklist(c)}: ${c.name(l)}`),
  },
  'checklists.*.items.*.name': { noun: (c) => [`${checklist(c)}物品`, `Item of ${checklist(c)}`] },
  'checklists.*.onProblem': {
    prose: true,
    noun: (c) => [
      `${checklist(c)}发现问题时的处理`,
      `What to do when an item of ${checklist(c)} is damaged or missing`,
    ],
  },

  'workflow.initial': noun('流程起始步骤', 'First step'),
  'workflow.context.*': noun('流程记录项', 'workflow record field'),
  'workflow.steps.*': {
    say: whole('新增步骤：', 'Added step: ', '删除步骤：', 'Removed step: ', (c) => {
      const role = c.str(3, 'role');
      return role ? `${step(c)}（${roleName(c.sop, role)}）` : step(c);
    }),
  },
  'workflow.steps.*.label': noun('步骤名称', 'Step name'),
  'workflow.steps.*.role': { noun: (c) => [`步骤“${step(c)}”执行人`, `Step "${step(c)}" performed by`] },
  'workflow.steps.*.kind': { noun: (c) => [`步骤“${step(c)}”类型`, `Kind of step "${step(c)}"`] },
  'workflow.steps.*.handoff': {
    noun: (c) => [`步骤“${step(c)}”移交的规程`, `SOP that step "${step(c)}" hands over to`],
  },
  'workflow.steps.*.transitions.*': {
    say: whole('', '', '', '', (c, l) => {
      const to = c.str(5, 'target');
      const what = to ? `${transition(c)}（→ ${stepLabel(c.sop, to)}）` : transition(c);
      return c.op === 'added'
        ? tr(l, `新增步骤“${step(c)}”的操作：${what}`, `Added action of step "${step(c)}": ${what}`)
        : tr(l, `删除步骤“${step(c)}”的操作：${what}`, `Removed action of step "${step(c)}": ${what}`);
    }),
  },
  'workflow.steps.*.transitions.*.label': {
    noun: (c) => [`步骤“${step(c)}”的操作`, `Action of step "${step(c)}"`],
  },
  'workflow.steps.*.transitions.*.target': {
    noun: (c) => [`“${transition(c)}”后转入`, `After "${transition(c)}" the case moves to`],
  },
  'workflow.steps.*.transitions.*.role': {
    noun: (c) => [`“${transition(c)}”由`, `"${transition(c)}" performed by`],
  },
  'workflow.steps.*.transitions.*.refusal': {
    prose: true,
    noun: (c) => [`“${transition(c)}”的前提要求`, `Precondition of "${transition(c)}"`],
  },
  'workflow.steps.*.transitions.*.payload.*': {
    noun: (c) => [`“${transition(c)}”须记录的项目`, `field recorded by "${transition(c)}"`],
  },
  'workflow.steps.*.transitions.*.payload.*.label': {
    noun: (c) => [`“${transition(c)}”须记录的项目名称`, `Name of a field recorded by "${transition(c)}"`],
  },
  'workflow.steps.*.transitions.*.conditions.*': {
    noun: (c) => [`“${transition(c)}”的前提条件`, `condition of "${transition(c)}"`],
    say: (c, l) =>
      rule(c, l, '的前提条件', 'condition of', (sop, t, v) => conditionText(sop, t, v as Condition, l)),
  },
  'workflow.steps.*.transitions.*.effects.*': {
    noun: (c) => [`“${transition(c)}”的记录方式`, `effect of "${transition(c)}"`],
    say: (c, l) => rule(c, l, '的记录方式', 'effect of', (sop, t, v) => effectText(sop, t, v as Effect, l)),
  },
  'workflow.steps.*.timers.*': {
    say: whole('新增：', 'Added: ', '删除：', 'Removed: ', (c, l) =>
      timer(c, c.op === 'removed' ? 'before' : 'after', l),
    ),
  },
  'workflow.steps.*.timers.*.before': {
    say: (c, l) => {
      const to = stepLabel(c.b, c.str(5, 'target'));
      return tr(
        l,
        `值班结束前 ${arrow(c, l)}转入“${to}”`,
        `${arrow(c, l)} before the end of duty, move to "${to}"`,
      );
    },
  },

  'escalations.*': {
    noun: ['逐级上报', 'escalation'],
    say: (c, l) => {
      if (c.op !== 'added' || c.shape !== 'item') return null;
      const lv = c.at(2).levels;
      const all = (Array.isArray(lv) ? lv : []).map((_, i) =>
        level(
          { ...c, at: (d, s) => (d === 4 && Array.isArray(lv) && isRecord(lv[i]) ? lv[i] : c.at(d, s)) },
          'after',
          l,
        ),
      );
      return tr(
        l,
        `新增逐级上报：${ladder(c)}（${all.join('；')}）`,
        `Added escalation: ${ladder(c)} (${all.join('; ')})`,
      );
    },
  },
  'escalations.*.label': noun('逐级上报名称', 'Escalation name'),
  'escalations.*.basis': { noun: (c) => [`${ladder(c)}计日方式`, `${ladder(c)} counts`] },
  'escalations.*.startsAt': { noun: (c) => [`${ladder(c)}起算步骤`, `${ladder(c)} clock starts at`] },
  'escalations.*.watch.*': { noun: (c) => [`${ladder(c)}计时的步骤`, `step watched by ${ladder(c)}`] },
  'escalations.*.levels.*': {
    say: whole('新增：', 'Added: ', '删除：', 'Removed: ', (c, l) =>
      level(c, c.op === 'removed' ? 'before' : 'after', l),
    ),
  },
  'escalations.*.levels.*.after': {
    say: (c, l) => {
      const basis = (side: 'before' | 'after') =>
        c.at(2, side).basis === 'working' ? 'working' : 'calendar';
      const d = (side: 'before' | 'after') => {
        const v = c.value(side);
        return isRecord(v) ? durationText(v as unknown as Duration, l, basis(side)) : '';
      };
      const who = roleName(c.b, c.str(4, 'role'));
      return tr(
        l,
        `超过 ${d('before')}未处理 → ${d('after')} 转${who}`,
        `Not resolved after ${d('before')} → ${d('after')}: passed to ${who}`,
      );
    },
  },
  'escalations.*.levels.*.step': {
    noun: (c) => {
      const who = roleName(c.b, c.str(4, 'role'));
      return [`转${who}后进入`, `Passed to ${who}, the case moves to`];
    },
  },

  'deadlines.*': {
    noun: ['时限', 'deadline'],
    say: whole('新增时限：', 'Added deadline: ', '删除时限：', 'Removed deadline: ', (c) => deadlineText(c)),
  },
  'deadlines.*.label': noun('时限名称', 'Deadline name'),
  'deadlines.*.clause': {
    noun: (c) => [`时限“${limitName(c)}”依据的条款`, `Clause of the deadline "${limitName(c)}"`],
  },
  'deadlines.*.limit.kind': {
    noun: (c) => [`时限“${limitName(c)}”的写法`, `Kind of the deadline "${limitName(c)}"`],
  },
  'deadlines.*.limit.duration': {
    noun: (c) => [`时限“${limitName(c)}”的期限`, `Limit of "${limitName(c)}"`],
  },
  'deadlines.*.limit.options.*': {
    noun: (c) => [`时限“${limitName(c)}”按选项的期限`, `Limit of "${limitName(c)}" for an option`],
  },
  'deadlines.*.limit.options.*.duration': {
    noun: (c) => [
      `时限“${limitName(c)}”（${c.str(4, 'value')}）的期限`,
      `Limit of "${limitName(c)}" (${c.str(4, 'value')})`,
    ],
  },
  'deadlines.*.limit.otherwise': {
    noun: (c) => [`时限“${limitName(c)}”其他情况的期限`, `Limit of "${limitName(c)}" otherwise`],
  },
  'deadlines.*.limit.field': {
    noun: (c) => [`时限“${limitName(c)}”依据的记录项`, `Field that sets "${limitName(c)}"`],
  },
  'deadlines.*.limit.time': { noun: (c) => [`时限“${limitName(c)}”的时刻`, `Time of "${limitName(c)}"`] },
  'deadlines.*.limit.day': { noun: (c) => [`时限“${limitName(c)}”的日期`, `Day of "${limitName(c)}"`] },
  'deadlines.*.limit.plan': {
    noun: (c) => [`时限“${limitName(c)}”依据的周期计划`, `Recurring plan of "${limitName(c)}"`],
  },
  'deadlines.*.limit.month': { noun: (c) => [`时限“${limitName(c)}”的月份`, `Month of "${limitName(c)}"`] },
  'deadlines.*.from.kind': {
    noun: (c) => [`时限“${limitName(c)}”的起算方式`, `Clock start of "${limitName(c)}"`],
  },
  'deadlines.*.from.step': {
    noun: (c) => [`时限“${limitName(c)}”起算的步骤`, `Step that starts "${limitName(c)}"`],
  },
  'deadlines.*.from.event': {
    noun: (c) => [`时限“${limitName(c)}”起算的事件`, `Event that starts "${limitName(c)}"`],
  },
  'deadlines.*.from.field': {
    noun: (c) => [`时限“${limitName(c)}”起算的记录项`, `Recorded time that starts "${limitName(c)}"`],
  },
  'deadlines.*.during.*': {
    noun: (c) => [`时限“${limitName(c)}”计时的步骤`, `Step timed by "${limitName(c)}"`],
  },
  'deadlines.*.stop': {
    noun: (c) => [`时限“${limitName(c)}”达成的事件`, `Event that meets "${limitName(c)}"`],
  },
  'deadlines.*.basis': { noun: (c) => [`时限“${limitName(c)}”的计时方式`, `Basis of "${limitName(c)}"`] },
  'deadlines.*.go': {
    noun: (c) => [`时限“${limitName(c)}”超时后转入`, `On breach of "${limitName(c)}" the case moves to`],
  },
  'deadlines.*.notify': {
    noun: (c) => [`时限“${limitName(c)}”超时通知`, `On breach of "${limitName(c)}" notify`],
  },
  'deadlines.*.reentry': {
    noun: (c) => [`时限“${limitName(c)}”再次进入时`, `Re-entry of "${limitName(c)}"`],
  },
  'recurring.*': {
    noun: ['周期计划', 'recurring plan'],
    say: whole(
      '新增周期计划：',
      'Added recurring plan: ',
      '删除周期计划：',
      'Removed recurring plan: ',
      (c) => planText(c),
    ),
  },
  'recurring.*.label': noun('周期计划名称', 'Recurring plan name'),
  'recurring.*.every': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的周期`, `How often "${c.str(2, 'label')}" recurs`],
  },
  'recurring.*.every.kind': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的周期`, `How often "${c.str(2, 'label')}" recurs`],
  },
  'recurring.*.every.duration': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的间隔`, `Interval of "${c.str(2, 'label')}"`],
  },
  'recurring.*.every.day': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的日期`, `Day of "${c.str(2, 'label')}"`],
  },
  'recurring.*.every.months': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的月份`, `Months of "${c.str(2, 'label')}"`],
  },
  'recurring.*.every.months.*': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的月份`, `Month of "${c.str(2, 'label')}"`],
  },
  'recurring.*.by': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的完成期限`, `Due day of "${c.str(2, 'label')}"`],
  },
  'recurring.*.by.day': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的完成日期`, `Due day of "${c.str(2, 'label')}"`],
  },
  'recurring.*.by.month': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”完成期限的月份`, `Due month of "${c.str(2, 'label')}"`],
  },
  'recurring.*.every.weekday': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的星期`, `Weekday of "${c.str(2, 'label')}"`],
  },
  'recurring.*.starting': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的时刻`, `Time of "${c.str(2, 'label')}"`],
  },
  'recurring.*.lateAfter': {
    noun: (c) => [
      `周期计划“${c.str(2, 'label')}”算作迟到的时间`,
      `Lateness allowed for "${c.str(2, 'label')}"`,
    ],
  },
  'recurring.*.basis': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”的计时方式`, `Basis of "${c.str(2, 'label')}"`],
  },
  'recurring.*.clause': {
    noun: (c) => [`周期计划“${c.str(2, 'label')}”依据的条款`, `Clause of "${c.str(2, 'label')}"`],
  },

  'audits.*': {
    say: whole('新增检查：', 'Added check: ', '删除检查：', 'Removed check: ', audit),
  },
  'audits.*.role': { noun: (c) => [`${auditWhat(c)}的${auditVerb(c)}人`, `Check of ${auditWhat(c)} by`] },
  'audits.*.frequency': {
    say: (c, l) =>
      tr(l, `${auditBy(c)}${auditVerb(c)}${auditWhat(c)} `, `${auditBy(c)} checks ${auditWhat(c)} `) +
      arrow(c, l),
  },
  'audits.*.form': { noun: (c) => [`${auditBy(c)}${auditVerb(c)}的记录`, `Record checked by ${auditBy(c)}`] },
  'audits.*.covers': {
    prose: true,
    noun: (c) => [`${auditBy(c)}${auditVerb(c)}的内容`, `What ${auditBy(c)} checks`],
  },
  'audits.*.signs': {
    say: (c, l) =>
      c.value('after') === true
        ? tr(l, `${auditBy(c)}${auditVerb(c)}后须签名确认`, `${auditBy(c)} signs after checking`)
        : tr(
            l,
            `${auditBy(c)}${auditVerb(c)}后不再须签名确认`,
            `${auditBy(c)} no longer signs after checking`,
          ),
  },

  'records.*': noun('记录', 'record'),
  'records.*.retention': { noun: (c) => [`${record(c)}保存期`, `${record(c)} kept for`] },
  'records.*.minRetention': { noun: (c) => [`${record(c)}最短保存期`, `${record(c)} kept at least`] },
  'records.*.custodian': { noun: (c) => [`${record(c)}保管`, `${record(c)} kept by`] },
  'records.*.rules.*': { noun: (c) => [`${record(c)}记录要求`, `rule of ${record(c)}`] },

  'forms.*': noun('表格', 'form'),
  'forms.*.title': {
    say: (c, l) =>
      `${tr(l, '表格名称', 'Form title')} 《${c.show('before', l)}》 → 《${c.show('after', l)}》`,
  },
  'forms.*.kind': { noun: (c) => [`${form(c)}类型`, `Kind of ${form(c)}`] },
  'forms.*.rows': { noun: (c) => [`${form(c)}每页行数`, `Rows per page of ${form(c)}`] },
  'forms.*.checklist': { noun: (c) => [`${form(c)}所附清单`, `Checklist printed on ${form(c)}`] },
  'forms.*.columns.*': { noun: (c) => [`${form(c)}栏目`, `column of ${form(c)}`] },
  'forms.*.fields.*': { noun: (c) => [`${form(c)}填写项`, `field of ${form(c)}`] },
  'forms.*.columns.*.label': { noun: (c) => [`${form(c)}栏目名称`, `Column name of ${form(c)}`] },
  'forms.*.fields.*.label': { noun: (c) => [`${form(c)}填写项名称`, `Field name of ${form(c)}`] },
  'forms.*.signatures.*.role': {
    noun: (c) => [`${form(c)}“${c.str(4, 'label')}”签名人`, `Signer of "${c.str(4, 'label')}" on ${form(c)}`],
  },
  'forms.*.signatures.*': { noun: (c) => [`${form(c)}签名栏`, `signature of ${form(c)}`] },

  'references.*': noun('相关文件', 'related document'),
  'references.*.title': noun('相关文件名称', 'Related document'),
  'references.*.external': {
    noun: (c) => [`${c.str(2, 'title')}是否为外部文件`, `${c.str(2, 'title')} is external`],
  },
  'references.*.note': {
    prose: true,
    noun: (c) => [`${c.str(2, 'title')}的说明`, `Note on ${c.str(2, 'title')}`],
  },

  'review.annual': noun('年度复审周期', 'Annual review interval'),
  'review.semiannual': noun('半年调整周期', 'Semi-annual adjustment interval'),
  'review.feedback': noun('接受员工实时反馈', 'Staff feedback accepted'),
  'review.expert': noun('专家评审', 'Expert review'),
  'review.recordEveryReview': noun('每次复审均须记录', 'Every review recorded'),

  chapters: noun('收录规程', 'chapters'),
  'chapters.*': noun('收录规程', 'chapter'),
  minRetention: noun('记录最短保存期', 'Minimum retention of records'),
};

/** Wording by the property alone, for values of any kind: `“值班中”条款编号 4.2 → 4.3`. */
export const PROPS: Readonly<Record<string, Phrase>> = {
  clause: { noun: (c) => [`${owner(c, 'zh')}条款编号`, `Clause number of "${owner(c, 'en')}"`] },
  required: { noun: (c) => [`${owner(c, 'zh')}必填`, `"${owner(c, 'en')}" required`] },
  width: { noun: (c) => [`${owner(c, 'zh')}栏宽`, `Width of "${owner(c, 'en')}"`] },
  type: { noun: (c) => [`${owner(c, 'zh')}类型`, `Type of "${owner(c, 'en')}"`] },
};

/** The item that holds a changed property: its name, or its key (`schedule`) when it has none. */
function owner(c: Ctx, l: Lang): string {
  const name = c.name(l, c.path.length - 1);
  // English sentences quote it themselves; a Chinese form title keeps its own 《》.
  return l === 'en' || name.startsWith('《') ? name : `“${name}”`;
}
