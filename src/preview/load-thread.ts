/**
 * The preview's whole-set read in a worker thread, so that a large set (hundreds of SOPs, seconds of CPU)
 * never holds up the server: pages, the push channel and the quick re-read of a saved file go on meanwhile.
 * From uncompiled sources (tests run by vitest on `src/`) the read runs in this thread, as the build does.
 */
import { Worker } from 'node:worker_threads';
import { type LoadResult, loadSopSet } from '../load/index.js';
import { extraRules } from '../validate/extra.js';

export interface LoadRequest {
  readonly paths: readonly string[];
  readonly cwd: string;
}
export type LoadReply = { readonly result: LoadResult } | { readonly error: string };

const WORKER_URL = new URL('./load-worker.js', import.meta.url);
const compiled = import.meta.url.endsWith('.js');

/** The set at `paths`, read as `loadSopSet` reads it; in a worker thread when running compiled. */
export function loadSetOffThread(paths: readonly string[], cwd: string): Promise<LoadResult> {
  if (!compiled) return loadSopSet(paths, { cwd, ...extraRules(cwd) });
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { paths, cwd } satisfies LoadRequest });
    let answered = false;
    worker.once('message', (reply: LoadReply) => {
      answered = true;
      void worker.terminate();
      if ('result' in reply) resolvePromise(reply.result);
      else reject(new Error(reply.error));
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`internal: the preview's load worker stopped (exit code ${code})`));
    });
  });
}
