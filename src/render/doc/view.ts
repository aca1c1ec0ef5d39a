/**
 * The document as data. The body is the SOP's clause tree exactly as written: the source's numbers,
 * titles and wording, in the source's order, nothing added. What sopforge derives from the rules (the flow
 * of the steps, deadlines, record fields) is printed after the body, in appendices titled as generated,
 * where every row names the clause it comes from. Templates and the PDF renderer only lay this out.
 */
import { basename } from 'node:path';
import type {
  ClauseNode,
  ManualSop,
  ProcedureSop,
  Revision,
  Signoff,
  Sop,
  SopSet,
  Transition,
} from '../../model/types.js';
import { conditionText, effectText } from './conditions.js';
import { clockStartText, timeRuleRows } from './deadlines.js';
import {
  basisText,
  durationText,
  formTitle,
  frequencyText,
  joinList,
  recordRuleText,
  reviewTypeText,
  roleName,
  stepLabel,
  titleWithNumber,
} from './words.js';

/** A block inside a clause: a child clause, or a run of unnumbered lines printed as one list. */
export interface DocBlock {
  readonly isList: boolean;
  readonly clause: DocClause | null;
  readonly items: readonly string[];
}

/** One clause of the body, as written. */
export interface DocClause {
  readonly key: string;
  readonly anchor: string;
  /** The number as the source writes it, or `''`. */
  readonly number: string;
  /** The number followed by what separates it from the text: nothing after `、`, `）`, `)`, `．`; a space otherwise. */
  readonly label: string;
  readonly title: string | null;
  readonly text: string | null;
  /** A titled clause is a heading; an untitled one a paragraph. */
  readonly titled: boolean;
  readonly blocks: readonly DocBlock[];
  /** Markdown heading marks and HTML heading level, for titled clauses. */
  readonly h: string;
  readonly hl: number;
}

export interface CoverRow {
  readonly label: string;
  readonly value: string;
}

export interface RevisionRow {
  readonly version: string;
  readonly date: string;
  readonly type: string;
  readonly by: string;
  readonly summary: string;
  /** 批准: who approved it, and when (a review without changes: who reviewed it); '—' when not recorded. */
  readonly approver: string;
}

export interface RevisionTable {
  readonly title: string;
  readonly anchor: string;
  readonly h: string;
  readonly hl: number;
  readonly rows: readonly RevisionRow[];
}

export interface AppendixRow {
  readonly cells: readonly string[];
}

export interface AppendixTable {
  readonly caption: string | null;
  readonly columns: readonly string[];
  readonly rows: readonly AppendixRow[];
}

/** Derived material: never part of the approved text, and titled so. */
export interface Appendix {
  readonly id: string;
  readonly title: string;
  readonly anchor: string;
  readonly h: string;
  readonly hl: number;
  readonly tables: readonly AppendixTable[];
}

export interface SopView {
  readonly kind: 'procedure';
  readonly id: string;
  readonly heading: string;
  readonly anchor: string;
  readonly h: string;
  readonly hl: number;
  readonly banner: string;
  readonly cover: readonly CoverRow[];
  /** The cover rows on one line (`编号 十五　版本 1.0　生效日期 2026-01-01`), for chapter headings. */
  readonly meta: string;
  readonly body: readonly DocBlock[];
  readonly appendices: readonly Appendix[];
  readonly revisions: RevisionTable;
  /** `document: { controlled: true }`: every page of the PDF carries the mark 受控. */
  readonly controlled: boolean;
  /** The mark at the head of every PDF page: 草稿 DRAFT for a draft, 受控 for a controlled document. */
  readonly mark: string | null;
  /** Effective date of the latest revision (the PDF's creation date). */
  readonly date: string;
}

export interface ManualView {
  readonly kind: 'manual';
  readonly id: string;
  readonly heading: string;
  readonly anchor: string;
  readonly banner: string;
  readonly cover: readonly CoverRow[];
  readonly body: readonly DocBlock[];
  readonly revisions: RevisionTable;
  readonly chapters: readonly SopView[];
  readonly controlled: boolean;
  readonly mark: string | null;
  readonly date: string;
}

