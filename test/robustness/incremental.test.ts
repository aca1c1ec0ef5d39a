import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVariants } from '../../bench/lib/variants.mjs';
import { buildToFolder, CACHE_FILE } from '../../src/build/output.js';
import { isClean, verifyOutput } from '../../src/build/verify.js';
import { recoverOutput } from '../../src/build/write.js';
import { cli } from '../../src/cli/main.js';
import { loadSopSet } from '../../src/load/index.js';
import type { SopSet } from '../../src/model/types.js';
import { runCli, tempDir } from '../helpers.js';
import { copyBundled, readTree, runBin, treeDiff } from './helpers.js';

async function load(cwd: string): Promise<SopSet> {
  const { set, diagnostics } = await loadSopSet(['sops'], { cwd });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return set as SopSet;
}

/** Changes a line of a SOP's YAML (its title, a clause): a real content change. */
async function edit(cwd: string, file: string, from: RegExp, to: string): Promise<void> {
  const path = join(cwd, 'sops', file);
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(path, next);
}

describe('incremental builds', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-incr-'));
    await copyBundled(dir);
  });
  afterAll(() => cleanup());

  it('a second build of unchanged sources rebuilds nothing and writes the same bytes', async () => {
    const set = await load(dir);
    const first = await buildToFolder(set, join(dir, 'out'));
    expect(first.rebuilt).toEqual(set.sops.map((s) => s.id));
    const cold = await readTree(join(dir, 'out'));
    const second = await buildToFolder(await load(dir), join(dir, 'out'));
    expect(second.rebuilt).toEqual([]);
    expect(second.reused).toEqual(set.sops.map((s) => s.id));
    expect(treeDiff(cold, await readTree(join(dir, 'out')))).toEqual([]);
  });

  it('after one procedure changes, only it and the manual (whose chapter it is) are rebuilt, byte-identical to a cold build', async () => {
    await edit(dir, 'front-desk-reception.yaml', /^title: (.+)$/m, 'title: $1（修订）');
    const set = await load(dir);
    const warm = await buildToFolder(set, join(dir, 'out'));
    expect([...warm.rebuilt].sort()).toEqual(['front-desk-reception', 'service-centre-manual']);
    expect(warm.reused).toHaveLength(set.sops.length - 2);
    const coldOut = join(dir, 'cold');
    const cold = await buildToFolder(set, coldOut, { incremental: false });
    expect(cold.rebuilt).toHaveLength(set.sops.length);
    expect(treeDiff(await readTree(coldOut), await readTree(join(dir, 'out')))).toEqual([]);
    expect(warm.manifest).toEqual(cold.manifest);
  });

  it('a change to the manual rebuilds the manual only', async () => {
    await edit(dir, 'service-centre-manual.yaml', /^title: (.+)$/m, 'title: $1（已复核）');
    const warm = await buildToFolder(await load(dir), join(dir, 'out'));
    expect(warm.rebuilt).toEqual(['service-centre-manual']);
  });

  it('a file edited or deleted in out/ is rebuilt, not carried over', async () => {
    const out = join(dir, 'out');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      files: { path: string }[];
    };
    const victim = manifest.files.find((f) => f.path.startsWith('duty-handover-public-affairs/'))
      ?.path as string;
    const before = await readFile(join(out, victim));
    await writeFile(join(out, victim), 'tampered');
    const r1 = await buildToFolder(await load(dir), out);
    expect(r1.rebuilt).toEqual(['duty-handover-public-affairs']);
    expect((await readFile(join(out, victim))).equals(before)).toBe(true);
    expect(isClean(await verifyOutput(out, ['sops'], dir))).toBe(true);
  });

  it('a target that fails leaves out/ as it was and no staging folder', async () => {
    const out = join(dir, 'out');
    const before = await readTree(out);
    const failing = { name: 'failing', emit: () => Promise.reject(new Error('target bug')) };
    await expect(buildToFolder(await load(dir), out, { incremental: false }, [failing])).rejects.toThrow(
      'target bug',
    );
    expect(treeDiff(before, await readTree(out))).toEqual([]);
    expect((await readdir(dir)).filter((n) => n.startsWith('.out.'))).toEqual([]);
  });

  it('a damaged cache file makes the next build a cold one, with the same result', async () => {
    const out = join(dir, 'out');
    const before = await readTree(out);
    await writeFile(join(out, CACHE_FILE), '{ not json');
    const r = await buildToFolder(await load(dir), out);
    expect(r.reused).toEqual([]);
    expect(treeDiff(before, await readTree(out))).toEqual([]);
  });
});

