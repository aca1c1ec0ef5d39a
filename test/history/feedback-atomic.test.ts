import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers.js';
import { copyBundled, readTree, runBin, treeDiff } from '../robustness/helpers.js';

/**
 * `feedback add` writes the SOP's YAML through the revision journal: killed after any of its durable
 * steps, or at a random moment, it leaves the YAML as it was or — once the next command has run — with
 * the feedback item added, never half-written.
 */

const ID = 'duty-handover-service-center';
const ADD = [
  'feedback',
  'add',
  ID,
  '--by',
  '王五',
  '--text',
  '建议交班时清点手电筒。',
  '--date',
  '2026-03-02',
];
const JOURNAL = 'sops/.sopforge-revise.json';
type Tree = Map<string, Buffer>;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function add(
  cwd: string,
  how: { crashAfter?: number; killAfterMs?: number },
): Promise<{ code: number | null; killed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (how.crashAfter !== undefined) env.SOPFORGE_TEST_CRASH_AFTER = String(how.crashAfter);
    const started = performance.now();
    const child = spawn('node', [BIN, ...ADD], { cwd, stdio: 'ignore', env });
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

describe('feedback add is one atomic step', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let initial: Tree;
  let complete: Tree;
  let duration = 0;

  async function expectWhole(): Promise<'original' | 'complete'> {
    const sops = join(dir, 'sops');
    const committed = existsSync(join(dir, JOURNAL));
    if (!committed) {
      const visible = new Map([...(await readTree(sops))].filter(([p]) => !p.endsWith('.tmp')));
      expect(
        treeDiff(initial, visible).length === 0 || treeDiff(complete, visible).length === 0,
        'no journal, yet the YAML is half written',
      ).toBe(true);
    }
    const v = await runBin(['validate', 'sops', '--format', 'json'], dir);
    expect(v.code, v.stderr).toBe(0);
    const after = await readTree(sops);
    if (treeDiff(initial, after).length === 0) {
      expect(committed, 'a committed journal was rolled back').toBe(false);
      return 'original';
    }
    expect(treeDiff(complete, after), 'neither the original nor the complete YAML').toEqual([]);
    return 'complete';
  }

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-feedback-'));
    await copyBundled(dir);
    initial = await readTree(join(dir, 'sops'));
    const r = await add(dir, {});
    expect(r.code).toBe(0);
    duration = r.ms;
    complete = await readTree(join(dir, 'sops'));
    const yaml = (complete.get(`${ID}.yaml`) as Buffer).toString('utf8');
    expect(yaml).toContain(
      '  feedback:\n    - { id: fb-1, date: 2026-03-02, by: 王五, text: 建议交班时清点手电筒。, status: open }\n',
    );
    expect(treeDiff(initial, complete)).toEqual([`${ID}.yaml`]);
  }, 60_000);
  afterAll(() => cleanup());

  it('leaves the YAML as it was or complete when killed after any durable write', async () => {
    const outcomes: string[] = [];
    for (let n = 1; n < 20; n++) {
      await restore(dir, initial);
      const r = await add(dir, { crashAfter: n });
      if (!r.killed) {
        expect(r.code).toBe(0);
        expect(treeDiff(complete, await readTree(join(dir, 'sops')))).toEqual([]);
        break;
      }
      outcomes.push(`${n}:${await expectWhole()}`);
    }
    // Journal (2 steps), the YAML (2), the journal removed (1).
    expect(outcomes).toEqual(['1:original', '2:complete', '3:complete', '4:complete', '5:complete']);
  }, 480_000);

  it('leaves the YAML as it was or complete when killed at random moments', async () => {
    const next = random(7);
    const outcomes: string[] = [];
    const started = performance.now();
    for (let trial = 0; trial < 12 && (trial < 4 || performance.now() - started < 60_000); trial++) {
      await restore(dir, initial);
      const at = Math.round(duration * (0.4 + 0.7 * next()));
      const r = await add(dir, { killAfterMs: at });
      if (!r.killed) duration = r.ms;
      outcomes.push(`${r.killed ? `killed@${at}ms` : 'finished'}→${await expectWhole()}`);
    }
    console.info(`feedback add ${Math.round(duration)} ms; ${outcomes.join(', ')}`);
    expect(outcomes.some((o) => o.startsWith('killed'))).toBe(true);
  }, 180_000);

  it('gives the next free id and refuses a taken one', async () => {
    await restore(dir, complete);
    const second = await runBin([...ADD.slice(0, 3), '--by', '赵六', '--text', '建议缩短值班时间。'], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('已记录员工反馈 fb-2');
    const yaml = await readFile(join(dir, 'sops', `${ID}.yaml`), 'utf8');
    expect(yaml).toMatch(
      / {4}- \{ id: fb-2, date: \d{4}-\d{2}-\d{2}, by: 赵六, text: 建议缩短值班时间。, status: open \}\n/,
    );
    const taken = await runBin([...ADD, '--id', 'fb-1'], dir);
    expect(taken.code).toBe(2);
  }, 60_000);
});
