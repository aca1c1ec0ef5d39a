import { execFileSync, spawn } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeVariants } from '../../bench/lib/variants.mjs';
import { BIN, ROOT, tempDir } from '../helpers.js';
import { runBin, snapshot } from './helpers.js';

const SOP = 'sops/front-desk-reception.yaml';
const isRoot = process.getuid?.() === 0;

/** Whether this process may mount a tmpfs (root in a container that allows it); tried once. */
const canMount = (() => {
  if (!isRoot) return false;
  const probe = execFileSync('mktemp', ['-d']).toString().trim();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rmdir', [probe]);
  }
})();
if (!canMount)
  console.warn(
    'faults.test.ts: skipping the full-disk and read-only tests: mounting a tmpfs is not permitted here',
  );
if (!isRoot)
  console.warn('faults.test.ts: skipping the permission test: it needs root to run the build as nobody');

let dir: string;
let cleanup: () => Promise<void>;
let mounted: string | null = null;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-faults-'));
  await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
});
afterEach(async () => {
  if (mounted) execFileSync('umount', [mounted]);
  mounted = null;
  await cleanup();
});

/** A previous build to be kept intact: a manifest listing one file, and that file. */
async function previousBuild(out: string): Promise<void> {
  await mkdir(join(out, 'front-desk-reception'), { recursive: true });
  await writeFile(join(out, 'front-desk-reception/model.json'), 'built\n');
  await writeFile(
    join(out, 'manifest.json'),
    `${JSON.stringify({ generator: 'sopforge', sources: [], files: [{ path: 'front-desk-reception/model.json', sha256: 'x', bytes: 6 }] })}\n`,
  );
}

async function mountTmpfs(at: string, size: string): Promise<void> {
  await mkdir(at, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at]);
  mounted = at;
}

/** Exit 1 with the named error, no stack trace and no "internal error". */
function expectUserError(r: { code: number; stderr: string }, code: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(`sopforge: error ${code}`);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('ordinary faults of the output folder are user errors, and the previous out/ stays', () => {
  it.skipIf(!canMount)('a full disk (ENOSPC)', async () => {
    // 200 KB holds the previous build and the lock, not the new build (about 320 KB).
    const disk = join(dir, 'disk');
    await mountTmpfs(disk, '200k');
    await previousBuild(join(disk, 'out'));
    const before = await snapshot(disk);
    const r = await runBin(['build', SOP, '--out', 'disk/out', '--lang', 'en'], dir, { CI: 'true' });
    expectUserError(r, 'OUTPUT_NO_SPACE');
    expect(r.stderr).toContain('No space left on the device while writing');
    expect(await snapshot(disk)).toEqual(before);
  });

  it.skipIf(!canMount)('a read-only file system (EROFS)', async () => {
    const disk = join(dir, 'disk');
    await mountTmpfs(disk, '1m');
    await previousBuild(join(disk, 'out'));
    execFileSync('mount', ['-o', 'remount,ro', disk]);
    const before = await snapshot(disk);
    const r = await runBin(['build', SOP, '--out', 'disk/out', '--lang', 'en'], dir, { CI: 'true' });
    expectUserError(r, 'OUTPUT_READ_ONLY');
    expect(r.stderr).toContain('disk/.out.lock is on a read-only file system');
    expect(await snapshot(disk)).toEqual(before);
    // verify only reads: it still works on a read-only disk.
    const v = await runBin(['verify', SOP, '--out', 'disk/out', '--lang', 'en'], dir);
    expect(v.stderr).not.toContain('internal error');
    expect(v.stderr).toContain('changed: disk/out/front-desk-reception/model.json');
  });

  it.skipIf(!isRoot)('a folder the user may not write (EACCES, run as nobody)', async () => {
    // Root ignores permission bits: the build runs as nobody, who may read everything but write nothing here.
    await previousBuild(join(dir, 'out'));
    await chmod(dir, 0o755);
    const before = await snapshot(dir);
    const r = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = spawn('runuser', ['-u', 'nobody', '--', 'node', BIN, 'build', SOP, '--lang', 'en'], {
        cwd: dir,
        env: { PATH: process.env.PATH, CI: 'true' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('exit', (code) => done({ code: code ?? -1, stderr }));
    });
    expectUserError(r, 'OUTPUT_PERMISSION');
    expect(r.stderr).toContain('No permission to write .out.lock');
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('a build stopped by SIGTERM or SIGINT', () => {
  let big: string;
  let cleanupBig: () => Promise<void>;
  let built: Map<string, string>;

  beforeAll(async () => {
    ({ dir: big, cleanup: cleanupBig } = await tempDir('sopforge-signal-'));
    await writeVariants(join(big, 'sops'), 12);
    const r = await runBin(['build', '--lang', 'en'], big, { CI: 'true' });
    expect(r.code, r.stderr).toBe(0);
    // Every SOP changes, so the next build rebuilds all of them and takes a while.
    for (const name of await readdir(join(big, 'sops'))) {
      const path = join(big, 'sops', name);
      await writeFile(path, (await readFile(path, 'utf8')).replace(/^title: (.+)$/m, 'title: $1（改）'));
    }
    built = await snapshot(big);
  }, 180_000);
  afterAll(() => cleanupBig());

  /** Starts a build, waits until its staging folder exists, sends `signal`, and resolves with how it ended. */
  function buildAndStop(signal: NodeJS.Signals, args: string[]) {
    return new Promise<{ code: number | null; stderr: string; sawStaging: boolean }>((done) => {
      const child = spawn('node', [BIN, 'build', ...args], {
        cwd: big,
        env: { PATH: process.env.PATH, CI: 'true' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      let sawStaging = false;
      const poll = setInterval(async () => {
        if (sawStaging) return;
        if ((await readdir(big)).some((n) => n.startsWith('.out.staging-'))) {
          sawStaging = true;
          clearInterval(poll);
          setTimeout(() => child.kill(signal), 200);
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(poll);
        done({ code, stderr, sawStaging });
      });
    });
  }

  it('SIGTERM: exit 143, says so, removes its staging folder and lock, leaves out/ as it was', async () => {
    const r = await buildAndStop('SIGTERM', []);
    expect(r.sawStaging).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('sopforge: 已中断（SIGTERM），未写入任何文件；out/ 保持不变');
    expect(await snapshot(big)).toEqual(built);
  }, 120_000);

  it('SIGINT: exit 130, in English with --lang en', async () => {
    const r = await buildAndStop('SIGINT', ['--lang', 'en']);
    expect(r.sawStaging).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('sopforge: Interrupted (SIGINT): nothing was written and out/ is unchanged');
    expect(await snapshot(big)).toEqual(built);
  }, 120_000);
});
