/**
 * The document as data: numbered sections and clauses whose sentences are generated from the model
 * (times, thresholds, roles, items, records), so the Markdown, HTML and PDF say the same thing as the
 * machine and the forms. Templates and the PDF renderer only lay this structure out.
 */
import { basename } from 'node:path';
import { plannedReviews, reviewInterval } from '../../history/schedule.js';
import type {
  Checklist,
  DutyWindow,
  EscalationLadder,
  ManualSop,
  ProcedureSop,
  Sop,
  SopSet,
  Step,
} from '../../model/types.js';
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

/** A numbered clause: a heading with children, or a sentence with an optional list of items. */
export interface DocClause {
  readonly number: string;
  readonly title: string | null;
  readonly text: string | null;
  readonly items: readonly string[];
  readonly children: readonly DocClause[];
  /** Markdown heading marks and HTML heading level, for titled clauses. */
  readonly h: string;
  readonly hl: number;
}

export interface DocSection {
  readonly id: string;
  readonly number: string;
  readonly title: string;
  readonly anchor: string;
  readonly h: string;
  readonly hl: number;
  /** A paragraph before the clauses (purpose, scope). */
  readonly text: string | null;
  readonly clauses: readonly DocClause[];
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
  readonly changes: readonly string[];
  readonly hash: string;
}

export interface RevisionTable {
  readonly title: string;
  readonly anchor: string;
  readonly h: string;
  readonly hl: number;
  readonly rows: readonly RevisionRow[];
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
  readonly review: readonly string[];
  readonly sections: {
    readonly purpose: DocSection;
    readonly scope: DocSection;
    readonly duties: DocSection;
    readonly procedure: DocSection;
    readonly records: DocSection;
    readonly references: DocSection;
  };
  /** The same sections in document order, for renderers that do not need them by name. */
  readonly order: readonly DocSection[];
  readonly revisions: RevisionTable;
  /** Effective date of the latest revision (the PDF's creation date). */
  readonly date: string;
}

export interface TocEntry {
  readonly number: string;
  readonly title: string;
  readonly anchor: string;
  readonly level: number;
}

export interface ManualView {
  readonly kind: 'manual';
  readonly id: string;
  readonly heading: string;
  readonly anchor: string;
  readonly banner: string;
  readonly cover: readonly CoverRow[];
  readonly review: readonly string[];
  readonly toc: readonly TocEntry[];
  readonly front: readonly DocSection[];
  readonly chapters: readonly SopView[];
  readonly disclaimer: string | null;
  readonly revisions: RevisionTable;
  readonly date: string;
}

const SECTION_NUMBERS = ['1.0', '2.0', '3.0', '4.0', '5.0', '6.0', '7.0', '8.0', '9.0'];
const CN_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function marks(level: number): string {
  return '#'.repeat(Math.min(6, level));
}

class Numberer {
  private n = 0;
  constructor(
    private readonly prefix: string,
    private readonly level: number,
  ) {}
  private next(): string {
    this.n += 1;
    return `${this.prefix}.${this.n}`;
  }
  leaf(text: string, items: readonly string[] = []): DocClause {
    return {
      number: this.next(),
      title: null,
      text,
      items,
      children: [],
      h: marks(this.level),
      hl: Math.min(6, this.level),
    };
  }
  /** A sub-heading followed by a list, e.g. a workflow step and what is done in it. */
  titled(title: string, items: readonly string[]): DocClause {
    return {
      number: this.next(),
      title,
      text: null,
      items,
      children: [],
      h: marks(this.level),
      hl: Math.min(6, this.level),
    };
  }
  group(
    title: string,
    build: (inner: Numberer) => DocClause[],
    text: string | null = null,
    items: readonly string[] = [],
  ): DocClause {
    const number = this.next();
    const inner = new Numberer(number, this.level + 1);
    return {
      number,
      title,
      text,
      items,
      children: build(inner),
      h: marks(this.level),
      hl: Math.min(6, this.level),
    };
  }
}

