import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sop, SopSet } from '../model/types.js';
import type { Target } from './artifact.js';
import { type BuildOptions, emitSops, manifestSources } from './build.js';
import { checkOwned, resolveOutput } from './guard.js';
import { targets as defaultTargets } from './targets.js';
import {
  CACHE_FILE,
  commitStaging,
  type Manifest,
  type ManifestFile,
  manifestEntry,
  manifestFromEntries,
  manifestText,
  prepareStaging,
  reuseFile,
  sha256,
  writeDurable,
} from './write.js';

export { CACHE_FILE } from './write.js';

interface BuildCache {
  readonly format: 1;
  /** Hash of the generator (its code, templates, calendars, schema and target names) and of the set's own data. */
  readonly generator: string;
  /** SOP id → hash of everything its folder was built from. */
  readonly sops: Readonly<Record<string, string>>;
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly id: string;
  readonly reused: boolean;
}

export interface FolderBuildOptions extends BuildOptions {
  /** Reuse unchanged SOP folders of the previous build in `out` (default true). */
  readonly incremental?: boolean;
  readonly onProgress?: (p: Progress) => void;
  /**
   * Stops the build: nothing more is written, the staging folder is removed and the call rejects with the
   * signal's reason. A swap already under way is finished first (then the call resolves: the build is in).
   * Targets still running in worker threads are not waited for.
   */
  readonly signal?: AbortSignal;
}

export interface FolderBuildResult {
  readonly manifest: Manifest;
  /** SOP ids built by running the targets, in set order. */
  readonly rebuilt: readonly string[];
  /** SOP ids whose folder was carried over from the previous build unchanged. */
  readonly reused: readonly string[];
}

let codeHash: Promise<string> | null = null;

