import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit } from '../doc/helpers.js';
import { runCli, tempDir } from '../helpers.js';
import { copyBundled } from '../robustness/helpers.js';

/**
 * What an auditor might try on a revised SOP, one fixture per attempt: each must be an error (or, for a
 * plain edit after approval, the draft warning) at its line, saying what changed.
 *
 * The base: front-desk-reception at 1.0 committed in git, revised to 1.1 (2d → 3d, approvals recorded)
 * and to 1.2 (1w → 2w), both through `sopforge revise`.
 */

const ID = 'front-desk-reception';
const FILE = `sops/${ID}.yaml`;

interface Diag {
  code: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle}`);
  return text.slice(0, at).split('\n').length;
}

const revise = (dir: string, ...args: string[]) =>
  runCli(['revise', ID, '--by', '品质管理部', '--sops', 'sops', ...args], dir);

describe('tampering with the revision history', () => {
  let root: string;
  let base: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  let n = 0;

  /** A fresh copy of the revised base folder. */
  async function fixture(): Promise<string> {
    dir = join(root, `case-${++n}`);
    await cp(base, dir, { recursive: true });
    return dir;
  }
  const read = (p: string) => readFile(join(dir, p), 'utf8');
  const write = (p: string, text: string) => writeFile(join(dir, p), text);
  async function validate(lang = 'zh'): Promise<Diag[]> {
    const r = await runCli(['validate', 'sops', '--format', 'json', '--lang', lang], dir);
    const all = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
    return all.filter((d) => d.code.startsWith('REVISION_') || d.code === 'SOP_DRAFT');
  }

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('sopforge-tamper-'));
    base = join(root, 'base');
    await mkdir(base);
    await copyBundled(base);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: base,
        stdio: 'ignore',
      });
    git('init', '-q');
    git('add', 'sops');
    git('commit', '-q', '-m', '1.0');
    dir = base;
    await write(
      FILE,
      edit(
        await read(FILE),
        '- after: 2d\n        role: cs-supervisor',
        '- after: 3d\n        role: cs-supervisor',
      ),
    );
    const one = await revise(
      base,
      ...['--type', 'annual', '--summary', '年度复审：放宽客服主管跟进时限。', '--date', '2026-12-20'],
      ...['--effective', '2027-01-01', '--prepared-by', '张丽', '--prepared-date', '2026-12-10'],
      ...['--reviewed-by', '王强', '--approved-by', '李明'],
    );
    expect(one.code, one.stderr).toBe(0);
    await write(
      FILE,
      edit(await read(FILE), '- after: 1w\n        role: manager', '- after: 2w\n        role: manager'),
    );
    const two = await revise(
      base,
      ...[
        '--type',
        'semiannual',
        '--summary',
        '半年调整：经理跟进时限。',
        '--date',
        '2027-06-01',
        '--approved-by',
        '李明',
      ],
    );
    expect(two.code, two.stderr).toBe(0);
    expect(await validate()).toEqual([]);
  }, 120_000);
  afterAll(() => cleanup());

  it('a stored text edited (2d → 5d in .history/…/1.0.yaml): the revision of 1.0, naming the rule', async () => {
    await fixture();
    const stored = `sops/.history/${ID}/1.0.yaml`;
    await write(
      stored,
      edit(
        await read(stored),
        '- after: 2d\n        role: cs-supervisor',
        '- after: 5d\n        role: cs-supervisor',
      ),
    );
    const yaml = await read(FILE);
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.file, d.line])).toEqual([
      ['REVISION_SNAPSHOT_EDITED', FILE, lineOf(yaml, '- version: "1.0"')],
    ]);
    expect(diags[0]?.message).toContain(
      `.history/${ID}/1.0.yaml 在批准后被改动：超过 2 天未处理 → 5 天 转客服主管`,
    );
    expect(diags[0]?.message).not.toMatch(/哈希|校验值/);
    // No revision can be recorded on top of it.
    const r = await revise(dir, '--type', 'expert', '--summary', '专家评审。', '--date', '2027-07-01');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('REVISION_SNAPSHOT_EDITED');
  });

  it('a revision entry edited: the field, its old and its new value', async () => {
    await fixture();
    const yaml = edit(
      await read(FILE),
      'approved-by: {name: 李明, date: 2026-12-20}',
      'approved-by: {name: 赵六, date: 2026-12-20}',
    );
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_EDITED', lineOf(yaml, '- version: "1.1"')],
    ]);
    expect(diags[0]?.message).toBe(
      '修订记录 1.1 在签署后被改动：批准由“李明 2026-12-20”改为“赵六 2026-12-20”',
    );
    const en = await validate('en');
    expect(en[0]?.message).toBe(
      'Revision 1.1 was changed after it was signed: approved by changed from "李明 2026-12-20" to "赵六 2026-12-20"',
    );
  });

  it('a revision deleted from the middle: at the revision after it, naming it', async () => {
    await fixture();
    const before = await read(FILE);
    const start = before.indexOf('    - version: "1.1"');
    const end = before.indexOf('    - version: "1.2"');
    const yaml = before.slice(0, start) + before.slice(end);
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_DELETED', lineOf(yaml, '- version: "1.2"')],
    ]);
    expect(diags[0]?.message).toContain('已签署的修订 1.1 从修订记录中被删除');
    expect(diags[0]?.message).toContain('2026-12-20，年度复审，批准 李明');
  });

  it('the last revision deleted and the version set back: at version:, naming the revision', async () => {
    await fixture();
    const before = await read(FILE);
    let yaml = before.slice(0, before.indexOf('    - version: "1.2"'));
    yaml = edit(yaml, '\nversion: "1.2"\n', '\nversion: "1.1"\n');
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_SNAPSHOT_AHEAD', lineOf(yaml, 'version: "1.1"')],
    ]);
    expect(diags[0]?.message).toContain('修订 1.2（2027-06-01，半年调整，批准 李明）不在本文件的修订记录中');
  });

  it('the version set back: at version:, with the last signed version', async () => {
    await fixture();
    const yaml = edit(await read(FILE), '\nversion: "1.2"\n', '\nversion: "1.0"\n');
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([
      ['REVISION_VERSION_SET_BACK', lineOf(yaml, 'version: "1.0"')],
    ]);
    expect(diags[0]?.message).toBe('版本被改回了 1.0：最后一次签署的修订是 1.2');
  });

  it('revisions reordered: at the one out of order', async () => {
    await fixture();
    const before = await read(FILE);
    const a = before.indexOf('    - version: "1.1"');
    const b = before.indexOf('    - version: "1.2"');
    const end = before.indexOf('\n', before.indexOf('hash: ', b)) + 1;
    const yaml = before.slice(0, a) + before.slice(b, end) + before.slice(a, b) + before.slice(end);
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.map((d) => d.code)).toContain('REVISION_ORDER');
    const order = diags.find((d) => d.code === 'REVISION_ORDER');
    expect(order?.line).toBe(lineOf(yaml, '- version: "1.1"'));
    expect(order?.message).toContain('它排在修订 1.2 之后，版本号却没有增大');
  });

  it('a revision copied from another SOP: at the copied entries, naming the SOP they were signed for', async () => {
    await fixture();
    const source = await read(FILE);
    const block = source.slice(source.indexOf('  revisions:\n'));
    const target = 'sops/duty-handover-public-affairs.yaml';
    const other = await read(target);
    const yaml = edit(
      other.slice(0, other.indexOf('  revisions:\n')) + block,
      '\nversion: "1.0"\n',
      '\nversion: "1.2"\n',
    );
    await write(target, yaml);
    const diags = (await validate()).filter((d) => d.file === target);
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_COPIED', lineOf(yaml, '- version: "1.0"')],
      ['REVISION_COPIED', lineOf(yaml, '- version: "1.1"')],
      ['REVISION_COPIED', lineOf(yaml, '- version: "1.2"')],
    ]);
    expect(diags[0]?.message).toBe(
      `修订记录 1.0 不属于本规程：它是为规程 ${ID} 签署的，不是本规程（duty-handover-public-affairs）的`,
    );
  });

  it('a stored text copied from another SOP: at the revision it belongs to', async () => {
    await fixture();
    await mkdir(join(dir, 'sops/.history/duty-handover-public-affairs'), { recursive: true });
    const yaml = await read(FILE);
    await write(`sops/.history/${ID}/1.2.yaml`, await read('sops/duty-handover-public-affairs.yaml'));
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_COPIED', lineOf(yaml, '- version: "1.2"')],
    ]);
    expect(diags[0]?.message).toContain('是规程 duty-handover-public-affairs 的');
  });

  it('the YAML edited after approval: a draft, stamped 草稿 in md, pdf and forms; --release refuses it', async () => {
    await fixture();
    const yaml = edit(
      await read(FILE),
      '- after: 3d\n        role: cs-supervisor',
      '- after: 5d\n        role: cs-supervisor',
    );
    await write(FILE, yaml);
    const diags = await validate();
    expect(diags.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['SOP_DRAFT', 'warning', lineOf(yaml, 'version: "1.2"')],
    ]);
    expect(diags[0]?.message).toBe('本规程与批准的版本 1.2 不同，是草稿：超过 3 天未处理 → 5 天 转客服主管');

    const release = await runCli(['build', 'sops', '--out', 'out', '--release'], dir);
    expect(release.code).toBe(1);
    expect(release.stderr).toContain('发布构建不生成草稿：front-desk-reception（与批准的版本 1.2 不同）');
    const releaseEn = await runCli(['build', 'sops', '--out', 'out', '--release', '--lang', 'en'], dir);
    expect(releaseEn.stderr).toContain(
      'A release build does not build drafts: front-desk-reception (differs from approved 1.2)',
    );

    const built = await runCli(['build', 'sops', '--out', 'out'], dir);
    expect(built.code, built.stderr).toBe(0);
    const md = await read(`out/${ID}/sop.md`);
    expect(md).toContain('| 受控状态 | 草稿 / DRAFT（与批准的版本 1.2 不同，未经批准） |');
    const { parsePdf } = await import('../pdf/helpers.js');
    const pdf = await parsePdf(await readFile(join(dir, `out/${ID}/sop.pdf`)));
    for (const page of pdf.text) expect(page.replace(/\s+/g, '')).toContain('草稿DRAFT');
    const form = await parsePdf(await readFile(join(dir, `out/${ID}/forms/reception-record.pdf`)));
    expect(form.text.join('').replace(/\s+/g, '')).toContain('草稿DRAFT');
    // Issued SOPs of the same build carry no stamp.
    const other = await parsePdf(await readFile(join(dir, 'out/duty-handover-public-affairs/sop.pdf')));
    for (const page of other.text) expect(page).not.toContain('草稿');
    const history = await read(`out/${ID}/history.md`);
    expect(history).toContain('**草稿 / DRAFT**：本文件与批准的版本 1.2 不同，尚未批准。');

    // Put back, it is issued again and the release build goes through.
    await write(
      FILE,
      edit(yaml, '- after: 5d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    expect(await validate()).toEqual([]);
    const again = await runCli(['build', 'sops', '--out', 'out', '--release'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await read(`out/${ID}/sop.md`)).not.toContain('草稿');
  }, 120_000);

  it('prints the approvals of the issuing revision in the header and the approver in the revision table', async () => {
    await fixture();
    const built = await runCli(['build', 'sops', '--out', 'out'], dir);
    expect(built.code, built.stderr).toBe(0);
    const md = await read(`out/${ID}/sop.md`);
    // 1.2 records only its approver; 1.1 recorded all three.
    expect(md).toContain('| 版本 | 1.2 |\n| 生效日期 | 2027-06-01 |\n| 批准 | 李明　2027-06-01 |\n');
    expect(md).toContain('| 版本 | 日期 | 类型 | 摘要 | 批准 |');
    expect(md).toContain(
      '| 1.1 | 2026-12-20 | 年度复审 | 年度复审：放宽客服主管跟进时限。 | 李明　2026-12-20 |',
    );
    expect(md).not.toMatch(/[0-9a-f]{12}/);
  }, 120_000);

  it('prints 编制, 审核, 批准 and the approval date apart from the effective date', async () => {
    await fixture();
    // Back to 1.1, which recorded all three and takes effect after its approval.
    const before = await read(FILE);
    const start = before.indexOf('    - version: "1.2"');
    await write(
      FILE,
      edit(
        edit(
          edit(before.slice(0, start), '\nversion: "1.2"\n', '\nversion: "1.1"\n'),
          '\neffective: 2027-06-01\n',
          '\neffective: 2027-01-01\n',
        ),
        '- after: 2w\n        role: manager',
        '- after: 1w\n        role: manager',
      ),
    );
    await rm(join(dir, `sops/.history/${ID}/1.2.yaml`));
    await rm(join(dir, `sops/.history/${ID}/1.2.model.json`));
    expect(await validate()).toEqual([]);
    expect((await runCli(['build', 'sops', '--out', 'out'], dir)).code).toBe(0);
    const md = await read(`out/${ID}/sop.md`);
    expect(md).toContain(
      '| 版本 | 1.1 |\n| 生效日期 | 2027-01-01 |\n| 批准日期 | 2026-12-20 |\n| 编制 | 张丽　2026-12-10 |\n| 审核 | 王强　2026-12-20 |\n| 批准 | 李明　2026-12-20 |\n',
    );
    const { parsePdf } = await import('../pdf/helpers.js');
    const pdf = await parsePdf(await readFile(join(dir, `out/${ID}/sop.pdf`)));
    const first = (pdf.text[0] ?? '').replace(/\s+/g, '');
    for (const s of ['编制张丽2026-12-10', '审核王强2026-12-20', '批准李明2026-12-20', '批准日期2026-12-20'])
      expect(first).toContain(s);
  }, 120_000);

  it('diff --rev compares with the stored revision, the last approved one, and says when none is stored', async () => {
    await fixture();
    const yaml = edit(await read(FILE), 'every: weekly\n    on: monday', 'every: weekly\n    on: friday');
    await write(FILE, yaml);
    const against = await runCli(['diff', FILE, '--rev', '1.0'], dir);
    expect(against.code, against.stderr).toBe(0);
    expect(against.stdout).toContain('- 超过 2 天未处理 → 3 天 转客服主管\n');
    expect(against.stdout).toContain('- 经理审核《接待业主情况记录》 每周一 → 每周五\n');
    const last = await runCli(['diff', FILE, '--rev'], dir);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toBe(
      '物业服务中心前台接待业主作业规程：1.2 → 1.2\n- 经理审核《接待业主情况记录》 每周一 → 每周五\n',
    );
    // A SOP never revised: nothing stored, so nothing to compare, instead of the file against itself.
    const never = 'sops/duty-handover-public-affairs.yaml';
    await write(never, edit(await read(never), 'arrive-early: 5m', 'arrive-early: 10m'));
    for (const args of [['--rev', '1.0'], ['--rev']]) {
      const r = await runCli(['diff', never, ...args], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/没有保存修订 1\.0 的批准文本|没有保存的批准文本/);
    }
    const en = await runCli(['diff', never, '--rev', '1.0', '--lang', 'en'], dir);
    expect(en.stderr).toContain('no approved text of revision 1.0 is stored');
  });

  it('records a review that changes nothing without a new version, resetting its own clock', async () => {
    await fixture();
    const r = await revise(
      dir,
      '--type',
      'annual',
      '--summary',
      '年度复审：无需修改。',
      '--date',
      '2027-11-20',
      '--unchanged',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已记录复审（年度复审，2027-11-20，未修改），版本仍为 1.2');
    const yaml = await read(FILE);
    expect(yaml).toContain('\nversion: "1.2"\neffective: 2027-06-01\n');
    expect(yaml).toContain(
      '    - version: "1.2"\n      date: 2027-11-20\n      type: annual\n      unchanged: true\n',
    );
    expect(await validate()).toEqual([]);
    const review = JSON.parse(
      (await runCli(['review', '--today', '2027-12-01', '--sops', 'sops', '--format', 'json'], dir)).stdout,
    ) as { sops: { id: string; reviews: { kind: string; next: string; from: { date: string } }[] }[] };
    expect(review.sops.find((s) => s.id === ID)?.reviews).toEqual([
      expect.objectContaining({
        kind: 'annual',
        next: '2028-11-20',
        from: expect.objectContaining({ date: '2027-11-20' }),
      }),
      expect.objectContaining({ kind: 'semiannual', next: '2028-05-20' }),
    ]);
    expect((await runCli(['build', 'sops', '--out', 'out'], dir)).code).toBe(0);
    const md = await read(`out/${ID}/sop.md`);
    expect(md).toContain(
      '| 1.2 | 2027-11-20 | 年度复审（未修改） | 年度复审：无需修改。 | 品质管理部（复审） |',
    );
    // Editing the reviewed entry is caught like any signed one.
    await write(FILE, edit(yaml, 'summary: 年度复审：无需修改。', 'summary: 年度复审。'));
    expect((await validate()).map((d) => d.code)).toEqual(['REVISION_EDITED']);
    await write(FILE, yaml);
    // A review with changes cannot be recorded as one without.
    await write(
      FILE,
      edit(yaml, '- after: 3d\n        role: cs-supervisor', '- after: 4d\n        role: cs-supervisor'),
    );
    const refused = await revise(
      dir,
      '--type',
      'annual',
      '--summary',
      'x',
      '--date',
      '2027-12-01',
      '--unchanged',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('超过 3 天未处理 → 4 天 转客服主管');
  }, 60_000);

  it('links staff feedback to the revision that answers it, in the YAML and in history.md', async () => {
    await fixture();
    const add = await runCli(
      [
        'feedback',
        'add',
        ID,
        '--by',
        '王五',
        '--text',
        '建议写明交接时限。',
        '--date',
        '2027-07-01',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(add.code, add.stderr).toBe(0);
    const review = await runCli(['review', '--today', '2027-08-10', '--sops', 'sops'], dir);
    expect(review.stdout).toContain('待处理反馈 fb-1（2027-07-01，王五，已 40 天）：建议写明交接时限。');
    // Adding feedback is not an edit of the approved text.
    expect(await validate()).toEqual([]);
    await write(
      FILE,
      edit(
        await read(FILE),
        '- after: 3d\n        role: cs-supervisor',
        '- after: 2d\n        role: cs-supervisor',
      ),
    );
    const r = await revise(
      dir,
      '--type',
      'feedback',
      '--summary',
      '答复反馈。',
      '--date',
      '2027-08-15',
      '--closes',
      'fb-1',
    );
    expect(r.code, r.stderr).toBe(0);
    const yaml = await read(FILE);
    expect(yaml).toContain('text: 建议写明交接时限。, status: accepted, closed-by: "1.3" }');
    expect(yaml).toContain('      closes: [fb-1]\n');
    expect(await validate()).toEqual([]);
    expect((await runCli(['build', 'sops', '--out', 'out'], dir)).code).toBe(0);
    const history = await read(`out/${ID}/history.md`);
    expect(history).toContain('- 答复员工反馈 fb-1（2027-07-01 王五：建议写明交接时限。）');
    expect(history).toContain('| fb-1 | 2027-07-01 | 王五 | 建议写明交接时限。 | 已采纳 | 1.3 |');
    const again = await revise(
      dir,
      '--type',
      'feedback',
      '--summary',
      'x',
      '--date',
      '2027-08-16',
      '--closes',
      'fb-1',
    );
    expect(again.code).toBe(2);
  }, 60_000);

  it("the manual's version follows its chapters: a warning until the manual is revised, listing them", async () => {
    await fixture();
    const manualFile = 'sops/service-centre-manual.yaml';
    const all = async () =>
      (
        JSON.parse((await runCli(['validate', 'sops', '--format', 'json'], dir)).stdout) as {
          diagnostics: Diag[];
        }
      ).diagnostics;
    const manual = await read(manualFile);
    const behind = (await all()).filter((d) => d.code === 'MANUAL_BEHIND_CHAPTER');
    expect(behind.map((d) => [d.file, d.line])).toEqual([[manualFile, lineOf(manual, 'version: "1.0"')]]);
    expect(behind[0]?.message).toBe(
      `章节 ${ID} 已修订为版本 1.2（2027-06-01），手册仍是 2026-01-01 的版本 1.0`,
    );
    const r = await runCli(
      [
        'revise',
        'service-centre-manual',
        '--type',
        'semiannual',
        '--by',
        '品质管理部',
        '--summary',
        '随章节修订。',
        '--date',
        '2027-06-02',
        '--approved-by',
        '李明',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `- 章节《物业服务中心前台接待业主作业规程》（${ID}）修订为版本 1.2（2027-06-01）`,
    );
    expect(await read(manualFile)).toContain(
      `      changes: [章节《物业服务中心前台接待业主作业规程》（${ID}）修订为版本 1.2（2027-06-01）]`
        .replace('changes: [', 'changes:\n        - ')
        .replace(/\]$/, ''),
    );
    expect((await all()).filter((d) => d.code === 'MANUAL_BEHIND_CHAPTER')).toEqual([]);
  }, 60_000);
});
