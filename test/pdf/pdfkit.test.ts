import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliCompressSync, deflateSync } from 'node:zlib';
import type * as Fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { pdfBytes } from '../../src/render/pdf/bytes.js';
import { fontPath, glyphInfo, loadFont, prefetchFont } from '../../src/render/pdf/font.js';
import { deferredModules, fontkit, PDFDocument } from '../../src/render/pdf/pdfkit.js';
import { parsePdf } from './helpers.js';

function bytesOf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}

/** A 2×1 RGB PNG, built here so the test has no binary fixture. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.from([0, 255, 0, 0, 0, 0, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('pdfkit and fontkit as loaded for PDF output', () => {
  it('have their unused dependencies waiting to be loaded on first use (nothing loaded them before)', () => {
    expect([...deferredModules()].sort()).toEqual(
      [
        '@noble/ciphers/aes',
        'brotli/decompress.js',
        'linebreak',
        'png-js',
        'unicode-properties',
        'unicode-trie',
      ].sort(),
    );
  });

  it('is one fontkit: the font parsed for forms is an instance of the fontkit pdfkit uses', () => {
    const pdfkitsFontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit');
    expect(pdfkitsFontkit).toBe(fontkit);
    expect(typeof loadFont('Regular').glyphForCodePoint).toBe('function');
  });

  it('still wraps text, embeds PNG images and encrypts when asked (modules loaded on first use)', async () => {
    const plain = new PDFDocument({ compress: false, info: { CreationDate: new Date(0) } });
    const done = bytesOf(plain);
    plain.image(tinyPng(), 50, 50, { width: 40 });
    plain.text('alpha beta gamma delta epsilon zeta eta theta iota kappa', 50, 120, { width: 60 });
    plain.end();
    const bytes = await done;
    expect(bytes.toString('latin1')).toMatch(/\/Subtype \/Image[\s\S]*\/Width 2/);
    const parsed = await parsePdf(new Uint8Array(bytes));
    const lines = new Set(parsed.items[0]?.map((i) => Math.round(i.y)));
    expect(lines.size).toBeGreaterThan(3);
    expect(parsed.text[0]).toContain('kappa');

    const locked = new PDFDocument({
      pdfVersion: '1.7ext3',
      userPassword: 'x',
      info: { CreationDate: new Date(0) },
    });
    const lockedDone = bytesOf(locked);
    locked.text('secret', 50, 50);
    locked.end();
    const lockedText = (await lockedDone).toString('latin1');
    expect(lockedText).toMatch(/\/Encrypt \d+ 0 R/);
    expect(lockedText).toMatch(/\/V 5/); // AES-256
  });

  it("still shapes text with Unicode properties and the shapers' tries, and decodes brotli (WOFF2), in fontkit", () => {
    const font = fontkit.create(readFileSync(fontPath('Regular'))) as Fontkit.Font;
    // A combining accent (unicode-properties), then the Arabic, Indic and Universal shapers (their tries).
    for (const text of ['e\u0301值班', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'ជំរាបសួរ', 'ꦱꦸꦒꦼꦁ']) {
      const run = font.layout(text);
      expect(run.glyphs.length, text).toBe([...text].length);
    }
    const decompress = createRequire(createRequire(import.meta.url).resolve('fontkit'))(
      'brotli/decompress.js',
    );
    const text = Buffer.from('值班与交接班 '.repeat(50));
    expect(Buffer.from(decompress(brotliCompressSync(text), text.length))).toEqual(text);
  });
});

describe('the Unicode tries of fontkit and its dependencies, built on first use', () => {
  const fromFontkit = createRequire(createRequire(import.meta.url).resolve('fontkit'));

  it('answer like the tries they stand for', () => {
    const Builder = fromFontkit('unicode-trie/builder.js');
    const builder = new Builder(7, 99);
    builder.setRange(0x4e00, 0x9fff, 3, true);
    builder.set(0x3007, 5);
    builder.setRange(0x1f600, 0x1f64f, 11, true);
    const Trie = fromFontkit('unicode-trie') as new (data: Uint8Array) => { get(cp: number): number };
    const trie = new Trie(builder.toBuffer());
    expect(trie.constructor.name).toBe('LazyUnicodeTrie');
    for (const [cp, want] of [
      [0x41, 7],
      [0x4e00, 3],
      [0x503c, 3],
      [0x9fff, 3],
      [0xa000, 7],
      [0x3007, 5],
      [0x1f600, 11],
      [0x10ffff, 7],
      [0x110000, 99],
    ] as const) {
      expect(trie.get(cp), cp.toString(16)).toBe(want);
    }
  });

  it('give unicode-properties its scripts, categories and combining classes', () => {
    const props = fromFontkit('unicode-properties');
    expect(props.getScript('ب'.codePointAt(0))).toBe('Arabic');
    expect(props.getScript('值'.codePointAt(0))).toBe('Han');
    expect(props.getCategory('a'.codePointAt(0))).toBe('Ll');
    expect(props.isMark(0x0301)).toBe(true);
    expect(props.getCombiningClass(0x0301)).toBe('Above');
  });
});

describe('pdfBytes', () => {
  it('gives exactly the bytes pdfkit streams, header and binary streams included', async () => {
    const draw = (doc: PDFKit.PDFDocument) => {
      doc.addPage({ size: 'A5' });
      doc.font(loadFont('Regular') as unknown as PDFKit.Mixins.PDFFontSource).fontSize(12);
      doc.text('值班记录 第 1 页', 40, 40, { lineBreak: false });
      doc.addPage({ size: 'A5' }).rect(10, 10, 50, 50).stroke();
    };
    const options = { autoFirstPage: false, compress: true, info: { CreationDate: new Date(0) } };
    const streamed = new PDFDocument(options);
    const viaStream = bytesOf(streamed);
    draw(streamed);
    streamed.end();
    const collected = new PDFDocument(options);
    const viaPdfBytes = pdfBytes(collected);
    draw(collected);
    collected.end();
    const [a, b] = await Promise.all([viaStream, viaPdfBytes]);
    expect(Buffer.from(b).subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    expect(Buffer.from(b).equals(a)).toBe(true);
    expect((await parsePdf(b)).text[0]).toContain('值班记录');
  });
});

describe('glyphInfo', () => {
  // A separately parsed copy through fontkit's public API, so no glyph cache is shared with the code under test.
  const reference = fontkit.create(readFileSync(fontPath('Regular'))) as Fontkit.Font;
  const font = loadFont('Regular');

  it('gives the glyph id and advance fontkit gives, for CJK, Latin, digits, punctuation and a missing character', () => {
    const sample = '值班与交接班记录第页共ABCxyz0123456789 .,:;-（）、。“”—\u{1F600}\u0378';
    for (const ch of sample) {
      const cp = ch.codePointAt(0) ?? 0;
      const want = reference.glyphForCodePoint(cp);
      const got = glyphInfo(font, cp);
      expect({ cp, id: got.id, advance: got.advanceWidth }).toEqual({
        cp,
        id: want.id,
        advance: want.advanceWidth,
      });
      expect(got.codePoints).toEqual([cp]);
    }
    expect(glyphInfo(font, 0x0378).id).toBe(0);
  });
});

describe('prefetchFont', () => {
  it('reads the whole font in the background, and loadFont then uses it', async () => {
    // Bold: no other test in this file loads it, so the prefetch is what reads it.
    await prefetchFont('Bold');
    const font = loadFont('Bold');
    expect(loadFont('Bold')).toBe(font);
    const whole = fontkit.create(readFileSync(fontPath('Bold'))) as Fontkit.Font;
    expect(font.postscriptName).toBe(whole.postscriptName);
    expect(font.numGlyphs).toBe(whole.numGlyphs);
    const last = whole.numGlyphs - 1;
    expect(font.getGlyph(last).path.toSVG()).toBe(whole.getGlyph(last).path.toSVG());
    await expect(prefetchFont('Bold')).resolves.toBeUndefined();
  });
});
