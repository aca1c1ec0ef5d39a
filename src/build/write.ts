import { createHash, randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { alive } from './lock.js';

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

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The manifest entry of one output file. */
export function manifestEntry(f: OutputFile): ManifestFile {
  return {
    path: f.path,
    sha256: sha256(f.data),
    bytes: typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.byteLength,
  };
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** A manifest from entries already hashed (e.g. files reused from the previous build). */
export function manifestFromEntries(
  files: readonly ManifestFile[],
  sources: readonly ManifestSource[],
): Manifest {
  return {
    generator: 'sopforge',
    sources: [...sources].sort(byKey((s) => s.id)),
    files: [...files].sort(byKey((f) => f.path)),
  };
}

export function manifestOf(files: readonly OutputFile[], sources: readonly ManifestSource[]): Manifest {
  return manifestFromEntries(files.map(manifestEntry), sources);
}

/** The bytes of `manifest.json`. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Beside `manifest.json` in `out/`: the input key each SOP folder was built from (not listed in the manifest). */
export const CACHE_FILE = '.sopforge-cache.json';

/** Files a repository keeps in its output folder; a build carries them over and accepts them in any folder. */
export const KEPT_FILES: readonly string[] = ['README.md', '.gitkeep'];

/** A name no other build uses: this process's id, then random hex (the id tells `recoverOutput` who owns it). */
const tag = () => `${process.pid}-${randomBytes(4).toString('hex')}`;
const stagingPrefix = (out: string) => `.${basename(out)}.staging-`;
const previousName = (out: string) => `.${basename(out)}.previous`;

/**
 * Puts back the previous output if a build was interrupted between its two renames, and removes staging
 * folders of builds that no longer run. Called before every build and verify, by the holder of the
 * output's lock.
 */
export async function recoverOutput(out: string): Promise<void> {
  const parent = dirname(out);
  const names = await readdir(parent).catch(() => [] as string[]);
  const prevName = previousName(out);
  // `.out.previous` is the name builds before unique names used.
  const previous = names.filter((n) => n === prevName || n.startsWith(`${prevName}-`));
  const outExists = await lstat(out).then(
    () => true,
    () => false,
  );
  if (!outExists && previous.length > 0) {
    // Only one build runs at a time, so there is one; should there be more, the newest is the last build.
    const dated = await Promise.all(
      previous.map(async (n) => ({ n, t: (await stat(join(parent, n))).mtimeMs })),
    );
    const newest = dated.sort((a, b) => b.t - a.t)[0] as { n: string };
    await rename(join(parent, newest.n), out);
  }
  for (const n of previous)
    await rm(join(parent, n), { recursive: true, force: true }).catch(() => undefined);
  const prefix = stagingPrefix(out);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || !alive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/** Writes a file and flushes it to disk, creating its folder. */
export async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Puts an unchanged file of the previous build into the staging folder: a hard link, or a copy where links fail. */
export async function reuseFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await link(from, to).catch(() => copyFile(from, to));
}

/**
 * Creates an empty staging folder beside `out` for this build, after recovering from interrupted builds.
 * Everything of the next build is written there; `commitStaging` swaps it in.
 */
export async function prepareStaging(out: string): Promise<string> {
  await mkdir(dirname(out), { recursive: true });
  await recoverOutput(out);
  const stage = join(dirname(out), `${stagingPrefix(out)}${tag()}`);
  await mkdir(stage);
  return stage;
}

/**
 * Replaces `out` by the complete staging folder with two renames (`out` → previous, staging → `out`), then
 * removes the previous build. Files a repository keeps in `out` (`KEPT_FILES`) are carried over. If the
 * second rename fails, the previous build is put back before the error is passed on.
 */
export async function commitStaging(out: string, stage: string): Promise<void> {
  for (const name of KEPT_FILES)
    await copyFile(join(out, name), join(stage, name)).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    });
  const prev = join(dirname(out), `${previousName(out)}-${tag()}`);
  const hadOut = await lstat(out).then(
    () => true,
    () => false,
  );
  if (hadOut) await rename(out, prev);
  try {
    await rename(stage, out);
  } catch (err) {
    if (hadOut) await rename(prev, out).catch(() => undefined);
    throw err;
  }
  if (hadOut) await rm(prev, { recursive: true, force: true });
}

/**
 * Writes a complete build to `out` atomically: everything goes into a staging folder beside `out`, then the
 * staging folder replaces `out` with two renames. A build killed at any point leaves the previous `out`
 * (restored by `recoverOutput` if the kill fell between the renames). Files in the old `out` that are not
 * build output (its README.md) are carried over.
 */
export async function writeOutput(
  out: string,
  files: readonly OutputFile[],
  manifest: Manifest,
): Promise<void> {
  const stage = await prepareStaging(out);
  for (const f of files) await writeDurable(join(stage, f.path), f.data);
  await writeDurable(join(stage, 'manifest.json'), manifestText(manifest));
  await commitStaging(out, stage);
}
