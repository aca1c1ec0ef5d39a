import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { subsetTag, toUnicodeCmap } from '../../src/render/pdf/embed.js';
import { formsTarget, renderBook } from '../../src/render/pdf/index.js';
import { tempDir } from '../helpers.js';
import { bundled, PLAIN_BOOK } from './helpers.js';

/**
 * What happens to sopforge's fonts on the way to the press: print shops merge files (qpdf) and
 * re-distill them (Ghostscript's pdfwrite), and RIPs cache fonts by their BaseFont name. These tests
 * run the real tools; a missing tool fails them, naming the package to install (`.ci/run` installs them).
 */
const TOOLS: Readonly<Record<string, string>> = {
  pdffonts: 'poppler-utils',
  pdftotext: 'poppler-utils',
  qpdf: 'qpdf',
  gs: 'ghostscript',
};

function checkTools(): void {
  const missing = Object.keys(TOOLS).filter((tool) => spawnSync(tool, ['--version']).error !== undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((t) => TOOLS[t]))].join(' ');
    throw new Error(
      `the font pipeline tests need ${missing.join(', ')}: apt-get install -y ${packages} (.ci/run installs them)`,
    );
  }
}

interface FontRow {
  readonly name: string;
  readonly type: string;
}

/** The fonts `pdffonts` lists: name (with its subset tag) and type. */
function fonts(file: string): FontRow[] {
  const out = execFileSync('pdffonts', [file], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name = '', ...rest] = l.trim().split(/\s+/);
      return { name, type: rest.slice(0, 3).join(' ') };
    });
}

const tagOf = (name: string): string => name.split('+')[0] ?? '';

/** The text of each page, without whitespace (layout spacing is not what is compared). */
function pageTexts(file: string): string[] {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const pages = text.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages.map((p) => p.replace(/\s+/g, ''));
}

/**
 * The characters of each page, sorted: pdfwrite regroups text objects, which changes the order
 * `pdftotext` reads them in, not the characters (words are checked separately).
 */
const characters = (pages: readonly string[]): string[] => pages.map((p) => [...p].sort().join(''));

