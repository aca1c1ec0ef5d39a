// An omitted setting is omitted: a roster that writes only who prepares it gets no deadline and no swap rule,
// an SOP that writes no review rules gets no review schedule, and `validate --explain` says where each rule
// that does apply comes from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/calendar/index.js';
import { plannedReviews } from '../../src/history/schedule.js';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { DocTemplates, procedureView } from '../../src/render/doc/index.js';
import { planRoster, renderRoster } from '../../src/render/pdf/index.js';
import { explainSet, explainText } from '../../src/validate/explain.js';
import { edit } from '../doc/helpers.js';
import { ROOT, runCli } from '../helpers.js';
import { parsePdf } from '../pdf/helpers.js';

const ID = 'duty-handover-public-affairs';
const FILE = join('sops', `${ID}.yaml`);
const TEXT = readFileSync(join(ROOT, FILE), 'utf8');
const ROSTER = `  roster:
    prepared-by: pa-supervisor
    due: month-end
    form: duty-roster
    leave-approved-by: pa-supervisor
    private-swaps: forbidden
    clause: "4.1.1"
`;
const ONLY_PREPARED_BY = `  roster:
    prepared-by: pa-supervisor
    form: duty-roster
    clause: "4.1.1"
`;

function load(text: string): ProcedureSop {
  const r = loadSopTexts([{ file: FILE, text }]);
  const sop = r.set?.sops.find((s) => s.id === ID);
  if (sop?.kind !== 'procedure')
    throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`).join('; '));
  return sop;
}

const count = (text: string, word: string) => text.split(word).length - 1;

async function rosterText(sop: ProcedureSop): Promise<string> {
  const plan = planRoster(sop, '2026-10', createCalendar(sop.site), null);
  return (await parsePdf(await renderRoster(sop, 'duty-roster', plan))).text.join('\n');
}

describe('a roster with only prepared-by', () => {
  const written = load(TEXT);
  const bare = load(edit(TEXT, ROSTER, ONLY_PREPARED_BY));

  it('has no deadline and no swap rule in the model', () => {
    expect(written.schedule?.roster).toMatchObject({ dueDaysBeforeMonth: 0, privateSwapsForbidden: true });
    expect(bare.schedule?.roster).toMatchObject({
      preparedBy: 'pa-supervisor',
      dueDaysBeforeMonth: null,
      privateSwapsForbidden: false,
      leaveApprovedBy: null,
    });
  });

  it('prints no deadline in the document beyond what its clauses say', () => {
    const md = (sop: ProcedureSop) => DocTemplates.load('md').render('sop', procedureView(sop));
    // The clause 4.1.1 says 每月底前 once; the appendix adds it only when the YAML writes `due:`.
    expect(count(md(written), '每月底前')).toBe(2);
    expect(count(md(bare), '每月底前')).toBe(1);
    expect(md(bare)).toContain('| 编制下月《住户服务中心值班安排表》 | — | 公共事务部主管 |');
  });

  it('prints neither sentence on the roster sheet', async () => {
    const full = await rosterText(written);
    expect(full).toContain('不得私自调班');
    expect(full).toContain('上月月底前');
    const text = await rosterText(bare);
    expect(text).toContain('编制：公共事务部主管');
    expect(text).not.toContain('私自调班');
    expect(text).not.toContain('月底前');
    expect(text).not.toContain('须于');
  });
});

describe('review rules', () => {
  it('a procedure that writes none and is no chapter has no review scheduled', () => {
    const sop = load(TEXT);
    expect(sop.review).toEqual({
      annual: null,
      semiannual: null,
      feedback: false,
      expert: false,
      recordEveryReview: false,
      inheritedFrom: null,
    });
    expect(plannedReviews(sop)).toEqual([]);
  });

  it("a chapter follows its manual's 复审规定, recording the manual", async () => {
    const r = await loadSopSet([join(ROOT, 'sops')], { cwd: ROOT });
    const sop = r.set?.sops.find((s) => s.id === ID);
    const manual = r.set?.sops.find((s) => s.kind === 'manual');
    expect(sop?.review.inheritedFrom).toBe(manual?.id);
    expect(sop?.review.annual?.text).toBe('1y');
    expect(sop?.review.semiannual?.text).toBe('6mo');
    expect(sop && plannedReviews(sop).map((p) => p.kind)).toEqual(['annual', 'semiannual']);
  });

  it('a partial policy states only what it writes', () => {
    const text = edit(TEXT, 'review:\n  revisions:', 'review:\n  policy:\n    annual: 1y\n  revisions:');
    const sop = load(text);
    expect(sop.review.annual?.text).toBe('1y');
    expect(sop.review).toMatchObject({
      semiannual: null,
      feedback: false,
      expert: false,
      inheritedFrom: null,
    });
    expect(plannedReviews(sop).map((p) => p.kind)).toEqual(['annual']);
  });
});

describe('validate --explain', () => {
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const manualText = readFileSync(join(ROOT, 'sops', 'service-centre-manual.yaml'), 'utf8');

  it('names the YAML line of each written rule, the manual for inherited ones, and built-in defaults', async () => {
    const r = await loadSopSet([join(ROOT, 'sops')], { cwd: ROOT });
    if (!r.set) throw new Error('bundled set does not load');
    const explained = explainSet(r.set).find((e) => e.id === ID);
    const rule = (path: string) => explained?.rules.find((x) => x.path === path);
    expect(rule('schedule.roster.due')).toEqual({
      path: 'schedule.roster.due',
      value: 'month-end',
      origin: {
        kind: 'yaml',
        file: 'sops/duty-handover-public-affairs.yaml',
        line: lineOf(TEXT, '    due: month-end'),
      },
    });
    expect(rule('schedule.roster.private-swaps')?.origin).toMatchObject({
      line: lineOf(TEXT, 'private-swaps: forbidden'),
    });
    expect(rule('review.policy.semiannual')).toEqual({
      path: 'review.policy.semiannual',
      value: '6mo',
      origin: {
        kind: 'manual',
        manual: 'service-centre-manual',
        file: 'sops/service-centre-manual.yaml',
        line: lineOf(manualText, 'semiannual: 6mo'),
      },
    });
    expect(rule('site.utc-offset')?.origin).toEqual({ kind: 'default' });
    // Citations and names are not rules; a setting nobody writes is not listed.
    expect(explained?.rules.some((x) => x.path.endsWith('.clause'))).toBe(false);
    const bare = loadSopTexts([{ file: FILE, text: edit(TEXT, ROSTER, ONLY_PREPARED_BY) }]);
    if (!bare.set) throw new Error('variant does not load');
    const paths = explainSet(bare.set)[0]?.rules.map((x) => x.path) ?? [];
    expect(paths).toContain('schedule.roster.prepared-by');
    expect(paths).not.toContain('schedule.roster.due');
    expect(paths).not.toContain('schedule.roster.private-swaps');
    expect(paths.some((p) => p.startsWith('review.policy'))).toBe(false);
    expect(explainText(explainSet(bare.set), 'en')).not.toContain('review.policy');
  });

  it("names the language's defaults for a limit that does not write them", async () => {
    const r = await loadSopSet([join(ROOT, 'examples/fire-alarm-response.yaml')], { cwd: ROOT });
    if (!r.set) throw new Error('example does not load');
    const rules = explainSet(r.set)[0]?.rules ?? [];
    const rule = (path: string) => rules.find((x) => x.path === path);
    // on-site writes while: and basis:, not reentry:
    expect(rule('deadlines[on-site].while')?.origin.kind).toBe('yaml');
    expect(rule('deadlines[on-site].basis')?.origin.kind).toBe('yaml');
    expect(rule('deadlines[on-site].reentry')).toEqual({
      path: 'deadlines[on-site].reentry',
      value: 'restart',
      origin: { kind: 'default' },
    });
    expect(rules.filter((x) => x.path === 'deadlines[on-site].basis')).toHaveLength(1);
  });

  it('prints in Chinese by default and in English with --lang en', async () => {
    const zh = await runCli(['validate', '--explain', 'sops']);
    expect(zh.code).toBe(0);
    const due = lineOf(TEXT, '    due: month-end');
    expect(zh.stdout).toContain(`${ID}.yaml（${ID}）各条规则的来源：`);
    expect(zh.stdout).toMatch(new RegExp(`schedule\\.roster\\.due = month-end +sops/${ID}\\.yaml:${due}\\n`));
    expect(zh.stdout).toContain('（手册 service-centre-manual 的复审规定，本规程未另写）');
    expect(zh.stdout).toContain('site.utc-offset = +08:00');
    expect(zh.stdout).toContain('内置默认（YAML 未写明）');
    const en = await runCli(['validate', '--explain', '--lang', 'en', 'sops']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain(`${ID}.yaml (${ID}): where each rule comes from:`);
    expect(en.stdout).toContain('(the review rules of manual service-centre-manual; this SOP writes none)');
    expect(en.stdout).toContain('built-in default (not written in the YAML)');
    expect(en.stdout).not.toMatch(/[规则来源内置默认]/u);
    const json = await runCli(['validate', '--explain', '--format', 'json', 'sops']);
    const parsed = JSON.parse(json.stdout) as { explain: { id: string; rules: unknown[] }[] };
    expect(parsed.explain.map((e) => e.id)).toContain(ID);
    // Without --explain, validate prints no rules.
    expect((await runCli(['validate', 'sops'])).stdout).not.toContain('schedule.roster');
  });
});
