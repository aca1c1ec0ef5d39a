import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/calendar/index.js';
import { loadSopTexts } from '../../src/load/index.js';
import { planBook } from '../../src/render/pdf/book-plan.js';
import { HANDWRITING_MINIMUMS } from '../../src/render/pdf/handwriting.js';
import { planRoster, renderBlankForm, renderBook, renderRoster } from '../../src/render/pdf/index.js';
import { textWidth } from '../../src/render/pdf/sketch.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { MM, PLAIN_BOOK, procedure, xobjectContent } from './helpers.js';

// The sizes a printed form gives the writer, measured from the PDF itself (text sizes as pdfjs reads
// them, boxes from the drawing operators, rows, lines and column widths from the page rendered by
// pdftoppm), at every offered size, against the handwriting minimums.

const SOP = 'duty-handover-public-affairs';
const MIN = HANDWRITING_MINIMUMS;
const SIZES = ['A4', 'A5', 'B5'] as const;
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-handwriting-'));
});
afterAll(() => cleanup());

const DPI = 144;
const PX = 72 / DPI;

interface Raster {
  readonly w: number;
  readonly h: number;
  dark(x: number, y: number): boolean;
}

let rendered = 0;
async function raster(bytes: Uint8Array, page: number): Promise<Raster> {
  const file = join(dir, `r${rendered++}.pdf`);
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
  return { w, h, dark: (x, y) => x >= 0 && y >= 0 && x < w && y < h && (px[y * w + x] ?? 255) < 160 };
}

/** Distances (pt) between the horizontal rules that span at least `minWidth` pt, top to bottom. */
function ruleGaps(r: Raster, minWidth: number): number[] {
  const rules: number[] = [];
  for (let y = 0; y < r.h; y++) {
    let run = 0;
    let best = 0;
    for (let x = 0; x < r.w; x++) {
      run = r.dark(x, y) ? run + 1 : 0;
      best = Math.max(best, run);
    }
    if (best * PX < minWidth) continue;
    // one rule may cover two pixel rows: keep its last
    if (rules.at(-1) === y - 1) rules[rules.length - 1] = y;
    else rules.push(y);
  }
  return rules.slice(1).map((y, i) => (y - (rules[i] ?? 0)) * PX);
}

interface Text {
  readonly str: string;
  /** Left and baseline, pt from the page's top left. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

async function texts(bytes: Uint8Array, page: number): Promise<Text[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 }).promise;
  const p = await pdf.getPage(page);
  const height = p.view[3] ?? 0;
  const out: Text[] = [];
  for (const it of (await p.getTextContent()).items) {
    if (!('str' in it) || it.str.trim() === '') continue;
    const t = it.transform as number[];
    out.push({ str: it.str, x: t[4] ?? 0, y: height - (t[5] ?? 0), size: Math.hypot(t[2] ?? 0, t[3] ?? 0) });
  }
  await pdf.destroy();
  return out;
}

/** Sides of the squares (tick boxes) a form XObject draws, pt. */
function squares(content: string): number[] {
  const out: number[] = [];
  for (const m of content.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)) {
    const [w, h] = [Math.abs(Number(m[3])), Math.abs(Number(m[4]))];
    if (Math.abs(w - h) < 0.01 && w < 10 * MM) out.push(w);
  }
  return out;
}

/** The longest dark horizontal run (pt) starting within 1.5 mm of `x`, in the 14 mm below `y`. */
function lineBelow(r: Raster, x: number, y: number): number {
  let best = 0;
  const x0 = Math.round(x / PX);
  for (let py = Math.round(y / PX); py < Math.round((y + 14 * MM) / PX); py++) {
    for (let sx = x0 - Math.round((1.5 * MM) / PX); sx <= x0 + Math.round((1.5 * MM) / PX); sx++) {
      if (!r.dark(sx, py) || r.dark(sx - 1, py)) continue;
      let run = 0;
      while (r.dark(sx + run, py)) run++;
      best = Math.max(best, run * PX);
    }
  }
  return best;
}

/** Width (pt) of the table cell around (x, y): the distance between the vertical rules left and right of it. */
function cellWidth(r: Raster, x: number, y: number): number {
  const [px, py] = [Math.round(x / PX), Math.round(y / PX)];
  let left = px;
  while (left > 0 && !r.dark(left, py)) left--;
  let right = px;
  while (right < r.w && !r.dark(right, py)) right++;
  return (right - left) * PX;
}

