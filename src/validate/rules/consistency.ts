/**
 * Consistency between the approved text and the rules that cite it. A rule that cites a clause
 * (`clause: "4.7"`) states something the clause's wording also states; when the two disagree, the
 * document says one thing and the machine, forms or plan do another. Each check is a warning at the
 * clause's `text` (the wording is the approved text: the rule may be the one to fix), with the rule's line
 * in the hint.
 *
 * What "the clause's wording" is: its title, its text and the lines of its children (`clauseLines`), so a
 * clause whose list items state the figure counts. When the wording states nothing of the kind at all, the
 * check says nothing: a clause may leave a figure, a role or a frequency to another clause, and the rule
 * still cites the clause that states the behaviour. Precisely:
 *
 * | kind      | compared when the clause's wording …             | warns when none of them …                      |
 * | --------- | ------------------------------------------------ | ---------------------------------------------- |
 * | figure    | states a figure in the rule's unit (天 for `2d`)  | has the rule's length, in any unit (48 小时)    |
 * | role      | names some declared role (name or alias)         | is the rule's role (its name or an alias)      |
 * | frequency | states a frequency (每天, 每周…, 每月, 每年)       | is the audit's (每天/每日, 每周一, 每月)        |
 *
 * So `2d` citing "3天内…" warns, citing "3天内…48小时内…" does not, and citing "24小时内…" says nothing (no
 * 天 there: the clause speaks of something else). 日 counts as 天, 星期 as 周, 月 as 个月; 半年 is six
 * months. Review periods cite no clause in the language, so they are not compared. Rules without
 * `clause:` are not compared.
 */
import type { Weekday } from '../../model/types.js';
import { clauseKey, clauseLines } from '../../normalize/clauses.js';
import { parseDuration } from '../../normalize/units.js';
import type { WrittenClauseNode } from '../../normalize/written.js';
import { extractFigures, type Figure, type FigureUnit, sameFigure } from '../figures.js';
import type { SopRule, SopRuleContext } from './sop-rules.js';

type Path = (string | number)[];

/** A clause of the written tree: its wording (title, text, children's lines) and where its text is. */
interface CitedClause {
  readonly key: string;
  readonly wording: string;
  /** Path of the clause's `text` (or of its title, or of the clause, when it has no text). */
  readonly at: Path;
}

function clausesByKey(ctx: SopRuleContext): Map<string, CitedClause> {
  const out = new Map<string, CitedClause>();
  const model = new Map<string, string>();
  const collect = (nodes: typeof ctx.sop.clauses) => {
    for (const n of nodes) {
      model.set(n.key, clauseLines(n).join('\n'));
      collect(n.children);
    }
  };
  collect(ctx.sop.clauses);
  const walk = (list: readonly WrittenClauseNode[], parentKey: string, path: Path) => {
    list.forEach((c, i) => {
      const here = [...path, i];
      const number = typeof c === 'string' ? null : (c.clause ?? null);
      const key = clauseKey(parentKey, number, i);
      const at =
        typeof c === 'string'
          ? here
          : c.text !== undefined
            ? [...here, 'text']
            : c.title !== undefined
              ? [...here, 'title']
              : here;
      // The first of two equal keys wins, as in citations (the second is CLAUSE_DUPLICATE).
      if (!out.has(key)) out.set(key, { key, wording: model.get(key) ?? '', at });
      if (typeof c !== 'string') walk(c.clauses ?? [], key, [...here, 'clauses']);
    });
  };
  walk(ctx.written.clauses, '', ['clauses']);
  return out;
}

const UNIT_WORDS: Record<FigureUnit, string> = {
  m: '分钟',
  h: '小时',
  d: '天',
  w: '周',
  mo: '个月',
  y: '年',
  ring: '声',
};
const UNIT_EN: Record<FigureUnit, string> = {
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
  mo: 'months',
  y: 'years',
  ring: 'rings',
};

interface StatedFigure {
  readonly amount: number;
  readonly unit: FigureUnit;
  /** As the YAML writes it (`2d`, `3`). */
  readonly text: string;
  readonly clause: string | undefined;
  readonly path: Path;
}

