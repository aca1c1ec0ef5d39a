/**
 * `validate --explain`: every rule setting of each SOP with where it comes from — the line of the YAML that
 * writes it, the manual whose review rules a chapter follows, or the built-in default that still applies
 * when nothing is written (the site's time zone; for a limit, calendar time, the step its clock starts in
 * and a restart on re-entry).
 * A setting nobody writes is not listed: it is not a rule.
 */
import { isMap, isScalar, isSeq, type Node } from '../deps/yaml.js';
import type { Lang } from '../diagnostics/types.js';
import { parseSource } from '../load/parse.js';
import type { Sop, SopSet } from '../model/types.js';

/** The top-level keys (and `review.policy`) whose values are rules; texts, roles, forms and the workflow are not listed. */
const RULE_KEYS: readonly (readonly string[])[] = [
  ['site'],
  ['schedule'],
  ['checklists'],
  ['escalations'],
  ['deadlines'],
  ['recurring'],
  ['audits'],
  ['records'],
  ['record-policy'],
  ['review', 'policy'],
];

/** Keys that cite or name a rule rather than state one. */
const NOT_RULES: ReadonlySet<string> = new Set(['clause', 'title', 'label', 'name', 'id']);

export type RuleOrigin =
  | { readonly kind: 'yaml'; readonly file: string; readonly line: number }
  | { readonly kind: 'manual'; readonly manual: string; readonly file: string; readonly line: number }
  | { readonly kind: 'default' };

export interface ExplainedRule {
  /** The YAML path as written, list items by their id: `schedule.roster.due`, `deadlines[contact].within`. */
  readonly path: string;
  readonly value: string;
  readonly origin: RuleOrigin;
}

export interface ExplainedSop {
  readonly id: string;
  readonly file: string;
  readonly rules: readonly ExplainedRule[];
}

interface Leaf {
  readonly path: string;
  readonly value: string;
  readonly line: number;
}

/** The rules of every SOP of a validated set, in file order. */
export function explainSet(set: SopSet): ExplainedSop[] {
  const leaves = new Map<string, Leaf[]>();
  const docs = new Map<string, ReturnType<typeof parse>>();
  for (const sop of set.sops) docs.set(sop.id, parse(sop));
  for (const sop of set.sops) leaves.set(sop.id, ruleLeaves(docs.get(sop.id) ?? null));
  return set.sops.map((sop) => {
    const own = leaves.get(sop.id) ?? [];
    const rules: ExplainedRule[] = own.map((l) => ({
      path: l.path,
      value: l.value,
      origin: { kind: 'yaml', file: sop.file, line: l.line },
    }));
    const from = sop.review.inheritedFrom;
    const manual = from ? set.sops.find((s) => s.id === from) : undefined;
    if (manual)
      for (const l of leaves.get(manual.id) ?? [])
        if (l.path.startsWith('review.policy.'))
          rules.push({
            path: l.path,
            value: l.value,
            origin: { kind: 'manual', manual: manual.id, file: manual.file, line: l.line },
          });
    rules.push(...defaults(sop, own));
    return { id: sop.id, file: sop.file, rules };
  });
}

function parse(sop: Sop) {
  return parseSource({ file: sop.file, absolute: sop.file, text: sop.source }).parsed;
}

