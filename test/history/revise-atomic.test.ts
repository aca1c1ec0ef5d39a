import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit } from '../doc/helpers.js';
import { BIN, ROOT, tempDir } from '../helpers.js';
import { copyBundled, readTree, runBin, treeDiff } from '../robustness/helpers.js';

/**
 * `revise` killed at every boundary between its durable writes, and at random moments, must leave the SOP
 * folder (YAML and `.history/`) as it was or — once the next command has run — fully revised.
 */

const ID = 'front-desk-reception';
const REVISE = [
  'revise',
  ID,
  '--type',
  'feedback',
  '--by',
  '品质管理部,张三',
  '--summary',
  '处理员工反馈：客服主管跟进时限放宽。',
  '--date',
  '2026-12-20',
  '--accept',
  'fb-1',
  '--reject',
  'fb-2',
];
const JOURNAL = 'sops/.sopforge-revise.json';

type Tree = Map<string, Buffer>;

/** A small seeded generator, so the kill moments are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs revise, killed by the crash hook after its n-th durable step, or by SIGKILL after `killAfterMs`. */
function revise(
  cwd: string,
  how: { crashAfter?: number; killAfterMs?: number },
): Promise<{ code: number | null; killed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (how.crashAfter !== undefined) env.SOPFORGE_TEST_CRASH_AFTER = String(how.crashAfter);
    const started = performance.now();
    const child = spawn('node', [BIN, ...REVISE], { cwd, stdio: 'ignore', env });
    const timer =
      how.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), how.killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, killed: signal === 'SIGKILL', ms: performance.now() - started });
    });
  });
}

async function restore(dir: string, tree: Tree): Promise<void> {
  await rm(join(dir, 'sops'), { recursive: true, force: true });
  for (const [p, bytes] of tree) {
    await mkdir(join(dir, 'sops', p, '..'), { recursive: true });
    await writeFile(join(dir, 'sops', p), bytes);
  }
}

const isTemp = (p: string) => /\.tmp$/.test(p);

