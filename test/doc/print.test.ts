import { beforeAll, describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import type { Sop, SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { type DocBlock, manualView, procedureView } from '../../src/render/doc/view.js';
import { ROOT } from '../helpers.js';
import { pageContents, parsePdf } from '../pdf/helpers.js';
import { bundledSet } from './helpers.js';

const FIXTURE = 'test/fixtures/good/document-control.yaml';

async function fixtureSet(path: string): Promise<SopSet> {
  const { set, diagnostics } = await loadSopSet([path], { cwd: ROOT });
  if (!set) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`).join(', '));
  return set;
}

async function outputs(sop: Sop, set: SopSet): Promise<{ md: string; html: string; pdf: Uint8Array }> {
  const files = await documentTarget.emit(sop, { set });
  const get = (ext: string) => files.find((f) => f.path.endsWith(ext))?.data;
  const md = get('.md');
  const html = get('.html');
  const pdf = get('.pdf');
  if (typeof md !== 'string' || typeof html !== 'string' || !(pdf instanceof Uint8Array))
    throw new Error('missing output');
  return { md, html, pdf };
}

/** Every heading the PDF prints: titled clauses, appendices, the revision table. */
function headings(sop: Sop, set: SopSet): Set<string> {
  const out = new Set<string>();
  const walk = (blocks: readonly DocBlock[]) => {
    for (const b of blocks) {
      if (!b.clause) continue;
      if (b.clause.titled) out.add(`${b.clause.label}${b.clause.title ?? ''}`.replace(/\s+/g, ''));
      walk(b.clause.blocks);
    }
  };
  const views = sop.kind === 'procedure' ? [procedureView(sop)] : [manualView(sop, set)];
  for (const v of views) {
    walk(v.body);
    out.add(v.revisions.title);
    if (v.kind === 'procedure') for (const a of v.appendices) out.add(a.title.replace(/\s+/g, ''));
    else {
      for (const c of v.chapters) {
        walk(c.body);
        for (const a of c.appendices) out.add(a.title.replace(/\s+/g, ''));
      }
    }
  }
  return out;
}

describe('the header block is printed from document:, and only what it states', () => {
  let set: SopSet;
  beforeAll(async () => {
    set = await fixtureSet(FIXTURE);
  });

  it('prints document number, department, version, date, 编制/审核/批准 and 受控 in Markdown and HTML', async () => {
    const sop = set.sops[0] as Sop;
    const { md, html } = await outputs(sop, set);
    for (const row of [
      '| 文件编号 | WY-KF-015 |',
      '| 部门 | 管理（服务）中心 |',
      '| 版本 | 1.0 |',
      '| 生效日期 | 2026-01-01 |',
      '| 编制 | 张丽　2025-12-10 |',
      '| 审核 | 王强　2025-12-18 |',
      '| 批准 | 李明 |',
      '| 受控状态 | 受控 |',
    ]) {
      expect(md).toContain(row);
    }
    expect(html).toContain('<tr><th scope="row">批准</th><td>李明</td></tr>');
    expect(html).toContain('<tr><th scope="row">受控状态</th><td>受控</td></tr>');
  });

  it('a SOP without document: prints none of 文件编号, 编制, 审核, 批准, 受控', async () => {
    const plain = await fixtureSet('test/fixtures/good/base.yaml');
    const { md, html, pdf } = await outputs(plain.sops[0] as Sop, plain);
    const text = (await parsePdf(pdf)).text.join('\n');
    // base.yaml's text names none of them; the revision table's type of a first edition is 首次编制, and
    // its last column is headed 批准 (empty: the first edition records no approver).
    const header = ['| 摘要 | 批准 |', '<th>摘要</th><th>批准</th>', '摘要批准'];
    for (const [i, out] of [md, html, text.replace(/\s+/g, '')].entries()) {
      expect(out).toContain('首次编制');
      expect(out).toContain(header[i]);
      for (const word of ['文件编号', '编制', '审核', '批准', '受控'])
        expect(out.replaceAll('首次编制', '').replace(header[i] ?? '', '')).not.toContain(word);
    }
  });

  it('the bundled SOPs state no document: and print no document-control rows', async () => {
    const bundled = await bundledSet();
    for (const sop of bundled.sops) {
      expect(sop.document).toBeNull();
      const v = sop.kind === 'procedure' ? procedureView(sop) : manualView(sop, bundled);
      expect(v.cover.map((r) => r.label)).not.toContain('受控状态');
      expect(v.cover.map((r) => r.label)).not.toContain('编制');
    }
  });

  it('prints 受控 and 第 n 页 共 N 页 on every page of a controlled PDF', async () => {
    const sop = set.sops[0] as Sop;
    const pdf = await parsePdf((await outputs(sop, set)).pdf);
    pdf.text.forEach((t, i) => {
      expect(t).toContain('受控');
      expect(t).toContain(`第 ${i + 1} 页 共 ${pdf.pages} 页`);
    });
  });
});

describe('the document PDFs of the bundled SOPs', () => {
  let set: SopSet;
  let pdfs: { sop: Sop; bytes: Uint8Array }[];
  beforeAll(async () => {
    set = await bundledSet();
    pdfs = [];
    for (const sop of set.sops) pdfs.push({ sop, bytes: (await outputs(sop, set)).pdf });
    const control = await fixtureSet(FIXTURE);
    pdfs.push({ sop: control.sops[0] as Sop, bytes: (await outputs(control.sops[0] as Sop, control)).pdf });
    // The examples have other shapes (一、/1、/（1）, 第N条, headings over one-line clauses).
    const examples = await fixtureSet('examples');
    for (const sop of examples.sops) pdfs.push({ sop, bytes: (await outputs(sop, examples)).pdf });
  }, 120_000);

  it('use black ink only: no RGB colour operator or colour space, every CMYK colour a tint of K', () => {
    for (const { sop, bytes } of pdfs) {
      const pages = pageContents(bytes);
      expect(pages.length, sop.id).toBeGreaterThan(0);
      for (const content of pages) {
        expect(content, sop.id).not.toMatch(/\b(rg|RG)\b/);
        expect(content, sop.id).not.toContain('DeviceRGB');
        for (const m of content.matchAll(/((?:[-\d.]+ )+)(scn|SCN|sc|SC|k|K)\b/g)) {
          const values = (m[1] ?? '').trim().split(' ').map(Number);
          expect(values.length, `${sop.id}: ${m[0]}`).toBe(4);
          expect(values.slice(0, 3), `${sop.id}: ${m[0]}`).toEqual([0, 0, 0]);
        }
        for (const m of content.matchAll(/\/(\w+) (cs|CS)\b/g)) expect(m[1]).toBe('DeviceCMYK');
      }
    }
  });

  it('print 第 n 页 共 N 页 on every page (the manual’s cover excepted)', async () => {
    for (const { sop, bytes } of pdfs) {
      const pdf = await parsePdf(bytes);
      pdf.text.forEach((t, i) => {
        if (sop.kind === 'manual' && i === 0) return;
        expect(t, `${sop.id} page ${i + 1}`).toContain(`第 ${i + 1} 页 共 ${pdf.pages} 页`);
      });
    }
  });

  it('print 受控 on no page of an uncontrolled document', async () => {
    for (const { sop, bytes } of pdfs) {
      if (sop.document?.controlled) continue;
      const pdf = await parsePdf(bytes);
      for (const t of pdf.text) expect(t, sop.id).not.toContain('受控');
    }
  });

  it('end no paragraph or table cell with a line of one character (孤字)', async () => {
    const closing = /[\s，。、；：？！”’）》」』】〕…—,.;:?!)\]]/gu;
    for (const { sop, bytes } of pdfs) {
      const pdf = await parsePdf(bytes);
      (pdf.items ?? []).forEach((items, p) => {
        const lines = new Map<number, string>();
        for (const it of items) {
          const y = Math.round(it.y);
          lines.set(y, (lines.get(y) ?? '') + it.str);
        }
        const ys = [...lines.keys()].sort((a, b) => b - a);
        ys.forEach((y, i) => {
          const above = ys[i - 1];
          const text = lines.get(y) ?? '';
          if (above === undefined || above - y > 20) return;
          const prev = (lines.get(above) ?? '').replace(closing, '');
          const core = text.replace(closing, '');
          expect(
            core.length === 1 && prev.length > 10,
            `${sop.id} page ${p + 1}: “${text}” after “${prev}”`,
          ).toBe(false);
        });
      });
    }
  });

  it('end no page with a heading: the last body line of a page is never a heading', async () => {
    for (const { sop, bytes } of pdfs) {
      const names = headings(sop, set);
      const pdf = await parsePdf(bytes);
      for (let p = 0; p < pdf.pages - 1; p++) {
        const top = (pdf.view[p]?.[3] ?? 842) - 50;
        // Body lines: above the footer (y ≈ 34) and below the 受控 mark.
        const body = (pdf.items[p] ?? []).filter((it) => it.y > 50 && it.y < top && it.str.trim());
        if (body.length === 0) continue;
        const lowest = Math.min(...body.map((it) => it.y));
        const line = body
          .filter((it) => Math.abs(it.y - lowest) < 1)
          .map((it) => it.str)
          .join('')
          .replace(/\s+/g, '');
        expect(names.has(line), `${sop.id} page ${p + 1} ends with the heading ${line}`).toBe(false);
      }
    }
  });
});