function distill(input: string, output: string): void {
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-o', output, '-sDEVICE=pdfwrite', input], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const SOP = 'duty-handover-public-affairs';
const BOOK = { ...PLAIN_BOOK, pages: 2 } as const;

function artifact(files: readonly { path: string; data: string | Uint8Array }[], path: string): Uint8Array {
  const data = files.find((f) => f.path === path)?.data;
  if (!(data instanceof Uint8Array)) throw new Error(`no ${path}`);
  return data;
}

describe('fonts through the print pipeline', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let set: SopSet;
  let sop: ProcedureSop;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    checkTools();
    ({ dir, cleanup } = await tempDir('sopforge-fonts-'));
    set = await bundled();
    const found = set.sops.find((s) => s.id === SOP);
    if (found?.kind !== 'procedure') throw new Error(`no procedure ${SOP}`);
    sop = found;
    const forms = await formsTarget.emit(sop, { set });
    writeFileSync(file('log.pdf'), artifact(forms, 'forms/duty-log.pdf'));
    writeFileSync(file('roster.pdf'), artifact(forms, 'forms/duty-roster.pdf'));
    writeFileSync(file('book.pdf'), await renderBook(sop, BOOK));
    writeFileSync(file('sop.pdf'), artifact(await documentTarget.emit(sop, { set }), 'sop.pdf'));
  }, 60_000);
  afterAll(() => cleanup?.());

  it('names each subset after its content: six letters, different for different subsets', () => {
    const names = ['log.pdf', 'roster.pdf', 'book.pdf'].map((f) => {
      const list = fonts(file(f));
      expect(list).toHaveLength(1);
      return list[0]?.name ?? '';
    });
    for (const name of names) expect(name).toMatch(/^[A-Z]{6}\+NotoSansHans-Regular$/);
    expect(new Set(names.map(tagOf)).size).toBe(names.length);
  });

  it('gives the same input the same tag and the same bytes', async () => {
    const again = await formsTarget.emit(sop, { set });
    const log = artifact(again, 'forms/duty-log.pdf');
    expect(Buffer.from(log).equals(readFileSync(file('log.pdf')))).toBe(true);
    const book = await renderBook(sop, BOOK);
    expect(Buffer.from(book).equals(readFileSync(file('book.pdf')))).toBe(true);
    writeFileSync(file('log-again.pdf'), log);
    expect(fonts(file('log-again.pdf'))).toEqual(fonts(file('log.pdf')));
  });

  it('embeds the bold and the regular face of the SOP document under different names and tags', () => {
    const list = fonts(file('sop.pdf'));
    const bold = list.find((f) => f.name.endsWith('+NotoSansHans-Bold'));
    const regular = list.find((f) => f.name.endsWith('+NotoSansHans-Regular'));
    expect(list).toHaveLength(2);
    expect(bold?.name).toMatch(/^[A-Z]{6}\+/);
    expect(regular?.name).toMatch(/^[A-Z]{6}\+/);
    expect(tagOf(bold?.name ?? '')).not.toBe(tagOf(regular?.name ?? ''));
  });

  it('writes ToUnicode as one-to-one bfchar entries, at most 100 a block', () => {
    const qdf = file('log-qdf.pdf');
    execFileSync('qpdf', ['--qdf', '--object-streams=disable', file('log.pdf'), qdf]);
    const text = readFileSync(qdf).toString('latin1');
    const cmaps = [...text.matchAll(/begincmap[\s\S]*?endcmap/g)].map((m) => m[0]);
    expect(cmaps).toHaveLength(1);
    const cmap = cmaps[0] ?? '';
    expect(cmap).not.toContain('bfrange');
    const blocks = [...cmap.matchAll(/(\d+) beginbfchar\n([\s\S]*?)endbfchar/g)];
    expect(blocks.length).toBeGreaterThan(0);
    const mapped = new Map<number, string>();
    for (const [, count, body = ''] of blocks) {
      const lines = body.trim().split('\n');
      expect(lines).toHaveLength(Number(count));
      expect(lines.length).toBeLessThanOrEqual(100);
      for (const line of lines) {
        const m = /^<([0-9A-F]{4})> <((?:[0-9A-F]{4})+)>$/.exec(line);
        expect(m, line).not.toBeNull();
        const cid = Number.parseInt(m?.[1] ?? '', 16);
        expect(mapped.has(cid)).toBe(false);
        mapped.set(
          cid,
          Buffer.from(m?.[2] ?? '', 'hex')
            .swap16()
            .toString('utf16le'),
        );
      }
    }
    const chars = new Set(mapped.values());
    for (const ch of '值班记录编号日期') expect(chars.has(ch), ch).toBe(true);
  });

  it('keeps its text through Ghostscript pdfwrite', () => {
    for (const name of ['log.pdf', 'book.pdf', 'sop.pdf']) {
      const before = pageTexts(file(name));
      const out = file(`gs-${name}`);
      distill(file(name), out);
      expect(characters(pageTexts(out)), name).toEqual(characters(before));
    }
    const log = pageTexts(file('gs-log.pdf')).join('');
    for (const words of ['值班记录', '公共事务部', '交接班', '日期：']) expect(log).toContain(words);
    const doc = pageTexts(file('gs-sop.pdf')).join('');
    for (const words of ['1.0目的', '4.0程序要点', '修订记录']) expect(doc).toContain(words);
  });

  it('keeps names and text apart when two files are merged, and through Ghostscript after the merge', () => {
    const merged = file('merged.pdf');
    execFileSync('qpdf', [
      '--empty',
      '--pages',
      file('log.pdf'),
      file('book.pdf'),
      file('sop.pdf'),
      '--',
      merged,
    ]);
    const names = fonts(merged).map((f) => f.name);
    // log, book, sop (regular, bold): four different subsets, four different names
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    const expected = ['log.pdf', 'book.pdf', 'sop.pdf'].flatMap((f) => pageTexts(file(f)));
    expect(pageTexts(merged)).toEqual(expected);
    const distilled = file('merged-gs.pdf');
    distill(merged, distilled);
    expect(characters(pageTexts(distilled))).toEqual(characters(expected));
    const text = pageTexts(distilled).join('');
    for (const words of ['值班记录', '第1页共2页', '4.0程序要点', '公共事务部主管每天检查'])
      expect(text).toContain(words);
  });
});

describe('ToUnicode maps and subset tags', () => {
  it('maps each code to its characters in UTF-16BE, skipping .notdef and codes without characters', () => {
    const cmap = toUnicodeCmap([[0], [0x503c], undefined, [0x66, 0x69], [0x20bb7], []]);
    expect(cmap).toContain('3 beginbfchar\n<0001> <503C>\n<0003> <00660069>\n<0004> <D842DFB7>\nendbfchar\n');
    expect(cmap.match(/beginbfchar/g)).toHaveLength(1);
    expect(cmap).toContain('<0000> <FFFF>\nendcodespacerange');
  });

  it('writes at most 100 entries a block', () => {
    const unicode = [[0], ...Array.from({ length: 250 }, (_, i) => [0x4e00 + i])];
    const counts = [...toUnicodeCmap(unicode).matchAll(/(\d+) beginbfchar/g)].map((m) => Number(m[1]));
    expect(counts).toEqual([100, 100, 50]);
  });

  it('derives six letters from the content, the same for the same content', () => {
    const program = Uint8Array.from([1, 2, 3]);
    const tag = subsetTag('NotoSansHans-Regular', program, 'cmap');
    expect(tag).toMatch(/^[A-Z]{6}$/);
    expect(subsetTag('NotoSansHans-Regular', Uint8Array.from([1, 2, 3]), 'cmap')).toBe(tag);
    expect(subsetTag('NotoSansHans-Bold', program, 'cmap')).not.toBe(tag);
    expect(subsetTag('NotoSansHans-Regular', Uint8Array.from([1, 2, 4]), 'cmap')).not.toBe(tag);
    expect(subsetTag('NotoSansHans-Regular', program, 'cmap2')).not.toBe(tag);
  });
});