function marks(level: number): string {
  return '#'.repeat(Math.min(6, level));
}

/** The source puts no space after a number ending in `、`, `）`, `)` or `．`, and one otherwise. */
export function clauseLabel(number: string | null): string {
  if (number === null) return '';
  return /[、）)．]$/.test(number) ? number : `${number} `;
}

function anchorOf(prefix: string, key: string): string {
  // Keys hold Chinese numbers and punctuation: the anchor keeps letters and digits and codes the rest.
  const safe = [...key].map((ch) => (/[A-Za-z0-9]/.test(ch) ? ch : `_${ch.codePointAt(0)?.toString(16)}_`));
  return `${prefix}-c${safe.join('')}`;
}

function blocks(nodes: readonly ClauseNode[], level: number, prefix: string): DocBlock[] {
  const out: DocBlock[] = [];
  let run: string[] | null = null;
  for (const n of nodes) {
    const plain = n.number === null && n.title === null && n.children.length === 0;
    if (plain) {
      if (!run) {
        run = [];
        out.push({ isList: true, clause: null, items: run });
      }
      run.push(n.text ?? '');
      continue;
    }
    run = null;
    out.push({ isList: false, clause: docClause(n, level, prefix), items: [] });
  }
  return out;
}

function docClause(n: ClauseNode, level: number, prefix: string): DocClause {
  const titled = n.title !== null;
  return {
    key: n.key,
    anchor: anchorOf(prefix, n.key),
    number: n.number ?? '',
    label: clauseLabel(n.number),
    title: n.title,
    text: n.text,
    titled,
    blocks: blocks(n.children, titled ? level + 1 : level, prefix),
    h: marks(level),
    hl: Math.min(6, level),
  };
}

/** `4.1.2` for a clause key, as a table cell; `—` when a rule cites none. */
function cite(key: string | null): string {
  return key ?? '—';
}

/** “…” around a generated mention of a step or ladder (mainland quotes). */
function q(text: string): string {
  return `“${text}”`;
}

/**
 * What an event requires of a checklist's results and what it clears, as the YAML states them:
 * `（须“验收项目”已全部清点，且“验收项目”中没有“结果”为“不合格”的项）`, `（清空“验收项目”已记录的内容）`.
 * Conditions on the event's own fields belong to its form and are not repeated here.
 */
function checklistRules(sop: ProcedureSop, t: Transition): string {
  const needs = t.conditions
    .filter((c) => c.kind === 'checklist-complete' || c.kind === 'checklist-none')
    .map((c) => conditionText(sop, t, c, 'zh'));
  const clears = t.effects.filter((e) => e.kind === 'clear').map((e) => effectText(sop, t, e, 'zh'));
  const parts = [...(needs.length > 0 ? [`须${needs.join('，且')}`] : []), ...clears];
  return parts.length > 0 ? `（${parts.join('；')}）` : '';
}

function flowAppendix(sop: ProcedureSop, level: number, prefix: string, letter: string): Appendix | null {
  const steps = sop.workflow?.steps ?? [];
  if (steps.length === 0) return null;
  const rows: AppendixRow[] = [];
  for (const s of steps) {
    const kind = s.kind === 'final' ? '结束' : s.kind === 'handoff' ? '移交' : '';
    const events = s.transitions.map((t) => {
      const to = t.target ? ` → ${q(stepLabel(sop, t.target))}` : '（留在本步骤）';
      const who = t.role && t.role !== s.role ? `（${roleName(sop, t.role)}）` : '';
      return `${t.label}${who}${checklistRules(sop, t)}${to}${t.clause && t.clause !== s.clause ? `［${t.clause}］` : ''}`;
    });
    for (const timer of s.timers) {
      if (timer.kind === 'before-window-end')
        events.push(`值班结束前 ${durationText(timer.before)} → ${q(stepLabel(sop, timer.target))}`);
    }
    if (s.kind === 'handoff' && s.handoff) {
      const ref = sop.references.find((r) => r.id === s.handoff);
      events.push(`转《${ref?.title ?? s.handoff}》`);
    }
    rows.push({
      cells: [cite(s.clause), s.label, kind || roleName(sop, s.role) || '—', events.join('；') || '—'],
    });
  }
  return {
    id: 'flow',
    title: `附录${letter} 流程（据本规程生成）`,
    anchor: `${prefix}-appendix-flow`,
    h: marks(level),
    hl: Math.min(6, level),
    tables: [{ caption: null, columns: ['条款', '步骤', '岗位', '事件及去向'], rows }],
  };
}