/** Hash of the code and data files that generate the output: the compiled (or source) modules, templates, calendars, schemas. */
function generatorCode(): Promise<string> {
  codeHash ??= (async () => {
    const code = fileURLToPath(new URL('..', import.meta.url));
    const pkg = fileURLToPath(new URL('../..', import.meta.url));
    const h = createHash('sha256');
    for (const dir of [code, join(pkg, 'templates'), join(pkg, 'calendars'), join(pkg, 'schemas')]) {
      for (const file of await listFiles(dir)) {
        h.update(`${file.slice(pkg.length)}\0`);
        h.update(await readFile(file));
      }
    }
    return h.digest('hex');
  })();
  return codeHash;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/** The other SOPs of the set whose content may appear in `sop`'s output. */
export function dependencies(sop: Sop, set: SopSet, targets: readonly Target[]): Sop[] {
  const ids = new Set<string>();
  if (sop.kind === 'manual') for (const s of set.sops) ids.add(s.id);
  for (const r of sop.references) ids.add(r.id);
  for (const t of targets) for (const id of t.dependsOn?.(sop, { set }) ?? []) ids.add(id);
  ids.delete(sop.id);
  return set.sops.filter((s) => ids.has(s.id));
}

/** Hash of everything a SOP's folder is built from: the generator, the SOP's model and the models it depends on. */
function inputKey(generator: string, sop: Sop, set: SopSet, targets: readonly Target[]): string {
  const h = createHash('sha256');
  h.update(`${generator}\0${JSON.stringify(sop)}`);
  for (const dep of dependencies(sop, set, targets)) h.update(`\0${JSON.stringify(dep)}`);
  return h.digest('hex');
}

/**
 * `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. On a failure no
 * further call starts, and the calls in flight are settled before the first error is passed on (so nothing
 * is still writing when the caller cleans up).
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failure = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The previous build's files of one SOP, if every one of them is still exactly what its manifest says. */
async function reusable(out: string, files: readonly ManifestFile[]): Promise<ManifestFile[] | null> {
  for (const f of files) {
    const info = await stat(join(out, f.path)).catch(() => null);
    if (!info?.isFile() || info.size !== f.bytes) return null;
    if ((await fileHash(join(out, f.path))) !== f.sha256) return null;
  }
  return [...files];
}

/** The previous manifest's files, by the SOP folder they are in. */
function filesBySop(previous: Manifest): Map<string, ManifestFile[]> {
  const by = new Map<string, ManifestFile[]>();
  for (const f of previous.files) {
    const id = f.path.slice(0, f.path.indexOf('/'));
    by.set(id, [...(by.get(id) ?? []), f]);
  }
  return by;
}

/**
 * Builds a validated set into `out` atomically, rebuilding only the SOPs whose inputs changed since the
 * build already in `out`; the others' files are hard-linked (or copied) from it after checking their hashes.
 * The result is byte-identical to a cold build.
 *
 * @example
 * const { rebuilt } = await buildToFolder(set, 'out', { workers: 'auto' });
 */
export async function buildToFolder(
  set: SopSet,
  out: string,
  options: FolderBuildOptions = {},
  targets: readonly Target[] = defaultTargets,
): Promise<FolderBuildResult> {
  options.signal?.throwIfAborted();
  // Never replace a link, a file or a folder holding files the build did not write.
  const real = await resolveOutput(out);
  await checkOwned(real);
  const stage = await prepareStaging(real);
  try {
    return await buildInto(set, real, stage, options, targets);
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
}

/** Rejects with the signal's reason once it aborts; never resolves. */
function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function buildInto(
  set: SopSet,
  out: string,
  stage: string,
  options: FolderBuildOptions,
  targets: readonly Target[],
): Promise<FolderBuildResult> {
  // Everything of the set but its SOPs (e.g. site calendars) may reach any SOP's output.
  const setData = JSON.stringify(Object.entries(set).filter(([key]) => key !== 'sops'));
  const generator = sha256(`${await generatorCode()}\0${targets.map((t) => t.name).join('\0')}\0${setData}`);
  const keys = new Map(set.sops.map((s) => [s.id, inputKey(generator, s, set, targets)]));
  const previous =
    options.incremental === false ? null : await readJson<Manifest>(join(out, 'manifest.json'));
  const cache = previous ? await readJson<BuildCache>(join(out, CACHE_FILE)) : null;
  const usable =
    previous && cache?.format === 1 && cache.generator === generator && Array.isArray(previous.files);

  const bySop = usable ? filesBySop(previous) : new Map<string, ManifestFile[]>();
  const entries: ManifestFile[] = [];
  const rebuild: number[] = [];
  const reused: string[] = [];
  let done = 0;
  const total = set.sops.length;
  // Checking and linking is I/O: several SOPs at a time, results kept in set order.
  const { signal } = options;
  const aborted = whenAborted(signal);
  aborted.catch(() => undefined);
  const carried = await mapLimit(set.sops, 16, async (sop) => {
    signal?.throwIfAborted();
    const files =
      usable && Object.hasOwn(cache.sops, sop.id) && cache.sops[sop.id] === keys.get(sop.id)
        ? await reusable(out, bySop.get(sop.id) ?? [])
        : null;
    if (!files) return null;
    for (const f of files) await reuseFile(join(out, f.path), join(stage, f.path));
    options.onProgress?.({ done: ++done, total, id: sop.id, reused: true });
    return files;
  });
  for (const [i, files] of carried.entries()) {
    if (!files) rebuild.push(i);
    else {
      entries.push(...files);
      reused.push((set.sops[i] as Sop).id);
    }
  }

  const writes: Promise<void>[] = [];
  const write = async (id: string, files: readonly { path: string; data: string | Uint8Array }[]) => {
    if (signal?.aborted) return;
    // The files of one SOP are written (and flushed) concurrently: flushing one by one is most of the time.
    await Promise.all(files.map((f) => writeDurable(join(stage, f.path), f.data)));
    for (const f of files) entries.push(manifestEntry(f));
    options.onProgress?.({ done: ++done, total, id, reused: false });
  };
  let emitError: unknown = null;
  // An abort stops waiting for the targets at once; the writes already started are settled below.
  await Promise.race([
    emitSops(set, rebuild, targets, {
      ...options,
      retain: false,
      onSop: (id, files) => {
        if (signal?.aborted) return;
        writes.push(write(id, files));
        options.onSop?.(id, files);
      },
    }),
    aborted,
  ]).catch((err: unknown) => {
    emitError = err;
  });
  // Settle every write before leaving, even when a target failed (the staging folder is then discarded).
  const settled = await Promise.allSettled(writes);
  if (emitError) throw emitError;
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  const manifest = manifestFromEntries(entries, manifestSources(set));
  await writeDurable(join(stage, 'manifest.json'), manifestText(manifest));
  const newCache: BuildCache = {
    format: 1,
    generator,
    sops: Object.fromEntries([...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  await writeDurable(join(stage, CACHE_FILE), `${JSON.stringify(newCache, null, 2)}\n`);
  // The last moment to stop: once the first rename is done, the swap is finished whatever happens.
  signal?.throwIfAborted();
  await commitStaging(out, stage);
  return { manifest, rebuilt: rebuild.map((i) => (set.sops[i] as Sop).id), reused };
}