function section(
  id: string,
  index: number,
  title: string,
  level: number,
  anchorPrefix: string,
  text: string | null,
  clauses: (n: Numberer) => DocClause[],
): DocSection {
  const number = SECTION_NUMBERS[index] ?? `${index + 1}.0`;
  const prefix = number.replace(/\.0$/, '');
  return {
    id,
    number,
    title,
    anchor: `${anchorPrefix}-${id}`,
    h: marks(level),
    hl: Math.min(6, level),
    text,
    clauses: clauses(new Numberer(prefix, level + 1)),
  };
}

function windowSentence(w: DutyWindow): string {
  const hours =
    w.lengthMinutes % 60 === 0
      ? `${w.lengthMinutes / 60} 小时`
      : `${Math.floor(w.lengthMinutes / 60)} 小时 ${w.lengthMinutes % 60} 分钟`;
  return `${w.label}（${hours}）`;
}

/** Who is on duty: the role of the workflow's first step, else the generic 值班人员. */
function dutyRoleName(sop: ProcedureSop): string {
  const first = sop.workflow?.steps.find((s) => s.id === sop.workflow?.initial);
  return first?.role ? roleName(sop, first.role) : '值班人员';
}

function scheduleClauses(sop: ProcedureSop, n: Numberer): DocClause[] {
  const s = sop.schedule;
  if (!s) return [];
  const out: DocClause[] = [];
  const r = s.roster;
  if (r) {
    const form = r.form ? formTitle(sop, r.form) : '值班安排表';
    const due = r.dueDaysBeforeMonth === 0 ? '每月底前' : `每月底前 ${r.dueDaysBeforeMonth} 天`;
    const approval = r.approvedBy ? `，报${roleName(sop, r.approvedBy)}审批` : '';
    out.push(
      n.leaf(
        `${roleName(sop, r.preparedBy)}${due}编制完成下月${form}${approval}，${dutyRoleName(sop)}依据${form}进行值班。`,
      ),
    );
    if (r.leaveApprovedBy) {
      const who = roleName(sop, r.leaveApprovedBy);
      out.push(
        n.leaf(
          `有事不能值班，须向${who}请假，经批准后，由${who}安排其他人员顶班${r.privateSwapsForbidden ? '，未批准前，不允许私自调班' : ''}。`,
        ),
      );
    } else if (r.privateSwapsForbidden) {
      out.push(n.leaf('未经批准，不允许私自调班。'));
    }
  }
  const holiday = s.holidayWindow ? `；节假日值班时间为：${windowSentence(s.holidayWindow)}` : '';
  out.push(n.leaf(`正常的值班时间为：${windowSentence(s.window)}${holiday}。`));
  if (s.arriveEarly) out.push(n.leaf(`接班人员提前 ${durationText(s.arriveEarly)}到岗进行岗位交接工作。`));
  if (s.handoverPrep) out.push(n.leaf(`交班人员在交班前 ${durationText(s.handoverPrep)}做好交班准备。`));
  if (s.answerWithinRings !== null)
    out.push(n.leaf(`值班人员应在电话铃响 ${s.answerWithinRings} 声内接听电话。`));
  if (s.hotlineAnswerOnly) out.push(n.leaf('值班热线电话原则上只允许接听，不允许拨打。'));
  return out;
}

function checklistClause(c: Checklist, n: Numberer): DocClause {
  const items = c.items.map((i) => i.name);
  return n.leaf(`${c.title}：清点${joinList(items)}，共 ${items.length} 项。${c.onProblem ?? ''}`, items);
}

