import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, ROOT } from '../helpers.js';

const exec = promisify(execFile);

/** Every file under `dir` (relative paths, forward slashes, sorted) with its bytes. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (rel: string) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else out.set(p, await readFile(join(dir, p)));
    }
  };
  await walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Paths whose bytes differ between two trees, and paths only in one of them. */
export function treeDiff(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diff: string[] = [];
  for (const [p, bytes] of a) if (!b.get(p)?.equals(bytes)) diff.push(p);
  for (const p of b.keys()) if (!a.has(p)) diff.push(p);
  return diff;
}

/** Copies the bundled SOPs into `dir/sops`. */
export async function copyBundled(dir: string): Promise<void> {
  await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
}

/** Runs the compiled CLI as a user would, in `cwd`. */
export async function runBin(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec('node', [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    maxBuffer: 64 << 20,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

/**
 * Every entry under `dir` by relative path: a file's sha256, a link's target, or `dir` for a folder, so that
 * a removed folder, a link replaced by a folder or a changed byte all show.
 */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const info = await lstat(join(dir, p));
      if (info.isSymbolicLink()) out.set(p, `link → ${await readlink(join(dir, p))}`);
      else if (info.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else
        out.set(
          p,
          createHash('sha256')
            .update(await readFile(join(dir, p)))
            .digest('hex'),
        );
    }
  };
  await walk('');
  return out;
}