function ruleLeaves(parsed: ReturnType<typeof parse>): Leaf[] {
  if (!parsed) return [];
  const out: Leaf[] = [];
  const line = (n: Node) => (n.range ? parsed.lc.linePos(n.range[0]).line : 1);
  const walk = (node: unknown, path: string): void => {
    if (isScalar(node)) {
      out.push({ path, value: String(node.value), line: line(node) });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (NOT_RULES.has(key)) continue;
        walk(pair.value, path === '' ? key : `${path}.${key}`);
      }
    } else if (isSeq(node)) {
      if (node.items.every((i) => isScalar(i)) && node.items.length > 0) {
        out.push({
          path,
          value: node.items.map((i) => String((i as { value: unknown }).value)).join(', '),
          line: line(node.items[0] as Node),
        });
        return;
      }
      node.items.forEach((item, i) => {
        const key = isMap(item) ? (item.get('id') ?? item.get('form')) : undefined;
        const at = `${path}[${typeof key === 'string' || typeof key === 'number' ? key : i}]`;
        const before = out.length;
        walk(item, at);
        // An item that is only a name (a checklist's item) is itself the rule.
        const name = isMap(item) ? item.get('name') : undefined;
        if (out.length === before && typeof name === 'string')
          out.push({ path: at, value: name, line: line(item as Node) });
      });
    }
  };
  for (const keys of RULE_KEYS) walk(parsed.doc.getIn(keys, true), keys.join('.'));
  return out;
}

/** The built-in defaults that apply to this SOP because its YAML does not write the setting. */
function defaults(sop: Sop, own: readonly Leaf[]): ExplainedRule[] {
  const written = new Set(own.map((l) => l.path));
  const out: ExplainedRule[] = [];
  const add = (path: string, value: string) => out.push({ path, value, origin: { kind: 'default' } });
  if (!written.has('site.utc-offset')) add('site.utc-offset', '+08:00');
  if (sop.kind !== 'procedure') return out;
  for (const l of sop.escalations)
    if (!written.has(`escalations.${l.id}.basis`)) add(`escalations.${l.id}.basis`, 'calendar');
  for (const d of sop.deadlines) {
    const at = `deadlines[${d.id}]`;
    // An occurrence limit's due follows its plan's basis, so it has none of its own to default.
    if (!written.has(`${at}.basis`) && d.limit.kind !== 'occurrence') add(`${at}.basis`, 'calendar');
    // The language's own defaults for a limit: live in the step its clock starts in, restarted on re-entry.
    if (!written.has(`${at}.while`) && d.during.length > 0) add(`${at}.while`, d.during.join(', '));
    if (!written.has(`${at}.reentry`)) add(`${at}.reentry`, 'restart');
  }
  for (const p of sop.recurring)
    if (!written.has(`recurring[${p.id}].basis`)) add(`recurring[${p.id}].basis`, 'calendar');
  return out;
}

/** Where a rule comes from, as a reader says it. */
export function originText(o: RuleOrigin, lang: Lang): string {
  if (o.kind === 'yaml') return `${o.file}:${o.line}`;
  if (o.kind === 'manual')
    return lang === 'zh'
      ? `${o.file}:${o.line}（手册 ${o.manual} 的复审规定，本规程未另写）`
      : `${o.file}:${o.line} (the review rules of manual ${o.manual}; this SOP writes none)`;
  return lang === 'zh' ? '内置默认（YAML 未写明）' : 'built-in default (not written in the YAML)';
}

/** Rules longer than this are not padded: a long text does not push every origin off the screen. */
const MAX_ALIGN = 56;

/** Terminal columns of a text: CJK and full-width characters take two. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text)
    n +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return n;
}

/** The text of `validate --explain`: a block per SOP, a line per rule. */
export function explainText(explained: readonly ExplainedSop[], lang: Lang): string {
  const lines: string[] = [];
  for (const s of explained) {
    lines.push(
      lang === 'zh'
        ? `${s.file}（${s.id}）各条规则的来源：`
        : `${s.file} (${s.id}): where each rule comes from:`,
    );
    if (s.rules.length === 0) lines.push(lang === 'zh' ? '  （未写任何规则）' : '  (no rules written)');
    const width = Math.min(MAX_ALIGN, Math.max(0, ...s.rules.map((r) => columns(`${r.path} = ${r.value}`))));
    for (const r of s.rules) {
      const left = `${r.path} = ${r.value}`;
      lines.push(
        `  ${left}${' '.repeat(Math.max(0, width - columns(left)) + 2)}${originText(r.origin, lang)}`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
