import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBook } from '../../src/render/pdf/index.js';
import { textWidth } from '../../src/render/pdf/sketch.js';
import { runCli, tempDir } from '../helpers.js';
import { MM, PLAIN_BOOK, procedure } from './helpers.js';

// The separate cover of a book, read back: its boxes with pdfinfo, its words with pdfjs.

const SOP = 'duty-handover-public-affairs';
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-cover-'));
});
afterAll(() => cleanup());

/** pdfinfo -box: each box of page 1 as [x0, y0, x1, y1]. */
function boxes(file: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const line of execFileSync('pdfinfo', ['-box', file], { encoding: 'utf8' }).split('\n')) {
    const m = /^(\w+Box):\s+([\d.\s-]+)$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = m[2].trim().split(/\s+/).map(Number);
  }
  return out;
}

interface Word {
  readonly str: string;
  /** Horizontal centre and baseline in PDF coordinates. */
  readonly cx: number;
  readonly y: number;
}

async function words(bytes: Uint8Array, page = 1): Promise<Word[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 }).promise;
  const p = await pdf.getPage(page);
  const out: Word[] = [];
  for (const it of (await p.getTextContent()).items) {
    if (!('str' in it) || it.str.trim() === '') continue;
    const t = it.transform as number[];
    const size = Math.hypot(t[2] ?? 0, t[3] ?? 0);
    out.push({ str: it.str, cx: (t[4] ?? 0) + textWidth(it.str, size) / 2, y: t[5] ?? 0 });
  }
  await pdf.destroy();
  return out;
}

