import { parentPort } from 'node:worker_threads';
import { renderBook } from './book.js';
import type { BookJob, BookReply } from './book-thread.js';
import { MissingGlyphsError, RenderError } from './errors.js';
import { prefetchFont } from './font.js';

// One book: pdfkit and fontkit are loaded (above) and the font read and parsed while the main thread
// loads and validates the SOP; then the one job that arrives is rendered and the bytes sent back.
const port = parentPort;
if (!port) throw new Error('internal: render/pdf/book-worker.js runs only as a worker thread');
const fontReady = prefetchFont('Regular');

port.once('message', (job: BookJob) => {
  fontReady
    .then(() => renderBook(job.sop, job.options))
    .then(
      (bytes) => {
        // The bytes are their own buffer (bytes.ts allocates it): hand it over instead of copying.
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        const out = whole ? bytes : bytes.slice();
        port.postMessage({ bytes: out } satisfies BookReply, [out.buffer as ArrayBuffer]);
      },
      (err: unknown) => {
        const reply: BookReply =
          err instanceof MissingGlyphsError
            ? { error: 'missing', missing: err.missing, what: err.what }
            : err instanceof RenderError
              ? { error: 'render', message: err.message }
              : { error: 'internal', message: String((err as Error)?.stack ?? err) };
        port.postMessage(reply);
      },
    );
});
