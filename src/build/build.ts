import type { Sop, SopSet } from '../model/types.js';
import type { Target } from './artifact.js';
import { emitInWorkers, workerCount } from './parallel.js';
import { targets as defaultTargets } from './targets.js';
import { type Manifest, type ManifestSource, manifestOf, type OutputFile } from './write.js';

/** Names Windows and some file systems refuse, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** True for a relative path that stays inside its folder: no `..`, no absolute path, no reserved names. */
export function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && !RESERVED.test(seg));
}

export interface BuildOptions {
  /**
   * Worker threads for the target work: a number, or `'auto'` for one per core when the set is large enough
   * to pay for starting them. Default 1: everything runs in this thread. Workers run the compiled default
   * targets, so custom targets and uncompiled sources always build in this thread.
   */
  readonly workers?: number | 'auto';
  /** Called each time a SOP's files are ready. */
  readonly onSop?: (id: string, files: readonly OutputFile[]) => void;
  /** Keep every SOP's files in the result (default true); `false` when `onSop` consumes them. */
  readonly retain?: boolean;
}

/** Runs every target on one SOP; paths are relative to the output folder (`<sop-id>/…`). */
export async function emitSop(sop: Sop, set: SopSet, targets: readonly Target[]): Promise<OutputFile[]> {
  if (!isSafeRelativePath(sop.id)) throw new Error(`internal: unsafe SOP id ${JSON.stringify(sop.id)}`);
  const files: OutputFile[] = [];
  for (const target of targets) {
    for (const artifact of await target.emit(sop, { set })) {
      if (!isSafeRelativePath(artifact.path)) {
        throw new Error(
          `internal: target ${target.name} produced an unsafe path ${JSON.stringify(artifact.path)}`,
        );
      }
      files.push({ path: `${sop.id}/${artifact.path}`, data: artifact.data });
    }
  }
  return files;
}

/**
 * Emits the SOPs at `indices` of `set`, in worker threads when `workers` allows it, and returns their files
 * in the order of `indices` (so the result never depends on scheduling).
 */
export async function emitSops(
  set: SopSet,
  indices: readonly number[],
  targets: readonly Target[],
  options: BuildOptions = {},
): Promise<OutputFile[][]> {
  const results: OutputFile[][] = indices.map(() => []);
  const threads = targets === defaultTargets ? workerCount(options.workers ?? 1, indices.length) : 1;
  if (threads > 1) {
    const position = new Map(indices.map((sopIndex, i) => [sopIndex, i]));
    await emitInWorkers(set, indices, threads, (sopIndex, files) => {
      if (options.retain !== false) results[position.get(sopIndex) as number] = files;
      options.onSop?.((set.sops[sopIndex] as Sop).id, files);
    });
    return results;
  }
  for (const [i, sopIndex] of indices.entries()) {
    const sop = set.sops[sopIndex] as Sop;
    const files = await emitSop(sop, set, targets);
    if (options.retain !== false) results[i] = files;
    options.onSop?.(sop.id, files);
  }
  return results;
}

export function manifestSources(set: SopSet): ManifestSource[] {
  return set.sops.map((s) => ({ id: s.id, version: s.version, file: s.file, sha256: s.sourceHash }));
}

/**
 * Runs every target on every SOP of a validated set and returns the files of `out/` with their manifest.
 * Pure: nothing is written here (see `writeOutput`, and `buildToFolder` for incremental builds).
 *
 * @example
 * const { files, manifest } = await buildSet(set);
 * await writeOutput('out', files, manifest);
 */
export async function buildSet(
  set: SopSet,
  targets: readonly Target[] = defaultTargets,
  options: BuildOptions = {},
): Promise<{ files: OutputFile[]; manifest: Manifest }> {
  const perSop = await emitSops(
    set,
    set.sops.map((_, i) => i),
    targets,
    options,
  );
  const files = perSop.flat();
  return { files, manifest: manifestOf(files, manifestSources(set)) };
}