describe('the bundled forms meet the handwriting minimums at every offered size (read from the PDF)', async () => {
  const log = await procedure(SOP);
  const reception = await procedure('front-desk-reception');
  const logForm = log.forms.find((f) => f.id === 'duty-log');
  if (!logForm) throw new Error('no duty-log');

  for (const size of SIZES) {
    it(`duty log, ${size}: rows ≥ 7 mm, boxes ≥ 3.5 mm, labels ≥ 9 pt, text ≥ 7 pt, signature lines ≥ 40 mm`, async () => {
      const plan = planBook(log, logForm, { ...PLAIN_BOOK, size, pages: 1 });
      const bytes = await renderBook(log, { ...PLAIN_BOOK, size, pages: plan.group });
      const all: Text[] = [];
      for (let page = 2; page < 2 + plan.group; page++) {
        const words = await texts(bytes, page);
        all.push(...words);
        for (const w of words)
          expect(w.size, `${size} p${page} “${w.str}”`).toBeGreaterThanOrEqual(MIN.footnotePt - 0.01);
        const r = await raster(bytes, page);
        // the most common gap between rules across the page is the writing row
        const counts = new Map<number, number>();
        for (const g of ruleGaps(r, 250))
          counts.set(Math.round(g * 4) / 4, (counts.get(Math.round(g * 4) / 4) ?? 0) + 1);
        const row = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
        expect(row / MM, `${size} p${page} row`).toBeGreaterThanOrEqual(MIN.writingRowMm - 0.2);
        for (const sig of logForm.signatures) {
          const label = words.find((w) => w.str.startsWith(sig.label));
          if (label)
            expect(lineBelow(r, label.x, label.y) / MM, sig.label).toBeGreaterThanOrEqual(
              MIN.signatureLineMm,
            );
        }
      }
      // every label is printed, at the label size or larger
      const labels = [
        ...logForm.columns.map((c) => c.label.slice(0, 2)),
        ...logForm.fields.map((f) => f.label),
        ...logForm.signatures.map((s) => s.label),
        ...(log.checklists[0]?.items.map((i) => i.name) ?? []),
      ];
      for (const l of labels) {
        // (a signer's role in brackets after the label is small print)
        const found = all.filter((w) => w.str.includes(l) && !w.str.startsWith('（'));
        expect(found.length, `${size} “${l}”`).toBeGreaterThan(0);
        for (const w of found) expect(w.size, `${size} “${l}”`).toBeGreaterThanOrEqual(MIN.labelPt - 0.01);
      }
      expect(all.some((w) => logForm.signatures.some((s) => w.str.startsWith(s.label)))).toBe(true);
      const boxes = squares(xobjectContent(bytes, 'Page'));
      expect(boxes.length).toBeGreaterThanOrEqual(9); // 3 items × 3 states
      for (const b of boxes) expect(b / MM).toBeGreaterThanOrEqual(MIN.checkBoxMm - 0.01);
    });

    it(`reception record, ${size}: enum options with a box each at ≥ 7 pt, a phone column for 11 digits`, async () => {
      const form = reception.forms[0];
      if (!form) throw new Error('no form');
      const opts = { ...PLAIN_BOOK, form: form.id, size, pages: 1 };
      const plan = planBook(reception, form, opts);
      const bytes = await renderBook(reception, { ...opts, pages: plan.group });
      const pages = Array.from({ length: plan.group }, (_, i) => i + 2);
      const words = (await Promise.all(pages.map((p) => texts(bytes, p)))).flat();
      for (const w of words) expect(w.size, w.str).toBeGreaterThanOrEqual(MIN.footnotePt - 0.01);
      // 升级: every option printed beside a box on each of the rows, not as a legend in the heading
      const level = form.columns.find((c) => c.id === 'level');
      for (const o of level?.options ?? []) {
        const on = words.filter((w) => w.str === o.label);
        expect(on.length, o.label).toBeGreaterThanOrEqual(form.rows);
        for (const w of on) expect(w.size).toBeGreaterThanOrEqual(MIN.footnotePt - 0.01);
      }
      const boxes = pages.flatMap((_, i) => squares(xobjectContent(bytes, i === 0 ? 'Page' : 'Page2')));
      const options = form.columns.reduce((a, c) => a + c.options.length, 0);
      expect(boxes.length).toBe(options * form.rows);
      for (const b of boxes) expect(b / MM).toBeGreaterThanOrEqual(MIN.checkBoxMm - 0.01);
      // the phone column is as wide as 11 digits at the label size (plus a little room), measured between its rules
      const phone = words.find((w) => w.str === '联系电话');
      if (!phone) throw new Error('no phone column');
      const page = 2 + pages.findIndex((_, i) => i === 0);
      const r = await raster(bytes, page);
      const width = cellWidth(r, phone.x + phone.size * 2, phone.y + 6 * MM);
      expect(width).toBeGreaterThanOrEqual(textWidth('00000000000', MIN.labelPt));
    });
  }

  it('blank A4 forms keep the minimums too (one page each)', async () => {
    const bytes = await renderBlankForm(log, logForm);
    const words = await texts(bytes, 1);
    for (const w of words) expect(w.size, w.str).toBeGreaterThanOrEqual(MIN.footnotePt - 0.01);
    const r = await raster(bytes, 1);
    const counts = new Map<number, number>();
    for (const g of ruleGaps(r, 250))
      counts.set(Math.round(g * 4) / 4, (counts.get(Math.round(g * 4) / 4) ?? 0) + 1);
    const [row, times] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    expect(times).toBeGreaterThanOrEqual(logForm.rows - 1);
    expect(row / MM).toBeGreaterThanOrEqual(MIN.writingRowMm - 0.2);
  });
});

