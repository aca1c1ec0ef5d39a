/**
 * Rewrites an SOP of language version 1 as version 2, mechanically, as an edit of the text: every byte the
 * change does not touch stays as written (comments, flow mappings, anchors, blank lines). What changes:
 * `sopforge: 1` becomes `sopforge: 2`; the prose fields (`purpose`, `scope`, `roles.*.duties`, `main-duties`,
 * `principles`, `discipline`, `rights`, `on-call`, `notes`, `steps.*.tasks`, `review.policy.rules`, and the
 * manual's `sections` and `disclaimer`) are removed; a `clauses:` tree built from their texts takes the place
 * of the first of them. Every clause number a rule cites gets a clause. Whatever had to be guessed — a
 * number v1 did not write, a heading, a clause only a rule cites — carries a `# 待核对` comment.
 */
import { isMap, isScalar, type Node, type Pair, parseAllDocuments } from '../deps/yaml.js';

export interface MigrateResult {
  /** The version 2 text, or `null` when the file cannot be migrated (see `problem`). */
  readonly text: string | null;
  /** `true` when the file was already version 2 (nothing to do). */
  readonly unchanged: boolean;
  /** Why the file cannot be migrated, in both languages (the CLI prints one). */
  readonly problem: { readonly zh: string; readonly en: string } | null;
  /** How many clauses carry a `# 待核对` comment. */
  readonly toCheck: number;
}

type Json = Record<string, unknown>;

interface Draft {
  number: string | null;
  title: string | null;
  texts: string[];
  /** v1 fields the texts came from (two or more: the clause needs a look). */
  sources: Set<string>;
  children: Draft[];
  check: string | null;
}

const TOP_TITLES: Record<string, string> = {
  '1': '目的',
  '2': '适用范围',
  '3': '职责',
  '4': '程序要点',
  '5': '记录',
  '6': '相关支持文件',
};

/** The headings v1's document printed above each list field. */
const LIST_HEADINGS: Record<string, string> = {
  'main-duties': '值班时的主要工作：',
  principles: '值班期间处理工作应遵循的原则：',
  discipline: '值班的纪律：',
  rights: '值班时的权利：',
};

const TOP_PROSE = [
  'purpose',
  'scope',
  'main-duties',
  'principles',
  'discipline',
  'rights',
  'on-call',
  'notes',
  'sections',
  'disclaimer',
] as const;

const DOTTED = /^[0-9]+(\.[0-9]+)*$/;

function written(c: unknown): { text: string; clause: string | null } | null {
  if (typeof c === 'string') return { text: c, clause: null };
  if (c && typeof c === 'object' && typeof (c as Json).text === 'string') {
    const clause = (c as Json).clause;
    return { text: (c as Json).text as string, clause: typeof clause === 'string' ? clause : null };
  }
  return null;
}

function list(v: unknown): { text: string; clause: string | null }[] {
  return Array.isArray(v)
    ? v.map(written).filter((x): x is { text: string; clause: string | null } => !!x)
    : [];
}

/** Every `clause:` value of the document, in document order. */
function citedNumbers(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) citedNumbers(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'clause' && typeof x === 'string') out.push(x);
      else citedNumbers(x, out);
    }
  }
}

