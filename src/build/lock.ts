import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from './fault.js';

/** The lock file of an output folder: beside it, so it survives the folder being swapped. */
export const lockPath = (out: string) => join(dirname(out), `.${basename(out)}.lock`);

/** A lock file still being written (no pid yet) counts as held for this long. */
const FRESH_MS = 10_000;

/** Whether process `pid` runs (a process of another user counts: signalling it is merely not permitted). */
export function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Holder {
  readonly text: string;
  readonly pid: number | null;
  readonly ageMs: number;
}

async function holder(path: string): Promise<Holder | null> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number.parseInt(text, 10);
    return { text, pid: Number.isInteger(pid) && pid > 0 ? pid : null, ageMs: Date.now() - info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const held = (h: Holder) => (h.pid === null ? h.ageMs < FRESH_MS : alive(h.pid));

/**
 * Takes a stale lock away: moves it aside under a name of its own, so that of two processes recovering the
 * same stale lock only one removes it. If what was moved is no longer the stale lock (another process took
 * the lock in between), it is put back.
 */
async function removeStale(path: string, stale: Holder): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => stale.text);
  if (moved !== stale.text) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Takes the lock of output folder `out` for this process: a file created exclusively beside it, holding
 * this process's id. A lock whose process no longer runs is recovered; a live one is refused with
 * `OUTPUT_LOCKED`. Resolves with the function that gives the lock back.
 */
export async function lockOutput(out: string): Promise<() => Promise<void>> {
  const path = lockPath(out);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(mine);
      } finally {
        await fh.close();
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Only our own lock: if it was taken away as stale and someone else holds it now, leave theirs.
        if ((await readFile(path, 'utf8').catch(() => null)) === mine)
          await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const h = await holder(path);
    if (h === null) continue;
    if (held(h)) throw new OutputError('OUTPUT_LOCKED', out, { pid: h.pid, lock: path });
    await removeStale(path, h);
  }
  const h = await holder(path);
  throw new OutputError('OUTPUT_LOCKED', out, { pid: h?.pid ?? null, lock: path });
}