/** Every figure a rule states beside the clause it cites. */
function statedFigures({ written: w }: SopRuleContext): StatedFigure[] {
  const out: StatedFigure[] = [];
  const duration = (text: string | undefined, clause: string | undefined, path: Path) => {
    if (text === undefined) return;
    const d = parseDuration(text);
    out.push({ amount: d.amount, unit: d.unit, text, clause, path });
  };
  for (const [id, l] of Object.entries(w.escalations ?? {})) {
    l.levels.forEach((lv, i) => {
      duration(lv.after, lv.clause, ['escalations', id, 'levels', i, 'after']);
    });
  }
  const s = w.schedule;
  if (s) {
    duration(s['arrive-early'], s.clause, ['schedule', 'arrive-early']);
    duration(s['handover-prep'], s.clause, ['schedule', 'handover-prep']);
    const rings = s['answer-within-rings'];
    if (rings !== undefined) {
      out.push({
        amount: rings,
        unit: 'ring',
        text: String(rings),
        clause: s.clause,
        path: ['schedule', 'answer-within-rings'],
      });
    }
  }
  for (const [id, step] of Object.entries(w.workflow?.steps ?? {})) {
    (step.timers ?? []).forEach((t, i) => {
      duration(t['before-window-end'], t.clause, ['workflow', 'steps', id, 'timers', i, 'before-window-end']);
    });
  }
  (w.records ?? []).forEach((r, i) => {
    duration(r.retention, r.clause, ['records', i, 'retention']);
    duration(r['min-retention'], r.clause, ['records', i, 'min-retention']);
  });
  // A deadline's durations: `within: 2h`, each option of `within: { by: … }` and its `else`.
  (w.deadlines ?? []).forEach((d, i) => {
    const within = d.within;
    if (typeof within === 'string') duration(within, d.clause, ['deadlines', i, 'within']);
    else if (within && typeof within === 'object') {
      for (const [k, v] of Object.entries(within)) {
        if (k !== 'by' && k !== 'field' && k !== 'occurrence')
          duration(v, d.clause, ['deadlines', i, 'within', k]);
      }
    }
  });
  return out;
}

const where = (path: Path) => path.join('.');

/** A duration or count a rule states appears in the clause it cites, in some spelling (2 天, 两天, 48 小时). */
export const figuresMatchClauseText: SopRule = (ctx) => {
  const clauses = clausesByKey(ctx);
  for (const f of statedFigures(ctx)) {
    const c = f.clause === undefined ? undefined : clauses.get(f.clause);
    if (!c) continue; // no citation, or CLAUSE_UNKNOWN's business
    const found: Figure[] = extractFigures(c.wording);
    const sameUnit = found.filter((x) => x.unit === f.unit);
    if (sameUnit.length === 0 || found.some((x) => sameFigure(x, f))) continue;
    const stated = sameUnit.map((x) => `“${x.text}”`).join('、');
    ctx.report.at(c.at, 'CLAUSE_FIGURE_MISMATCH', {
      clause: c.key,
      stated,
      statedEn: sameUnit.map((x) => `"${x.text}"`).join(', '),
      rule: `${f.amount} ${UNIT_WORDS[f.unit]}`,
      ruleEn: `${f.amount} ${UNIT_EN[f.unit]}`,
      value: f.text,
      where: where(f.path),
      line: ctx.report.span(f.path).line,
    });
  }
};

interface StatedRole {
  readonly role: string;
  readonly clause: string | undefined;
  readonly path: Path;
}

/** Every role a rule names beside the clause it cites. */
function statedRoles({ written: w }: SopRuleContext): StatedRole[] {
  const out: StatedRole[] = [];
  (w.audits ?? []).forEach((a, i) => {
    out.push({ role: a.role, clause: a.clause, path: ['audits', i, 'role'] });
  });
  for (const [id, step] of Object.entries(w.workflow?.steps ?? {})) {
    if (step.role !== undefined)
      out.push({ role: step.role, clause: step.clause, path: ['workflow', 'steps', id, 'role'] });
  }
  for (const [id, l] of Object.entries(w.escalations ?? {})) {
    l.levels.forEach((lv, i) => {
      out.push({ role: lv.role, clause: lv.clause, path: ['escalations', id, 'levels', i, 'role'] });
    });
  }
  const roster = w.schedule?.roster;
  if (roster) {
    out.push({
      role: roster['prepared-by'],
      clause: roster.clause,
      path: ['schedule', 'roster', 'prepared-by'],
    });
  }
  return out;
}

