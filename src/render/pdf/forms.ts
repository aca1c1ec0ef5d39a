import type { Form, ProcedureSop } from '../../model/types.js';
import { blankFormSheet, type FormLayout, layoutForm } from './layout.js';
import { checkCoverage, openDocument, paint, RenderError, sopDate } from './paint.js';
import { renderRoster } from './roster/render.js';
import { Sketch } from './sketch.js';

/**
 * One blank copy of a form, on A4 without bleed or gutter, for printing at the office. Rosters come
 * out as the blank month sheet; logs and registers with an empty serial and page number to fill in, on
 * the pages one shift or sheet takes (`layoutForm`: one, or two with a continuation page or a spread).
 *
 * @example
 * const bytes = await renderBlankForm(sop, sop.forms[0]);
 */
export async function renderBlankForm(sop: ProcedureSop, form: Form): Promise<Uint8Array> {
  if (form.kind === 'roster') return renderRoster(sop, form.id, null);
  const sheet = blankFormSheet(form);
  const box = sheet.content('recto');
  let layout: FormLayout;
  try {
    layout = layoutForm(sop, form, box);
  } catch (err) {
    if (err instanceof RangeError)
      throw new RenderError({
        zh: `${sop.id} / ${form.id} 在 A4 上排不下：${err.message}`,
        en: `${sop.id} / ${form.id} does not fit on A4: ${err.message}`,
      });
    throw err;
  }
  const sketches = layout.pages.map((page) => {
    const sk = new Sketch();
    sk.ops.push(...page.fixed.ops);
    const slot = (s: typeof page.serial, text: string): void =>
      sk.text(text, s.x, s.y, s.size, { align: s.align, width: s.w });
    slot(page.serial, '编号 __________');
    slot(page.pageNumber, '第 ______ 页');
    // A form printed from a draft (a SOP edited since its approval, see src/history/draft.ts) says so.
    if (sop.draft)
      sk.text('草稿 DRAFT', 0, page.serial.y, page.serial.size * 1.3, {
        align: 'left',
        width: box.w * 0.3,
      });
    return sk;
  });
  checkCoverage(sketches.map((sk) => sk.allText()).join(''), `${sop.id} / ${form.id}`);
  const { doc, addPage, finish } = openDocument({
    title: `${form.title}（${sop.title}）`,
    subject: `${sop.id} ${sop.version} ${form.id}`,
    keywords: `sopforge, ${sop.id}, ${sop.sourceHash}`,
    date: sopDate(sop),
    // Kept as records for years: an archive's format.
    standard: 'PDF/A-2b',
  });
  for (const sk of sketches) {
    addPage([sheet.mediaWidth, sheet.mediaHeight], { trim: sheet.trimBox, bleed: sheet.bleedBox });
    paint(doc, sk.ops, box.x, box.y);
  }
  return finish();
}
