import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBook } from '../../src/render/pdf/book-plan.js';
import { HANDWRITING_MINIMUMS } from '../../src/render/pdf/handwriting.js';
import { renderBook } from '../../src/render/pdf/index.js';
import { runCli, tempDir } from '../helpers.js';
import { MM, PLAIN_BOOK, procedure } from './helpers.js';

// The sizes a book page gives the writer, as `book --dry-run` reports them, checked against the
// rendered page, and compared with the handwriting minimums.

const SOP = 'duty-handover-public-affairs';
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-handwriting-'));
});
afterAll(() => cleanup());

const DPI = 144;

/** Distances (pt) between the horizontal rules that span at least `minWidth` pt of the page, top to bottom. */
async function ruleGaps(bytes: Uint8Array, page: number, minWidth: number): Promise<number[]> {
  const file = join(dir, `p${page}-${bytes.length}.pdf`);
  await writeFile(file, bytes);
  execFileSync('pdftoppm', [
    '-gray',
    '-r',
    String(DPI),
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    file,
  ]);
  const pgm = await readFile(`${file}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
  if (!header) throw new Error('not a PGM');
  const [w, h] = [Number(header[1]), Number(header[2])];
  const px = pgm.subarray(header[0].length);
  const rules: number[] = [];
  for (let y = 0; y < h; y++) {
    let run = 0;
    let best = 0;
    for (let x = 0; x < w; x++) {
      run = (px[y * w + x] ?? 255) < 160 ? run + 1 : 0;
      best = Math.max(best, run);
    }
    // one rule may cover two pixel rows: keep its first
    if (best * (72 / DPI) >= minWidth && rules.at(-1) !== y - 1) rules.push(y);
    else if (best * (72 / DPI) >= minWidth) rules[rules.length - 1] = y;
  }
  return rules.slice(1).map((y, i) => (y - (rules[i] ?? 0)) * (72 / DPI));
}

describe('handwriting sizes of a book page', async () => {
  const sop = await procedure(SOP);
  const form = sop.forms.find((f) => f.id === 'duty-log');
  if (!form) throw new Error('no duty-log');

  it('measures the writing rows the page really has (read back from the rendered page)', async () => {
    const plan = planBook(sop, form, { ...PLAIN_BOOK, pages: 1 });
    const row = plan.sizes.find((s) => s.what === 'writingRow')?.value ?? 0;
    const gaps = await ruleGaps(await renderBook(sop, { ...PLAIN_BOOK, pages: 1 }), 2, 300);
    // the most common gap between full-width rules is the event row
    const counts = new Map<number, number>();
    for (const g of gaps) counts.set(Math.round(g), (counts.get(Math.round(g)) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    expect(Math.abs(common - row * MM)).toBeLessThanOrEqual(1);
  });

  it('shrinks with the paper: A4 > B5 > A5, and says where it falls below the minimums', () => {
    const sizes = (size: 'A4' | 'B5' | 'A5') => planBook(sop, form, { ...PLAIN_BOOK, size, pages: 1 }).sizes;
    const row = (size: 'A4' | 'B5' | 'A5') => sizes(size).find((s) => s.what === 'writingRow')?.value ?? 0;
    expect(row('A4')).toBeGreaterThan(row('B5'));
    expect(row('B5')).toBeGreaterThan(row('A5'));
    const a5 = sizes('A5');
    for (const s of a5) expect(s.ok).toBe((s.value ?? Number.POSITIVE_INFINITY) >= s.minimum);
    expect(a5.find((s) => s.what === 'writingRow')?.minimum).toBe(HANDWRITING_MINIMUMS.writingRowMm);
    expect(a5.find((s) => s.what === 'checkBox')?.minimum).toBe(HANDWRITING_MINIMUMS.checkBoxMm);
  });

  it('book --dry-run prints pages, rows per page and the sizes, and writes nothing', async () => {
    const out = join(dir, 'never.pdf');
    const r = await runCli([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '5',
      '--duplex',
      '--size',
      'A5',
      '--dry-run',
      '--out',
      out,
      '--lang',
      'en',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = planBook(sop, form, { ...PLAIN_BOOK, size: 'A5', duplex: true, pages: 5 });
    expect(r.stdout).toContain(
      `(A5, duplex, PDF/X-4): 8 pages (cover, its blank back, 5 form pages, a blank last page)`,
    );
    expect(r.stdout).toContain(`writing rows per page: ${plan.recto.writingRows}`);
    const row = plan.sizes.find((s) => s.what === 'writingRow');
    expect(r.stdout).toContain(
      `writing row: ${row?.value?.toFixed(1)} mm (at least 7 mm) below the handwriting minimum`,
    );
    await expect(readFile(out)).rejects.toThrow();
    const zh = await runCli(['book', SOP, '--form', 'duty-log', '--pages', '2', '--dry-run']);
    expect(zh.stdout).toContain('共 3 页（封面、2 页表格）');
    expect(zh.stdout).toContain('书写行高');
  });
});
