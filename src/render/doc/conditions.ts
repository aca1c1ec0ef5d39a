/**
 * The wording of a transition's conditions and effects, from what the YAML states: a checklist by its
 * title, a field by its label, an option by its label (the id where the SOP gives no label). Shared by
 * the rule-level diff (and so the machine package's CHANGELOG) and the document's flow appendix, which
 * words the checklist rules of each event (`view.ts` `checklistRules`).
 */
import type { Lang } from '../../diagnostics/types.js';
import type { Condition, Effect, Field, Sop, Transition } from '../../model/types.js';
import { joinList } from './words.js';

const tr = (l: Lang, zh: string, en: string): string => (l === 'zh' ? zh : en);

function transitions(sop: Sop): readonly Transition[] {
  return sop.kind === 'procedure' ? (sop.workflow?.steps.flatMap((s) => s.transitions) ?? []) : [];
}

/** A context field as the reader knows it: a checklist by its title, anything else by its id. */
function recordName(sop: Sop, id: string): string {
  if (sop.kind !== 'procedure') return id;
  const f = sop.workflow?.context.find((c) => c.id === id);
  if (f?.kind !== 'checklist') return id;
  return sop.checklists.find((c) => c.id === f.checklist)?.title ?? id;
}

const fieldName = (f: Field | undefined, id: string) => f?.label || id;
const optionName = (f: Field | undefined, value: string) =>
  f?.options.find((o) => o.value === value)?.label ?? value;

/** The payload field `id` of the events that record into checklist `field` (their `check` effect). */
function checkedField(sop: Sop, field: string, id: string): Field | undefined {
  for (const t of transitions(sop)) {
    if (!t.effects.some((e) => e.kind === 'check' && e.field === field)) continue;
    const f = t.payload.find((p) => p.id === id);
    if (f) return f;
  }
  return undefined;
}

/** `“结果”为“不合格”` / `结果 is 不合格`, or a choice of values (`为“a”或“b”` / `is a or b`). */
function isOneOf(f: Field | undefined, id: string, values: readonly string[], l: Lang): string {
  const names = values.map((v) => optionName(f, v));
  return tr(
    l,
    `“${fieldName(f, id)}”为${names.map((n) => `“${n}”`).join('或')}`,
    `"${fieldName(f, id)}" is ${names.map((n) => `"${n}"`).join(' or ')}`,
  );
}

/** One condition of transition `t`, as a requirement: `“验收项目”中没有“结果”为“不合格”的项`. */
export function conditionText(sop: Sop, t: Transition, c: Condition, l: Lang): string {
  const payload = (id: string) => t.payload.find((p) => p.id === id);
  switch (c.kind) {
    case 'checklist-complete':
      return tr(
        l,
        `“${recordName(sop, c.field)}”已全部清点`,
        `every item of "${recordName(sop, c.field)}" is checked`,
      );
    case 'checklist-none': {
      const f = checkedField(sop, c.field, c.match.field);
      return tr(
        l,
        `“${recordName(sop, c.field)}”中没有${isOneOf(f, c.match.field, c.match.values, l)}的项`,
        `no item of "${recordName(sop, c.field)}" is recorded where ${isOneOf(f, c.match.field, c.match.values, l)}`,
      );
    }
    case 'none':
      return c.flag === null
        ? tr(l, `“${c.field}”中没有未处理的事项`, `the list "${c.field}" is empty`)
        : tr(l, `“${c.field}”中没有标记为 ${c.flag} 的事项`, `no entry of "${c.field}" is flagged ${c.flag}`);
    case 'payload-has': {
      const names = c.fields.map((id) => fieldName(payload(id), id));
      const quoted = names.map((n) => `"${n}"`);
      const unless = c.unless
        ? tr(
            l,
            `（${isOneOf(payload(c.unless.field), c.unless.field, c.unless.values, l)}时除外）`,
            ` (unless ${isOneOf(payload(c.unless.field), c.unless.field, c.unless.values, l)})`,
          )
        : '';
      return tr(l, `须填写${joinList(names, l)}${unless}`, `${joinList(quoted, l)} must be filled${unless}`);
    }
    case 'payload-equals':
      return isOneOf(payload(c.field), c.field, [c.value], l);
    case 'context-in':
      return tr(
        l,
        `本案记录的“${c.field}”为${c.values.map((v) => `“${v}”`).join('或')}`,
        `the recorded "${c.field}" is ${c.values.map((v) => `"${v}"`).join(' or ')}`,
      );
  }
}

/** One effect of transition `t` on the case record: `清空“验收项目”的记录`. */
export function effectText(sop: Sop, t: Transition, e: Effect, l: Lang): string {
  switch (e.kind) {
    case 'check':
      return tr(l, `记入“${recordName(sop, e.field)}”`, `checks an item of "${recordName(sop, e.field)}"`);
    case 'append':
      return tr(l, `追加到“${e.field}”`, `appends to "${e.field}"`);
    case 'remove':
      return tr(l, `从“${e.field}”中移除`, `removes from "${e.field}"`);
    case 'set': {
      const names = e.fields.map((id) =>
        fieldName(
          t.payload.find((p) => p.id === id),
          id,
        ),
      );
      return tr(
        l,
        `记录${joinList(names, l)}`,
        `records ${joinList(
          names.map((n) => `"${n}"`),
          l,
        )}`,
      );
    }
    case 'clear':
      return tr(
        l,
        `清空“${recordName(sop, e.field)}”已记录的内容`,
        `empties what is recorded in "${recordName(sop, e.field)}"`,
      );
  }
}
