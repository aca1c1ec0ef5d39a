/**
 * Durable single-file steps for the revision journal (`journal.ts`): a write is a temporary file beside the
 * target, flushed with fsync, renamed over the target, and the folder flushed so the rename itself survives
 * a power cut; a removal is an unlink followed by a flush of the folder.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The temporary name a write to `file` uses; `journal.ts` removes such leftovers of killed processes. */
export function tempPathFor(file: string, pid = process.pid): string {
  return join(dirname(file), `.${basename(file)}.${pid}.tmp`);
}

/** `pid` of a temporary name made by `tempPathFor`, or null. */
export function tempOwner(name: string): number | null {
  const m = /^\..+\.(\d+)\.tmp$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Flushes a folder's entries (new, renamed or removed names). Platforms that cannot open a folder skip it. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows refuses fsync on a folder handle; its renames are durable once they return.
  } finally {
    closeSync(fd);
  }
}

/** Creates `dir` and any missing parents, flushing each parent so the new entries survive. */
function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  ensureDir(dirname(dir));
  mkdirSync(dir);
  syncDir(dirname(dir));
}

/** Writes `text` to `file` so that a kill or power cut at any moment leaves either the old or the new file. */
export function writeFileDurable(file: string, text: string): void {
  ensureDir(dirname(file));
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  crashPoint();
  renameSync(tmp, file);
  syncDir(dirname(file));
  crashPoint();
}

/** Removes `file` (if present) and flushes its folder. */
export function removeFileDurable(file: string): void {
  if (!existsSync(file)) return;
  unlinkSync(file);
  syncDir(dirname(file));
  crashPoint();
}

let steps = 0;

/**
 * Test hook, inert unless `SOPFORGE_TEST_CRASH_AFTER=n` is set: the process kills itself with SIGKILL right
 * after its n-th durable step (a temporary file flushed, a rename flushed, a removal flushed), so a test
 * can stop `revise` at every boundary between its writes (`test/history/revise-atomic.test.ts`).
 */
function crashPoint(): void {
  const after = process.env.SOPFORGE_TEST_CRASH_AFTER;
  if (after === undefined) return;
  steps++;
  if (steps === Number(after)) process.kill(process.pid, 'SIGKILL');
}