function timeAppendix(sop: ProcedureSop, level: number, prefix: string, letter: string): Appendix | null {
  const rows: AppendixRow[] = [];
  const s = sop.schedule;
  if (s) {
    rows.push({ cells: [cite(s.clause), '值班时间', s.window.label, '—'] });
    if (s.holidayWindow)
      rows.push({ cells: [cite(s.clause), '法定节假日值班时间', s.holidayWindow.label, '—'] });
    if (s.arriveEarly)
      rows.push({ cells: [cite(s.clause), '接班人员提前到岗', durationText(s.arriveEarly), '—'] });
    if (s.handoverPrep)
      rows.push({ cells: [cite(s.clause), '交班前准备', durationText(s.handoverPrep), '—'] });
    if (s.answerWithinRings !== null)
      rows.push({ cells: [cite(s.clause), '接听电话', `铃响 ${s.answerWithinRings} 声内`, '—'] });
    if (s.roster) {
      const days = s.roster.dueDaysBeforeMonth;
      const due = days === null ? '—' : days === 0 ? '每月底前' : `每月底前 ${days} 天`;
      const form = s.roster.form ? formTitle(sop, s.roster.form) : '值班安排表';
      rows.push({
        cells: [cite(s.roster.clause), `编制下月${form}`, due, roleName(sop, s.roster.preparedBy)],
      });
    }
  }
  for (const l of sop.escalations) {
    for (const lv of l.levels) {
      rows.push({
        cells: [
          cite(lv.clause),
          `${l.label}（${l.from.kind === 'enter' ? `自${q(stepLabel(sop, l.from.step))}起` : clockStartText(sop, l.from)}，按${l.basis === 'working' ? basisText(l.basis) : '自然时间'}计）`,
          `超过 ${durationText(lv.after, 'zh', l.basis)}`,
          `${roleName(sop, lv.role)}（→ ${q(stepLabel(sop, lv.step))}）`,
        ],
      });
    }
  }
  for (const r of timeRuleRows(sop)) rows.push({ cells: [cite(r.clause), r.what, r.when, r.who] });
  for (const c of sop.checklists)
    for (const p of c.kind === 'round' ? c.items : [])
      if (p.at) rows.push({ cells: [cite(c.clause), `${c.title}：到达${p.name}`, p.at.text, '—'] });
  for (const a of sop.audits) {
    rows.push({
      cells: [
        cite(a.clause),
        `${a.action ?? ''}${a.covers}${a.signs ? '并签名确认' : ''}`,
        frequencyText(a.frequency),
        roleName(sop, a.role),
      ],
    });
  }
  if (rows.length === 0) return null;
  return {
    id: 'times',
    title: `附录${letter} 时限与周期（据本规程生成）`,
    anchor: `${prefix}-appendix-times`,
    h: marks(level),
    hl: Math.min(6, level),
    tables: [{ caption: null, columns: ['条款', '事项', '时间或时限', '岗位'], rows }],
  };
}

