import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { tempDir } from '../helpers.js';
import { parsePdf as parse } from '../pdf/helpers.js';
import { bundledSet, manual } from './helpers.js';

function pdfOf(files: { path: string; data: string | Uint8Array }[], name: string): Uint8Array {
  const data = files.find((f) => f.path === name)?.data;
  if (!(data instanceof Uint8Array)) throw new Error(`no ${name}`);
  return data;
}

describe('the SOP document as PDF', () => {
  let set: SopSet;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    set = await bundledSet();
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('parses back with the Chinese text, the embedded Noto font and a fixed creation date', async () => {
    const sop = set.sops.find((s) => s.id === 'duty-handover-public-affairs') as ProcedureSop;
    const pdf = await parse(pdfOf(await documentTarget.emit(sop, { set }), 'sop.pdf'));
    const all = pdf.text.join('\n').replace(/\s+/g, '');
    expect(pdf.title).toBe('住户服务中心值班与交接班标准作业规程（二）');
    expect(pdf.creationDate).toMatch(/^D:20260101000000/);
    expect(pdf.fontsEmbedded).toBe(true);
    expect([...pdf.fontNames].some((f) => /NotoSansHans-Regular$/.test(f))).toBe(true);
    expect([...pdf.fontNames].some((f) => /NotoSansHans-Bold$/.test(f))).toBe(true);
    for (const words of [
      '1.0目的',
      '4.0程序要点',
      '4.1.2正常的值班时间为：17:30-次日8:30，节假日24小时值班。',
      '如：对讲机、灭火器、水瓶等',
      '记录本用完后，由管理处统一保管，保存期3年。',
      '4.3公共事务部主管每天上班时检查值班记录并签名确认',
      '附录A流程（据本规程生成）',
      '17:30–次日08:30',
      '修订记录',
    ]) {
      expect(all, words).toContain(words);
    }
    expect(pdf.text[0]).toContain(`第 1 页 共 ${pdf.pages} 页`);
  });

  it('renders the manual: its own clauses, then each chapter on a new page in the listed order', async () => {
    const m = await manual();
    const pdf = await parse(pdfOf(await documentTarget.emit(m, { set }), 'manual.pdf'));
    const pages = pdf.text.map((t) => t.replace(/\s+/g, ''));
    expect(pages[1]).toContain('目录');
    expect(pages.join('')).toContain('1.服务中心概述：明确服务中心的职能');
    const procedures = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
    let last = 0;
    for (const id of m.chapters) {
      const p = procedures.find((x) => x.id === id);
      if (!p) continue;
      const title = (p.number ? `${p.title}（${p.number}）` : p.title).replace(/\s+/g, '');
      const page = pages.findIndex((t, i) => i > last && t.startsWith(title));
      expect(page, `chapter ${id} starts a page`).toBeGreaterThan(last);
      last = page;
    }
  });

  it('renders pages that poppler can rasterize', async () => {
    if (spawnSync('pdftoppm', ['-v']).error) return;
    const sop = set.sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const file = join(dir, 'sop.pdf');
    await writeFile(file, pdfOf(await documentTarget.emit(sop, { set }), 'sop.pdf'));
    execFileSync('pdftoppm', ['-r', '30', '-png', file, join(dir, 'page')]);
    expect(
      readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png')).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