describe('book --dry-run', () => {
  it('prints the reflow rule, pages, rows per page and the sizes, each within the minimums, and writes nothing', async () => {
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
    // two pages a shift at A5: 5 pages become 6 (3 shifts), after a blank lead page so each shift is a spread
    expect(r.stdout).toContain(
      '(A5, duplex, PDF/X-4): 10 pages (cover, its blank back, a blank lead page, 6 form pages, a blank last page)',
    );
    expect(r.stdout).toContain('layout: two pages a shift');
    expect(r.stdout).toContain('5 pages asked for, 6 to make whole shifts');
    expect(r.stdout).toMatch(/writing rows per page: \d+ \+ \d+/);
    for (const what of [
      'writing row',
      'check box',
      'label text',
      'smallest text',
      'signature line',
      'tightest column',
    ])
      expect(r.stdout).toMatch(new RegExp(`  ${what}: [\\d.]+ (mm|pt).*\\) ok`));
    expect(r.stdout).not.toContain('below');
    await expect(readFile(out)).rejects.toThrow();
  });

  it('reports every bundled form at every offered size as meeting the minimums', async () => {
    for (const [sop, form] of [
      ['duty-handover-public-affairs', 'duty-log'],
      ['duty-handover-customer-service', 'duty-log'],
      ['duty-handover-service-center', 'duty-log'],
      ['front-desk-reception', 'reception-record'],
    ]) {
      for (const size of SIZES) {
        const r = await runCli([
          'book',
          sop ?? '',
          '--form',
          form ?? '',
          '--pages',
          '2',
          '--size',
          size,
          '--dry-run',
        ]);
        expect(r.code, `${sop} ${size}: ${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stdout).not.toContain('低于');
        expect(r.stdout.match(/合格/g)?.length, `${sop} ${size}`).toBeGreaterThanOrEqual(5);
      }
    }
    const a5 = await runCli([
      'book',
      'front-desk-reception',
      '--form',
      'reception-record',
      '--pages',
      '2',
      '--size',
      'A5',
      '--dry-run',
    ]);
    expect(a5.stdout).toContain('版式：每张两页：栏目太多，分在左右两页（跨页）');
    const a4 = await runCli([
      'book',
      'front-desk-reception',
      '--form',
      'reception-record',
      '--pages',
      '2',
      '--dry-run',
    ]);
    expect(a4.stdout).toContain('A4 横向');
  });
});

describe('the roster keeps 7 mm writing rows for every day of a month', () => {
  for (const id of [
    'duty-handover-public-affairs',
    'duty-handover-service-center',
    'duty-handover-customer-service',
  ])
    it(`${id}: blank, and for a month without holiday data (its warning printed above the table)`, async () => {
      const sop = await procedure(id);
      const form = sop.forms.find((f) => f.kind === 'roster');
      if (!form) throw new Error('no roster');
      const plan = planRoster(sop, '2027-01', createCalendar(sop.site), null);
      for (const bytes of [await renderRoster(sop, form.id, null), await renderRoster(sop, form.id, plan)]) {
        const r = await raster(bytes, 1);
        const gaps = ruleGaps(r, 250).map((g) => g / MM);
        // the table: 31 day rows one under the other, each at least 7 mm (rendering rounds to a pixel)
        let run = 0;
        let longest = 0;
        for (const g of gaps) {
          run = g >= MIN.writingRowMm - 0.2 ? run + 1 : 0;
          longest = Math.max(longest, run);
        }
        expect(longest, gaps.map((g) => g.toFixed(1)).join(' ')).toBeGreaterThanOrEqual(31);
      }
      expect((await texts(await renderRoster(sop, form.id, plan), 1)).map((w) => w.str).join('')).toContain(
        '2027',
      );
    });
});

describe('validate reports a form that cannot keep the minimums, at its place in the YAML, before rendering', () => {
  const file = join('sops', `${SOP}.yaml`);
  const base = readFileSync(join(ROOT, file), 'utf8');
  // The checklist's 3 items, and 12 more after 水瓶.
  const items = Array.from({ length: 12 }, (_, i) => `      - id: extra-${i}\n        name: 物品${i}\n`).join(
    '',
  );
  const long = base.replace('      - id: water-bottle\n        name: 水瓶\n', (m) => `${m}${items}`);

  it('a 15-item checklist: CHECKLIST_TOO_LONG at the first item a shift has no room for, in both languages', () => {
    expect(long).not.toBe(base);
    const { diagnostics } = loadSopTexts([{ file, text: long }]);
    const d = diagnostics.find((x) => x.code === 'CHECKLIST_TOO_LONG');
    expect(d).toBeDefined();
    const capacity = Number(/room for (\d+)/.exec(d?.message.en ?? '')?.[1]);
    expect(capacity).toBeGreaterThan(3);
    expect(capacity).toBeLessThan(15);
    // the item it points at is item number capacity + 1 of the list (3 written before the extras)
    const line = long.split('\n')[(d?.line ?? 0) - 1] ?? '';
    expect(line).toBe(`      - id: extra-${capacity - 3}`);
    expect(d?.column).toBe(9);
    expect(d?.message.zh).toContain(`最多只能印 ${capacity} 项`);
    expect(d?.message.en).toContain('A5 book');
    expect(d?.message.hintZh).toContain('减少清单项');
  });

  it('book --size A5 of such a SOP stops with that diagnostic, in Chinese, and writes nothing', async () => {
    const { dir: work, cleanup: done } = await tempDir('sopforge-hw-book-');
    try {
      await mkdir(join(work, 'sops'));
      await writeFile(join(work, 'sops', `${SOP}.yaml`), long);
      const r = await runCli(['book', SOP, '--form', 'duty-log', '--pages', '2', '--size', 'A5'], work);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(
        /duty-handover-public-affairs\.yaml:\d+:9 +错误 CHECKLIST_TOO_LONG/,
      );
      expect(r.stdout + r.stderr).not.toMatch(/RangeError|at .*\.js:\d+/);
      expect(await readdir(work)).toEqual(['sops']);
    } finally {
      await done();
    }
  });

  it('a register the A4 form holds but an A5 book does not: a warning for A5, an error only for book --size A5', async () => {
    const desk = 'sops/front-desk-reception.yaml';
    const original = readFileSync(join(ROOT, desk), 'utf8');
    const more = original.replace(
      '        label: 处理结果\n        type: text\n        width: 1.6\n',
      (m) => `${m}      - id: satisfied\n        label: 业主满意度\n        type: text\n`,
    );
    expect(more).not.toBe(original);
    const { set, diagnostics } = loadSopTexts([{ file: desk, text: more }]);
    expect(set).not.toBeNull();
    const wide = diagnostics.filter((d) => d.code === 'REGISTER_TOO_WIDE');
    expect(wide.map((d) => [d.severity, d.path.join('.')])).toEqual([
      ['warning', 'forms.reception-record.columns'],
    ]);
    expect(wide[0]?.message.zh).toContain('A5 记录本');
    const { dir: work, cleanup: done } = await tempDir('sopforge-hw-a5-');
    try {
      await mkdir(join(work, 'sops'));
      await writeFile(join(work, desk), more);
      const a4 = await runCli(
        ['book', 'front-desk-reception', '--form', 'reception-record', '--pages', '2', '--out', 'a4.pdf'],
        work,
      );
      expect(a4.code).toBe(0);
      const a5 = await runCli(
        [
          'book',
          'front-desk-reception',
          '--form',
          'reception-record',
          '--pages',
          '2',
          '--size',
          'A5',
          '--out',
          'a5.pdf',
        ],
        work,
      );
      expect(a5.code).toBe(1);
      expect(a5.stdout + a5.stderr).toMatch(/front-desk-reception\.yaml:\d+:7 +错误 REGISTER_TOO_WIDE/);
      // listed once, as the error, not also as validate's warning for A5
      expect((a5.stdout + a5.stderr).match(/REGISTER_TOO_WIDE/g)).toHaveLength(1);
      expect((await readdir(work)).sort()).toEqual(['a4.pdf', 'sops']);
    } finally {
      await done();
    }
  });

  it('a register with too many columns for a spread: REGISTER_TOO_WIDE at its columns', () => {
    const wide = base.replace(
      '      - id: result\n        label: 结果\n        type: text\n        width: 1.2\n',
      (m) =>
        `${m}${Array.from({ length: 30 }, (_, i) => `      - id: p${i}\n        label: 电话${i}\n        type: phone\n`).join('')}`,
    );
    expect(wide).not.toBe(base);
    const { diagnostics } = loadSopTexts([{ file, text: wide }]);
    const d = diagnostics.find((x) => x.code === 'REGISTER_TOO_WIDE');
    expect(d).toBeDefined();
    expect(d?.path).toEqual(['forms', 'duty-log', 'columns']);
    expect(d?.message.en).toMatch(/The 35 columns of the form "duty-log" need about \d+ mm/);
  });
});
