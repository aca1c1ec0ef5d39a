import { lstat, mkdir, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inside, OutputError, outputFault } from './fault.js';
import { lockOutput } from './lock.js';
import { CACHE_FILE, KEPT_FILES, recoverOutput } from './write.js';

/** How many foreign files a refusal names. */
const SHOWN = 5;

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/** `path` with every existing part's symbolic links resolved; the missing rest is appended as written. */
async function realish(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    const parent = dirname(path);
    if (errnoOf(err) !== 'ENOENT' || parent === path) throw err;
    return join(await realish(parent), basename(path));
  }
}

/**
 * The folder a build of `out` really writes: `out` itself, or the folder a symbolic link `out` points to
 * (the link is left as it is and shows the new build). Refuses a file, a link to a file and a dangling link.
 */
export async function resolveOutput(out: string): Promise<string> {
  const info = await lstat(out).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT') return null;
    throw outputFault(err, out) ?? err;
  });
  if (!info) return realish(out).catch((err: unknown) => Promise.reject(outputFault(err, out) ?? err));
  if (info.isSymbolicLink()) {
    const target = resolve(dirname(out), await readlink(out));
    const real = await realpath(out).catch((err: unknown) => {
      const code = errnoOf(err);
      if (code === 'ENOENT' || code === 'ELOOP')
        throw new OutputError('OUTPUT_DANGLING_LINK', out, { other: target });
      throw outputFault(err, out) ?? err;
    });
    if (!(await stat(real)).isDirectory()) throw new OutputError('OUTPUT_IS_FILE', out, { other: real });
    return real;
  }
  if (!info.isDirectory()) throw new OutputError('OUTPUT_IS_FILE', out);
  return realpath(out);
}

/**
 * Refuses output folders a build must never replace, whatever they hold: the working directory and its
 * parents, a folder holding one of the build's inputs, and a repository root. `real` comes from `resolveOutput`.
 */
export async function checkPlace(
  real: string,
  { cwd, inputs }: { readonly cwd: string; readonly inputs: readonly string[] },
): Promise<void> {
  if (inside(await realish(cwd), real)) throw new OutputError('OUTPUT_IS_WORKDIR', real);
  for (const input of inputs) {
    if (inside(await realish(input).catch(() => input), real))
      throw new OutputError('OUTPUT_HOLDS_INPUT', real, { other: input });
  }
  if (
    await lstat(join(real, '.git')).then(
      () => true,
      () => false,
    )
  )
    throw new OutputError('OUTPUT_IS_REPOSITORY', real);
}

/** Every entry under `dir` that is not a folder (files, links, …), relative with forward slashes, sorted. */
async function entriesUnder(root: string, rel = ''): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT') return [];
    throw err;
  });
  const out: string[] = [];
  for (const e of entries) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await entriesUnder(root, p)));
    else out.push(p);
  }
  return out.sort();
}

/** The paths a sopforge manifest in `dir` lists, or null when `dir` has no manifest written by sopforge. */
async function listedFiles(dir: string): Promise<Set<string> | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      generator?: unknown;
      files?: unknown;
    } | null;
    if (m?.generator !== 'sopforge' || !Array.isArray(m.files)) return null;
    const paths = (m.files as unknown[]).map((f) => (f as { path?: unknown } | null)?.path);
    return new Set(paths.filter((p): p is string => typeof p === 'string'));
  } catch {
    return null;
  }
}

/**
 * Refuses an output folder holding anything a build would lose. A folder is sopforge's own when it is
 * missing or empty, holds only the files a repository keeps there (`README.md`, `.gitkeep`), or has a
 * `manifest.json` written by sopforge; then only the files that manifest lists may be in it besides those.
 * The manifest is the marker: it is swapped in with the build it describes, so every complete build has it.
 */
export async function checkOwned(real: string): Promise<void> {
  const present = await entriesUnder(real).catch((err: unknown) =>
    Promise.reject(outputFault(err, real) ?? err),
  );
  if (present.length === 0) return;
  const listed = await listedFiles(real);
  const own = new Set<string>([
    ...KEPT_FILES,
    CACHE_FILE,
    ...(listed ?? []),
    ...(listed ? ['manifest.json'] : []),
  ]);
  const foreign = present.filter((p) => !own.has(p));
  if (foreign.length === 0) return;
  throw new OutputError(listed ? 'OUTPUT_FOREIGN_FILES' : 'OUTPUT_NOT_OWNED', real, {
    files: foreign.slice(0, SHOWN),
    count: foreign.length,
  });
}

export interface ClaimedOutput {
  /** The folder to write (the target of a symbolic link `out`). */
  readonly path: string;
  /** Gives the lock back; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * Everything that must hold before a build may write `out`, checked before any work: the folder is not a
 * file, the working directory, a parent of it, a folder of the build's inputs or a repository root; this
 * process holds its lock (`.<out>.lock` beside it); a build interrupted between its two renames is put back;
 * and nothing in it would be lost. Rejects with an `OutputError` otherwise.
 *
 * @example
 * const { path, release } = await claimOutput('/site/out', { cwd: '/site', inputs: ['/site/sops'] });
 * try { await buildToFolder(set, path); } finally { await release(); }
 */
export async function claimOutput(
  out: string,
  place: { readonly cwd: string; readonly inputs: readonly string[] },
): Promise<ClaimedOutput> {
  const real = await resolveOutput(out);
  await checkPlace(real, place);
  try {
    await mkdir(dirname(real), { recursive: true });
    const release = await lockOutput(real);
    try {
      await recoverOutput(real);
      await checkOwned(real);
    } catch (err) {
      await release();
      throw err;
    }
    return { path: real, release };
  } catch (err) {
    throw outputFault(err, real) ?? err;
  }
}