describe('book --cover', () => {
  it('writes back, spine and front on one sheet beside the book: width = 2 × trim + spine + 2 × bleed', async () => {
    const out = join(dir, 'year.pdf');
    const r = await runCli([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '366',
      '--duplex',
      '--bleed',
      '3mm',
      '--crop-marks',
      '--cover',
      '--out',
      out,
      '--lang',
      'en',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cover = join(dir, 'year.cover.pdf');
    const b = boxes(cover);
    const [trim, bleed, media] = [b.TrimBox ?? [], b.BleedBox ?? [], b.MediaBox ?? []];
    // 368 physical pages in duplex: 184 leaves of 80 g/m² paper at 0.1 mm
    const spine = 184 * 0.1 * MM;
    const width = (box: number[]) => (box[2] ?? 0) - (box[0] ?? 0);
    const height = (box: number[]) => (box[3] ?? 0) - (box[1] ?? 0);
    expect(width(bleed)).toBeCloseTo(2 * 210 * MM + spine + 2 * 3 * MM, 1);
    expect(width(trim)).toBeCloseTo(2 * 210 * MM + spine, 1);
    expect(height(trim)).toBeCloseTo(297 * MM, 1);
    expect(width(media)).toBeGreaterThan(width(bleed) + 2 * 5 * MM); // crop marks outside the bleed
    expect(r.stdout).toContain('spine 18.4 mm');
    const info = execFileSync('pdfinfo', [cover], { encoding: 'utf8' });
    expect(info).toMatch(/PDF version:\s+1\.6/);
    expect(execFileSync('qpdf', ['--check', cover], { encoding: 'utf8' })).toContain(
      'No syntax or stream encoding errors',
    );
    const bytes = await readFile(cover);
    // PDF/X like the book: the XMP says so and an OutputIntent GTS_PDFX is there
    expect(Buffer.from(bytes).toString('latin1')).toContain('GTS_PDFXVersion>PDF/X-4<');
    expect(Buffer.from(bytes).toString('latin1')).toMatch(/\/S\s*\/GTS_PDFX\b/);

    const ws = await words(bytes);
    const x0 = trim[0] ?? 0;
    const spineCentre = x0 + 210 * MM + spine / 2;
    // the spine: the title upright, one character under another, centred on the spine
    const title = ['值', '班', '记', '录'].map((ch) =>
      ws.find((w) => w.str === ch && Math.abs(w.cx - spineCentre) < spine),
    );
    for (const w of title) expect(Math.abs((w?.cx ?? 0) - spineCentre)).toBeLessThan(0.5 * MM);
    const ys = title.map((w) => w?.y ?? 0);
    expect(ys).toEqual([...ys].sort((a, b) => b - a)); // top to bottom
    expect(ws.some((w) => w.str === '本' && Math.abs(w.cx - spineCentre) < 0.5 * MM)).toBe(true);
    // the front: its lines centred on the front panel, the retention line included
    const frontCentre = x0 + 210 * MM + spine + 105 * MM;
    const keep = ws.find((w) => w.str.startsWith('保存至'));
    const rule = ws.find((w) => w.str.startsWith('本记录保存') && w.cx > frontCentre - 100 * MM);
    for (const w of [keep, rule, ws.find((w) => w.str === '值班记录')]) {
      expect(w).toBeDefined();
      expect(Math.abs((w?.cx ?? 0) - frontCentre)).toBeLessThan(0.5 * MM);
    }
    // the back: centred on the back panel
    const backCentre = x0 + 105 * MM;
    const back = ws.find((w) => w.str.startsWith('本记录保存') && w.cx < backCentre + 100 * MM);
    expect(Math.abs((back?.cx ?? 0) - backCentre)).toBeLessThan(0.5 * MM);
    // off the spine, no line is a single character (a lone “）” under the retention line)
    const panels = ws.filter((w) => Math.abs(w.cx - spineCentre) > spine);
    expect(panels.filter((w) => [...w.str.trim()].length === 1).map((w) => w.str)).toEqual([]);
  });

  it('an A5 cover wraps its retention line without a lone character on the last line', async () => {
    const out = join(dir, 'a5.pdf');
    const r = await runCli([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '4',
      '--size',
      'A5',
      '--cover',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ws = await words(new Uint8Array(await readFile(join(dir, 'a5.cover.pdf'))));
    const rule = ws.filter((w) => w.str.startsWith('本记录保存'));
    expect(rule.length).toBe(2); // back and front
    // the spine prints one character a line; every other line holds more than one
    const singles = ws.filter((w) => [...w.str.trim()].length === 1).map((w) => w.str);
    expect(
      singles.every((s) => '值班记录第本'.includes(s) || /\d/.test(s)),
      singles.join(' '),
    ).toBe(true);
  });

  it('takes the spine from the paper: --caliper, --paper-gsm, and the page count', async () => {
    const spineOf = async (extra: string[]) => {
      const out = join(dir, `s-${extra.join('')}.pdf`);
      const r = await runCli([
        'book',
        SOP,
        '--form',
        'duty-log',
        '--pages',
        '100',
        '--cover',
        '--out',
        out,
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const t = boxes(out.replace(/\.pdf$/, '.cover.pdf')).TrimBox ?? [];
      return ((t[2] ?? 0) - (t[0] ?? 0) - 2 * 210 * MM) / MM;
    };
    // simplex: 101 leaves (cover page + 100)
    expect(await spineOf([])).toBeCloseTo(10.1, 1);
    expect(await spineOf(['--caliper', '0.12mm'])).toBeCloseTo(12.12, 1);
    expect(await spineOf(['--paper-gsm', '100'])).toBeCloseTo(12.625, 1);
    const dry = await runCli([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '100',
      '--cover',
      '--dry-run',
      '--lang',
      'en',
    ]);
    expect(dry.stdout).toContain('cover: back + spine + front = 210.0 + 10.1 + 210.0 = 430.1 × 297.0 mm');
  });

  it("centres the book's own cover page on the trim, not on the gutter side", async () => {
    const sop = await procedure(SOP);
    const bytes = await renderBook(sop, { ...PLAIN_BOOK, pages: 1 });
    const file = join(dir, 'inner.pdf');
    await writeFile(file, bytes);
    const trim = boxes(file).TrimBox ?? [];
    const centre = ((trim[0] ?? 0) + (trim[2] ?? 0)) / 2;
    const ws = await words(bytes);
    for (const w of [
      ws.find((x) => x.str.startsWith('保存至')),
      ws.find((x) => x.str.startsWith('本记录保存')),
    ]) {
      expect(w).toBeDefined();
      expect(Math.abs((w?.cx ?? 0) - centre)).toBeLessThan(0.5 * MM);
    }
  });
});
