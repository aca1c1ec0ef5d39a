/**
 * Rule-level diff of two normalized SOPs, derived from the model itself: both models are walked together,
 * every value the model holds has a key path (`escalations.overdue.levels.cs-supervisor.after`), and every
 * value or item that differs is reported. List items are matched by a key (their `id`, `event`, `form`, …, or
 * the value itself), so a reordering is one "order changed" line, not removals and additions.
 *
 * Wording comes from one phrase table (`phrases.ts`); a key it does not know still gets a sentence naming its
 * clause and key path, so a key the language gains later can never be silently left out.
 */
import type { Lang } from '../diagnostics/types.js';
import type { ClauseNode, Duration, Sop } from '../model/types.js';
import { joinList } from '../render/doc/words.js';
import { type Ctx, PHRASES, type Phrase, PROPS, type Side } from './phrases.js';
import { isDuration, isRecord, isValue, NOT_RULES, nameOf, REVISION_RECORD, show, tr } from './values.js';

export type ChangeArea =
  | 'document'
  | 'site'
  | 'role'
  | 'schedule'
  | 'rule'
  | 'checklist'
  | 'step'
  | 'escalation'
  | 'deadline'
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

/** Derived from other parts of the model, so a change there is reported once, where it is written. */
const DERIVED_KEYS = new Set(['workflow.steps.*.startsClocks']);
const DERIVED_ITEMS: Readonly<Record<string, (item: unknown) => boolean>> = {
  // Escalation timers are generated from `escalations`.
  'workflow.steps.*.timers': (t) => isRecord(t) && t.kind === 'escalation',
};

/** The properties that identify a list item, tried in order; a list of plain values is keyed by the value. */
const ITEM_KEYS = ['id', 'key', 'event', 'form', 'value', 'target', 'label', 'role', 'text'];

const AREAS: Readonly<Record<string, ChangeArea>> = {
  clauses: 'document',
  site: 'site',
  roles: 'role',
  schedule: 'schedule',
  checklists: 'checklist',
  workflow: 'step',
  escalations: 'escalation',
  deadlines: 'deadline',
  recurring: 'deadline',
  audits: 'audit',
  records: 'record',
  forms: 'form',
  references: 'reference',
  review: 'review',
  chapters: 'manual',
  minRetention: 'manual',
};

/** Printed `before`/`after` of a change: a duration as written, anything else as shown in Chinese. */
function printed(v: unknown, prop: string, sop: Sop): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (isRecord(v) && isDuration(v)) return (v as unknown as Duration).text;
  return show(v, prop, sop, 'zh');
}

function same(x: unknown, y: unknown): boolean {
  const json = (v: unknown) => JSON.stringify(v, (k, val: unknown) => (NOT_RULES.has(k) ? undefined : val));
  return x === y || json(x) === json(y);
}

/** How the items of a list are matched: by the first identifying property they all have, else by value. */
export function keyFn(items: readonly unknown[]): (v: unknown) => string {
  const k = ITEM_KEYS.find(
    (p) => items.length > 0 && items.every((v) => isRecord(v) && !isValue(v) && typeof v[p] === 'string'),
  );
  if (k !== undefined) return (v) => (v as Readonly<Record<string, string>>)[k] ?? '';
  return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
}

/** Items by key; a key seen twice gets `#2`, `#3` … so nothing is lost. */
function keyed(items: readonly unknown[], key: (v: unknown) => string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const v of items) {
    let k = key(v);
    for (let n = 2; out.has(k); n++) k = `${key(v)}#${n}`;
    out.set(k, v);
  }
  return out;
}

interface Where {
  readonly path: readonly string[];
  /** The path with list keys replaced by `*`: the kind of the value, as the phrase table names it. */
  readonly pattern: string;
  /** The values along the path on each side; index 0 is the SOP. */
  readonly before: readonly unknown[];
  readonly after: readonly unknown[];
}

function child(w: Where, seg: string, list: boolean, x: unknown, y: unknown): Where {
  const pat = list ? '*' : seg;
  return {
    path: [...w.path, seg],
    pattern: w.pattern === '' ? pat : `${w.pattern}.${pat}`,
    before: [...w.before, x],
    after: [...w.after, y],
  };
}

class Walk {
  readonly list: RuleChange[] = [];
  constructor(
    readonly a: Sop,
    readonly b: Sop,
  ) {}

