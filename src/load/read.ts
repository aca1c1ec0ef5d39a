import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { SourceSpan } from '../model/types.js';

/** No SOP is anywhere near this size; a larger file is refused before it is parsed. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface SourceText {
  /** Path as shown to the user: relative to the working directory, forward slashes. */
  readonly file: string;
  readonly absolute: string;
  readonly text: string;
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

/**
 * Expands files and folders into the sorted list of SOP files. Folders are searched recursively, skipping
 * dot-folders and `node_modules`. A symbolic link inside a folder is followed when its real path stays
 * inside that folder or the working directory; one leading elsewhere (`SOP_LINK_OUTSIDE`) or to nothing
 * (`SOP_LINK_BROKEN`) is reported at the link, never skipped silently. Each real folder is walked once,
 * so a link cycle ends, and a file reached twice (through a link and directly) is read once.
 */
export async function findSopFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const found: Found[] = [];
  const diagnostics: Diagnostic[] = [];
  const realCwd = await realpath(cwd).catch(() => resolve(cwd));
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => null);
    if (!info) {
      diagnostics.push(makeDiagnostic('FILE_NOT_FOUND', fileStart(display(cwd, abs)), [], { path: p }));
    } else if (info.isDirectory()) {
      const reported = diagnostics.length;
      const roots = [await realpath(abs), realCwd];
      const inDir = await walk(abs, { roots, seen: new Set(), cwd, diagnostics }, false);
      if (inDir.length === 0 && diagnostics.length === reported)
        diagnostics.push(makeDiagnostic('FILE_NO_SOPS', fileStart(display(cwd, abs)), [], { path: p }));
      found.push(...inDir);
    } else {
      found.push({ abs, real: await realpath(abs), linked: false });
    }
  }
  // One path per real file: its own rather than a link's, else a link of the same name (the loader
  // checks that ids match file names).
  const rank = (f: Found) => (!f.linked ? 0 : basename(f.abs) === basename(f.real) ? 1 : 2);
  const byReal = new Map<string, Found>();
  for (const f of found) {
    const kept = byReal.get(f.real);
    if (!kept || rank(f) < rank(kept)) byReal.set(f.real, f);
  }
  return { files: [...new Set([...byReal.values()].map((f) => f.abs))].sort(), diagnostics };
}

interface Found {
  readonly abs: string;
  readonly real: string;
  /** Reached through a symbolic link. */
  readonly linked: boolean;
}

interface Walk {
  /** Real paths a link may lead into: the folder given and the working directory. */
  readonly roots: readonly string[];
  /** Real folders already walked. */
  readonly seen: Set<string>;
  readonly cwd: string;
  readonly diagnostics: Diagnostic[];
}

async function walk(dir: string, w: Walk, linked: boolean): Promise<Found[]> {
  const realDir = await realpath(dir);
  if (w.seen.has(realDir)) return [];
  w.seen.add(realDir);
  const out: Found[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full, w, linked)));
    else if (e.isFile() && isYaml(e.name)) out.push({ abs: full, real: join(realDir, e.name), linked });
    else if (e.isSymbolicLink()) out.push(...(await followLink(full, e.name, w)));
  }
  return out;
}

async function followLink(full: string, name: string, w: Walk): Promise<Found[]> {
  const at = fileStart(display(w.cwd, full));
  const real = await realpath(full).catch(() => null);
  const info = real === null ? null : await stat(real).catch(() => null);
  if (real === null || !info) {
    // A dangling link to a folder cannot be told from one to a file: only a SOP's name is reported.
    if (isYaml(name)) {
      const target = await readlink(full).catch(() => '?');
      w.diagnostics.push(makeDiagnostic('SOP_LINK_BROKEN', at, [], { target }));
    }
    return [];
  }
  if (!info.isDirectory() && !(info.isFile() && isYaml(name))) return [];
  if (!w.roots.some((root) => real === root || real.startsWith(root + sep))) {
    w.diagnostics.push(makeDiagnostic('SOP_LINK_OUTSIDE', at, [], { target: real }));
    return [];
  }
  return info.isDirectory() ? walk(full, w, true) : [{ abs: full, real, linked: true }];
}

export function display(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel.startsWith('..') ? abs : rel).split(sep).join('/');
}

export function fileStart(file: string): SourceSpan {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Reads a file and checks that it is non-empty UTF-8 text. */
export async function readSource(
  abs: string,
  cwd: string,
): Promise<{ source: SourceText | null; diagnostics: Diagnostic[] }> {
  const file = display(cwd, abs);
  const info = await stat(abs);
  if (info.size > MAX_FILE_BYTES) {
    return {
      source: null,
      diagnostics: [
        makeDiagnostic('FILE_TOO_LARGE', fileStart(file), [], { size: info.size, limit: MAX_FILE_BYTES }),
      ],
    };
  }
  const bytes = await readFile(abs);
  return decodeSource(file, abs, bytes);
}

export function decodeSource(
  file: string,
  absolute: string,
  bytes: Uint8Array,
): { source: SourceText | null; diagnostics: Diagnostic[] } {
  const fail = (code: 'FILE_EMPTY' | 'FILE_BINARY' | 'FILE_ENCODING', offset: number) => ({
    source: null,
    diagnostics: [makeDiagnostic(code, byteSpan(file, bytes, offset), [])],
  });
  if (bytes.byteLength > MAX_FILE_BYTES) {
    return {
      source: null,
      diagnostics: [
        makeDiagnostic('FILE_TOO_LARGE', fileStart(file), [], {
          size: bytes.byteLength,
          limit: MAX_FILE_BYTES,
        }),
      ],
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fail('FILE_BINARY', nul);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return fail('FILE_ENCODING', bad);
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.split('\n').every((line) => line.trim() === '' || line.trimStart().startsWith('#')))
    return fail('FILE_EMPTY', 0);
  return { source: { file, absolute, text }, diagnostics: [] };
}

/** Line and column (in characters) of a byte offset, decoding only the valid prefix. */
function byteSpan(file: string, bytes: Uint8Array, offset: number): SourceSpan {
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = prefix.split('\n');
  const line = lines.length;
  const column = [...(lines[lines.length - 1] ?? '')].length + 1;
  return { file, line, column, endLine: line, endColumn: column + 1 };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
