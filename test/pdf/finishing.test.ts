import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlankForm, renderBook } from '../../src/render/pdf/index.js';
import { PUNCH_GUTTER } from '../../src/render/pdf/layout.js';
import { tempDir } from '../helpers.js';
import { MM, PLAIN_BOOK, pageBoxes, parsePdf, procedure, xobjectContent } from './helpers.js';

// Book finishing as a print shop checks it: page numbers and serials on the outer edge, page labels,
// whole sheets in duplex, crop marks in Registration colour, the slug line; blank forms clear of punch holes.

const SOP = 'duty-handover-public-affairs';
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-finishing-'));
});
afterAll(() => cleanup());

async function saved(bytes: Uint8Array, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** The page labels as qpdf reads them: `[index, { '/P'?, '/S'?, '/St' }]`. */
function pageLabels(file: string): Array<{ index: number; label: Record<string, string | number> }> {
  const json = JSON.parse(
    execFileSync('qpdf', ['--json', '--json-key=pagelabels', file], { encoding: 'utf8' }),
  );
  return json.pagelabels;
}

/** The label a viewer shows for page `i` (0-based), from the label ranges. */
function labelOf(ranges: ReturnType<typeof pageLabels>, i: number): string {
  const r = [...ranges].reverse().find((x) => x.index <= i);
  if (!r) return String(i + 1);
  const prefix = String(r.label['/P'] ?? '').replace(/^u:/, '');
  const n = Number(r.label['/St'] ?? 1) + i - r.index;
  return r.label['/S'] === '/D' ? `${prefix}${n}` : prefix;
}

describe('duplex book finishing', async () => {
  const sop = await procedure(SOP);
  const opts = { ...PLAIN_BOOK, pages: 5, duplex: true, bleed: 3 * MM, cropMarks: true, slug: true } as const;
  const bytes = await renderBook(sop, opts);
  const pdf = await parsePdf(bytes);
  const boxes = pageBoxes(bytes);

  it('pads an odd page count to whole sheets with a blank last page', () => {
    // cover, its back, 5 form pages, a blank back of the last one
    expect(pdf.pages).toBe(8);
    expect(pdf.pages % 2).toBe(0);
    expect(pdf.text[7]).toContain('本页空白');
    expect(pdf.text[7]).not.toMatch(/第 \d+ 页 共/);
    // an even count needs no padding
    return renderBook(sop, { ...opts, pages: 4 })
      .then(parsePdf)
      .then((even) => expect(even.pages).toBe(6));
  });

  it('prints page number and serial on the outer edge: right on rectos, left on versos', () => {
    for (let n = 1; n <= 5; n++) {
      const page = n + 1; // after the cover and its back
      const [x0, , x1] = boxes[page]?.trim ?? [];
      const mid = ((x0 ?? 0) + (x1 ?? 0)) / 2;
      const serial = pdf.items[page]?.find((i) => i.str.startsWith('编号 0000'));
      const number = pdf.items[page]?.find((i) => i.str.startsWith(`第 ${n} 页`));
      if (!serial || !number) throw new Error(`page ${n} lacks its serial or number`);
      if (n % 2 === 1) {
        expect(serial.x, `recto ${n} serial`).toBeGreaterThan(mid);
        expect(number.x, `recto ${n} page number`).toBeGreaterThan(mid);
      } else {
        expect(serial.x, `verso ${n} serial`).toBeLessThan(mid);
        expect(number.x, `verso ${n} page number`).toBeLessThan(mid);
      }
    }
  });

  it('labels the pages as they are printed: 封面, 封二, 1 … 5 (第 n 页), 空白', async () => {
    const ranges = pageLabels(await saved(bytes, 'duplex.pdf'));
    const labels = Array.from({ length: pdf.pages }, (_, i) => labelOf(ranges, i));
    expect(labels).toEqual(['封面', '封二', '1', '2', '3', '4', '5', '空白']);
    for (let i = 2; i <= 6; i++) expect(pdf.text[i]).toContain(`第 ${labels[i]} 页 共 5 页`);
  });

  it('draws the crop marks in Registration colour (Separation /All)', () => {
    const marks = xobjectContent(bytes, 'Marks');
    expect(marks).toMatch(/^\/Reg CS 1 SCN\b/);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toMatch(/\/Reg \[\/Separation \/All \/DeviceCMYK <<\n\/FunctionType 2/);
  });

  it('prints a slug line (SOP id and version, date, book, page) outside the trim on every page', () => {
    for (let i = 0; i < pdf.pages; i++) {
      const slug = pdf.items[i]?.find((it) =>
        it.str.startsWith(`${sop.id} ${sop.version} · 2026-01-01 · 第 1 本`),
      );
      if (!slug) throw new Error(`page ${i + 1} has no slug line: ${pdf.text[i]}`);
      const trimBottom = boxes[i]?.trim[1] ?? 0;
      expect(slug.y).toBeLessThan(trimBottom);
      expect(slug.y).toBeGreaterThan(0);
    }
    expect(pdf.text[4]).toContain('第 1 本 · 第 3 页 共 5 页');
  });

  it('has no slug without crop marks (no room for it)', async () => {
    await expect(renderBook(sop, { ...opts, cropMarks: false })).rejects.toThrow(/crop marks/);
  });
});

describe('blank forms: clear of filing holes', async () => {
  const set = await Promise.all(
    ['duty-handover-public-affairs', 'front-desk-reception'].map((id) => procedure(id)),
  );
  for (const sop of set) {
    for (const form of sop.forms.filter((f) => f.kind !== 'roster')) {
      it(`${sop.id} / ${form.id}: no ink within 20 mm of the filing edge`, async () => {
        const file = await saved(await renderBlankForm(sop, form), `${sop.id}-${form.id}.pdf`);
        // Rendered in gray at 72 dpi (1 pixel = 1 pt): the filing edge is the left of a portrait sheet,
        // the top of a landscape one.
        execFileSync('pdftoppm', ['-gray', '-r', '72', '-singlefile', file, file]);
        const pgm = await readFile(`${file}.pgm`);
        const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
        if (!header) throw new Error('not a PGM');
        const [w, h] = [Number(header[1]), Number(header[2])];
        const px = pgm.subarray(header[0].length);
        const landscape = w > h;
        const clear = Math.floor(12 * MM + PUNCH_GUTTER) - 1;
        let darkest = 255;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const inStrip = landscape ? y < clear : x < clear;
            if (inStrip) darkest = Math.min(darkest, px[y * w + x] ?? 255);
          }
        expect(darkest).toBe(255);
        expect(clear).toBeGreaterThanOrEqual(Math.floor(20 * MM) - 1);
      });
    }
  }
});
