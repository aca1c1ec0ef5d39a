import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SopSet } from '../model/types.js';
import type { OutputFile } from './write.js';

/** Messages between the build and its workers. */
export type ToWorker = { readonly index: number };
export type FromWorker =
  | { readonly index: number; readonly files: OutputFile[] }
  | {
      readonly index: number;
      readonly error: string;
      readonly name: string;
      readonly message: string;
      /** A renderer's message in both languages (`RenderError.words`), when it has one. */
      readonly words?: { readonly zh: string; readonly en: string };
    };

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Workers load the compiled targets; from uncompiled sources (tests run by vitest) everything stays in this thread. */
const compiled = import.meta.url.endsWith('.js');

/** Below this many SOPs to build, starting workers (each loads fonts and targets) costs more than it saves. */
const MIN_SOPS_FOR_WORKERS = 24;

/** How many worker threads to use for `tasks` SOPs; 1 means "in this thread". */
export function workerCount(requested: number | 'auto', tasks: number): number {
  if (!compiled || tasks < 2) return 1;
  if (requested === 'auto') {
    if (tasks < MIN_SOPS_FOR_WORKERS) return 1;
    return Math.max(1, Math.min(availableParallelism(), Math.ceil(tasks / 8)));
  }
  return Math.max(1, Math.min(Math.floor(requested), tasks));
}

/**
 * Emits the SOPs at `indices` in `threads` worker threads, each handed one SOP at a time, and calls `done`
 * as each SOP's files arrive. Rejects (and stops every worker) on the first failure.
 */
export function emitInWorkers(
  set: SopSet,
  indices: readonly number[],
  threads: number,
  done: (index: number, files: OutputFile[]) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const queue = [...indices];
    const workers: Worker[] = [];
    let remaining = indices.length;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const inFlight = new Map<Worker, number>();
    const next = (w: Worker) => {
      const index = queue.shift();
      if (index === undefined) {
        inFlight.delete(w);
        void w.terminate();
      } else {
        inFlight.set(w, index);
        w.postMessage({ index } satisfies ToWorker);
      }
    };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(WORKER_URL, { workerData: { set } });
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (failed) return;
        if ('error' in msg) {
          // Keep the error's name and message: the CLI reports user-fixable errors (a glyph the font lacks,
          // a template mistake) by name, whichever thread raised them.
          const err: Error & { words?: { zh: string; en: string } } = new Error(msg.message);
          err.name = msg.name;
          if (msg.words) err.words = msg.words;
          err.stack = `${msg.error}\n    (in a build worker, building ${set.sops[msg.index]?.id ?? msg.index})`;
          fail(err);
          return;
        }
        done(msg.index, msg.files);
        remaining--;
        if (remaining === 0) {
          inFlight.clear();
          for (const x of workers) void x.terminate();
          resolvePromise();
        } else next(w);
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        const index = inFlight.get(w);
        if (index !== undefined)
          fail(
            new Error(
              `internal: a build worker stopped (exit code ${code}) while building ${set.sops[index]?.id ?? index}`,
            ),
          );
      });
      next(w);
    }
  });
}
