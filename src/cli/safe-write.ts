/**
 * The one file `roster` and `book` write (`--out FILE`): where it may go, how sopforge recognises a PDF of
 * its own, and the atomic write itself.
 *
 * - A PDF never goes into a YAML or template file (`.yaml`, `.yml`, `.hbs`, existing or not: the next
 *   `validate` would read it as a SOP), nor over any file this command reads (SOP sources, calendars, the
 *   staff list, compared by real path), not even with `--force`.
 * - An existing file is replaced only when sopforge wrote it, unless `--force`: its PDF Info dictionary
 *   names sopforge as the producer (`isSopforgePdf`).
 * - `--out` must name a file in an existing folder; a symbolic link at `--out` is replaced by the new
 *   file (never written through), after the checks above were applied to both the link and its target.
 * - The bytes go to a temporary file in the same folder, renamed over the target: a run killed at any
 *   moment leaves the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Code } from '../diagnostics/catalog.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { Lang } from '../diagnostics/types.js';
import { display, fileStart } from '../load/read.js';
import { UserError } from './io.js';

/** An input of the command, as the refusal names it. */
export interface OutputInput {
  readonly path: string;
  readonly what: { readonly zh: string; readonly en: string };
}

export interface OutputFileOptions {
  /** Files the command reads; `--out` may never be one of them. */
  readonly inputs: readonly OutputInput[];
  /** `--force`: replace an existing file sopforge did not write. */
  readonly force: boolean;
  readonly cwd: string;
  readonly lang: Lang;
}

/** Extensions of files a PDF is never written over. */
const SOURCE_EXTENSIONS = new Set(['.yaml', '.yml', '.hbs']);

/** Input descriptions shared by the commands. */
export const INPUT = {
  sop: { zh: '规程文件', en: 'SOP file' },
  calendar: { zh: '日历文件', en: 'calendar file' },
  staff: { zh: '值班人员名单', en: 'staff list' },
} as const;

function refuse(
  code: Code,
  file: string,
  cwd: string,
  lang: Lang,
  params: Record<string, string> = {},
): never {
  const d = makeDiagnostic(code, fileStart(display(cwd, file)), [], params);
  throw new UserError(formatDiagnostic(d, lang, null));
}

const realOf = (file: string): string | null => {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
};

/**
 * Checks that `out` (as given, relative to `cwd`) may be written and returns its absolute path; throws a
 * `UserError` naming the reason when not. Call it before rendering, so a refused run does no work.
 */
export function checkOutputFile(out: string, options: OutputFileOptions): string {
  const { cwd, lang } = options;
  const file = resolve(cwd, out);
  if (/[\\/]$/.test(out)) refuse('OUT_IS_FOLDER', file, cwd, lang);
  const parent = statSync(dirname(file), { throwIfNoEntry: false });
  if (!parent?.isDirectory())
    refuse('OUT_NO_FOLDER', file, cwd, lang, { folder: display(cwd, dirname(file)) });
  const target: Stats | undefined = statSync(file, { throwIfNoEntry: false });
  if (target?.isDirectory()) refuse('OUT_IS_FOLDER', file, cwd, lang);
  const real = realOf(file);
  const names = [file, ...(real && real !== file ? [real] : [])];
  for (const input of options.inputs) {
    const inputReal = realOf(input.path) ?? resolve(input.path);
    if (names.includes(inputReal) || names.includes(resolve(input.path)))
      refuse('OUT_IS_INPUT', file, cwd, lang, { whatZh: input.what.zh, what: input.what.en });
  }
  if (names.some((n) => SOURCE_EXTENSIONS.has(extname(n).toLowerCase())))
    refuse('OUT_IS_SOURCE', file, cwd, lang);
  // A device or a pipe is never replaced: renaming over /dev/null would remove the device.
  if (target && !target.isFile()) refuse('OUT_NOT_FILE', file, cwd, lang);
  // Nothing there, or a dangling link the rename replaces: nothing to lose.
  if (target && !options.force && !isSopforgePdf(file)) refuse('OUT_NOT_OURS', file, cwd, lang);
  return file;
}

/** Reads up to `length` bytes at `position`; fewer at the end of the file. */
function readAt(fd: number, position: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n).toString('latin1');
}

/**
 * Whether `file` is a PDF sopforge wrote: its Info dictionary's `Producer` starts with "sopforge".
 *
 * The Info dictionary sits wherever the writer put it (pdfkit: before the font, which can be megabytes
 * from either end), so it is found the way a PDF reader finds it, without reading the rest: the trailer at
 * the end gives the cross-reference table's offset and the Info object's number, the table's fixed-width
 * rows give that object's offset, and a `Producer` given by reference is looked up the same way. Five reads
 * of at most 2 KB whatever the size. Anything unexpected (another writer's compressed cross-reference
 * stream, a damaged file) answers `false`, so the file is kept.
 */
