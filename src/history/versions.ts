/**
 * Earlier approved texts of a SOP: the snapshots kept in `<sops>/.history/<sop-id>/<version>.yaml` (the
 * loader skips dot-folders, so they never join the set) and, for a SOP never revised with sopforge, the
 * text committed in git.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from '../deps/yaml.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { loadSopTexts } from '../load/index.js';
import type { Sop } from '../model/types.js';
import { writeFileDurable } from './durable.js';
import { snapshotPath } from './revisions.js';

/** The folder of snapshots beside a SOP folder. */
export function snapshotsDirFor(sopsDir: string): string {
  return join(sopsDir, '.history');
}

/** `id` and `version` of a YAML text, without validating it. */
export function peekIdentity(text: string): { id: string | null; version: string | null } {
  try {
    const v = parse(text) as Record<string, unknown> | null;
    return {
      id: typeof v?.id === 'string' ? v.id : null,
      version: typeof v?.version === 'string' || typeof v?.version === 'number' ? String(v.version) : null,
    };
  } catch {
    return { id: null, version: null };
  }
}

/**
 * Loads one SOP text as part of a set made of `companions` (the other SOPs it refers to, e.g. a manual's
 * chapters); companions with the same id are left out.
 */
export function loadVersion(
  file: string,
  text: string,
  companions: readonly { file: string; text: string }[],
): { sop: Sop | null; diagnostics: readonly Diagnostic[] } {
  const id = peekIdentity(text).id;
  const others = companions.filter((c) => peekIdentity(c.text).id !== id && c.file !== file);
  const result = loadSopTexts([...others, { file, text }]);
  const sop = result.set?.sops.find((s) => s.file === file) ?? null;
  return { sop, diagnostics: result.diagnostics.filter((d) => d.file === file) };
}

export function readSnapshot(snapshotsDir: string, id: string, version: string): string | null {
  const file = snapshotPath(snapshotsDir, id, version);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The text of `absFile` at git HEAD, when it is tracked and has `version`. */
export function gitHeadText(absFile: string, version: string): string | null {
  const r = spawnSync('git', ['show', `HEAD:./${basename(absFile)}`], {
    cwd: dirname(absFile),
    encoding: 'utf8',
  });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  return peekIdentity(r.stdout).version === version ? r.stdout : null;
}

/** Writes a file atomically and durably: a temporary file beside it, fsync, rename, fsync of the folder. */
export function writeFileAtomic(file: string, text: string): void {
  writeFileDurable(file, text);
}

export function writeSnapshot(snapshotsDir: string, id: string, version: string, text: string): string {
  const file = snapshotPath(snapshotsDir, id, version);
  writeFileAtomic(file, text);
  return file;
}
