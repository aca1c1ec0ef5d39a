interface WritableDoc {
  _offset: number;
  read(): Uint8Array | null;
  _write(data: string | Uint8Array): void;
  push(chunk: Uint8Array | null): boolean;
}

/**
 * The bytes a pdfkit document writes. Call before `doc.end()`; the promise settles when the document
 * has been written out.
 *
 * pdfkit writes a document as a Readable stream, a chunk for every object and every line around it,
 * and turns strings into bytes one character at a time. Here its `_write` turns them into bytes with
 * `Buffer.from(…, 'latin1')` (the same bytes) and keeps the chunks in a list, and the end of the stream
 * (`push(null)`) settles the promise: a 366-page book makes ≈ 4 000 chunks, and passing each through
 * the stream machinery took a tenth of its rendering time. The bytes are the same either way.
 */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  const d = doc as unknown as WritableDoc;
  const chunks: Uint8Array[] = [];
  // What the constructor already wrote (the header) waits in the stream's buffer.
  const head = d.read();
  if (head) chunks.push(head);
  let size = head?.length ?? 0;
  return new Promise<Uint8Array>((resolve, reject) => {
    d._write = (data) => {
      const bytes = typeof data === 'string' ? Buffer.from(`${data}\n`, 'latin1') : data;
      chunks.push(bytes);
      size += bytes.length;
      d._offset += bytes.length;
    };
    d.push = (chunk) => {
      if (chunk !== null) {
        chunks.push(chunk);
        size += chunk.length;
        return true;
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      chunks.length = 0;
      resolve(out);
      return false;
    };
    doc.on('error', reject);
  });
}