/** A rule's role is named, by its name or an alias, in the clause it cites. */
export const rolesNamedInClauseText: SopRule = (ctx) => {
  const clauses = clausesByKey(ctx);
  const names = new Map(ctx.sop.roles.map((r) => [r.id, [r.name, ...r.aliases]]));
  const allNames = [...names.values()].flat();
  for (const r of statedRoles(ctx)) {
    const c = r.clause === undefined ? undefined : clauses.get(r.clause);
    const own = names.get(r.role);
    if (!c || !own) continue; // no citation, or an undeclared role (ROLE_UNDECLARED)
    if (!allNames.some((n) => c.wording.includes(n)) || own.some((n) => c.wording.includes(n))) continue;
    ctx.report.at(c.at, 'CLAUSE_ROLE_MISSING', {
      clause: c.key,
      role: r.role,
      name: own.join('、'),
      where: where(r.path),
      line: ctx.report.span(r.path).line,
    });
  }
};

const WEEKDAY_ZH: Record<Weekday, string> = {
  monday: '一',
  tuesday: '二',
  wednesday: '三',
  thursday: '四',
  friday: '五',
  saturday: '六',
  sunday: '[日天]',
};
const WEEKDAY_WORD: Record<Weekday, string> = {
  monday: '一',
  tuesday: '二',
  wednesday: '三',
  thursday: '四',
  friday: '五',
  saturday: '六',
  sunday: '日',
};

/** Any frequency: 每天, 每日, 每周…, 每星期…, 每月, 每个月, 每季度, 每年, 每半年. */
const ANY_FREQUENCY = /每(?:天|日|周|个?星期|个?月|季度?|半?年)/u;

/** A daily, weekly or monthly audit's frequency appears in the clause it cites (每天/每日, 每周一, 每月). */
export const auditFrequencyInClauseText: SopRule = (ctx) => {
  const clauses = clausesByKey(ctx);
  (ctx.written.audits ?? []).forEach((a, i) => {
    const c = a.clause === undefined ? undefined : clauses.get(a.clause);
    if (!c || !ANY_FREQUENCY.test(c.wording)) return;
    const weekday = (typeof a.on === 'string' ? a.on : 'monday') as Weekday;
    const [pattern, word, en] =
      a.every === 'daily'
        ? [/每[天日]/u, '每天', 'daily']
        : a.every === 'weekly'
          ? [
              new RegExp(`每(?:周|个?星期)${WEEKDAY_ZH[weekday] ?? '一'}`, 'u'),
              `每周${WEEKDAY_WORD[weekday] ?? '一'}`,
              `weekly on ${weekday}`,
            ]
          : [/每个?月/u, '每月', 'monthly'];
    if (pattern.test(c.wording)) return;
    const path = ['audits', i, 'every'];
    ctx.report.at(c.at, 'CLAUSE_FREQUENCY_MISMATCH', {
      clause: c.key,
      audit: a.id,
      word,
      every: en,
      where: where(path),
      line: ctx.report.span(path).line,
    });
  });
};

const AUDIT_ACTIONS = ['检查', '审核', '抽查', '复核'] as const;

/**
 * An audit states its verb (审核, 检查, …), since the document and the forms word it with that verb;
 * a verb the cited clause does not use, while it uses another, is a mismatch. Without `action`, the
 * hint offers the verb of the cited clause.
 */
export const auditActionMatchesClauseText: SopRule = (ctx) => {
  const clauses = clausesByKey(ctx);
  (ctx.written.audits ?? []).forEach((a, i) => {
    const c = a.clause === undefined ? undefined : clauses.get(a.clause);
    const used = c ? AUDIT_ACTIONS.filter((v) => c.wording.includes(v)) : [];
    if (a.action === undefined) {
      ctx.report.at(['audits', i], 'AUDIT_ACTION_MISSING', {
        audit: a.id,
        verb: used[0] ?? '',
        clause: c?.key ?? '',
      });
      return;
    }
    if (!c || used.length === 0 || used.includes(a.action)) return;
    const path = ['audits', i, 'action'];
    ctx.report.at(c.at, 'CLAUSE_ACTION_MISMATCH', {
      clause: c.key,
      audit: a.id,
      action: a.action,
      word: used.join('、'),
      where: where(path),
      line: ctx.report.span(path).line,
    });
  });
};

export const consistencyRules: readonly SopRule[] = [
  figuresMatchClauseText,
  rolesNamedInClauseText,
  auditFrequencyInClauseText,
  auditActionMatchesClauseText,
];
