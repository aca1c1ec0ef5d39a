import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRevisionChain, readRevisions } from '../../src/history/revisions.js';
import { loadSopSet } from '../../src/load/index.js';
import { edit } from '../doc/helpers.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

describe('sopforge revise, diff and review', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let original: string;
  const file = () => join(dir, 'sops', 'front-desk-reception.yaml');
  const snapshots = () => join(dir, 'sops', '.history');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'sops'));
    for (const f of await readdir(join(ROOT, 'sops')))
      if (f.endsWith('.yaml')) await copyFile(join(ROOT, 'sops', f), join(dir, 'sops', f));
    original = await readFile(file(), 'utf8');
  });
  afterAll(() => cleanup());

  it('records a revision with the rule changes against the stored approved text', async () => {
    await mkdir(join(snapshots(), 'front-desk-reception'), { recursive: true });
    await writeFile(join(snapshots(), 'front-desk-reception', '1.0.yaml'), original);
    await writeFile(
      file(),
      edit(original, '- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    const r = await runCli(
      [
        'revise',
        'front-desk-reception',
        '--type',
        'annual',
        '--by',
        '品质管理部',
        '--by',
        '张三',
        '--summary',
        '年度复审：客服主管跟进时限放宽。',
        '--date',
        '2026-12-20',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('已记录修订 1.1（年度复审，2026-12-20）');
    expect(r.stdout).toContain('- 超过 2 天未处理 → 3 天 转客服主管');

    const text = await readFile(file(), 'utf8');
    expect(text.slice(0, text.indexOf('sopforge: 2'))).toBe(
      original.slice(0, original.indexOf('sopforge: 2')),
    );
    expect(text).toContain('version: "1.1"\neffective: 2026-12-20\n');
    const records = readRevisions(text);
    expect(records.map((x) => [x.version, x.type, x.by.join('/'), x.changes.join('|')])).toEqual([
      ['1.0', 'initial', '品质管理部', ''],
      ['1.1', 'annual', '品质管理部/张三', '超过 2 天未处理 → 3 天 转客服主管'],
    ]);
    expect(existsSync(join(snapshots(), 'front-desk-reception', '1.1.yaml'))).toBe(true);
    expect(await readFile(join(snapshots(), 'front-desk-reception', '1.1.yaml'), 'utf8')).toBe(text);

    const loaded = await loadSopSet(['sops'], { cwd: dir });
    const sop = loaded.set?.sops.find((s) => s.id === 'front-desk-reception');
    expect(sop?.version).toBe('1.1');
    expect(sop ? checkRevisionChain(sop, snapshots()) : null).toEqual([]);
  });

  it('diffs the file against a stored revision, as text and JSON, in both languages', async () => {
    const zh = await runCli(['diff', 'sops/front-desk-reception.yaml', '--rev', '1.0'], dir);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toBe(
      '物业服务中心前台接待业主作业规程：1.0 → 1.1（生效日期 2026-01-01 → 2026-12-20）\n- 超过 2 天未处理 → 3 天 转客服主管\n',
    );
    const en = await runCli(['diff', 'sops/front-desk-reception.yaml', '--rev', '1.0', '--lang', 'en'], dir);
    expect(en.stdout).toContain('- Not resolved after 2 days → 3 days: passed to 客服主管\n');
    const json = await runCli(
      ['diff', 'sops/front-desk-reception.yaml', '--rev', '1.0', '--rev', '1.1', '--format', 'json'],
      dir,
    );
    const parsed = JSON.parse(json.stdout) as {
      from: { version: string };
      to: { version: string };
      changes: { area: string; key: string; zh: string }[];
    };
    expect(parsed.from.version).toBe('1.0');
    expect(parsed.to.version).toBe('1.1');
    expect(parsed.changes).toEqual([
      expect.objectContaining({
        area: 'escalation',
        key: 'escalations.overdue.levels.cs-supervisor.after',
        zh: '超过 2 天未处理 → 3 天 转客服主管',
      }),
    ]);
  });

  it('diffs two files', async () => {
    const other = join(dir, 'variant.yaml');
    await writeFile(
      other,
      edit(
        original,
        '        label: 处理结果\n        type: text\n        width: 1.6\n',
        '        label: 处理结果\n        type: text\n        width: 1.6\n      - id: satisfied\n        label: 业主满意度\n        type: text\n',
      ),
    );
    const r = await runCli(
      ['diff', join(snapshots(), 'front-desk-reception', '1.0.yaml'), 'variant.yaml'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- 新增《接待业主情况记录》栏目：业主满意度\n');
    await writeFile(other, edit(original, 'effective: 2026-01-01', 'effective: 2026-07-01'));
    const later = await runCli(
      ['diff', join(snapshots(), 'front-desk-reception', '1.0.yaml'), 'variant.yaml'],
      dir,
    );
    expect(later.stdout.split('\n')[0]).toBe(
      '物业服务中心前台接待业主作业规程：1.0 → 1.0（生效日期 2026-01-01 → 2026-07-01）',
    );
    const missing = await runCli(['diff', 'sops/front-desk-reception.yaml', '--rev', '0.9'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('没有保存修订 0.9 的批准文本');
  });

  it('lists the review schedule with due and overdue reviews', async () => {
    const r = await runCli(['review', '--today', '2026-12-25', '--sops', 'sops', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      today: string;
      sops: { id: string; reviews: { kind: string; next: string; state: string; daysLeft: number }[] }[];
    };
    expect(out.today).toBe('2026-12-25');
    const desk = out.sops.find((s) => s.id === 'front-desk-reception');
    expect(desk?.reviews).toEqual([
      expect.objectContaining({ kind: 'annual', next: '2027-12-20', state: 'ok' }),
      // The annual review of 2026-12-20 is also the half-yearly evaluation.
      expect.objectContaining({ kind: 'semiannual', next: '2027-06-20', state: 'ok' }),
    ]);
    const duty = out.sops.find((s) => s.id === 'duty-handover-public-affairs');
    expect(duty?.reviews[0]).toMatchObject({ kind: 'annual', next: '2027-01-01', state: 'due', daysLeft: 7 });
    const text = await runCli(['review', '--today', '2026-12-25', '--sops', 'sops'], dir);
    expect(text.stdout).toContain('复审计划（2026-12-25');
    expect(text.stdout).toContain('年度复审  2027-01-01  7 天内到期（每年，自 2026-01-01 首次编制起算）');
    expect(text.stdout).toContain(
      '半年调整  2026-07-01  已逾期 177 天（约 5 个月）（每 6 个月，自 2026-01-01 首次编制起算）',
    );
    expect(text.stdout).toContain(
      '半年调整  2027-06-20  还有 177 天（约 5 个月）（每 6 个月，自 2026-12-20 年度复审起算）',
    );
    const en = await runCli(['review', '--today', '2026-12-25', '--sops', 'sops', '--lang', 'en'], dir);
    expect(en.stdout).toContain(
      'OVERDUE by 177 days (about 5 months) (every 6 months, counted from the initial issue of 2026-01-01)',
    );
  });

  it('lists rule changes made since the current version was approved', async () => {
    const text = await readFile(file(), 'utf8');
    await writeFile(file(), edit(text, 'every: weekly\n    on: monday', 'every: weekly\n    on: friday'));
    const r = await runCli(['review', '--today', '2026-12-25', '--sops', 'sops'], dir);
    expect(r.stdout).toContain(
      '已修改但未记录修订（sopforge revise front-desk-reception）：\n       - 经理审核《接待业主情况记录》 每周一 → 每周五\n',
    );
    const json = JSON.parse(
      (await runCli(['review', '--today', '2026-12-25', '--sops', 'sops', '--format', 'json'], dir)).stdout,
    ) as { sops: { id: string; pending: string[] | null }[] };
    expect(json.sops.find((s) => s.id === 'front-desk-reception')?.pending).toEqual([
      '经理审核《接待业主情况记录》 每周一 → 每周五',
    ]);
    expect(json.sops.find((s) => s.id === 'duty-handover-public-affairs')?.pending).toBeNull();
    await writeFile(file(), text);
  });

  it('refuses to revise on top of an edited revision, naming it', async () => {
    const text = await readFile(file(), 'utf8');
    await writeFile(file(), edit(text, 'summary: 年度复审：客服主管跟进时限放宽。', 'summary: 年度复审。'));
    const r = await runCli(
      [
        'revise',
        'front-desk-reception',
        '--type',
        'expert',
        '--by',
        '李四',
        '--summary',
        '专家评审。',
        '--date',
        '2026-12-30',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('REVISION_EDITED');
    expect(r.stderr).toContain(
      '修订记录 1.1 在签署后被改动：摘要由“年度复审：客服主管跟进时限放宽。”改为“年度复审。”',
    );
    expect(await readFile(file(), 'utf8')).not.toContain('专家评审。');
    await writeFile(file(), text);
  });

  it('records a first revision without an earlier approved text, and says so', async () => {
    const r = await runCli(
      [
        'revise',
        'service-centre-manual',
        '--type',
        'expert',
        '--by',
        '王专家,品质管理部',
        '--summary',
        '专家评审。',
        '--date',
        '2026-03-01',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('注意：没有保存版本 1.0 的批准文本（也不在 git 中），未计算修改内容。\n');
    expect(r.stdout).toContain('已记录修订 1.1（专家评审，2026-03-01）');
    const text = await readFile(join(dir, 'sops', 'service-centre-manual.yaml'), 'utf8');
    expect(text).toContain(
      '    - version: "1.1"\n      date: 2026-03-01\n      effective: 2026-03-01\n      type: expert\n      by: [王专家, 品质管理部]\n      summary: 专家评审。\n      source: ',
    );
    expect(existsSync(join(snapshots(), 'service-centre-manual', '1.0.yaml'))).toBe(false);
    expect(existsSync(join(snapshots(), 'service-centre-manual', '1.1.yaml'))).toBe(true);
  });

  it('records decisions on staff feedback with a revision, and review stops listing them', async () => {
    const path = join(dir, 'sops', 'duty-handover-service-center.yaml');
    const text = await readFile(path, 'utf8');
    const feedback =
      '  feedback:\n    - { id: fb-1, date: 2026-02-01, by: 王五, text: 建议交班时清点手电筒。 }\n    - id: fb-2\n      date: 2026-02-03\n      by: 赵六\n      text: 建议缩短值班时间。\n      status: open\n';
    await writeFile(path, edit(text, '\n  revisions:\n', `\n${feedback}  revisions:\n`));
    const before = JSON.parse(
      (await runCli(['review', '--today', '2026-02-10', '--sops', 'sops', '--format', 'json'], dir)).stdout,
    ) as {
      sops: { id: string; openFeedback: { id: string }[] }[];
    };
    expect(
      before.sops.find((s) => s.id === 'duty-handover-service-center')?.openFeedback.map((f) => f.id),
    ).toEqual(['fb-1', 'fb-2']);
    const r = await runCli(
      [
        'revise',
        'duty-handover-service-center',
        '--type',
        'feedback',
        '--by',
        '品质管理部',
        '--summary',
        '处理员工反馈。',
        '--date',
        '2026-02-10',
        '--accept',
        'fb-1',
        '--reject',
        'fb-2',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('反馈 fb-1：已采纳（修订 1.1）\n反馈 fb-2：未采纳（修订 1.1）\n');
    const after = await readFile(path, 'utf8');
    expect(after).toContain(
      '- { id: fb-1, date: 2026-02-01, by: 王五, text: 建议交班时清点手电筒。, status: accepted, closed-by: "1.1" }',
    );
    expect(after).toContain(
      '      text: 建议缩短值班时间。\n      status: rejected\n      closed-by: "1.1"\n',
    );
    expect(after).toContain('      closes: [fb-1, fb-2]\n');
    const review = JSON.parse(
      (await runCli(['review', '--today', '2026-02-10', '--sops', 'sops', '--format', 'json'], dir)).stdout,
    ) as {
      sops: { id: string; openFeedback: unknown[] }[];
    };
    expect(review.sops.find((s) => s.id === 'duty-handover-service-center')?.openFeedback).toEqual([]);
    const unknown = await runCli(
      [
        'revise',
        'duty-handover-service-center',
        '--type',
        'feedback',
        '--by',
        'x',
        '--summary',
        'y',
        '--accept',
        'fb-9',
        '--sops',
        'sops',
      ],
      dir,
    );
    expect(unknown.code).toBe(2);
  });

  it('rejects bad arguments as usage errors', async () => {
    expect(
      (
        await runCli(
          [
            'revise',
            'front-desk-reception',
            '--type',
            'monthly',
            '--by',
            'x',
            '--summary',
            'y',
            '--sops',
            'sops',
          ],
          dir,
        )
      ).code,
    ).toBe(2);
    expect((await runCli(['review', '--today', '2026-02-30', '--sops', 'sops'], dir)).code).toBe(2);
    expect((await runCli(['diff', 'sops/front-desk-reception.yaml'], dir)).code).toBe(2);
  });
});