function stepClause(sop: ProcedureSop, step: Step, n: Numberer): DocClause {
  const who = step.role ? `（${roleName(sop, step.role)}）` : '';
  const items: string[] = step.tasks.map((t) => t.text);
  for (const t of step.transitions) {
    const notes: string[] = [];
    if (t.role && t.role !== step.role) notes.push(`${roleName(sop, t.role)}负责`);
    const fields = t.payload.filter((f) => f.required).map((f) => f.label);
    if (fields.length > 0) notes.push(`记录：${joinList(fields)}`);
    const to = t.target ? `，转入「${stepLabel(sop, t.target)}」` : '';
    const refusal = t.refusal ? `。要求：${t.refusal.replace(/。$/, '')}` : '';
    items.push(`${t.label}${notes.length > 0 ? `（${notes.join('；')}）` : ''}${to}${refusal}。`);
  }
  for (const timer of step.timers) {
    if (timer.kind === 'before-window-end') {
      items.push(
        `值班结束前 ${durationText(timer.before)}，转入「${stepLabel(sop, timer.target)}」（${timer.label}）。`,
      );
    }
  }
  for (const ladder of step.startsClocks) {
    const l = sop.escalations.find((e) => e.id === ladder);
    if (l) items.push(`自本步骤起计算“${l.label}”的时限（见逐级上报）。`);
  }
  if (step.kind === 'handoff' && step.handoff) {
    const ref = sop.references.find((r) => r.id === step.handoff);
    items.push(`转《${ref?.title ?? step.handoff}》处理${ref?.note ? `：${ref.note}` : '。'}`);
  }
  return n.titled(`${step.label}${who}`, items);
}

function ladderClause(sop: ProcedureSop, l: EscalationLadder, n: Numberer): DocClause {
  const watch =
    l.watch.length > 0 ? `，「${l.watch.map((w) => stepLabel(sop, w)).join('」「')}」期间同样计时` : '';
  const items = l.levels.map(
    (level) =>
      `超过 ${durationText(level.after, 'zh', l.basis)}未处理完毕的，转由${roleName(sop, level.role)}负责处理（转入「${stepLabel(sop, level.step)}」）。`,
  );
  return n.leaf(
    `${l.label}：自「${stepLabel(sop, l.startsAt)}」起按${basisText(l.basis)}计算${watch}。`,
    items,
  );
}

function procedureClauses(sop: ProcedureSop, n: Numberer): DocClause[] {
  const out: DocClause[] = [];
  if (sop.schedule) out.push(n.group('值班安排与值班时间', (m) => scheduleClauses(sop, m)));
  const lists: [string, readonly { text: string }[]][] = [
    ['值班时的主要工作：', sop.mainDuties],
    ['值班期间处理工作应遵循的原则：', sop.principles],
    ['值班的纪律：', sop.discipline],
    ['值班时的权利：', sop.rights],
  ];
  for (const [heading, clauses] of lists) {
    if (clauses.length > 0)
      out.push(
        n.leaf(
          heading,
          clauses.map((c) => c.text),
        ),
      );
  }
  if (sop.onCall) {
    const roles = joinList(sop.onCall.roles.map((r) => roleName(sop, r)));
    out.push(
      n.leaf(sop.onCall.rule.text, [`保持畅通的岗位：${roles}`, `通讯工具：${joinList(sop.onCall.devices)}`]),
    );
  }
  if (sop.checklists.length > 0)
    out.push(n.group('公物清点', (m) => sop.checklists.map((c) => checklistClause(c, m))));
  const steps = sop.workflow?.steps ?? [];
  const working = steps.filter((s) => s.kind !== 'final');
  const finals = steps.filter((s) => s.kind === 'final');
  if (working.length > 0) {
    out.push(
      n.group('作业流程', (m) => [
        ...working.map((s) => stepClause(sop, s, m)),
        ...(finals.length > 0
          ? [m.leaf(`流程结束于${finals.map((s) => `「${s.label}」`).join('或')}。`)]
          : []),
      ]),
    );
  }
  if (sop.escalations.length > 0)
    out.push(n.group('逐级上报', (m) => sop.escalations.map((l) => ladderClause(sop, l, m))));
  if (sop.audits.length > 0) {
    out.push(
      n.group('检查与审核', (m) =>
        sop.audits.map((a) => {
          const what = a.form ? `${formTitle(sop, a.form)}（${a.covers}）` : a.covers;
          return m.leaf(
            `${roleName(sop, a.role)}${frequencyText(a.frequency)}检查${what}${a.signs ? '并签名确认' : ''}。`,
          );
        }),
      ),
    );
  }
  for (const note of sop.notes) out.push(n.leaf(note.text));
  return out;
}

