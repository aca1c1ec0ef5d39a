import { dirname, resolve, sep } from 'node:path';
import type { Code } from '../diagnostics/catalog.js';

/** Codes of the output folder's problems, each with its message in the catalog. */
export type OutputCode = Extract<Code, `OUTPUT_${string}`>;

export interface OutputDetail {
  /** Files found in the folder that sopforge did not write (relative, a few of them), and how many there are. */
  readonly files?: readonly string[];
  readonly count?: number;
  /** The process holding the lock, and the lock file. */
  readonly pid?: number | null;
  readonly lock?: string;
  /** The input the folder contains, or where a dangling link points. */
  readonly other?: string;
  /** The system error code behind the problem (ENOSPC, EROFS, …). */
  readonly errno?: string;
}

/**
 * Why sopforge will not (or could not) write an output folder: something the user can fix, never a bug.
 * `path` is absolute; the CLI shows it relative to the working directory.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(
    readonly code: OutputCode,
    readonly path: string,
    readonly detail: OutputDetail = {},
  ) {
    super(`${code}: ${path}${detail.errno ? ` (${detail.errno})` : ''}`);
  }
}

/** Whether `child` is `folder` or inside it. */
export const inside = (child: string, folder: string) =>
  child === folder || child.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);

/** System errors of writing an output folder, by what the user sees. */
const FAULTS: Readonly<Record<string, OutputCode>> = {
  ENOSPC: 'OUTPUT_NO_SPACE',
  EDQUOT: 'OUTPUT_NO_SPACE',
  EROFS: 'OUTPUT_READ_ONLY',
  EACCES: 'OUTPUT_PERMISSION',
  EPERM: 'OUTPUT_PERMISSION',
  ENOTDIR: 'OUTPUT_PATH_NOT_FOLDER',
  EEXIST: 'OUTPUT_CHANGED',
  ENOTEMPTY: 'OUTPUT_CHANGED',
  ENOENT: 'OUTPUT_CHANGED',
  ELOOP: 'OUTPUT_IO',
  EIO: 'OUTPUT_IO',
  EMFILE: 'OUTPUT_IO',
  ENFILE: 'OUTPUT_IO',
  EMLINK: 'OUTPUT_IO',
  ENAMETOOLONG: 'OUTPUT_IO',
  EFBIG: 'OUTPUT_IO',
};

/**
 * The `OutputError` a system error of writing `out` means, or null when it is not one (a bug, or an error
 * about a file elsewhere). Only errors about paths beside or inside `out` (its staging and previous folders,
 * its lock) count, and errors that name no path (a full disk while writing an open file).
 */
export function outputFault(err: unknown, out: string): OutputError | null {
  if (err instanceof OutputError) return err;
  const e = err as NodeJS.ErrnoException | null;
  const code = e?.code === undefined ? undefined : FAULTS[e.code];
  if (!e || !code || typeof e.syscall !== 'string') return null;
  const path = typeof e.path === 'string' ? e.path : out;
  if (code !== 'OUTPUT_NO_SPACE' && !inside(resolve(path), dirname(out))) return null;
  return new OutputError(code, path, { errno: e.code as string });
}
