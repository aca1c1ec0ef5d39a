import { parentPort, workerData } from 'node:worker_threads';
import { loadSopSet } from '../load/index.js';
import { extraRules } from '../validate/extra.js';
import type { LoadReply, LoadRequest } from './load-thread.js';

// The preview's whole-set read, off the server's thread: reads, validates and normalizes the set once and
// posts the result back (plain data, as the build's workers receive it).
const port = parentPort;
if (!port) throw new Error('internal: preview/load-worker.js runs only as a worker thread');
const { paths, cwd } = workerData as LoadRequest;
loadSopSet(paths, { cwd, ...extraRules(cwd) }).then(
  (result) => port.postMessage({ result } satisfies LoadReply),
  (err: unknown) => port.postMessage({ error: String((err as Error)?.stack ?? err) } satisfies LoadReply),
);
