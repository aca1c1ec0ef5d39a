import * as fontkit from 'fontkit';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { loadFont } from '../../src/render/pdf/font.js';
import { MissingGlyphsError, RenderError, renderBook } from '../../src/render/pdf/index.js';
import {
  editedSop,
  MM,
  near,
  PLAIN_BOOK,
  pageBoxes,
  parsePdf,
  procedure,
  xobjectContent,
} from './helpers.js';

const SOP = 'duty-handover-public-affairs';

const base = PLAIN_BOOK;

describe('record book: duty log', () => {
  it('has a cover and N numbered pages with serials, the checklist, the columns and the trace line on every page', async () => {
    const sop = await procedure(SOP);
    const bytes = await renderBook(sop, { ...base, pages: 6, firstSerial: 367 });
    const pdf = await parsePdf(bytes);
    expect(pdf.pages).toBe(7);
    const trace = `${sop.id} v${sop.version} · ${sop.sourceHash.slice(0, 8)}`;
    expect(sop.sourceHash).toMatch(/^[0-9a-f]{64}$/);

    const cover = pdf.text[0] ?? '';
    expect(cover).toContain('值班记录');
    expect(cover).toMatch(new RegExp(`规程 ${sop.id}\\s版本 ${sop.version.replace('.', '\\.')}`));
    // first serial 367 with 6 pages a book → book 62; the duty log is kept 3 years (retention: 3y).
    expect(cover).toContain('第 62 本');
    expect(cover).toContain('编号 000367 至 000372');
    expect(cover).toContain('保存至 2029 年');
    expect(cover).toContain('不得撕页');

    const log = sop.forms.find((f) => f.id === 'duty-log');
    const checklist = sop.checklists.find((c) => c.id === log?.checklist);
    expect(checklist?.items.map((i) => i.name)).toEqual(['对讲机', '灭火器', '水瓶']);
    for (let n = 1; n <= 6; n++) {
      const page = pdf.text[n] ?? '';
      expect(page).toContain(`第 ${n} 页 共 6 页`);
      expect(page).toContain(`编号 ${String(366 + n).padStart(6, '0')}`);
      expect(page).toContain(trace);
      for (const item of checklist?.items ?? []) expect(page).toContain(item.name);
      for (const col of log?.columns ?? []) expect(page).toContain(col.label);
      for (const field of log?.fields ?? []) expect(page).toContain(`${field.label}：`);
      for (const sig of log?.signatures ?? []) expect(page).toContain(sig.label);
      // status options of the CHECK_ITEM event, the duty windows, the record rules, the supervisor's check
      for (const s of [
        '完好',
        '损坏',
        '缺遗',
        '17:30–次日08:30',
        '08:30–次日08:30（节假日）',
        '本记录保存 3 年，由管理处保管',
        '不得涂改',
        '公共事务部主管每天检查',
      ]) {
        expect(page).toContain(s);
      }
      // the lists the shift keeps, titled by the events that add to them
      for (const s of ['记录需继续跟进的工作', '记录区域异常及交班人员的解释', '登记未完成的工作'])
        expect(page).toContain(s);
    }
    expect(pdf.text[0]).toContain(trace);
    expect(pdf.fontsEmbedded).toBe(true);
    expect([...pdf.fontNames].some((n) => n.includes('NotoSansHans-Regular'))).toBe(true);
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/);
    expect(raw).toContain('/FontFile3');
  });

  it('embeds a font subset that draws the same outlines as the font', async () => {
    const sop = await procedure(SOP);
    const bytes = await renderBook(sop, { ...base, pages: 1 });
    const doc = await getDocument({
      data: new Uint8Array(bytes),
      disableFontFace: true,
      fontExtraProperties: true,
      verbosity: 0,
    }).promise;
    const page = await doc.getPage(2);
    await page.getOperatorList();
    const content = await page.getTextContent();
    const item = content.items.find((i) => 'fontName' in i);
    const embedded = page.commonObjs.get(item && 'fontName' in item ? item.fontName : '') as {
      data?: Uint8Array;
    };
    await doc.destroy();
    // pdf.js turns the embedded CFF into an OpenType font; read it back and compare glyph outlines.
    const subset = fontkit.create(Buffer.from(embedded.data ?? [])) as fontkit.Font;
    const original = loadFont('Regular');
    const chars = [...new Set('值班记录对讲机灭火器水瓶编号0123456789（）：-v.')];
    for (const ch of chars) {
      const cp = ch.codePointAt(0) ?? 0;
      const a = original.glyphForCodePoint(cp);
      const b = subset.glyphForCodePoint(cp);
      expect(b.id, ch).toBeGreaterThan(0);
      expect([b.bbox.minX, b.bbox.minY, b.bbox.maxX, b.bbox.maxY], ch).toEqual([
        a.bbox.minX,
        a.bbox.minY,
        a.bbox.maxX,
        a.bbox.maxY,
      ]);
      expect(b.path.commands.filter((c) => c.command === 'moveTo').length, ch).toBe(
        a.path.commands.filter((c) => c.command === 'moveTo').length,
      );
    }
    expect(subset.numGlyphs).toBeLessThan(400);
  });

  it('draws the static page once as a form XObject placed on every page', async () => {
    const sop = await procedure(SOP);
    const bytes = await renderBook(sop, { ...base, pages: 20 });
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw.match(/\/Subtype \/Form/g)?.length).toBe(1);
    expect(raw.match(/\/Page Do/g)?.length).toBe(20);
    // the static part holds the table; the per-page content only places it and writes two numbers
    expect(xobjectContent(bytes, 'Page')).toContain(' re');
  });

  it('sets MediaBox, TrimBox and BleedBox, with crop marks outside the bleed', async () => {
    const sop = await procedure(SOP);
    const bytes = await renderBook(sop, { ...base, pages: 2, bleed: 3 * MM, cropMarks: true });
    const boxes = pageBoxes(bytes);
    expect(boxes).toHaveLength(3);
    const a4 = [210 * MM, 297 * MM];
    for (const b of boxes) {
      const inset = b.trim[0] ?? 0;
      expect(inset).toBeGreaterThan(3 * MM + 5 * MM); // room for the marks beyond the bleed
      expect(near((b.trim[2] ?? 0) - inset, a4[0] ?? 0, 0.01)).toBe(true);
      expect(near((b.trim[3] ?? 0) - inset, a4[1] ?? 0, 0.01)).toBe(true);
      expect(near(b.bleed[0] ?? 0, inset - 3 * MM, 0.01)).toBe(true);
      expect(near(b.bleed[2] ?? 0, (b.trim[2] ?? 0) + 3 * MM, 0.01)).toBe(true);
      expect(near(b.media[2] ?? 0, (b.trim[2] ?? 0) + inset, 0.01)).toBe(true);
      expect(near(b.media[3] ?? 0, (b.trim[3] ?? 0) + inset, 0.01)).toBe(true);
    }
    const pdf = await parsePdf(bytes);
    expect(pdf.view[0]?.map((n) => Math.round(n))).toEqual([
      0,
      0,
      Math.round(boxes[0]?.media[2] ?? 0),
      Math.round(boxes[0]?.media[3] ?? 0),
    ]);

    // Crop marks: two short lines at each corner, none of them reaching into the bleed box.
    const marks = xobjectContent(bytes, 'Marks');
    const segments = [...marks.matchAll(/([\d.]+) ([\d.]+) m\n([\d.]+) ([\d.]+) l/g)].map((m) =>
      m.slice(1, 5).map(Number),
    );
    expect(segments).toHaveLength(8);
    const b = boxes[0];
    const height = b?.media[3] ?? 0;
    for (const [x1, y1, x2, y2] of segments) {
      for (const [x, yDown] of [
        [x1, y1],
        [x2, y2],
      ] as const) {
        const y = height - (yDown ?? 0); // pdfkit draws y downwards
        const insideBleed =
          (x ?? 0) > (b?.bleed[0] ?? 0) + 0.01 &&
          (x ?? 0) < (b?.bleed[2] ?? 0) - 0.01 &&
          y > (b?.bleed[1] ?? 0) + 0.01 &&
          y < (b?.bleed[3] ?? 0) - 0.01;
        expect(insideBleed).toBe(false);
      }
    }
  });

  it('puts the binding gutter on the inside edge, alternating in duplex, after a blank back of the cover', async () => {
    const sop = await procedure(SOP);
    const duplex = await parsePdf(await renderBook(sop, { ...base, pages: 4, duplex: true }));
    expect(duplex.pages).toBe(6);
    expect(duplex.text[1]).toContain('本页空白');
    // the centred title moves with the content
    const titleX = (pdf: typeof duplex, page: number): number =>
      pdf.items[page]?.find((i) => i.str === '值班记录')?.x ?? Number.NaN;
    // form page 1 is a recto (gutter left), page 2 a verso (gutter right): the content moves by the gutter
    expect(near(titleX(duplex, 2) - titleX(duplex, 3), 15 * MM, 0.05)).toBe(true);
    expect(near(titleX(duplex, 2), titleX(duplex, 4), 0.01)).toBe(true);
    const simplex = await parsePdf(await renderBook(sop, { ...base, pages: 2, gutter: 20 * MM }));
    expect(near(titleX(simplex, 1), titleX(simplex, 2), 0.01)).toBe(true);
  });

  it('lays out A5 and B5 books (trim sizes in the boxes)', async () => {
    const sop = await procedure(SOP);
    for (const [size, w, h] of [
      ['A5', 148, 210],
      ['B5', 176, 250],
    ] as const) {
      const bytes = await renderBook(sop, { ...base, size, pages: 1 });
      const [cover, page] = pageBoxes(bytes);
      expect(near(page?.trim[2] ?? 0, w * MM, 0.01)).toBe(true);
      expect(near(page?.trim[3] ?? 0, h * MM, 0.01)).toBe(true);
      expect(cover?.media).toEqual(page?.media);
      const pdf = await parsePdf(bytes);
      // one shift takes two pages at these sizes: one page asked for gives a whole shift
      expect(pdf.pages).toBe(3);
      expect(pdf.text[1]).toContain('第 1 页 共 2 页');
      expect(pdf.text[2]).toContain('值班记录（续）');
      expect(`${pdf.text[1]}${pdf.text[2]}`).toContain('来电/来访人');
    }
  });

  it('is byte-identical when built twice', async () => {
    const sop = await procedure(SOP);
    const opts = { ...base, pages: 5, duplex: true, bleed: 3 * MM, cropMarks: true } as const;
    const a = await renderBook(sop, opts);
    const b = await renderBook(sop, opts);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    // the creation date comes from the SOP (effective 2026-01-01), not from the clock
    expect(Buffer.from(a).toString('latin1')).toContain('(D:20260101000000Z)');
    expect(Buffer.from(a).toString('latin1')).not.toMatch(/\(D:(?!20260101000000Z)\d{14}Z\)/);
  });

  it('binds a register book from the reception SOP, landscape, with its columns', async () => {
    const sop = await procedure('front-desk-reception');
    const bytes = await renderBook(sop, { ...base, form: 'reception-record', pages: 3 });
    const [, page] = pageBoxes(bytes);
    expect(near(page?.trim[2] ?? 0, 297 * MM, 0.01)).toBe(true);
    const pdf = await parsePdf(bytes);
    // the reception record sets no retention: the cover says so instead of inventing a year
    expect(pdf.text[0]).toContain('保存期限：规程未规定');
    expect(pdf.text[0]).not.toContain('保存至');
    for (const col of sop.forms[0]?.columns ?? []) expect(pdf.text[1]).toContain(col.label);
    for (const s of ['客服主管每日审核', '经理每周一审核', '投诉', '非投诉', '经理每周一审核：上周本部门'])
      expect(pdf.text[3]).toContain(s);
  });

  it('fails before writing when the font lacks a character, naming it', async () => {
    const sop = editedSop(SOP, (y) => y.replace('title: 值班记录\n', 'title: 值班记录𪚥簿\n'));
    const err = await renderBook(sop, { ...base, pages: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingGlyphsError);
    expect((err as MissingGlyphsError).missing).toEqual(['𪚥']);
    expect((err as Error).message).toContain('𪚥');
    expect((err as Error).message).toContain('U+2A6A5');
  });

  it('renders a form a new SOP declares, from its YAML alone', async () => {
    const sop = editedSop('front-desk-reception', (y) =>
      y.replace(
        'forms:\n',
        `forms:
  key-register:
    title: 钥匙借用登记表
    kind: register
    rows: 9
    columns:
      - { id: borrower, label: 借用人, type: text }
      - { id: key, label: 钥匙编号, type: text }
      - { id: out, label: 借出时间, type: datetime }
      - { id: back, label: 归还时间, type: datetime }
      - { id: ok, label: 完好, type: boolean }
    signatures:
      - { label: 发放人, role: receptionist }
`,
      ),
    );
    const bytes = await renderBook(sop, { ...base, form: 'key-register', pages: 2 });
    const pdf = await parsePdf(bytes);
    expect(pdf.text[0]).toContain('钥匙借用登记表');
    for (const s of [
      '借用人',
      '钥匙编号',
      '借出时间',
      '归还时间',
      '完好',
      '发放人',
      '（前台接待员）',
      '第 2 页 共 2 页',
    ])
      expect(pdf.text[2]).toContain(s);
  });

  it('gives the short lists one row when a long log needs the room, and refuses what cannot fit', async () => {
    const long = editedSop(SOP, (y) => y.replace('    rows: 18\n', '    rows: 22\n'));
    const pdf = await parsePdf(await renderBook(long, { ...base, pages: 1 }));
    const rowsOf = (text: string) => text.split(':').length - 1; // the time column pre-prints one ':' a row
    // 22 event rows at 7 mm do not fit on one A4 page beside the rest: the shift goes on over a second page
    expect(pdf.pages).toBe(3);
    expect(rowsOf(`${pdf.text[1]}${pdf.text[2]}`)).toBeGreaterThanOrEqual(22);
    // validate refuses 60 rows (FORM_TOO_FULL); the book still refuses such a model on its own.
    const huge = { ...long, forms: long.forms.map((f) => (f.id === 'duty-log' ? { ...f, rows: 60 } : f)) };
    await expect(renderBook(huge, { ...base, size: 'A5', pages: 1 })).rejects.toThrow(
      /duty-log does not fit on A5/,
    );
  });

  it('refuses an unknown form with a RenderError listing the forms', async () => {
    const sop = await procedure(SOP);
    await expect(renderBook(sop, { ...base, form: 'nope', pages: 1 })).rejects.toThrow(RenderError);
    await expect(renderBook(sop, { ...base, form: 'nope', pages: 1 })).rejects.toThrow(
      /duty-roster, duty-log/,
    );
  });
});

describe('printableTextRule', () => {
  it('reports the YAML position of a form text the font cannot draw', async () => {
    const { loadSopTexts } = await import('../../src/load/index.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('../helpers.js');
    const { printableTextRule } = await import('../../src/render/pdf/index.js');
    const file = join('sops', `${SOP}.yaml`);
    const text = readFileSync(join(ROOT, file), 'utf8').replace('name: 水瓶\n', 'name: 水瓶𪚥\n');
    const line = text.split('\n').findIndex((l) => l.includes('水瓶𪚥')) + 1;
    const r = loadSopTexts([{ file, text }], { sopRules: [printableTextRule] });
    const d = r.diagnostics.filter((x) => x.code === 'GLYPH_MISSING');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      file,
      line,
      severity: 'error',
      path: ['checklists', 'handover-items', 'items', 2, 'name'],
    });
    expect(d[0]?.message.zh).toContain('𪚥');
    expect(r.set).toBeNull();
    const clean = loadSopTexts([{ file, text: readFileSync(join(ROOT, file), 'utf8') }], {
      sopRules: [printableTextRule],
    });
    expect(clean.diagnostics.filter((x) => x.code === 'GLYPH_MISSING')).toEqual([]);
  });
});
