import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, copyFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface ManifestSource {
  readonly id: string;
  readonly version: string;
  readonly file: string;
  readonly sha256: string;
}

export interface Manifest {
  readonly generator: 'sopforge';
  readonly sources: readonly ManifestSource[];
  readonly files: readonly ManifestFile[];
}

export interface OutputFile {
  /** Relative to the output folder, forward slashes. */
  readonly path: string;
  readonly data: string | Uint8Array;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export function manifestOf(files: readonly OutputFile[], sources: readonly ManifestSource[]): Manifest {
  return {
    generator: 'sopforge',
    sources: [...sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    files: files
      .map((f) => ({ path: f.path, sha256: sha256(f.data), bytes: typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.byteLength }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}

const staging = (out: string, tag: string) => join(dirname(out), `.${basename(out)}.staging-${tag}`);
const previous = (out: string) => join(dirname(out), `.${basename(out)}.previous`);

/**
 * Puts back the previous output if a build was interrupted between its two renames, and removes staging
 * folders of builds that no longer run. Called before every build and verify.
 */
export async function recoverOutput(out: string): Promise<void> {
  const prev = previous(out);
  const outExists = await stat(out).then(() => true, () => false);
  const prevExists = await stat(prev).then(() => true, () => false);
  if (!outExists && prevExists) await rename(prev, out);
  else if (prevExists) await rm(prev, { recursive: true, force: true });
  const parent = dirname(out);
  const prefix = `.${basename(out)}.staging-`;
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || !alive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes a complete build to `out` atomically: everything goes into a staging folder beside `out`, then the
 * staging folder replaces `out` with two renames. A build killed at any point leaves the previous `out`
 * (restored by `recoverOutput` if the kill fell between the renames). Files in the old `out` that are not
 * build output (its README.md) are carried over.
 */
export async function writeOutput(out: string, files: readonly OutputFile[], manifest: Manifest): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  await recoverOutput(out);
  const stage = staging(out, String(process.pid));
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  for (const f of files) await writeDurable(join(stage, f.path), f.data);
  await writeDurable(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(out, 'README.md'), join(stage, 'README.md')).catch(() => undefined);
  const prev = previous(out);
  const hadOut = await stat(out).then(() => true, () => false);
  if (hadOut) await rename(out, prev);
  await rename(stage, out);
  if (hadOut) await rm(prev, { recursive: true, force: true });
}
