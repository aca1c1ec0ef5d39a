import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import { renderBook } from '../../src/render/pdf/book.js';
import { BIN, ROOT, tempDir } from '../helpers.js';
import { parsePdf } from './helpers.js';

// The built CLI renders a book in a worker thread (book-thread.ts); from sources (this test process) it
// renders in its own thread. Both must give the same file, and the worker's failures must reach the user
// as the same positioned diagnostics.
const SOP = 'duty-handover-public-affairs';
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-book-thread-'));
});
afterAll(() => cleanup());

const built = existsSync(BIN) && existsSync(join(ROOT, 'dist/render/pdf/book-worker.js'));
if (!built) console.warn('book-thread.test.ts: skipped: run `npm run build` first (it runs dist/cli/bin.js)');

function runBuilt(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(built)('book rendered in a worker thread by the built CLI', () => {
  it('writes the same bytes as renderBook in this thread', async () => {
    const out = join(dir, 'worker.pdf');
    const r = runBuilt([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '5',
      '--duplex',
      '--crop-marks',
      '--bleed',
      '3mm',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { set } = await loadSopSet([join('sops', `${SOP}.yaml`)], { cwd: ROOT });
    const sop = set?.sops.find((s) => s.id === SOP);
    if (!sop) throw new Error('bundled SOP did not load');
    const here = await renderBook(sop, {
      form: 'duty-log',
      pages: 5,
      size: 'A4',
      duplex: true,
      gutter: (15 * 72) / 25.4,
      bleed: (3 * 72) / 25.4,
      cropMarks: true,
      firstSerial: 1,
    });
    const bytes = await readFile(out);
    expect(Buffer.compare(bytes, Buffer.from(here))).toBe(0);
    expect((await parsePdf(bytes)).text[6]).toContain('第 5 页 共 5 页');
  });

  it("reports a character the font lacks at its place in the YAML, from the worker's failure", async () => {
    const sops = join(dir, 'glyph-sops');
    await mkdir(sops, { recursive: true });
    const yaml = await readFile(join(ROOT, 'sops', `${SOP}.yaml`), 'utf8');
    await writeFile(join(sops, `${SOP}.yaml`), yaml.replace('title: 值班记录\n', 'title: 值班记录𪚥\n'));
    const line = yaml.slice(0, yaml.indexOf('title: 值班记录\n')).split('\n').length;
    const out = join(dir, 'glyph.pdf');
    const r = runBuilt([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '2',
      '--sops',
      sops,
      '--out',
      out,
      '--lang',
      'en',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GLYPH_MISSING');
    expect(r.stderr).toContain(`${SOP}.yaml:${line}:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits promptly when the SOP does not validate (the worker is stopped)', async () => {
    const sops = join(dir, 'bad-sops');
    await mkdir(sops, { recursive: true });
    const yaml = await readFile(join(ROOT, 'sops', `${SOP}.yaml`), 'utf8');
    await writeFile(join(sops, `${SOP}.yaml`), yaml.replace(/^version: .*$/m, 'version: [1'));
    const r = runBuilt([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '2',
      '--sops',
      sops,
      '--out',
      join(dir, 'bad.pdf'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${SOP}\\.yaml:\\d+:\\d+`));
  });
});