function compareDotted(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** The clause tree of a procedure, from v1's prose and citations. */
function procedureTree(v: Json): Draft[] {
  const cited: string[] = [];
  citedNumbers(v, cited);
  // Top-level style: v1 files that cite a bare section number ("5") number their sections 1, 2, …; others 1.0, 2.0, …
  const bare = cited.some((n) => /^[0-9]+$/.test(n));
  const top = (n: string) => (bare ? n : `${n}.0`);
  const byNumber = new Map<string, Draft>();
  const loose: { parent: string; draft: Draft }[] = [];
  const node = (number: string): Draft => {
    let d = byNumber.get(number);
    if (!d) {
      d = { number, title: null, texts: [], sources: new Set(), children: [], check: null };
      byNumber.set(number, d);
    }
    return d;
  };
  const add = (number: string | null, text: string, source: string, fallbackParent: string) => {
    if (number === null) {
      loose.push({
        parent: fallbackParent,
        draft: {
          number: null,
          title: null,
          texts: [text],
          sources: new Set([source]),
          children: [],
          check: '原文无条款号',
        },
      });
      return;
    }
    const d = node(number);
    if (!d.texts.includes(text)) d.texts.push(text);
    d.sources.add(source);
  };

  if (typeof v.purpose === 'string') {
    const d = node(top('1'));
    d.title = '目的';
    d.texts.push(v.purpose);
    d.check = 'v1 的目的没有条款号，按章节推定';
  }
  if (typeof v.scope === 'string') {
    const d = node(top('2'));
    d.title = '适用范围';
    d.texts.push(v.scope);
    d.check = 'v1 的适用范围没有条款号，按章节推定';
  }
  const roles = (v.roles && typeof v.roles === 'object' ? v.roles : {}) as Record<string, Json>;
  for (const role of Object.values(roles)) {
    if (!role || typeof role !== 'object') continue;
    const name = typeof role.name === 'string' ? role.name : '';
    const duties = list(role.duties);
    if (duties.length === 1 && duties[0]) {
      add(duties[0].clause, `${name}${duties[0].text}`, 'duties', top('3'));
      continue;
    }
    for (const duty of duties) add(duty.clause, duty.text, 'duties', top('3'));
    const numbers = duties.map((d) => d.clause).filter((n): n is string => n !== null && DOTTED.test(n));
    const parents = new Set(numbers.map((n) => n.split('.').slice(0, -1).join('.')));
    const [parent] = parents;
    if (parents.size === 1 && parent && parent.includes('.')) {
      const d = node(parent);
      d.title ??= name;
    }
  }
  for (const field of ['main-duties', 'principles', 'discipline', 'rights'] as const) {
    const items = list(v[field]);
    const groups = new Map<string, string[]>();
    for (const item of items) {
      if (item.clause === null) add(null, item.text, field, top('4'));
      else groups.set(item.clause, [...(groups.get(item.clause) ?? []), item.text]);
    }
    for (const [number, texts] of groups) {
      const d = node(number);
      d.sources.add(field);
      if (d.texts.length === 0) {
        d.texts.push(LIST_HEADINGS[field] ?? '');
        d.check ??= '引导语为 v1 文件的小标题，核对原文';
      }
      for (const t of texts) {
        d.children.push({
          number: null,
          title: null,
          texts: [t],
          sources: new Set([field]),
          children: [],
          check: null,
        });
      }
    }
  }
  const onCall = v['on-call'] as Json | undefined;
  const rule = onCall ? written(onCall.rule) : null;
  if (rule) add(rule.clause, rule.text, 'on-call', top('4'));
  for (const n of list(v.notes)) add(n.clause, n.text, 'notes', top('4'));
  const steps = ((v.workflow as Json | undefined)?.steps ?? {}) as Record<string, Json>;
  for (const step of Object.values(steps)) {
    if (!step || typeof step !== 'object') continue;
    const own = typeof step.clause === 'string' ? step.clause : null;
    for (const t of list(step.tasks)) {
      const number = t.clause ?? own;
      add(number, t.text, 'tasks', top('4'));
    }
  }
  // Every cited number gets a clause; one only a rule cites has no text in v1.
  const forms = (v.forms ?? {}) as Record<string, Json>;
  for (const rec of Array.isArray(v.records) ? (v.records as Json[]) : []) {
    if (typeof rec.clause !== 'string') continue;
    const d = node(rec.clause);
    const title = forms[String(rec.form)]?.title;
    if (d.texts.length === 0 && typeof title === 'string') {
      d.texts.push(`《${title}》`);
      d.check ??= 'v1 只在记录规则中引用此条款，文字取自表格名称';
    }
  }
  for (const n of cited) node(n);

  // Parents: 4.1.2 under 4.1 under 4 (or 4.0).
  const dotted = [...byNumber.keys()].filter((n) => DOTTED.test(n));
  const parentOf = (n: string): string | null => {
    const parts = n.split('.');
    if (parts.length === 1) return null;
    if (parts.length === 2 && parts[1] === '0') return null;
    if (parts.length === 2) return top(parts[0] ?? '');
    return parts.slice(0, -1).join('.');
  };
  const pending = [...dotted];
  while (pending.length > 0) {
    const n = pending.pop() as string;
    const p = parentOf(n);
    if (p !== null && !byNumber.has(p)) {
      const d = node(p);
      const topIndex = p.replace(/\.0$/, '');
      if (!p.includes('.') || p.endsWith('.0')) d.title = TOP_TITLES[topIndex] ?? null;
      d.check = d.title ? '标题按 v1 文件的章节推定' : '原文的标题待补';
      pending.push(p);
    }
  }
  const roots: Draft[] = [];
  const sorted = [...byNumber.keys()].sort((a, b) => {
    const da = DOTTED.test(a);
    const db = DOTTED.test(b);
    if (da && db) return compareDotted(a, b);
    return da ? -1 : db ? 1 : 0;
  });
  for (const n of sorted) {
    const d = byNumber.get(n) as Draft;
    const p = DOTTED.test(n) ? parentOf(n) : null;
    const parent = p !== null ? byNumber.get(p) : undefined;
    if (parent) parent.children.push(d);
    else roots.push(d);
  }
  for (const { parent, draft } of loose) {
    const p = byNumber.get(parent);
    if (p) p.children.push(draft);
    else roots.push(draft);
  }
  for (const d of byNumber.values()) {
    if (d.sources.size > 1) d.check ??= `文字来自 v1 的多处（${[...d.sources].join('、')}），核对原文`;
    if (d.texts.length === 0 && d.title === null && d.children.length === 0) {
      d.texts.push('（原文待补）');
      d.check ??= 'v1 只在规则中引用此条款，原文待补';
    }
  }
  return roots;
}

const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** The manual: the sections v1's document printed (一、目的 … 四、复审规定), then the disclaimer. */
function manualTree(v: Json): Draft[] {
  const parts: Draft[] = [];
  const part = (title: string, texts: string[], children: Draft[]): void => {
    parts.push({
      number: `${CN[parts.length] ?? parts.length + 1}、`,
      title,
      texts,
      sources: new Set(),
      children,
      check: '编号和标题为 v1 文件的章节，核对原文',
    });
  };
  const leaf = (number: string | null, text: string): Draft => ({
    number,
    title: null,
    texts: [text],
    sources: new Set(),
    children: [],
    check: null,
  });
  if (typeof v.purpose === 'string') part('目的', [v.purpose], []);
  if (typeof v.scope === 'string') part('适用范围', [v.scope], []);
  const sections = (v.sections ?? {}) as Record<string, Json>;
  const outline = Object.values(sections).map((s, i) =>
    leaf(`${i + 1}.`, `${String(s.title)}：${String(s.guide)}`),
  );
  if (outline.length > 0) part('编制大纲', [], outline);
  const rules = list(((v.review as Json | undefined)?.policy as Json | undefined)?.rules);
  if (rules.length > 0)
    part(
      '复审规定',
      [],
      rules.map((r, i) => leaf(r.clause && /^[0-9]+$/.test(r.clause) ? `${r.clause}.` : `${i + 1}.`, r.text)),
    );
  if (typeof v.disclaimer === 'string') parts.push(leaf(null, v.disclaimer));
  return parts;
}

// ── printing ─────────────────────────────────────────────────────────────

const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^,[\]{}#]*$/;

/** A string as a YAML flow scalar: plain when that reads back as the same string, else double-quoted. */
function scalar(s: string): string {
  const plain =
    PLAIN.test(s) &&
    !/: |:$| #|\s$/.test(s) &&
    !/^(true|false|null|~|yes|no|on|off|[-+]?[0-9.]+([eE][-+]?[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}.*)$/i.test(
      s,
    );
  return plain ? s : JSON.stringify(s);
}

function printDrafts(drafts: readonly Draft[], indent: string, out: string[]): number {
  let checks = 0;
  for (const d of drafts) {
    const comment = d.check ? `  # 待核对：${d.check}` : '';
    if (d.check) checks += 1;
    const [first, ...rest] = d.texts;
    const children: Draft[] = [
      ...rest.map((t) => ({
        number: null,
        title: null,
        texts: [t],
        sources: new Set<string>(),
        children: [],
        check: null,
      })),
      ...d.children,
    ];
    if (d.number === null && d.title === null && children.length === 0) {
      out.push(`${indent}- ${scalar(first ?? '')}${comment}`);
      continue;
    }
    const pairs: string[] = [];
    if (d.number !== null) pairs.push(`clause: ${JSON.stringify(d.number)}`);
    if (d.title !== null) pairs.push(`title: ${scalar(d.title)}`);
    if (first !== undefined) pairs.push(`text: ${scalar(first)}`);
    if (children.length === 0) {
      out.push(`${indent}- { ${pairs.join(', ')} }${comment}`);
      continue;
    }
    out.push(`${indent}- ${pairs[0] ?? ''}${comment}`);
    for (const p of pairs.slice(1)) out.push(`${indent}  ${p}`);
    out.push(`${indent}  clauses:`);
    checks += printDrafts(children, `${indent}    `, out);
  }
  return checks;
}

/**
 * A tree of leaves only (the usual small v1 file: purpose and scope) as a flow sequence, one clause a line,
 * padded to `lines` lines: then every line after it keeps its number, and so does every position a test
 * table or a person noted in the v1 file. `null` when the tree does not fit.
 */
function flatBlock(tree: readonly Draft[], lines: number): { text: string; checks: number } | null {
  if (tree.length === 0 || tree.length > lines) return null;
  if (tree.some((d) => d.children.length > 0 || d.texts.length > 1)) return null;
  const out: string[] = [];
  let checks = 0;
  tree.forEach((d, i) => {
    const pairs: string[] = [];
    if (d.number !== null) pairs.push(`clause: ${JSON.stringify(d.number)}`);
    if (d.title !== null) pairs.push(`title: ${scalar(d.title)}`);
    if (d.texts[0] !== undefined) pairs.push(`text: ${scalar(d.texts[0])}`);
    const item = d.number === null && d.title === null ? scalar(d.texts[0] ?? '') : `{ ${pairs.join(', ')} }`;
    const last = i === tree.length - 1;
    const comment = d.check ? `  # 待核对：${d.check}` : '';
    if (d.check) checks += 1;
    out.push(`${i === 0 ? 'clauses: [' : '  '}${item}${last ? ']' : ','}${comment}`);
  });
  while (out.length < lines) out.push('');
  return { text: `${out.join('\n')}\n`, checks };
}

// ── editing the text ─────────────────────────────────────────────────────

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(src: string, offset: number): number {
  if (offset > 0 && src[offset - 1] === '\n') return offset;
  const nl = src.indexOf('\n', offset);
  return nl === -1 ? src.length : nl + 1;
}

/** The edit that removes one pair of a mapping, in block or flow style. */
function removePair(src: string, map: { flow?: boolean }, pair: Pair): Edit | null {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return null;
  const end = value?.range ? value.range[2] : key.range[2];
  if (map.flow) {
    let s = key.range[0];
    let e = value?.range ? value.range[1] : key.range[1];
    const after = /^\s*,[ \t]*/.exec(src.slice(e));
    if (after) e += after[0].length;
    else {
      const before = /,\s*$/.exec(src.slice(0, s));
      if (before) s -= before[0].length;
    }
    return { start: s, end: e, text: '' };
  }
  return { start: lineStart(src, key.range[0]), end: lineEnd(src, end), text: '' };
}

function pairOf(map: unknown, key: string): Pair | null {
  return pairsOf(map, key)[0] ?? null;
}

/** Every pair with this key (a file with a duplicate key has two). */
function pairsOf(map: unknown, key: string): Pair[] {
  if (!isMap(map)) return [];
  return map.items.filter((p) => isScalar(p.key) && p.key.value === key) as Pair[];
}

/**
 * The version 2 text of a version 1 SOP.
 *
 * @example
 * const { text } = migrateV1(readFileSync('old.yaml', 'utf8'));
 */
export function migrateV1(src: string): MigrateResult {
  const docs = parseAllDocuments(src, { merge: true, uniqueKeys: false, logLevel: 'silent' });
  const edits: Edit[] = [];
  let toCheck = 0;
  let migrated = 0;
  for (const doc of Array.isArray(docs) ? docs : []) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    let v: Json;
    try {
      v = doc.toJS({ maxAliasCount: 100 }) as Json;
    } catch {
      return {
        text: null,
        unchanged: false,
        problem: { zh: 'YAML 无法读取（别名）', en: 'the YAML cannot be read (aliases)' },
        toCheck: 0,
      };
    }
    const version = pairOf(root, 'sopforge');
    if (v.sopforge !== 1 || !version || !isScalar(version.value) || !version.value.range) continue;
    migrated += 1;
    const [vs, ve] = version.value.range;
    edits.push({ start: vs, end: ve, text: '2' });

    const tree = v.kind === 'manual' ? manualTree(v) : procedureTree(v);
    const removals: Edit[] = [];
    for (const key of TOP_PROSE) {
      for (const p of pairsOf(root, key)) {
        const e = removePair(src, root, p);
        if (e) removals.push(e);
      }
    }
    removals.sort((a, b) => a.start - b.start);
    const removedLines = removals.reduce(
      (n, e) => n + (src.slice(e.start, e.end).match(/\n/g)?.length ?? 0),
      0,
    );
    const flat = flatBlock(tree, removedLines);
    const lines: string[] = [tree.length > 0 ? 'clauses:' : 'clauses: []  # 待核对：v1 文件中没有原文'];
    toCheck += tree.length > 0 ? (flat ? flat.checks : printDrafts(tree, '  ', lines)) : 1;
    const block = flat ? flat.text : `${lines.join('\n')}\n`;

    let inserted = false;
    for (const e of removals) {
      edits.push(inserted ? e : { ...e, text: block });
      inserted = true;
    }
    if (!inserted) {
      const anchor = pairOf(root, 'effective') ?? pairOf(root, 'version') ?? version;
      const end = (anchor.value as Node | null)?.range?.[2] ?? ve;
      const at = lineEnd(src, end);
      edits.push({ start: at, end: at, text: block });
    }
    const roles = pairOf(root, 'roles')?.value;
    if (isMap(roles)) {
      for (const r of roles.items) {
        const p = pairOf(r.value, 'duties');
        const e = p && removePair(src, r.value as { flow?: boolean }, p);
        if (e) edits.push(e);
      }
    }
    const steps = pairOf(pairOf(root, 'workflow')?.value, 'steps')?.value;
    if (isMap(steps)) {
      for (const s of steps.items) {
        const p = pairOf(s.value, 'tasks');
        const e = p && removePair(src, s.value as { flow?: boolean }, p);
        if (e) edits.push(e);
      }
    }
    const policy = pairOf(pairOf(root, 'review')?.value, 'policy')?.value;
    const rules = pairOf(policy, 'rules');
    const e = rules && removePair(src, policy as { flow?: boolean }, rules);
    if (e) edits.push(e);
  }
  if (migrated === 0) {
    const isV2 = /^sopforge:\s*2\s*$/m.test(src);
    return isV2
      ? { text: src, unchanged: true, problem: null, toCheck: 0 }
      : {
          text: null,
          unchanged: false,
          problem: { zh: '顶层没有 “sopforge: 1”', en: 'no "sopforge: 1" at the top level' },
          toCheck: 0,
        };
  }
  edits.sort((a, b) => b.start - a.start);
  let out = src;
  let floor = Number.POSITIVE_INFINITY;
  for (const e of edits) {
    if (e.end > floor) continue; // nested in an edit already applied (cannot happen with the keys above)
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    floor = e.start;
  }
  return { text: out, unchanged: false, problem: null, toCheck };
}
