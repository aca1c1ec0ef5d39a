import { spawn } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVariants } from '../../bench/lib/variants.mjs';
import { BIN, tempDir } from '../helpers.js';
import { readTree, runBin, treeDiff } from './helpers.js';

/** Enough SOPs that a build takes a while; every one changes between version A and version B. */
const SOPS = 12;
const TRIALS = 6;

/** A small seeded generator, so the kill moments are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function writeVersion(dir: string, version: 'A' | 'B'): Promise<void> {
  const ids = await writeVariants(join(dir, 'sops'), SOPS);
  if (version === 'A') return;
  for (const id of ids) {
    const path = join(dir, 'sops', `${id}.yaml`);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(/^title: (.+)$/m, 'title: $1（B 版）'));
  }
}

/** Starts a build and SIGKILLs it after `ms`; resolves with how it ended. */
function buildAndKill(
  cwd: string,
  ms: number,
  args: string[],
): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('node', [BIN, 'build', ...args], {
      cwd,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, CI: 'true' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

/** The tree of `out/` must be one of the complete builds, and its manifest must describe exactly its files. */
async function expectComplete(out: string, builds: Record<string, Map<string, Buffer>>): Promise<string> {
  const tree = await readTree(out);
  const manifest = JSON.parse((tree.get('manifest.json') as Buffer).toString('utf8')) as {
    files: { path: string; sha256: string }[];
  };
  const { createHash } = await import('node:crypto');
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const bytes = tree.get(f.path);
    expect(bytes, f.path).toBeDefined();
    expect(
      createHash('sha256')
        .update(bytes as Buffer)
        .digest('hex'),
      f.path,
    ).toBe(f.sha256);
  }
  for (const p of tree.keys())
    if (!listed.has(p)) expect(['manifest.json', '.sopforge-cache.json', 'README.md']).toContain(p);
  const match = Object.entries(builds).find(([, t]) => treeDiff(t, tree).length === 0);
  expect(match, 'out/ is neither the previous nor the new complete build').toBeDefined();
  return (match as [string, unknown])[0];
}

describe('a build killed at random moments', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const builds: Record<string, Map<string, Buffer>> = {};
  let duration = 0;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-kill-'));
    for (const v of ['B', 'A'] as const) {
      await writeVersion(dir, v);
      const started = performance.now();
      const r = await runBin(['build', '--no-incremental', '--lang', 'en'], dir, { CI: 'true' });
      duration = Math.max(duration, performance.now() - started);
      expect(r.code, r.stderr).toBe(0);
      builds[v] = await readTree(join(dir, 'out'));
    }
  }, 120_000);
  afterAll(() => cleanup());

  it('always leaves the previous or the new complete build, with a matching manifest', async () => {
    const next = random(6);
    const outcomes: string[] = [];
    let current: 'A' | 'B' = 'A';
    for (let trial = 0; trial < TRIALS; trial++) {
      const target = current === 'A' ? 'B' : 'A';
      await writeVersion(dir, target);
      // Mostly late in the run, where the staging folder is written and renamed.
      const at = Math.round(duration * (0.4 + 0.65 * next()));
      const args = trial % 2 === 0 ? ['--no-incremental'] : [];
      const { killed } = await buildAndKill(dir, at, args);
      const out = join(dir, 'out');
      const between = !(await stat(out).then(
        () => true,
        () => false,
      ));
      if (between) {
        // Killed between the two renames: the next command puts the previous build back.
        expect((await readdir(dir)).some((n) => n.startsWith('.out.previous-'))).toBe(true);
        expect((await runBin(['verify', '--lang', 'en'], dir)).code).toBeLessThanOrEqual(1);
      }
      const state = await expectComplete(out, builds);
      if (!killed) expect(state).toBe(target);
      outcomes.push(
        `${killed ? `killed@${at}ms` : 'finished'}${between ? '(between renames)' : ''}→${state}`,
      );
      current = state as 'A' | 'B';
    }
    // A build after all that completes, and no staging or previous folder is left behind.
    await writeVersion(dir, current === 'A' ? 'B' : 'A');
    const r = await runBin(['build', '--lang', 'en'], dir, { CI: 'true' });
    expect(r.code, r.stderr).toBe(0);
    expect(await expectComplete(join(dir, 'out'), builds)).toBe(current === 'A' ? 'B' : 'A');
    expect([...(await readTree(dir)).keys()].filter((p) => p.startsWith('.out.'))).toEqual([]);
    console.info(`build ${Math.round(duration)} ms; ${outcomes.join(', ')}`);
    expect(outcomes.some((o) => o.startsWith('killed'))).toBe(true);
    await rm(join(dir, 'out'), { recursive: true, force: true });
  }, 300_000);
});