function dutyClauses(sop: Sop, n: Numberer): DocClause[] {
  return sop.roles
    .filter((r) => r.duties.length > 0)
    .map((r) => {
      const [only] = r.duties;
      if (r.duties.length === 1 && only) return n.leaf(`${r.name}${only.text}`);
      return n.group(r.name, (m) => r.duties.map((d) => m.leaf(d.text)));
    });
}

function recordClauses(sop: ProcedureSop, n: Numberer): DocClause[] {
  return sop.records.map((r) => {
    const parts: string[] = [];
    if (r.custodian) parts.push(`由${roleName(sop, r.custodian)}统一保管`);
    if (r.retention) parts.push(`保存期 ${durationText(r.retention)}`);
    if (r.minRetention) parts.push(`最短保存 ${durationText(r.minRetention)}`);
    for (const rule of r.rules) parts.push(recordRuleText(rule));
    return n.leaf(
      parts.length > 0 ? `${formTitle(sop, r.form)}：${parts.join('，')}。` : formTitle(sop, r.form),
    );
  });
}

function referenceClauses(sop: Sop, n: Numberer): DocClause[] {
  return sop.references.map((r) => n.leaf(`《${r.title}》${r.note ? `：${r.note}` : ''}`));
}

function revisionTable(sop: Sop, level: number, anchorPrefix: string): RevisionTable {
  const rows = sop.revisions.map((r) => ({
    version: r.version,
    date: r.date,
    type: reviewTypeText(r.type),
    by: joinList(r.by),
    summary: r.summary,
    changes: [...r.changes],
    hash: (r.hash ?? '').slice(0, 12),
  }));
  return {
    title: '修订记录',
    anchor: `${anchorPrefix}-revisions`,
    h: marks(level),
    hl: Math.min(6, level),
    rows,
  };
}

/** Latest revision date, else the effective date: the document's date everywhere a date is printed. */
export function documentDate(sop: Sop): string {
  let date = sop.effective;
  for (const r of sop.revisions) if (r.date > date) date = r.date;
  return date;
}

function reviewLines(sop: Sop): string[] {
  const last = sop.revisions[sop.revisions.length - 1];
  const lines: string[] = [];
  if (last) lines.push(`最近一次：${last.date} ${reviewTypeText(last.type)}（版本 ${last.version}）`);
  for (const p of plannedReviews(sop)) {
    lines.push(
      `下次${p.kind === 'annual' ? '年度复审' : '半年调整'}：${p.next} 前（每 ${durationText(reviewInterval(sop, p.kind))}）`,
    );
  }
  const open = sop.feedback.filter((f) => f.status === 'open').length;
  lines.push(`待处理的员工反馈：${open} 条`);
  return lines;
}

function coverRows(sop: Sop): CoverRow[] {
  const rows: CoverRow[] = [];
  if (sop.number) rows.push({ label: '编号', value: sop.number });
  if (sop.department) rows.push({ label: '部门', value: sop.department });
  rows.push({ label: '版本', value: sop.version });
  rows.push({ label: '生效日期', value: sop.effective });
  return rows;
}

function banner(sop: Sop): string {
  // Printed inside an HTML/Markdown comment: a file name must not close it.
  const file = basename(sop.file).replace(/-{2,}|[<>]/g, '_');
  return `由 sopforge 从 ${file}（版本 ${sop.version}）生成，请勿手工修改。`;
}

/**
 * The view of a procedure SOP. `level` is the heading level of its title (1 standalone, 2 as a chapter).
 *
 * @example
 * const view = procedureView(sop); view.sections.procedure.clauses[0].number; // '4.1'
 */