  node(x: unknown, y: unknown, w: Where): void {
    if (same(x, y)) return;
    if (Array.isArray(x) || Array.isArray(y)) {
      this.items(Array.isArray(x) ? x : [], Array.isArray(y) ? y : [], w);
    } else if (isRecord(x) && isRecord(y) && !isValue(x) && !isValue(y)) {
      const keys = [...new Set([...Object.keys(y), ...Object.keys(x)])];
      for (const k of keys) {
        const c = child(w, k, false, x[k], y[k]);
        const skip =
          NOT_RULES.has(k) || DERIVED_KEYS.has(c.pattern) || (w.path.length === 0 && REVISION_RECORD.has(k));
        if (!skip) this.node(x[k], y[k], c);
      }
    } else {
      const whole = (v: unknown) => isRecord(v) && !isValue(v);
      const op: ChangeOp = x == null ? 'added' : y == null ? 'removed' : 'changed';
      this.emit(op, whole(x) || whole(y) ? 'item' : 'value', w);
    }
  }

  items(xs: readonly unknown[], ys: readonly unknown[], w: Where): void {
    const derived = DERIVED_ITEMS[w.pattern];
    const keep = (v: unknown) => !derived?.(v);
    const key = keyFn([...xs.filter(keep), ...ys.filter(keep)]);
    const mx = keyed(xs.filter(keep), key);
    const my = keyed(ys.filter(keep), key);
    for (const [k, v] of mx) if (!my.has(k)) this.emit('removed', 'item', child(w, k, true, v, undefined));
    for (const [k, v] of my) if (!mx.has(k)) this.emit('added', 'item', child(w, k, true, undefined, v));
    for (const [k, v] of mx) if (my.has(k)) this.node(v, my.get(k), child(w, k, true, v, my.get(k)));
    const common = (m: Map<string, unknown>, other: Map<string, unknown>) =>
      [...m.keys()].filter((k) => other.has(k)).join('\0');
    if (common(mx, my) !== common(my, mx)) this.emit('changed', 'order', w);
  }

  emit(op: ChangeOp, shape: Ctx['shape'], w: Where): void {
    const { a, b } = this;
    const sop = op === 'removed' ? a : b;
    // The property the value sits under (for a list item, the list's property).
    const segs = w.pattern.split('.');
    let last = segs.length - 1;
    while (last >= 0 && segs[last] === '*') last--;
    const prop = w.path[last] ?? '';
    const value = (side: Side) => (side === 'before' ? w.before : w.after)[w.path.length];
    const at = (depth: number, side?: Side) => {
      const pick = side
        ? [side === 'before' ? w.before : w.after]
        : op === 'removed'
          ? [w.before]
          : [w.after, w.before];
      for (const s of pick) {
        const v = s[depth];
        if (isRecord(v)) return v;
      }
      return {};
    };
    const ctx: Ctx = {
      op,
      shape,
      path: w.path,
      a,
      b,
      sop,
      value,
      at,
      str: (depth, key, side) => {
        const v = at(depth, side)[key];
        return typeof v === 'string' ? v : '';
      },
      show: (side, l) =>
        shape === 'item'
          ? nameOf(value(side), prop, w.path[w.path.length - 1] ?? '', side === 'before' ? a : b, l)
          : show(value(side), prop, side === 'before' ? a : b, l),
      name: (l, depth = w.path.length) =>
        nameOf(at(depth), w.path[depth - 2] ?? '', w.path[depth - 1] ?? '', sop, l),
    };
    // A reordered list is named after its items, and only by their noun.
    const listNoun = PHRASES[`${w.pattern}.*`]?.noun ?? PHRASES[w.pattern]?.noun;
    const phrase =
      shape === 'order'
        ? listNoun && { noun: listNoun }
        : (PHRASES[w.pattern] ?? (shape === 'value' ? PROPS[prop] : undefined));
    const print = (side: Side) =>
      shape === 'order'
        ? [...((value(side) as unknown[]) ?? [])]
            .map((v, i) => nameOf(v, prop, String(i), sop, 'zh'))
            .join('、')
        : shape === 'item'
          ? value(side) === undefined
            ? null
            : ctx.show(side, 'zh')
          : printed(value(side), prop, side === 'before' ? a : b);
    this.list.push({
      area: AREAS[w.path[0] ?? ''] ?? 'document',
      op,
      key: w.path.join('.'),
      before: print('before'),
      after: print('after'),
      zh: sentence(ctx, phrase, w, 'zh'),
      en: sentence(ctx, phrase, w, 'en'),
    });
  }
}

/** The nearest `clause` along the path, for the generic sentence. */
function clauseOf(w: Where, op: ChangeOp): string | null {
  const chain = op === 'removed' ? w.before : w.after;
  for (let i = chain.length - 1; i >= 0; i--) {
    const v = chain[i];
    if (isRecord(v) && typeof v.clause === 'string') return v.clause;
  }
  return null;
}