export function isSopforgePdf(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    if (readAt(fd, 0, 5) !== '%PDF-') return false;
    const size = statSync(file).size;
    const tail = readAt(fd, Math.max(0, size - 2048), 2048);
    const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    const trailer = tail.lastIndexOf('trailer');
    const info = /\/Info\s+(\d+)\s+0\s+R/.exec(tail.slice(Math.max(0, trailer)));
    if (!start || trailer < 0 || !info) return false;
    const xref = Number(start[1]);
    const head = /^xref\r?\n0 (\d+)\r?\n/.exec(readAt(fd, xref, 64));
    if (!head) return false;
    const rows = Number(head[1]);
    const object = (n: number): string | null => {
      if (n <= 0 || n >= rows) return null;
      const row = /^(\d{10}) \d{5} n/.exec(readAt(fd, xref + head[0].length + 20 * n, 20));
      if (!row) return null;
      const body = readAt(fd, Number(row[1]), 2048);
      const prefix = `${n} 0 obj`;
      return body.startsWith(prefix) ? body.slice(prefix.length).trimStart() : null;
    };
    const dict = object(Number(info[1]));
    if (dict === null) return false;
    const direct = /\/Producer\s*\((.{0,8})/.exec(dict);
    if (direct) return direct[1] === 'sopforge';
    const ref = /\/Producer\s+(\d+)\s+0\s+R/.exec(dict);
    return ref !== null && (object(Number(ref[1]))?.startsWith('(sopforge') ?? false);
  } finally {
    closeSync(fd);
  }
}

const REASONS: Record<string, { zh: string; en: string; hintZh: string; hintEn: string }> = {
  ENOSPC: {
    zh: '磁盘已满',
    en: 'the disk is full',
    hintZh: '腾出磁盘空间后重试，或写到其他磁盘。',
    hintEn: 'Free some disk space and try again, or write to another disk.',
  },
  EDQUOT: {
    zh: '超出磁盘配额',
    en: 'the disk quota is exceeded',
    hintZh: '腾出空间后重试，或写到其他位置。',
    hintEn: 'Free some space and try again, or write elsewhere.',
  },
  EACCES: {
    zh: '没有写入权限',
    en: 'permission denied',
    hintZh: '换一个有写入权限的文件夹，或请管理员开放权限。',
    hintEn: 'Write to a folder you may write to, or ask for the permission.',
  },
  EPERM: {
    zh: '操作不被允许',
    en: 'operation not permitted',
    hintZh: '换一个有写入权限的文件夹，或请管理员开放权限。',
    hintEn: 'Write to a folder you may write to, or ask for the permission.',
  },
  EROFS: {
    zh: '文件系统是只读的',
    en: 'the file system is read-only',
    hintZh: '写到可写的磁盘上。',
    hintEn: 'Write to a disk that is not read-only.',
  },
};

/**
 * Writes `data` to `file` through a temporary file in the same folder and a rename. The temporary file is
 * created exclusively (a link planted at its name is never followed) and removed on failure. Errors the
 * user can fix (disk full, no permission, read-only) become a `UserError`.
 *
 * No fsync: the rename protects against a killed process, which is what a CLI run meets; surviving a power
 * cut as well would cost a disk flush on every run.
 */
export function writeOutputFile(file: string, data: Uint8Array, cwd: string, lang: Lang): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = openSync(tmp, 'wx');
    created = true;
    try {
      let done = 0;
      while (done < data.byteLength) done += writeSync(fd, data, done, data.byteLength - done);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    if (created) rmSync(tmp, { force: true });
    throw writeError(err, file, cwd, lang);
  }
}

/** A failed write as the `UserError` the CLI prints: the reason in the user's words and what to do. */
export function writeError(err: unknown, file: string, cwd: string, lang: Lang): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ?? {
    zh: `${code || '未知错误'}（${(err as Error).message}）`,
    en: `${code || 'unknown error'} (${(err as Error).message})`,
    hintZh: '检查路径和磁盘后重试。',
    hintEn: 'Check the path and the disk, then try again.',
  };
  const d = makeDiagnostic('OUT_WRITE_FAILED', fileStart(display(cwd, resolve(cwd, file))), [], {
    reasonZh: reason.zh,
    reason: reason.en,
    hintZh: reason.hintZh,
    hintEn: reason.hintEn,
  });
  return new UserError(formatDiagnostic(d, lang, null));
}