export function procedureView(sop: ProcedureSop, level = 1, chapterPrefix = ''): SopView {
  const a = `${chapterPrefix}${sop.id}`;
  const l = level + 1;
  const order = [
    section('purpose', 0, '目的', l, a, sop.purpose, () => []),
    section('scope', 1, '适用范围', l, a, sop.scope, () => []),
    section('duties', 2, '职责', l, a, null, (n) => dutyClauses(sop, n)),
    section('procedure', 3, '程序要点', l, a, null, (n) => procedureClauses(sop, n)),
    section('records', 4, '记录', l, a, sop.records.length === 0 ? '无。' : null, (n) =>
      recordClauses(sop, n),
    ),
    section('references', 5, '相关支持文件', l, a, sop.references.length === 0 ? '无。' : null, (n) =>
      referenceClauses(sop, n),
    ),
  ] as const;
  return {
    kind: 'procedure',
    id: sop.id,
    heading: titleWithNumber(sop.title, sop.number),
    anchor: a,
    h: marks(level),
    hl: Math.min(6, level),
    banner: banner(sop),
    cover: coverRows(sop),
    meta: coverRows(sop)
      .map((r) => `${r.label} ${r.value}`)
      .join('　'),
    review: reviewLines(sop),
    sections: {
      purpose: order[0],
      scope: order[1],
      duties: order[2],
      procedure: order[3],
      records: order[4],
      references: order[5],
    },
    order,
    revisions: revisionTable(sop, l, a),
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

function yesNo(b: boolean): string {
  return b ? '是' : '否';
}

/**
 * The view of the manual: its outline, review rules and every procedure of the set as a chapter.
 */
export function manualView(manual: ManualSop, set: SopSet): ManualView {
  const a = manual.id;
  const purpose = section('purpose', 0, '目的', 2, a, manual.purpose, () => []);
  const scope = section('scope', 1, '适用范围', 2, a, manual.scope, () => []);
  const outline = section('outline', 2, '编制大纲', 2, a, null, (n) =>
    manual.sections.map((s, i) => ({ ...n.leaf(`${s.title}：${s.guide}`), number: `${i + 1}.` })),
  );
  const p = manual.review;
  const reviewRules = section('review-rules', 3, '复审规定', 2, a, null, (n) => [
    ...p.rules.map((r, i) => ({ ...n.leaf(r.text), number: r.clause ? `${r.clause}.` : `${i + 1}.` })),
    {
      ...n.leaf('执行要求：', [
        `年度复审周期：${durationText(reviewInterval(manual, 'annual'))}`,
        `半年调整周期：${durationText(reviewInterval(manual, 'semiannual'))}`,
        `接受员工实时反馈：${yesNo(p.feedback)}`,
        `专家评审：${yesNo(p.expert)}`,
        `每次复审均须记录：${yesNo(p.recordEveryReview)}`,
      ]),
      number: '注：',
    },
  ]);
  const front = [purpose, scope, outline, reviewRules].map((s, i) => ({
    ...s,
    number: `${CN_NUMBERS[i] ?? ''}、`,
  }));
  const chapters = manualChapters(manual, set).map((sop) => procedureView(sop, 2, `${a}-ch-`));
  // The manual's own revision record follows its review rules, before the chapters.
  const revisionNumber = CN_NUMBERS[front.length] ?? String(front.length + 1);
  const table = revisionTable(manual, 2, a);
  const revisions = { ...table, title: `${revisionNumber}、${table.title}` };
  const toc: TocEntry[] = [
    ...front.map((s) => ({
      number: s.number.replace(/、$/, ''),
      title: s.title,
      anchor: s.anchor,
      level: 1,
    })),
    { number: revisionNumber, title: table.title, anchor: table.anchor, level: 1 },
    ...chapters.map((c, i) => ({
      number: `第${CN_NUMBERS[i] ?? String(i + 1)}章`,
      title: c.heading,
      anchor: c.anchor,
      level: 1,
    })),
  ];
  return {
    kind: 'manual',
    id: manual.id,
    heading: titleWithNumber(manual.title, manual.number),
    anchor: a,
    banner: banner(manual),
    cover: coverRows(manual),
    review: reviewLines(manual),
    toc,
    front,
    chapters: chapters.map((c, i) => ({
      ...c,
      heading: `${toc[i + front.length + 1]?.number ?? ''}　${c.heading}`,
    })),
    disclaimer: manual.disclaimer,
    revisions,
    date: documentDate(manual),
  };
}
