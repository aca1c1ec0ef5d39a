import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import {
  checkTemplates,
  createDocumentTarget,
  DocTemplates,
  documentTarget,
  procedureView,
  TemplateError,
} from '../../src/render/doc/index.js';
import {
  durationText,
  formTitle,
  frequencyText,
  recordRuleText,
  roleName,
} from '../../src/render/doc/words.js';
import { tempDir } from '../helpers.js';
import { bundledSet, bundledText, edit, loadText, manual } from './helpers.js';

interface Dom {
  readonly textContent: string | null;
  readonly documentElement: { readonly lang: string };
  querySelector(selector: string): Dom | null;
  querySelectorAll(selector: string): Iterable<Dom>;
}

function text(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}

async function emit(
  sop: ProcedureSop | Awaited<ReturnType<typeof manual>>,
  set: SopSet,
): Promise<Map<string, string | Uint8Array>> {
  const artifacts = await documentTarget.emit(sop, { set });
  return new Map(artifacts.map((a) => [a.path, a.data]));
}

/** Every rule the model holds, as the words the document must contain. */
function ruleWords(sop: ProcedureSop): string[] {
  const words: string[] = [sop.title, sop.purpose, sop.scope, sop.version, sop.effective];
  if (sop.number) words.push(sop.number);
  for (const r of sop.roles) {
    words.push(r.name);
    for (const d of r.duties) words.push(d.text);
  }
  const s = sop.schedule;
  if (s) {
    words.push(s.window.label);
    if (s.holidayWindow) words.push(s.holidayWindow.label);
    if (s.arriveEarly) words.push(`提前 ${durationText(s.arriveEarly)}`);
    if (s.handoverPrep) words.push(`交班前 ${durationText(s.handoverPrep)}`);
    if (s.answerWithinRings !== null) words.push(`${s.answerWithinRings} 声内接听`);
    if (s.hotlineAnswerOnly) words.push('只允许接听，不允许拨打');
    if (s.roster) {
      words.push(`${roleName(sop, s.roster.preparedBy)}每月底前`);
      if (s.roster.form) words.push(formTitle(sop, s.roster.form));
      if (s.roster.leaveApprovedBy) words.push(`须向${roleName(sop, s.roster.leaveApprovedBy)}请假`);
      if (s.roster.privateSwapsForbidden) words.push('不允许私自调班');
    }
  }
  for (const list of [sop.mainDuties, sop.principles, sop.discipline, sop.rights, sop.notes])
    for (const c of list) words.push(c.text);
  if (sop.onCall) {
    words.push(sop.onCall.rule.text, ...sop.onCall.devices, ...sop.onCall.roles.map((r) => roleName(sop, r)));
  }
  for (const c of sop.checklists) {
    words.push(c.title, ...c.items.map((i) => i.name));
    if (c.onProblem) words.push(c.onProblem);
  }
  for (const step of sop.workflow?.steps ?? []) {
    words.push(step.label);
    for (const t of step.tasks) words.push(t.text);
    for (const tr of step.transitions) {
      words.push(tr.label);
      if (tr.refusal) words.push(tr.refusal.replace(/。$/, ''));
    }
    for (const timer of step.timers)
      if (timer.kind === 'before-window-end') words.push(`值班结束前 ${durationText(timer.before)}`);
  }
  for (const l of sop.escalations) {
    words.push(l.label);
    for (const level of l.levels)
      words.push(
        `超过 ${durationText(level.after, 'zh', l.basis)}未处理完毕的，转由${roleName(sop, level.role)}负责处理`,
      );
  }
  for (const a of sop.audits) {
    words.push(`${roleName(sop, a.role)}${frequencyText(a.frequency)}检查`, a.covers);
    if (a.form) words.push(formTitle(sop, a.form));
  }
  for (const r of sop.records) {
    words.push(formTitle(sop, r.form));
    if (r.retention) words.push(`保存期 ${durationText(r.retention)}`);
    if (r.custodian) words.push(roleName(sop, r.custodian));
    for (const rule of r.rules) words.push(recordRuleText(rule));
  }
  for (const ref of sop.references) {
    words.push(ref.title);
    if (ref.note) words.push(ref.note);
  }
  for (const rev of sop.revisions) words.push(rev.version, rev.date, rev.summary, ...rev.by);
  return words;
}