function recordAppendix(sop: ProcedureSop, level: number, prefix: string, letter: string): Appendix | null {
  if (sop.forms.length === 0 && sop.records.length === 0 && sop.checklists.length === 0) return null;
  const rows: AppendixRow[] = sop.forms.map((f) => {
    const rec = sop.records.find((r) => r.form === f.id);
    const fields = [...f.fields, ...f.columns].map((c) => c.label);
    const keeping: string[] = [];
    if (rec?.custodian) keeping.push(`保管：${roleName(sop, rec.custodian)}`);
    if (rec?.retention) keeping.push(`保存期 ${durationText(rec.retention)}`);
    for (const rule of rec?.rules ?? []) keeping.push(recordRuleText(rule));
    return {
      cells: [
        cite(rec?.clause ?? null),
        `《${f.title}》`,
        joinList(fields) || '—',
        keeping.join('；') || '—',
      ],
    };
  });
  for (const c of sop.checklists) {
    // A patrol round is worded as one: its points in order, each with what is checked there and when.
    const entries =
      c.kind === 'round'
        ? c.items
            .map((p) => `${p.name}${p.check ? `（${p.check}）` : ''}${p.at ? ` ${p.at.text}` : ''}`)
            .join(' → ')
        : joinList(c.items.map((i) => i.name));
    const title = c.kind === 'round' ? `${c.title}（逐点到达，记到达时间、情况并签名）` : c.title;
    rows.push({ cells: [cite(c.clause), title, entries, '—'] });
  }
  const rounds = sop.checklists.some((c) => c.kind === 'round');
  return {
    id: 'records',
    title: `附录${letter} 记录表格（据本规程生成）`,
    anchor: `${prefix}-appendix-records`,
    h: marks(level),
    hl: Math.min(6, level),
    tables: [
      {
        caption: null,
        columns: [
          '条款',
          rounds ? '表格、清单或巡查路线' : '表格或清单',
          rounds ? '栏目、物品或巡查点' : '栏目或物品',
          '保存',
        ],
        rows,
      },
    ],
  };
}

function revisionTable(sop: Sop, level: number, anchorPrefix: string): RevisionTable {
  return {
    title: '修订记录',
    anchor: `${anchorPrefix}-revisions`,
    h: marks(level),
    hl: Math.min(6, level),
    rows: sop.revisions.map((r) => ({
      version: r.version,
      date: r.date,
      type: `${reviewTypeText(r.type)}${r.unchanged ? '（未修改）' : ''}`,
      by: joinList(r.by),
      summary: r.summary,
      approver: r.approvedBy ? signoffText(r.approvedBy) : r.unchanged ? `${joinList(r.by)}（复审）` : '—',
    })),
  };
}

/** Latest revision date, else the effective date: the document's date everywhere a date is printed. */
export function documentDate(sop: Sop): string {
  let date = sop.effective;
  for (const r of sop.revisions) if (r.date > date) date = r.date;
  return date;
}

const signoffText = (s: Signoff) => (s.date ? `${s.name}　${s.date}` : s.name);

/** The revision that issued the current version (not a review without changes), when it records approvals. */
function issuingRevision(sop: Sop): Revision | null {
  const r = [...sop.revisions].reverse().find((x) => x.version === sop.version && !x.unchanged);
  return r && (r.preparedBy || r.reviewedBy || r.approvedBy) ? r : null;
}

/**
 * The header block: identity, then the document control — only what the YAML states (a SOP without
 * `document:` and without approvals recorded by `revise` prints none of 文件编号, 编制, 审核, 批准, 受控).
 * 编制 / 审核 / 批准 are those of the revision that issued the current version when it records them,
 * else those of `document:`. A draft says so instead of 受控.
 */
