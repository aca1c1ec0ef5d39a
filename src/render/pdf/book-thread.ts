import { Worker } from 'node:worker_threads';
import type { Sop } from '../../model/types.js';
import type { BookOptions } from './book.js';
import { MissingGlyphsError, RenderError } from './errors.js';

/** The job the main thread sends to `book-worker.js`, and its answer. */
export interface BookJob {
  readonly sop: Sop;
  readonly options: BookOptions;
}
export type BookReply =
  | { readonly bytes: Uint8Array }
  | { readonly error: 'missing'; readonly missing: readonly string[]; readonly what: string }
  | { readonly error: 'render' | 'internal'; readonly message: string };

/** A book being prepared: `render` once, or `close` when there is nothing to render after all. */
export interface BookRenderer {
  render(sop: Sop, options: BookOptions): Promise<Uint8Array>;
  close(): void;
}

const WORKER_URL = new URL('./book-worker.js', import.meta.url);

/** The worker runs the compiled module; from uncompiled sources (tests run by vitest) the book is rendered in this thread. */
const compiled = import.meta.url.endsWith('.js');

/**
 * Starts preparing a book before its SOP is known. In a worker thread, pdfkit and fontkit load and the
 * 8 MB font is read and parsed while this thread loads and validates the SOP (together about a sixth of a
 * `sopforge book` run, which no longer waits for them); the worker then renders the book (`renderBook`,
 * the same bytes as in this thread) and hands the bytes over. Failures arrive as the same `RenderError`
 * and `MissingGlyphsError` that `renderBook` throws.
 *
 * @example
 * const book = startBookRenderer();
 * const sop = await loadTheSop(); // meanwhile the worker loads pdfkit and the font
 * if (!sop) book.close(); else await writeFile(out, await book.render(sop, options));
 */
export function startBookRenderer(): BookRenderer {
  if (!compiled) return inThisThread();
  const worker = new Worker(WORKER_URL);
  let settled = false;
  let fail: (err: Error) => void = () => {};
  const answer = new Promise<Uint8Array>((resolve, reject) => {
    fail = reject;
    worker.once('message', (reply: BookReply) => {
      settled = true;
      if ('bytes' in reply) resolve(reply.bytes);
      else if (reply.error === 'missing') reject(new MissingGlyphsError(reply.missing, reply.what));
      else if (reply.error === 'render') reject(new RenderError(reply.message));
      else reject(new Error(reply.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new Error(`internal: the book worker stopped (exit code ${code}) without an answer`));
    });
  });
  // Nobody may be waiting yet (the SOP is still loading): a failure is reported when `render` is called.
  answer.catch(() => {});
  let sent = false;
  return {
    render(sop, options) {
      if (sent) throw new Error('internal: a book renderer renders one book');
      sent = true;
      worker.postMessage({ sop, options } satisfies BookJob);
      return answer.finally(() => void worker.terminate());
    },
    close() {
      settled = true;
      fail(new Error('closed'));
      void worker.terminate();
    },
  };
}

function inThisThread(): BookRenderer {
  const loading = import('./font.js').then((font) => font.prefetchFont('Regular'));
  return {
    async render(sop, options) {
      await loading;
      const { renderBook } = await import('./book.js');
      return renderBook(sop, options);
    },
    close() {},
  };
}
