import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
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

const staging = (out: string, tag: string) => join(dirname(out), `.${basename(out)}.staging-${tag}`);
const previous = (out: string) => join(dirname(out), `.${basename(out)}.previous`);

/**
 * Puts back the previous output if a build was interrupted between its two renames, and removes staging
 * folders of builds that no longer run. Called before every build and verify.
 */
export async function recoverOutput(out: string): Promise<void> {
  const prev = previous(out);
  const outExists = await stat(out).then(
    () => true,
    () => false,
  );
  const prevExists = await stat(prev).then(
    () => true,
    () => false,
  );
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
 * Creates an empty staging folder beside `out` for this process, after recovering from interrupted builds.
 * Everything of the next build is written there; `commitStaging` swaps it in.
 */
export async function prepareStaging(out: string): Promise<string> {
  await mkdir(dirname(out), { recursive: true });
  await recoverOutput(out);
  const stage = staging(out, String(process.pid));
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  return stage;
}

/**
 * Replaces `out` by the complete staging folder with two renames (`out` → previous, staging → `out`), then
 * removes the previous build. Files in the old `out` that are not build output (its README.md) are carried over.
 */
export async function commitStaging(out: string, stage: string): Promise<void> {
  await copyFile(join(out, 'README.md'), join(stage, 'README.md')).catch(() => undefined);
  const prev = previous(out);
  const hadOut = await stat(out).then(
    () => true,
    () => false,
  );
  if (hadOut) await rename(out, prev);
  await rename(stage, out);
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