function coverRows(sop: Sop): CoverRow[] {
  const rows: CoverRow[] = [];
  const d = sop.document;
  if (d?.number) rows.push({ label: '文件编号', value: d.number });
  if (sop.number) rows.push({ label: '编号', value: sop.number });
  if (sop.department) rows.push({ label: '部门', value: sop.department });
  rows.push({ label: '版本', value: sop.version });
  rows.push({ label: '生效日期', value: sop.effective });
  const issued = issuingRevision(sop);
  if (issued && issued.effective !== null && issued.effective !== issued.date)
    rows.push({ label: '批准日期', value: issued.date });
  const from = issued ?? d;
  const signed: readonly [string, Signoff | null | undefined][] = [
    ['编制', from?.preparedBy],
    ['审核', from?.reviewedBy],
    ['批准', from?.approvedBy],
  ];
  for (const [label, s] of signed) {
    if (s) rows.push({ label, value: signoffText(s) });
  }
  if (sop.draft)
    rows.push({
      label: '受控状态',
      value: `草稿 / DRAFT（与批准的版本 ${sop.draft.approvedVersion} 不同，未经批准）`,
    });
  else if (d?.controlled) rows.push({ label: '受控状态', value: '受控' });
  return rows;
}

/** 草稿 DRAFT on a draft, 受控 on a controlled document, else nothing. */
function pageMark(sop: Sop): string | null {
  return sop.draft ? '草稿 DRAFT' : sop.document?.controlled ? '受控' : null;
}

/** The manual is a draft when it or any of its chapters is. */
function manualMark(manual: ManualSop, set: SopSet): string | null {
  return manual.draft || manualChapters(manual, set).some((c) => c.draft) ? '草稿 DRAFT' : pageMark(manual);
}

function banner(sop: Sop): string {
  // Printed inside an HTML/Markdown comment: a file name must not close it.
  const file = basename(sop.file).replace(/-{2,}|[<>]/g, '_');
  return `由 sopforge 从 ${file}（版本 ${sop.version}）生成，请勿手工修改。`;
}

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'];

/**
 * The view of a procedure SOP. `level` is the heading level of its title (1 standalone, 2 as a chapter).
 *
 * @example
 * const view = procedureView(sop); view.body[0]?.clause?.number; // '1.0'
 */
export function procedureView(sop: ProcedureSop, level = 1, chapterPrefix = ''): SopView {
  const a = `${chapterPrefix}${sop.id}`;
  const l = level + 1;
  const makers = [flowAppendix, timeAppendix, recordAppendix];
  const appendices: Appendix[] = [];
  for (const make of makers) {
    const made = make(sop, l, a, LETTERS[appendices.length] ?? String(appendices.length + 1));
    if (made) appendices.push(made);
  }
  const cover = coverRows(sop);
  return {
    kind: 'procedure',
    id: sop.id,
    heading: titleWithNumber(sop.title, sop.number),
    anchor: a,
    h: marks(level),
    hl: Math.min(6, level),
    banner: banner(sop),
    cover,
    meta: cover.map((r) => `${r.label} ${r.value}`).join('　'),
    body: blocks(sop.clauses, l, a),
    appendices,
    revisions: revisionTable(sop, l, a),
    controlled: sop.document?.controlled ?? false,
    mark: pageMark(sop),
    date: documentDate(sop),
  };
}

/** The chapters of a manual: its listed SOPs in order, then any other procedure of the set by id. */
export function manualChapters(manual: ManualSop, set: SopSet): ProcedureSop[] {
  const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
  const listed = manual.chapters.flatMap((id) => procedures.filter((p) => p.id === id));
  const rest = procedures
    .filter((p) => !manual.chapters.includes(p.id))
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return [...listed, ...rest];
}

/** The view of the manual: its own clauses (outline, guide, review rules), its revisions, then the chapters. */
export function manualView(manual: ManualSop, set: SopSet): ManualView {
  const a = manual.id;
  return {
    kind: 'manual',
    id: manual.id,
    heading: titleWithNumber(manual.title, manual.number),
    anchor: a,
    banner: banner(manual),
    cover: coverRows(manual),
    body: blocks(manual.clauses, 2, a),
    revisions: revisionTable(manual, 2, a),
    chapters: manualChapters(manual, set).map((sop) => procedureView(sop, 2, `${a}-ch-`)),
    controlled: manual.document?.controlled ?? false,
    mark: manualMark(manual, set),
    date: documentDate(manual),
  };
}
