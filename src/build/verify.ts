import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSopFiles, readSource } from '../load/read.js';
import { CACHE_FILE } from './output.js';
import { KEPT_FILES, type Manifest, recoverOutput } from './write.js';

/** Files in `out/` that are not build output and not listed in the manifest. */
const UNLISTED = new Set(['manifest.json', ...KEPT_FILES, CACHE_FILE]);

export interface SourceProblem {
  readonly id: string;
  readonly file: string;
  /** `changed`: the file differs from the version built; `missing`: it is gone; `unbuilt`: a SOP file that was never built. */
  readonly problem: 'changed' | 'missing' | 'unbuilt';
  readonly version: string | null;
}

export interface VerifyReport {
  /** Why `manifest.json` could not be used, or null. */
  readonly manifest: 'missing' | 'invalid' | null;
  /** Listed files whose bytes no longer hash to the manifest's sha256. */
  readonly changed: readonly string[];
  /** Listed files that are gone. */
  readonly missing: readonly string[];
  /** Files in the output folder that the manifest does not list. */
  readonly extra: readonly string[];
  readonly sources: readonly SourceProblem[];
}

export function isClean(r: VerifyReport): boolean {
  return r.manifest === null && r.changed.length + r.missing.length + r.extra.length + r.sources.length === 0;
}

async function hashFile(path: string): Promise<string | null> {
  try {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  } catch {
    return null;
  }
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const rel = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

function isManifest(v: unknown): v is Manifest {
  const m = v as Manifest | null;
  return (
    !!m &&
    m.generator === 'sopforge' &&
    Array.isArray(m.files) &&
    Array.isArray(m.sources) &&
    m.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string') &&
    m.sources.every(
      (s) => typeof s?.file === 'string' && typeof s.sha256 === 'string' && typeof s.id === 'string',
    )
  );
}

/**
 * Re-hashes the build in `out` against its `manifest.json`, and the SOP files under `sources` (files or
 * folders, resolved against `cwd`) against the source hashes the build recorded. Recovers an interrupted
 * build first, as every command that reads `out/` does.
 *
 * @example
 * const report = await verifyOutput('out', ['sops'], process.cwd());
 * if (!isClean(report)) process.exitCode = 1;
 */
export async function verifyOutput(
  out: string,
  sources: readonly string[],
  cwd: string,
): Promise<VerifyReport> {
  await recoverOutput(out);
  let manifest: Manifest | null = null;
  let problem: VerifyReport['manifest'] = null;
  try {
    const parsed: unknown = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    if (isManifest(parsed)) manifest = parsed;
    else problem = 'invalid';
  } catch (err) {
    problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'invalid';
  }
  const present = (await listFiles(out)).filter((f) => !UNLISTED.has(f)).sort();
  if (!manifest) return { manifest: problem, changed: [], missing: [], extra: present, sources: [] };

  const changed: string[] = [];
  const missing: string[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const hash = await hashFile(join(out, f.path));
    if (hash === null) missing.push(f.path);
    else if (hash !== f.sha256) changed.push(f.path);
  }
  const extra = present.filter((f) => !listed.has(f));

  const found = await findSopFiles(sources, cwd);
  const current = new Map<string, string>();
  for (const abs of found.files) {
    const read = await readSource(abs, cwd).catch(() => null);
    const text = read?.source?.text;
    const file = read?.source?.file ?? read?.diagnostics[0]?.file;
    if (file !== undefined)
      current.set(file, text === undefined ? '' : createHash('sha256').update(text).digest('hex'));
  }
  const problems: SourceProblem[] = [];
  const built = new Set<string>();
  for (const s of manifest.sources) {
    built.add(s.file);
    const hash = current.get(s.file);
    if (hash === undefined) problems.push({ id: s.id, file: s.file, problem: 'missing', version: s.version });
    else if (hash !== s.sha256)
      problems.push({ id: s.id, file: s.file, problem: 'changed', version: s.version });
  }
  for (const file of current.keys()) {
    if (!built.has(file)) problems.push({ id: '', file, problem: 'unbuilt', version: null });
  }
  return { manifest: null, changed: changed.sort(), missing: missing.sort(), extra, sources: problems };
}
