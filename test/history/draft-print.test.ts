import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit } from '../doc/helpers.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { parsePdf } from '../pdf/helpers.js';

/** A record book or roster printed from a SOP edited after its approval is refused, or visibly a draft. */
describe('books and rosters of a draft SOP', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const file = () => join(dir, 'sops', 'front-desk-reception.yaml');
  const duty = () => join(dir, 'sops', 'duty-handover-public-affairs.yaml');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'sops'));
    for (const f of await readdir(join(ROOT, 'sops')))
      if (f.endsWith('.yaml')) await copyFile(join(ROOT, 'sops', f), join(dir, 'sops', f));
    // Approve both SOPs as they are (a sealed revision), then edit them: they are drafts.
    for (const id of ['front-desk-reception', 'duty-handover-public-affairs']) {
      const r = await runCli(
        [
          'revise',
          id,
          '--type',
          'annual',
          '--by',
          '品质管理部',
          '--summary',
          '年度复审。',
          '--date',
          '2026-12-20',
        ],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);
  afterAll(() => cleanup());

  const book = (...more: string[]) =>
    runCli(['book', 'front-desk-reception', '--form', 'reception-record', '--pages', '4', ...more], dir);

  it('binds the approved SOP without a draft mark', async () => {
    const r = await book('--out', 'approved.pdf');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pdf = await parsePdf(await readFile(join(dir, 'approved.pdf')));
    for (const t of pdf.text) expect(t).not.toContain('草稿');
  });

  it('refuses to bind a book of a draft, naming the approved version and the way out', async () => {
    const text = await readFile(file(), 'utf8');
    await writeFile(
      file(),
      edit(text, '- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    const r = await book('--out', 'draft.pdf');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('front-desk-reception 是草稿');
    expect(r.stderr).toContain('--draft');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const en = await book('--out', 'draft.pdf', '--lang', 'en');
    expect(en.stderr).toContain('is a draft');
  });

  it('binds proofs of a draft with --draft, 草稿 DRAFT on the cover and every page', async () => {
    const r = await book('--out', 'proof.pdf', '--draft');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pdf = await parsePdf(await readFile(join(dir, 'proof.pdf')));
    expect(pdf.pages).toBe(5);
    for (const t of pdf.text) expect(t).toContain('草稿 DRAFT');
  });

  it('stamps a roster of a draft', async () => {
    const month = ['roster', 'duty-handover-public-affairs', '--month', '2026-12'];
    const before = await runCli([...month, '--out', 'roster-approved.pdf'], dir);
    expect(before.code).toBe(0);
    expect((await parsePdf(await readFile(join(dir, 'roster-approved.pdf')))).text.join('')).not.toContain(
      '草稿',
    );
    const text = await readFile(duty(), 'utf8');
    await writeFile(duty(), edit(text, 'retention: 3y', 'retention: 5y'));
    const r = await runCli([...month, '--out', 'roster-draft.pdf'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await parsePdf(await readFile(join(dir, 'roster-draft.pdf')))).text.join('')).toContain(
      '草稿 DRAFT',
    );
  });
});
