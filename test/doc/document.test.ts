import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClauseNode, ProcedureSop, SopSet } from '../../src/model/types.js';
import { allClauses } from '../../src/normalize/clauses.js';
import {
  checkTemplates,
  createDocumentTarget,
  DocTemplates,
  documentTarget,
  procedureView,
  TemplateError,
} from '../../src/render/doc/index.js';
import { mdText } from '../../src/render/doc/markdown.js';
import { clauseLabel } from '../../src/render/doc/view.js';
import { ROOT, tempDir } from '../helpers.js';
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

/** The body of a Markdown document: from the cover table to the first appendix (or the revision record). */
function mdBody(md: string): string {
  const from = md.indexOf('\n## ');
  const ends = ['<a id="', '\n## 修订记录'].map((m) => md.indexOf(m, from)).filter((i) => i >= 0);
  return md.slice(from, Math.min(...ends));
}

/** A clause as the Markdown body prints it: number as written, then title or text. */
function printed(c: ClauseNode): string[] {
  const label = clauseLabel(c.number);
  return [c.title, c.text]
    .filter((t): t is string => t !== null)
    .map((t, i) => mdText(i === 0 ? `${label}${t}` : t));
}

describe('the SOP document', () => {
  let set: SopSet;
  beforeAll(async () => {
    set = await bundledSet();
  });

  it('prints every clause of each bundled procedure in its order, numbers as written, and nothing generated', async () => {
    const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
    expect(procedures.length).toBeGreaterThanOrEqual(4);
    for (const sop of procedures) {
      const md = text((await emit(sop, set)).get('sop.md') ?? '');
      const body = mdBody(md);
      let at = 0;
      for (const c of allClauses(sop.clauses)) {
        for (const line of printed(c)) {
          const next = body.indexOf(line, at);
          expect(next, `${sop.id}: ${line}`).toBeGreaterThanOrEqual(0);
          at = next;
        }
      }
      // What v1 generated into the body: flow bullets, counts, step names, derived rules.
      for (const generated of [
        '转入',
        '流程结束于',
        '要求：',
        '记录：',
        '共 ',
        '「',
        '」',
        '按日历日',
        '待处理的员工反馈',
      ])
        expect(body, `${sop.id}: ${generated}`).not.toContain(generated);
    }
  });

  it('keeps the header as written and prints the revision table without hashes', async () => {
    const sop = set.sops.find((s) => s.id === 'duty-handover-public-affairs') as ProcedureSop;
    const md = text((await emit(sop, set)).get('sop.md') ?? '');
    expect(md).toContain(
      '| 编号 | 二 |\n| 部门 | 公共事务部 |\n| 版本 | 1.0 |\n| 生效日期 | 2026-01-01 |\n\n',
    );
    expect(md).not.toContain('复审状态');
    expect(md).not.toContain('下次年度复审');
    expect(md).toContain('## 修订记录');
    expect(md).toContain('| 版本 | 日期 | 类型 | 摘要 | 批准 |\n');
    // The bundled first issue records no approver: none is printed.
    expect(md).toMatch(/\| 1\.0 \| 2026-01-01 \| 首次编制 \| 首次发布。 \| — \|\n/);
  });

  it('puts what it derives into titled appendices whose rows name an existing clause', () => {
    for (const sop of set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure')) {
      const view = procedureView(sop);
      expect(view.appendices.length, sop.id).toBeGreaterThan(0);
      const keys = new Set([...allClauses(sop.clauses)].map((c) => c.key));
      for (const a of view.appendices) {
        expect(a.title).toMatch(/^附录[A-Z] .+（据本规程生成）$/);
        expect(a.tables[0]?.columns[0]).toBe('条款');
        for (const row of a.tables.flatMap((t) => t.rows)) {
          const clause = row.cells[0] ?? '';
          if (clause !== '—') expect(keys.has(clause), `${sop.id} ${a.id}: ${clause}`).toBe(true);
          for (const cell of row.cells) expect(cell).not.toMatch(/[「」]/);
        }
      }
    }
  });

  it('states a changed escalation threshold in the appendix and leaves the approved text alone', async () => {
    const changed = loadText(
      edit(
        bundledText('front-desk-reception'),
        '- after: 2d\n        role: cs-supervisor',
        '- after: 3d\n        role: cs-supervisor',
      ),
    ) as ProcedureSop;
    const md = DocTemplates.load('md').render('sop', procedureView(changed));
    const times = md.slice(md.indexOf('附录B'));
    expect(times).toContain(
      '| 4.7 | 未处理完毕逐级上报（自记录的“接待日期”起，按自然时间计） | 超过 3 天 | 客服主管（→ “客服主管跟踪处理”） |',
    );
    expect(times).not.toContain('超过 2 天');
    expect(mdBody(md)).toContain('4.7 如果在2天内未能处理完毕的情况，转由客服主管负责处理。');
  });

  it('escapes untrusted text in HTML and in Markdown', async () => {
    const evil = '<script>alert("x")</script> & <b>bold</b>';
    const base = readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8');
    const sop = loadText(edit(base, 'text: 适用于测试。', `text: '${evil}'`), 'base.yaml') as ProcedureSop;
    const html = DocTemplates.load('html').render('sop', procedureView(sop));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    const md = DocTemplates.load('md').render('sop', procedureView(sop));
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> \\& \\<b\\>bold\\</b\\>');
  });

  it('writes well-formed HTML: the top-level clauses as headings, the appendices, the revision table', async () => {
    // jsdom ships no types; the few DOM calls used here are typed by hand.
    const jsdom = 'jsdom';
    const { JSDOM } = (await import(jsdom)) as { JSDOM: new (html: string) => { window: { document: Dom } } };
    const sop = set.sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const html = text((await emit(sop, set)).get('sop.html') ?? '');
    const doc = new JSDOM(html).window.document;
    expect(doc.documentElement.lang).toBe('zh-CN');
    expect(doc.querySelector('h1')?.textContent).toBe('物业服务中心前台接待业主作业规程（十五）');
    expect([...doc.querySelectorAll('.body > section > h2')].map((h) => h.textContent)).toEqual([
      '1 目的',
      '2 适用范围',
      '3 职责',
      '4 作业流程',
      '5 相关记录',
    ]);
    expect([...doc.querySelectorAll('.appendix > h2')].map((h) => h.textContent)).toEqual([
      '附录A 流程（据本规程生成）',
      '附录B 时限与周期（据本规程生成）',
      '附录C 记录表格（据本规程生成）',
    ]);
    const rows = [...doc.querySelectorAll('.revisions tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toEqual([['1.0', '2026-01-01', '首次编制', '首次发布。', '—']]);
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
  it('prints its own clauses (目录, 编制指南, 复审规定, the closing note), then every SOP as a chapter in order', async () => {
    const set = await bundledSet();
    const m = await manual();
    const files = await emit(m, set);
    expect([...files.keys()]).toEqual(['manual.md', 'manual.html', 'manual.pdf']);
    const md = text(files.get('manual.md') ?? '');
    let at = 0;
    for (const c of allClauses(m.clauses)) {
      for (const line of printed(c)) {
        const next = md.indexOf(line, at);
        expect(next, line).toBeGreaterThanOrEqual(0);
        at = next;
      }
    }
    expect(md).not.toContain('年度复审周期');
    const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
    for (const p of procedures) {
      expect(md).toContain(`<a id="${m.id}-ch-${p.id}"></a>`);
      const chapter = md.slice(md.indexOf(`<a id="${m.id}-ch-${p.id}"></a>`));
      for (const c of allClauses(p.clauses))
        for (const line of printed(c)) expect(chapter, p.id).toContain(line);
    }
    // Chapters follow the order the manual lists them in, after the manual's last clause.
    const positions = m.chapters.map((id) => md.indexOf(`<a id="${m.id}-ch-${id}"></a>`));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(md.indexOf('服务中心作业规程范文')).toBeLessThan(positions[0] ?? 0);
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
      join(site, 'md', 'partials', 'revisions.hbs'),
      '{{h}} 本站修订记录\n\n{{#each rows}}* {{version}} {{summary}}\n{{/each}}\n',
    );
    const set = await bundledSet();
    const sop = set.sops.find((s) => s.id === 'duty-handover-public-affairs') as ProcedureSop;
    const target = createDocumentTarget({ templatesDir: site });
    const md = text((await target.emit(sop, { set })).find((a) => a.path === 'sop.md')?.data ?? '');
    expect(md).toContain('## 本站修订记录');
    expect(md).toContain('* 1.0 首次发布。');
    expect(md).not.toContain('| 版本 | 日期 |');
    expect(md).toContain('## 4.0 程序要点');
  });

  it('reports a syntax error with the template file and line', async () => {
    const site = join(dir, 'broken');
    await mkdir(join(site, 'md', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'md', 'partials', 'clause.hbs'),
      '{{h}} {{label}}{{title}}\n\n{{#if text}\n{{text}}\n',
    );
    let err: unknown;
    try {
      DocTemplates.load('md', site);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    const t = err as TemplateError;
    expect(t.file).toMatch(/broken\/md\/partials\/clause\.hbs$/);
    expect(t.line).toBe(3);
  });

  it('reports a field the view does not have (strict mode) with file, line and column', async () => {
    const site = join(dir, 'strict');
    await mkdir(join(site, 'md', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'md', 'partials', 'cover.hbs'),
      '{{h}} {{heading}}\n\n{{meta}}\n签发：{{signedBy.name}}\n',
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
    expect(t.file).toMatch(/strict\/md\/partials\/cover\.hbs$/);
    // Line 4, at `signedBy` (after 签发：{{).
    expect([t.line, t.column]).toEqual([4, 6]);
  });

  it('refuses unescaped output, which would let YAML text inject markup', async () => {
    const site = join(dir, 'unescaped');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'html', 'partials', 'clause.hbs'),
      '<section>\n<p>{{{text}}}</p>\n</section>\n',
    );
    expect(() => DocTemplates.load('html', site)).toThrow(
      /unescaped\/html\/partials\/clause\.hbs:2:4: unescaped output/,
    );
  });

  it('refuses unknown helpers at compile time', async () => {
    const site = join(dir, 'helper');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(join(site, 'html', 'partials', 'clause.hbs'), '<p>\n{{shout text}}</p>\n');
    expect(() => DocTemplates.load('html', site)).toThrow(
      /helper\/html\/partials\/clause\.hbs:2:1: .*unknown helper shout/,
    );
  });

  it('turns template errors into diagnostics for validate and build', async () => {
    const site = join(dir, 'diag');
    await mkdir(join(site, 'html', 'partials'), { recursive: true });
    await writeFile(
      join(site, 'html', 'partials', 'appendix.hbs'),
      '<section>\n  <h2>{{anchor}} {{titel}}</h2>\n</section>\n',
    );
    const set = await bundledSet();
    expect(checkTemplates(set)).toEqual([]);
    const diags = checkTemplates(set, site);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'TEMPLATE_ERROR', severity: 'error', line: 2, column: 20 });
    expect(diags[0]?.file).toMatch(/diag\/html\/partials\/appendix\.hbs$/);
    expect(diags[0]?.message.en).toContain('"titel" not defined');
  });
});
