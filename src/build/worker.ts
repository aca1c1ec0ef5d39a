import { parentPort, workerData } from 'node:worker_threads';
import type { Sop, SopSet } from '../model/types.js';
import { emitSop } from './build.js';
import type { FromWorker, ToWorker } from './parallel.js';
import { targets } from './targets.js';

// One build worker: receives the whole set once, then SOP indices one at a time, and answers with their files.
const set = (workerData as { set: SopSet }).set;
const port = parentPort;
if (!port) throw new Error('internal: build/worker.js runs only as a worker thread');

port.on('message', (msg: ToWorker) => {
  emitSop(set.sops[msg.index] as Sop, set, targets).then(
    (files) => port.postMessage({ index: msg.index, files } satisfies FromWorker),
    (err: unknown) =>
      port.postMessage({
        index: msg.index,
        error: String((err as Error)?.stack ?? err),
        name: String((err as Error)?.name ?? 'Error'),
        message: String((err as Error)?.message ?? err),
        ...((err as { words?: { zh: string; en: string } })?.words
          ? { words: (err as { words: { zh: string; en: string } }).words }
          : {}),
      } satisfies FromWorker),
  );
});