describe('sopforge verify', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-verify-'));
    await copyBundled(dir);
    expect((await runCli(['build', '--lang', 'en'], dir)).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('exits 0 on a fresh build', async () => {
    const r = await runCli(['verify', '--lang', 'en'], dir);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('matches manifest.json');
  });

  it('reports changed, missing and extra files and changed, missing and unbuilt sources, and exits 1', async () => {
    const out = join(dir, 'out');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      files: { path: string }[];
    };
    const [a, b] = manifest.files.map((f) => f.path);
    await writeFile(join(out, a as string), 'edited by hand');
    await rename(join(out, b as string), join(dir, 'moved-away'));
    await writeFile(join(out, 'front-desk-reception', 'notes.txt'), 'not generated');
    await edit(dir, 'duty-handover-public-affairs.yaml', /^title: (.+)$/m, 'title: $1（未审批）');
    await rename(join(dir, 'sops', 'duty-handover-service-center.yaml'), join(dir, 'gone.yaml'));
    await writeFile(join(dir, 'sops', 'new-sop.yaml'), 'sopforge: 2\n');

    const r = await runCli(['verify', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toEqual({
      clean: false,
      manifest: null,
      changed: [a],
      missing: [b],
      extra: ['front-desk-reception/notes.txt'],
      sources: [
        {
          id: 'duty-handover-public-affairs',
          file: 'sops/duty-handover-public-affairs.yaml',
          problem: 'changed',
          version: '1.0',
        },
        {
          id: 'duty-handover-service-center',
          file: 'sops/duty-handover-service-center.yaml',
          problem: 'missing',
          version: '1.0',
        },
        { id: '', file: 'sops/new-sop.yaml', problem: 'unbuilt', version: null },
      ],
    });
    const text = await runCli(['verify', '--lang', 'en'], dir);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`changed: out/${a}`);
    expect(text.stderr).toContain('source changed: sops/duty-handover-public-affairs.yaml');
    expect(text.stderr).toContain('6 problems found.');
  });

  it('reports a missing or damaged manifest', async () => {
    await writeFile(join(dir, 'out', 'manifest.json'), '[]');
    expect(JSON.parse((await runCli(['verify', '--format', 'json'], dir)).stdout)).toMatchObject({
      manifest: 'invalid',
    });
    expect(
      JSON.parse((await runCli(['verify', '--format', 'json', '--out', 'nowhere'], dir)).stdout),
    ).toMatchObject({ manifest: 'missing' });
  });
});

describe('recovery after a build killed between its two renames', () => {
  it('verify and build put the previous out/ back first', async () => {
    const { dir, cleanup } = await tempDir('sopforge-recover-');
    try {
      await copyBundled(dir);
      expect((await runCli(['build'], dir)).code).toBe(0);
      const built = await readTree(join(dir, 'out'));
      // The state a kill leaves after `out` → `.out.previous` and before the staging folder became `out`.
      await rename(join(dir, 'out'), join(dir, '.out.previous'));
      await writeFile(join(dir, '.out.staging-999999999'), '');
      expect((await runCli(['verify', '--lang', 'en'], dir)).code).toBe(0);
      expect(treeDiff(built, await readTree(join(dir, 'out')))).toEqual([]);
      expect((await readTree(dir)).has('.out.previous/manifest.json')).toBe(false);
      expect((await readTree(dir)).has('.out.staging-999999999')).toBe(false);

      await rename(join(dir, 'out'), join(dir, '.out.previous'));
      const r = await runCli(['build', '--lang', 'en'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('0 rebuilt');
      expect(treeDiff(built, await readTree(join(dir, 'out')))).toEqual([]);
      await recoverOutput(join(dir, 'out'));
      expect(treeDiff(built, await readTree(join(dir, 'out')))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

describe('sopforge build with worker threads', () => {
  it('rebuilds only the changed SOP, and gives the same bytes as a cold single-threaded build', async () => {
    const { dir, cleanup } = await tempDir('sopforge-workers-');
    try {
      const ids = await writeVariants(join(dir, 'sops'), 30);
      const cold = await runBin(['build', '--jobs', '2', '--lang', 'en'], dir, { CI: 'true' });
      expect(cold.code, cold.stderr).toBe(0);
      expect(cold.stdout).toContain('(30 rebuilt, 0 unchanged)');
      const changed = ids[17] as string;
      await edit(dir, `${changed}.yaml`, /^title: (.+)$/m, 'title: $1（修订）');
      const warm = await runBin(['build', '--jobs', '2', '--lang', 'en'], dir, { CI: 'true' });
      expect(warm.stdout).toContain('(1 rebuilt, 29 unchanged)');
      const manifest = JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')) as {
        files: { path: string }[];
      };
      expect(manifest.files.some((f) => f.path.startsWith(`${changed}/`))).toBe(true);
      const single = await runBin(['build', '--jobs', '1', '--no-incremental', '--out', 'single'], dir, {
        CI: 'true',
      });
      expect(single.code, single.stderr).toBe(0);
      expect(treeDiff(await readTree(join(dir, 'single')), await readTree(join(dir, 'out')))).toEqual([]);
    } finally {
      await cleanup();
    }
  }, 120_000);
});

describe('build output on a terminal and in CI', () => {
  const run = async (isTTY: boolean, env: Record<string, string>) => {
    const { dir, cleanup } = await tempDir('sopforge-progress-');
    try {
      await copyBundled(dir);
      let stdout = '';
      let stderr = '';
      const code = await cli(['build', '--lang', 'en'], {
        cwd: dir,
        env,
        isTTY,
        stdout: (s) => {
          stdout += s;
        },
        stderr: (s) => {
          stderr += s;
        },
      });
      return { code, stdout, stderr };
    } finally {
      await cleanup();
    }
  };

  it('draws a progress bar on a terminal, and clears it', async () => {
    const r = await run(true, {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[Kbuilding [');
    expect(r.stderr).toMatch(/building \[█+\] 5\/5 /);
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('prints one summary line and no progress when CI=true or not on a terminal', async () => {
    for (const [isTTY, env] of [
      [true, { CI: 'true' }],
      [false, {}],
    ] as const) {
      const r = await run(isTTY, env);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Built \d+ files for 5 SOPs → out\/ \(5 rebuilt, 0 unchanged\)\n$/);
    }
  });
});