describe('the SOP document', () => {
  let set: SopSet;
  beforeAll(async () => {
    set = await bundledSet();
  });

  it('states every rule of each bundled procedure, in Markdown and HTML', async () => {
    const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
    expect(procedures.length).toBeGreaterThanOrEqual(4);
    for (const sop of procedures) {
      const files = await emit(sop, set);
      const md = text(files.get('sop.md') ?? '');
      const html = text(files.get('sop.html') ?? '');
      const missing = ruleWords(sop).filter((w) => !md.includes(w));
      expect(missing, `${sop.id}: missing in sop.md`).toEqual([]);
      // HTML escapes quotes and such, so compare on words without characters HTML would escape.
      const plain = ruleWords(sop).filter((w) => !/[<>&"'`=]/.test(w));
      expect(
        plain.filter((w) => !html.includes(w)),
        `${sop.id}: missing in sop.html`,
      ).toEqual([]);
    }
  });

  it('numbers the sections like the seeds and puts the review status and revision history in', async () => {
    const sop = set.sops.find((s) => s.id === 'duty-handover-public-affairs') as ProcedureSop;
    const md = text((await emit(sop, set)).get('sop.md') ?? '');
    const headings = [...md.matchAll(/^## (\d\.0) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings).toEqual([
      '1.0 目的',
      '2.0 适用范围',
      '3.0 职责',
      '4.0 程序要点',
      '5.0 记录',
      '6.0 相关支持文件',
    ]);
    expect(md).toContain('**3.1** 公共事务部主管负责安排值班与交接班工作及值班抽查工作。');
    expect(md).toContain(
      '正常的值班时间为：17:30–次日08:30（15 小时）；节假日值班时间为：08:30–次日08:30（24 小时）。',
    );
    expect(md).toContain(
      '| 复审状态 | 最近一次：2026-01-01 首次编制（版本 1.0）<br>下次年度复审：2027-01-01 前',
    );
    expect(md).toContain('下次半年调整：2026-07-01 前');
    expect(md).toContain('## 修订记录');
    expect(md).toMatch(/\| 1\.0 \| 2026-01-01 \| 首次编制 \| 品质管理部 \| 依据种子文本首次编制。 \|/);
  });

  it('generates the escalation sentences from the ladder, so a changed threshold changes the text', async () => {
    const changed = loadText(
      edit(
        bundledText('front-desk-reception'),
        '{ after: 2d, role: cs-supervisor',
        '{ after: 3d, role: cs-supervisor',
      ),
    ) as ProcedureSop;
    const md = DocTemplates.load('md').render('sop', procedureView(changed));
    expect(md).toContain('超过 3 天未处理完毕的，转由客服主管负责处理（转入「客服主管跟踪处理」）。');
    expect(md).not.toContain('超过 2 天未处理完毕的');
    expect(md).toContain('超过 1 周未处理完毕的，转由经理负责处理');
  });

  it('escapes untrusted text in HTML and in Markdown', async () => {
    const evil = '<script>alert("x")</script> & <b>bold</b>';
    const sop = loadText(
      edit(
        bundledText('front-desk-reception'),
        'scope: 适用于管理（服务）中心前台接待人员。',
        `scope: '${evil}'`,
      ),
    ) as ProcedureSop;
    const html = DocTemplates.load('html').render('sop', procedureView(sop));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    const md = DocTemplates.load('md').render('sop', procedureView(sop));
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> \\& \\<b\\>bold\\</b\\>');
  });

  it('writes well-formed HTML with the six numbered sections and the revision table', async () => {
    // jsdom ships no types; the few DOM calls used here are typed by hand.
    const jsdom = 'jsdom';
    const { JSDOM } = (await import(jsdom)) as { JSDOM: new (html: string) => { window: { document: Dom } } };
    const sop = set.sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const html = text((await emit(sop, set)).get('sop.html') ?? '');
    const doc = new JSDOM(html).window.document;
    expect(doc.documentElement.lang).toBe('zh-CN');
    expect(doc.querySelector('h1')?.textContent).toBe('物业服务中心前台接待业主作业规程（十五）');
    expect([...doc.querySelectorAll('section > h2')].map((h) => h.textContent)).toEqual([
      '1.0目的',
      '2.0适用范围',
      '3.0职责',
      '4.0程序要点',
      '5.0记录',
      '6.0相关支持文件',
      '修订记录',
    ]);
    const rows = [...doc.querySelectorAll('.revisions tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toEqual([['1.0', '2026-01-01', '首次编制', '品质管理部', '依据种子文本首次编制。', '', '']]);
    expect(doc.querySelector('.cover-table')?.textContent).toContain('下次年度复审：2027-01-01 前');
  });

  it('renders the same bytes twice (no wall-clock dates)', async () => {
    const sop = set.sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const a = await emit(sop, set);
    const b = await emit(sop, set);
    for (const [path, data] of a)
      expect(Buffer.from(b.get(path) ?? '').equals(Buffer.from(data)), path).toBe(true);
  });
});

describe('the manual', () => {
  it('has the nine-section outline, the review rules, a table of contents and every SOP as a chapter', async () => {
    const set = await bundledSet();
    const m = await manual();
    const files = await emit(m, set);
    expect([...files.keys()]).toEqual(['manual.md', 'manual.html', 'manual.pdf']);
    const md = text(files.get('manual.md') ?? '');
    expect(m.sections).toHaveLength(9);
    for (const s of m.sections) expect(md).toContain(`${s.title}：${s.guide}`);
    for (const r of m.review.rules) expect(md).toContain(r.text);
    if (m.disclaimer) expect(md).toContain(m.disclaimer);
    expect(md).toContain('年度复审周期：1 年');
    expect(md).toContain('半年调整周期：6 个月');
    const toc = md.slice(md.indexOf('## 目录'), md.indexOf('## 目录') + 2000);
    const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
    for (const p of procedures) {
      expect(toc, `table of contents lists ${p.id}`).toContain(p.title);
      expect(md).toContain(`<a id="${m.id}-ch-${p.id}"></a>`);
      for (const w of ruleWords(p).filter((x) => x !== p.version)) expect(md, `${p.id} chapter`).toContain(w);
    }
    // Chapters follow the order the manual lists them in.
    const positions = m.chapters.map((id) => md.indexOf(`<a id="${m.id}-ch-${id}"></a>`));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe('template overrides', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('uses a site partial in place of the built-in one', async () => {
    const site = join(dir, 'site');
    await mkdir(join(site, 'md', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'md', 'partials', 'records.hbs'),
      '{{h}} {{number}} 本站记录\n\n{{#each clauses}}* {{text}}\n{{/each}}\n',
    );
    const set = await bundledSet();
    const sop = set.sops.find((s) => s.id === 'duty-handover-public-affairs') as ProcedureSop;
    const target = createDocumentTarget({ templatesDir: site });
    const md = text((await target.emit(sop, { set })).find((a) => a.path === 'sop.md')?.data ?? '');
    expect(md).toContain('## 5.0 本站记录');
    expect(md).toContain('* 《值班记录》：由管理处统一保管，保存期 3 年，不得撕页，记录不得涂改。');
    expect(md).toContain('## 4.0 程序要点');
  });

  it('reports a syntax error with the template file and line', async () => {
    const site = join(dir, 'broken');
    await mkdir(join(site, 'md', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'md', 'partials', 'scope.hbs'),
      '{{h}} {{number}} {{title}}\n\n{{#if text}\n{{text}}\n',
    );
    let err: unknown;
    try {
      DocTemplates.load('md', site);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    const t = err as TemplateError;
    expect(t.file).toMatch(/broken\/md\/partials\/scope\.hbs$/);
    expect(t.line).toBe(3);
  });

  it('reports a field the view does not have (strict mode) with file, line and column', async () => {
    const site = join(dir, 'strict');
    await mkdir(join(site, 'md', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'md', 'partials', 'purpose.hbs'),
      '{{h}} {{number}} {{title}}\n\n{{text}}\n签发：{{signedBy.name}}\n',
    );
    const set = await bundledSet();
    const sop = set.sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const templates = DocTemplates.load('md', site);
    let err: unknown;
    try {
      templates.render('sop', procedureView(sop));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    const t = err as TemplateError;
    expect(t.file).toMatch(/strict\/md\/partials\/purpose\.hbs$/);
    // Line 4, at `signedBy` (after 签发：{{).
    expect([t.line, t.column]).toEqual([4, 6]);
  });

  it('refuses unescaped output, which would let YAML text inject markup', async () => {
    const site = join(dir, 'unescaped');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'html', 'partials', 'scope.hbs'),
      '<section>\n<p>{{{text}}}</p>\n</section>\n',
    );
    expect(() => DocTemplates.load('html', site)).toThrow(
      /unescaped\/html\/partials\/scope\.hbs:2:4: unescaped output/,
    );
  });

  it('refuses unknown helpers at compile time', async () => {
    const site = join(dir, 'helper');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(join(site, 'html', 'partials', 'scope.hbs'), '<p>\n{{shout text}}</p>\n');
    expect(() => DocTemplates.load('html', site)).toThrow(
      /helper\/html\/partials\/scope\.hbs:2:1: .*unknown helper shout/,
    );
  });

  it('turns template errors into diagnostics for validate and build', async () => {
    const site = join(dir, 'diag');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'html', 'partials', 'records.hbs'),
      '<section>\n  <h2>{{number}} {{titel}}</h2>\n</section>\n',
    );
    const set = await bundledSet();
    expect(checkTemplates(set)).toEqual([]);
    const diags = checkTemplates(set, site);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'TEMPLATE_ERROR', severity: 'error', line: 2, column: 20 });
    expect(diags[0]?.file).toMatch(/diag\/html\/partials\/records\.hbs$/);
    expect(diags[0]?.message.en).toContain('"titel" not defined');
  });
});
