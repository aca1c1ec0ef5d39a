import type { SopSet } from '../model/types.js';
import type { Target } from './artifact.js';
import { targets as defaultTargets } from './targets.js';
import { type Manifest, manifestOf, type OutputFile } from './write.js';

/** Names Windows and some file systems refuse, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** True for a relative path that stays inside its folder: no `..`, no absolute path, no reserved names. */
export function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && !RESERVED.test(seg));
}

/**
 * Runs every target on every SOP of a validated set and returns the files of `out/` with their manifest.
 * Pure: nothing is written here (see `writeOutput`).
 */
export async function buildSet(
  set: SopSet,
  targets: readonly Target[] = defaultTargets,
): Promise<{ files: OutputFile[]; manifest: Manifest }> {
  const files: OutputFile[] = [];
  for (const sop of set.sops) {
    if (!isSafeRelativePath(sop.id)) throw new Error(`internal: unsafe SOP id ${JSON.stringify(sop.id)}`);
    for (const target of targets) {
      for (const artifact of await target.emit(sop, { set })) {
        if (!isSafeRelativePath(artifact.path)) {
          throw new Error(`internal: target ${target.name} produced an unsafe path ${JSON.stringify(artifact.path)}`);
        }
        files.push({ path: `${sop.id}/${artifact.path}`, data: artifact.data });
      }
    }
  }
  const sources = set.sops.map((s) => ({ id: s.id, version: s.version, file: s.file, sha256: s.sourceHash }));
  return { files, manifest: manifestOf(files, sources) };
}