function sentence(c: Ctx, phrase: Phrase | undefined, w: Where, l: Lang): string {
  const said = phrase?.say?.(c, l);
  if (said) return said;
  const words = typeof phrase?.noun === 'function' ? phrase.noun(c) : phrase?.noun;
  const clause = clauseOf(w, c.op);
  const noun = words
    ? tr(l, words[0], words[1])
    : `${clause ? tr(l, `第 ${clause} 条 `, `clause ${clause}, `) : ''}${w.path.join('.')}`;
  const was = c.show('before', l);
  const now = c.show('after', l);
  switch (c.shape) {
    case 'order': {
      const names = (c.value('after') as unknown[]).map((v, i) => nameOf(v, '', String(i), c.b, l));
      return tr(l, `${noun}顺序调整为：${joinList(names, l)}`, `Order of ${noun} now: ${joinList(names, l)}`);
    }
    case 'item':
      return c.op === 'added'
        ? tr(l, `新增${noun}：${now}`, `Added ${noun}: ${now}`)
        : tr(l, `删除${noun}：${was}`, `Removed ${noun}: ${was}`);
    case 'value': {
      const long = [c.value('before'), c.value('after')].some((v) => typeof v === 'string' && v.length > 24);
      if (!(phrase?.prose ?? long)) return `${noun} ${was} → ${now}`;
      return c.op === 'removed'
        ? tr(l, `删除${noun}`, `Removed ${noun}`)
        : tr(l, `${noun}改为：${now}`, `${noun} now reads: ${now}`);
    }
  }
}

/**
 * The rule-level changes from `before` to `after`: every value of the model that differs, in the order of the
 * model. Source positions and the revision record (version, effective date, revisions, feedback) are not
 * rules and are left out.
 *
 * @example
 * for (const ch of diffSops(oldSop, newSop)) console.log(ch.zh); // 超过 2 天未处理 → 3 天 转客服主管
 */
export function diffSops(before: Sop, after: Sop): RuleChange[] {
  const x = withFlatClauses(before);
  const y = withFlatClauses(after);
  const walk = new Walk(x, y);
  walk.node(x, y, { path: [], pattern: '', before: [x], after: [y] });
  return walk.list;
}

/** A clause of the tree as the diff sees it: keyed by its clause key, with the clause it sits under. */
export interface FlatClause {
  readonly key: string;
  readonly number: string | null;
  readonly title: string | null;
  readonly text: string | null;
  readonly parent: string | null;
  /** How a sentence names it (`第 4.1.2 条`, `“目录”1.`, `第 4.1.4 条第 2 行`); not compared. */
  readonly where: { readonly zh: string; readonly en: string };
}

const DOTTED = /^\d+(\.\d+)*$/;

function clauseWhere(n: ClauseNode, index: number, parent: FlatClause['where'] | null): FlatClause['where'] {
  if (n.number !== null && DOTTED.test(n.number))
    return { zh: `第 ${n.number} 条`, en: `clause ${n.number}` };
  if (n.number !== null)
    return {
      zh: `${parent ? parent.zh : ''}“${n.number}”`,
      en: `${parent ? `${parent.en} ` : ''}"${n.number}"`,
    };
  if (n.title !== null && n.text === null) return { zh: `“${n.title}”`, en: `"${n.title}"` };
  const line = index + 1;
  return parent
    ? { zh: `${parent.zh}第 ${line} 行`, en: `${parent.en}, line ${line}` }
    : { zh: `第 ${line} 段`, en: `paragraph ${line}` };
}

/**
 * The clause tree as one list in document order, so that a clause is matched by its key wherever it sits
 * (a moved clause is a changed `parent`, not a removal and an addition) and every clause at any depth has
 * the kind `clauses.*` of the phrase table.
 */
export function flatClauses(
  nodes: readonly ClauseNode[],
  parent: { readonly key: string; readonly where: FlatClause['where'] } | null = null,
): FlatClause[] {
  return nodes.flatMap((n, i) => {
    const where = clauseWhere(n, i, parent?.where ?? null);
    const flat: FlatClause = {
      key: n.key,
      number: n.number,
      title: n.title,
      text: n.text,
      parent: parent?.key ?? null,
      where,
    };
    return [flat, ...flatClauses(n.children, { key: n.key, where })];
  });
}

function withFlatClauses(sop: Sop): Sop {
  return { ...sop, clauses: flatClauses(sop.clauses) } as unknown as Sop;
}

export function changeText(change: RuleChange, lang: Lang): string {
  return lang === 'zh' ? change.zh : change.en;
}

/** The plain-text listing printed by `sopforge diff`. */
export function formatChanges(changes: readonly RuleChange[], lang: Lang): string {
  if (changes.length === 0) return lang === 'zh' ? '无规则变更。\n' : 'No rule changes.\n';
  return changes.map((ch) => `- ${changeText(ch, lang)}\n`).join('');
}