describe('revise is one atomic step', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let initial: Tree;
  let complete: Tree;
  let duration = 0;

  /**
   * After a killed revise: with no journal, the folder is the original or the revised one (but for
   * temporary files); then `validate` runs, and the folder must be exactly the original or exactly the
   * revised one — and the revised one whenever a journal was committed. Returns which. (The revised folder, byte for
   * byte, is checked once in `beforeAll`: its chain is valid and `diff --rev 1.1` works.)
   */
  async function expectWhole(): Promise<'original' | 'complete'> {
    const sops = join(dir, 'sops');
    const committed = existsSync(join(dir, JOURNAL));
    if (!committed) {
      // Nothing pending: the folder is whole already, but for temporary files of a killed write.
      const visible = new Map([...(await readTree(sops))].filter(([p]) => !isTemp(p)));
      expect(
        treeDiff(initial, visible).length === 0 || treeDiff(complete, visible).length === 0,
        'no journal, yet the folder is half revised',
      ).toBe(true);
    }
    const v = await runBin(['validate', 'sops', '--format', 'json'], dir);
    const diags = (JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics;
    expect(
      diags.filter((d) => d.severity === 'error'),
      v.stderr,
    ).toEqual([]);
    expect(v.code).toBe(0);
    const after = await readTree(sops);
    if (treeDiff(initial, after).length === 0) {
      expect(committed, 'a committed journal was rolled back').toBe(false);
      return 'original';
    }
    expect(treeDiff(complete, after), 'neither the original nor the revised folder').toEqual([]);
    return 'complete';
  }

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-revise-'));
    await copyBundled(dir);
    // Version 1.0 is committed in git and not yet stored: revise stores it too, one more file to write.
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    git('init', '-q');
    git('add', 'sops');
    git('commit', '-q', '-m', '1.0');
    const file = join(dir, 'sops', `${ID}.yaml`);
    const text = await readFile(file, 'utf8');
    const feedback =
      '  feedback:\n    - { id: fb-1, date: 2026-11-01, by: 王五, text: 建议放宽跟进时限。 }\n    - { id: fb-2, date: 2026-11-03, by: 赵六, text: 建议取消周检。 }\n';
    await writeFile(
      file,
      edit(
        edit(text, '- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
        '\nreview:\n  revisions:\n',
        `\nreview:\n${feedback}  revisions:\n`,
      ),
    );
    initial = await readTree(join(dir, 'sops'));
    const r = await revise(dir, {});
    expect(r.code).toBe(0);
    duration = r.ms;
    complete = await readTree(join(dir, 'sops'));
    // The revised folder: the YAML at 1.1 with the decisions, both approved texts stored, no journal.
    const yaml = (complete.get(`${ID}.yaml`) as Buffer).toString('utf8');
    expect(yaml).toContain('version: "1.1"\n');
    expect(yaml).toContain('status: accepted, closed-by: "1.1" }');
    expect(yaml).toContain('status: rejected, closed-by: "1.1" }');
    expect(complete.get(`.history/${ID}/1.1.yaml`)?.toString('utf8')).toBe(yaml);
    expect(complete.get(`.history/${ID}/1.0.yaml`)).toEqual(await readFile(join(ROOT, 'sops', `${ID}.yaml`)));
    expect([...complete.keys()].filter((p) => !initial.has(p)).sort()).toEqual([
      `.history/${ID}/1.0.model.json`,
      `.history/${ID}/1.0.yaml`,
      `.history/${ID}/1.1.model.json`,
      `.history/${ID}/1.1.yaml`,
    ]);
    const valid = await runBin(['validate', 'sops'], dir);
    expect(valid.code, valid.stderr).toBe(0);
    const d = await runBin(
      ['diff', `sops/${ID}.yaml`, '--rev', '1.0', '--rev', '1.1', '--format', 'json'],
      dir,
    );
    expect(d.code, d.stderr).toBe(0);
    expect((JSON.parse(d.stdout) as { changes: { zh: string }[] }).changes.map((c) => c.zh)).toEqual([
      '超过 2 天未处理 → 3 天 转客服主管',
    ]);
  }, 60_000);
  afterAll(() => cleanup());

  it('leaves the original or the complete revision when killed after any durable write', async () => {
    const outcomes: string[] = [];
    for (let n = 1; n < 40; n++) {
      await restore(dir, initial);
      const r = await revise(dir, { crashAfter: n });
      if (!r.killed) {
        expect(r.code).toBe(0);
        expect(treeDiff(complete, await readTree(join(dir, 'sops')))).toEqual([]);
        break;
      }
      outcomes.push(`${n}:${await expectWhole()}`);
    }
    // Journal (2 steps), 1.0.yaml and its model (2 + 2), 1.1.yaml and its model (2 + 2), the YAML (2),
    // the journal removed (1).
    expect(outcomes).toEqual(['1:original', ...Array.from({ length: 12 }, (_, i) => `${i + 2}:complete`)]);
  }, 480_000);

  it('leaves the original or the complete revision when killed at random moments', async () => {
    const next = random(20);
    const outcomes: string[] = [];
    // 20 runs, fewer on a machine so loaded that they would take more than 90 s.
    const started = performance.now();
    for (let trial = 0; trial < 20 && (trial < 5 || performance.now() - started < 90_000); trial++) {
      await restore(dir, initial);
      // Around the end of the run, where it writes; the estimate follows the machine's load.
      const at = Math.round(duration * (0.4 + 0.7 * next()));
      const r = await revise(dir, { killAfterMs: at });
      if (!r.killed) duration = r.ms;
      outcomes.push(`${r.killed ? `killed@${at}ms` : 'finished'}→${await expectWhole()}`);
    }
    console.info(`revise ${Math.round(duration)} ms; ${outcomes.join(', ')}`);
    expect(outcomes.some((o) => o.startsWith('killed'))).toBe(true);
  }, 240_000);

  it('reports a revision without its stored text, and a stored text newer than the file', async () => {
    await restore(dir, complete);
    await unlink(join(dir, 'sops', '.history', ID, '1.1.yaml'));
    const yaml = (complete.get(`${ID}.yaml`) as Buffer).toString('utf8');
    const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const validate = async () => {
      const v = await runBin(['validate', 'sops', '--format', 'json', '--lang', 'en'], dir);
      expect(v.code).toBe(1);
      return (
        JSON.parse(v.stdout) as { diagnostics: { code: string; file: string; line: number; hint: string }[] }
      ).diagnostics.filter((d) => d.code.startsWith('REVISION_'));
    };
    const missing = await validate();
    expect(missing.map((d) => [d.code, d.file, d.line])).toEqual([
      ['REVISION_SNAPSHOT_MISSING', `sops/${ID}.yaml`, lineOf(yaml, '- version: "1.1"')],
    ]);
    expect(missing[0]?.hint).toContain(`.history/${ID}/1.1.yaml`);
    // revise refuses to build on it: the next revision would find no changes.
    const r = await revise(dir, {});
    expect(r.code).toBe(1);

    await restore(dir, complete);
    await writeFile(join(dir, 'sops', `${ID}.yaml`), initial.get(`${ID}.yaml`) as Buffer);
    const before = (initial.get(`${ID}.yaml`) as Buffer).toString('utf8');
    const ahead = await validate();
    expect(ahead.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_SNAPSHOT_AHEAD', lineOf(before, 'version: "1.0"')],
    ]);
  }, 60_000);

  it('never overwrites a file edited after the kill, and says where', async () => {
    await restore(dir, initial);
    // Killed with the journal committed and 1.0.yaml stored, before the YAML was written.
    expect((await revise(dir, { crashAfter: 4 })).killed).toBe(true);
    const file = join(dir, 'sops', `${ID}.yaml`);
    const edited = `${await readFile(file, 'utf8')}# edited after the kill\n`;
    await writeFile(file, edited);
    const v = await runBin(['validate', 'sops', '--format', 'json'], dir);
    expect(v.code).toBe(1);
    const diags = (
      JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string; line: number }[] }
    ).diagnostics.filter((d) => d.severity === 'error');
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['REVISION_INTERRUPTED', edited.slice(0, edited.indexOf('version: "1.0"')).split('\n').length],
    ]);
    expect(await readFile(file, 'utf8')).toBe(edited);
    expect(existsSync(join(dir, JOURNAL))).toBe(true);
    const r = await revise(dir, {});
    expect(r.code).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(edited);
  }, 60_000);
});
