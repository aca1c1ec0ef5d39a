import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import { edit } from '../doc/helpers.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { bundledSop } from './helpers.js';

/** The list items under one version's heading of a CHANGELOG.md. */
function itemsOf(md: string, version: string): string[] {
  const at = md.indexOf(`\n## ${version} — `);
  if (at < 0) throw new Error(`no heading for ${version}`);
  const next = md.indexOf('\n## ', at + 1);
  return md
    .slice(at, next < 0 ? md.length : next)
    .split('\n')
    .filter((l) => l.startsWith('- '));
}

const headings = (md: string) => md.split('\n').filter((l) => l.startsWith('## '));

describe('CHANGELOG.md of a machine package', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const sopFile = () => join(dir, 'sops', 'front-desk-reception.yaml');
  const revise = async (type: string, summary: string, date: string) => {
    const r = await runCli(
      [
        'revise',
        'front-desk-reception',
        '--type',
        type,
        '--by',
        '品质管理部',
        '--summary',
        summary,
        '--date',
        date,
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  };
  /** The package's CHANGELOG.md (Chinese), or CHANGELOG.en.md; both are written whatever --lang says. */
  const build = async (out: string, lang?: string, file = 'CHANGELOG.md') => {
    const r = await runCli(['build', 'sops', '--out', out, ...(lang ? ['--lang', lang] : [])], dir);
    expect(r.code, r.stderr).toBe(0);
    return readFile(join(dir, out, 'front-desk-reception', file), 'utf8');
  };
  /** What `sopforge diff` says changed between two stored versions (its list items). */
  const diffLines = async (from: string, to: string, lang = 'zh') => {
    const r = await runCli(
      ['diff', 'sops/front-desk-reception.yaml', '--rev', from, '--rev', to, '--lang', lang],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((l) => l.startsWith('- '));
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-changelog-'));
    await mkdir(join(dir, 'sops', '.history', 'front-desk-reception'), { recursive: true });
    for (const f of await readdir(join(ROOT, 'sops')))
      if (f.endsWith('.yaml')) await copyFile(join(ROOT, 'sops', f), join(dir, 'sops', f));
    // Version 1.0 as approved, then two sealed revisions: a deadline, then a role.
    const original = await readFile(sopFile(), 'utf8');
    await writeFile(join(dir, 'sops', '.history', 'front-desk-reception', '1.0.yaml'), original);
    await writeFile(
      sopFile(),
      edit(original, '- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    await revise('annual', '年度复审：客服主管跟进时限放宽。', '2026-12-20');
    await writeFile(
      sopFile(),
      edit(
        await readFile(sopFile(), 'utf8'),
        'label: 无法处理，经理说明原因后关闭\n          role: manager',
        'label: 无法处理，经理说明原因后关闭\n          role: cs-supervisor',
      ),
    );
    await revise('feedback', '关闭改由客服主管。', '2027-01-10');
  });
  afterAll(() => cleanup());

  test('lists exactly the changed rules of each sealed revision, with their clauses, newest first', async () => {
    const md = await build('out');
    expect(headings(md)).toEqual([
      '## 1.2 — 2027-01-10（实时反馈）',
      '## 1.1 — 2026-12-20（年度复审）',
      '## 1.0 — 2026-01-01（首次编制）',
    ]);
    // The escalation level's threshold (clause 4.7) and the role that may close (clause 4.8), as the
    // rule-level diff words them, and nothing else.
    const [deadline] = await diffLines('1.0', '1.1');
    const [role] = await diffLines('1.1', '1.2');
    expect(deadline).toContain('2 天');
    expect(deadline).toContain('3 天');
    expect(role).toContain('经理 → 客服主管');
    expect(itemsOf(md, '1.1')).toEqual([`- 第 4.7 条：${deadline?.slice(2)}`]);
    expect(itemsOf(md, '1.2')).toEqual([`- 第 4.8 条：${role?.slice(2)}`]);
    expect(itemsOf(md, '1.0')).toEqual([]);
    expect(md).toContain('与 1.1 相比的规则变更：');
    expect(md).toContain('与 1.0 相比的规则变更：');
    expect(md).toContain('关闭改由客服主管。');
    expect(md).toContain('年度复审：客服主管跟进时限放宽。');
    expect(md).toContain('这是本规程的第一个版本');
    expect(md).not.toContain('未签署');
    // Deterministic: a second build writes the same bytes.
    expect(await build('out-again')).toBe(md);
  });

  test('in English beside it, CHANGELOG.en.md; --lang changes neither file', async () => {
    const md = await build('out-en', undefined, 'CHANGELOG.en.md');
    expect(await build('out-en-2', 'en', 'CHANGELOG.en.md')).toBe(md);
    expect(await build('out-en-3', 'en')).toBe(await build('out-zh', 'zh'));
    expect(headings(md)).toEqual([
      '## 1.2 — 2027-01-10 (staff feedback)',
      '## 1.1 — 2026-12-20 (annual review)',
      '## 1.0 — 2026-01-01 (initial issue)',
    ]);
    const [deadline] = await diffLines('1.0', '1.1', 'en');
    const [role] = await diffLines('1.1', '1.2', 'en');
    expect(itemsOf(md, '1.1')).toEqual([`- Clause 4.7: ${deadline?.slice(2)}`]);
    expect(itemsOf(md, '1.2')).toEqual([`- Clause 4.8: ${role?.slice(2)}`]);
  });

  test('npm pack of the package includes it, and package.json lists it', async () => {
    await build('out');
    const pkgDir = join(dir, 'out', 'front-desk-reception');
    const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('CHANGELOG.md');
    expect(pkg.files).toContain('CHANGELOG.en.md');
    const listed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json'], {
        cwd: pkgDir,
        encoding: 'utf8',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      }),
    ) as { version: string; files: { path: string }[] }[];
    expect(listed[0]?.version).toBe('1.2.0');
    expect(listed[0]?.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['CHANGELOG.md', 'CHANGELOG.en.md']),
    );
  });

  test('a SOP with only its first version (the bundled ones) says so, and lists no change', async () => {
    const sop = await bundledSop('front-desk-reception');
    const md = String(emitMachineArtifacts(sop).find((a) => a.path === 'CHANGELOG.md')?.data);
    expect(sop.revisions).toHaveLength(1);
    const [first] = sop.revisions;
    expect(headings(md)).toEqual([
      `## ${first?.version} — ${first?.date}（首次编制${first?.hash === null ? '，未签署' : ''}）`,
    ]);
    expect(md).toContain(String(first?.summary));
    expect(md).toContain('这是本规程的第一个版本，没有更早的版本可比较。');
    expect(md.split('\n').filter((l) => l.startsWith('- '))).toEqual([]);
  });
});
