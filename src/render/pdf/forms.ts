import type { Form, ProcedureSop } from '../../model/types.js';
import { blankFormSheet, layoutTablePage } from './layout.js';
import { checkCoverage, openDocument, paint, RenderError, sopDate } from './paint.js';
import { renderRoster } from './roster/render.js';
import { Sketch } from './sketch.js';

/**
 * One blank copy of a form, on A4 without bleed or gutter, for printing at the office. Rosters come
 * out as the blank month sheet; logs and registers with an empty serial and page number to fill in.
 *
 * @example
 * const bytes = await renderBlankForm(sop, sop.forms[0]);
 */
export async function renderBlankForm(sop: ProcedureSop, form: Form): Promise<Uint8Array> {
  if (form.kind === 'roster') return renderRoster(sop, form.id, null);
  const sheet = blankFormSheet(form);
  const box = sheet.content('recto');
  let layout: ReturnType<typeof layoutTablePage>;
  try {
    layout = layoutTablePage(sop, form, box);
  } catch (err) {
    if (err instanceof RangeError)
      throw new RenderError(`${sop.id} / ${form.id} does not fit on A4: ${err.message}`);
    throw err;
  }
  const sk = new Sketch();
  sk.ops.push(...layout.fixed.ops);
  const slot = (s: typeof layout.serial, text: string): void =>
    sk.text(text, s.x, s.y, s.size, { align: s.align, width: s.w });
  slot(layout.serial, '编号 __________');
  slot(layout.pageNumber, '第 ______ 页');
  // A form printed from a draft (a SOP edited since its approval, see src/history/draft.ts) says so.
  if (sop.draft)
    sk.text('草稿 DRAFT', 0, layout.serial.y, layout.serial.size * 1.3, {
      align: 'left',
      width: box.w * 0.3,
    });
  checkCoverage(sk.allText(), `${sop.id} / ${form.id}`);
  const { doc, addPage, finish } = openDocument({
    title: `${form.title}（${sop.title}）`,
    subject: `${sop.id} ${sop.version} ${form.id}`,
    keywords: `sopforge, ${sop.id}, ${sop.sourceHash}`,
    date: sopDate(sop),
    // Kept as records for years: an archive's format.
    standard: 'PDF/A-2b',
  });
  addPage([sheet.mediaWidth, sheet.mediaHeight], { trim: sheet.trimBox, bleed: sheet.bleedBox });
  paint(doc, sk.ops, box.x, box.y);
  return finish();
}
