import type { Form, ProcedureSop, RosterRule } from '../../../model/types.js';
import { HANDWRITING_MINIMUMS } from '../handwriting.js';
import {
  type Block,
  type Column,
  drawTable,
  fieldColumns,
  footerBlock,
  footnotes,
  headerBlock,
  headHeight,
  rulesBlock,
  type Scale,
  type Size,
  scaleFor,
  signaturesBlock,
  stack,
} from '../layout.js';
import { checkCoverage, openDocument, paint, RenderError, sopDate } from '../paint.js';
import { makeSheet } from '../sheet.js';
import { Sketch } from '../sketch.js';
import { MM } from '../units.js';
import { clauseSuffix, roleName } from '../wording.js';
import { parseMonth, type RosterPlan } from './plan.js';

/** The role that stands the duty: the role of the workflow's first step. */
function dutyRole(sop: ProcedureSop): string | null {
  const wf = sop.workflow;
  const step = wf?.steps.find((s) => s.id === wf.initial);
  return roleName(sop, step?.role ?? null);
}

/** The SOP's roster rule (who prepares it, by when, who approves swaps) when it is about this form. */
function ruleFor(sop: ProcedureSop, formId: string | null): RosterRule | null {
  const rule = sop.schedule?.roster ?? null;
  return rule && (rule.form === null || formId === null || rule.form === formId) ? rule : null;
}

/** Lines printed above the table: who prepares it and by when, the windows, and a warning when holidays are unknown. */
/** “，须于 2026-01-31 前完成（上月月底前）”; nothing when the YAML writes no deadline. */
function dueText(days: number | null, plan: RosterPlan | null): string {
  if (days === null) return '';
  const when = days === 0 ? '上月月底前' : `当月 1 日前 ${days} 天`;
  return plan?.dueBy ? `，须于 ${plan.dueBy} 前完成（${when}）` : `，须于${when}完成`;
}

export function rosterNotes(
  sop: ProcedureSop,
  plan: RosterPlan | null,
  formId: string | null = null,
): { warning: string | null; lines: string[] } {
  const lines: string[] = [];
  const schedule = sop.schedule;
  const rule = ruleFor(sop, formId);
  if (rule) {
    const by = roleName(sop, rule.preparedBy);
    const approver = roleName(sop, rule.approvedBy);
    lines.push(
      `编制：${by}${approver ? `，审批：${approver}` : ''}${dueText(rule.dueDaysBeforeMonth, plan)}${clauseSuffix(rule.clause)}`,
    );
  }
  if (schedule) {
    const holiday =
      schedule.holidayWindow && schedule.holidayWindow.label !== schedule.window.label
        ? `；休息日及法定节假日 ${schedule.holidayWindow.label}`
        : '';
    lines.push(
      `值班时间：工作日（含调休上班日）${schedule.window.label}${holiday}${clauseSuffix(schedule.clause)}`,
    );
  }
  let warning: string | null = null;
  if (plan && !plan.holidaysKnown) {
    warning = `注意：日历中没有 ${plan.month.slice(0, 4)} 年的法定节假日及调休安排，本表只区分了周末；法定节假日和调休上班日须人工核对并改正值班时间。`;
  }
  if (plan && plan.uncovered.length > 0) lines.push(`无人可排（均在请假）：${plan.uncovered.join('、')}`);
  return { warning, lines };
}

function rosterColumns(sop: ProcedureSop, form: Form, plan: RosterPlan | null, sc: Scale): Column[] {
  const rule = ruleFor(sop, form.id);
  const days = plan?.days ?? null;
  const text =
    (pick: (r: number) => string, align: 'left' | 'center' = 'center') =>
    (sk: Sketch, x: number, y: number, w: number, h: number, r: number): void =>
      sk.fit(pick(r), x, y, w, h, sc.body, align, 3 * sc.s);
  const month = plan ? Number(plan.month.slice(5, 7)) : null;
  const approver = roleName(sop, rule?.leaveApprovedBy ?? null);
  const cols: Column[] = [
    { label: '日期', weight: 0.9, cell: text((r) => (month ? `${month}月${r + 1}日` : `${r + 1} 日`)) },
    { label: '星期', weight: 0.5, cell: text((r) => days?.[r]?.weekday ?? '') },
    { label: '类别', weight: 0.9, cell: text((r) => days?.[r]?.kind ?? '') },
    { label: '值班时间', weight: 1.3, cell: text((r) => days?.[r]?.window.label ?? '') },
    { label: dutyRole(sop) ?? '值班人', weight: 1.1, cell: text((r) => days?.[r]?.person ?? '') },
    { label: rule?.leaveApprovedBy ? '调班/顶班人' : '调班人', weight: 1.1 },
  ];
  if (approver) cols.push({ label: `批准人签名\n（${approver}）`, weight: 1.5 });
  cols.push(...fieldColumns(form.columns, sc));
  return cols;
}

/**
 * A roster sheet (值班安排表) for a month as a one-page A4 PDF; `plan` null gives the blank sheet.
 *
 * @example
 * const plan = planRoster(sop, '2026-12', createCalendar(sop.site), staff);
 * const bytes = await renderRoster(sop, 'duty-roster', plan);
 */
export async function renderRoster(
  sop: ProcedureSop,
  formId: string,
  plan: RosterPlan | null,
): Promise<Uint8Array> {
  const form = sop.forms.find((f) => f.id === formId);
  if (!form)
    throw new RenderError({ zh: `${sop.id} 没有表格“${formId}”`, en: `${sop.id} has no form "${formId}"` });
  if (form.kind !== 'roster')
    throw new RenderError({
      zh: `${sop.id} / ${formId} 不是值班安排表（它的类型是 ${form.kind}）`,
      en: `${sop.id} / ${formId} is a ${form.kind} form, not a roster`,
    });
  const sheet = makeSheet({
    size: 'A4',
    orientation: 'portrait',
    bleed: 0,
    cropMarks: false,
    gutter: 0,
    margin: 12 * MM,
    // A wall sheet, not filed: 9 mm at top and bottom leave the month's 31 writing rows their 7 mm.
    marginEnds: 9 * MM,
    duplex: false,
  });
  const box = sheet.content('recto');
  const size: Size = { w: box.w, h: box.h };
  const sc = scaleFor(size.w);
  const sk = new Sketch();
  const ym = plan ? parseMonth(plan.month) : null;
  const header = headerBlock(
    sop,
    form.title,
    size,
    sc,
    ym ? `${ym.year} 年 ${ym.month} 月` : '______年____月',
  );
  const footer = footerBlock(sop, size, sc);
  footer.draw(sk);
  const notes = rosterNotes(sop, plan, form.id);
  const rows = plan ? plan.days.length : 31;
  const warningBlock: Block | null = notes.warning
    ? (() => {
        const probe = new Sketch();
        // Footnote size, so that the month's 31 writing rows keep their 7 mm below it.
        const h = probe.paragraph(notes.warning, 0, 0, size.w - 6 * sc.s, sc.small) + 4 * sc.s;
        const text = notes.warning;
        return {
          fixed: h + 2 * sc.s,
          rows: 0,
          draw(s: Sketch, y: number) {
            s.fill(0, y, size.w, h, 0.12);
            s.rect(0, y, size.w, h, 0.8);
            s.paragraph(text, 3 * sc.s, y + 2 * sc.s, size.w - 6 * sc.s, sc.small);
          },
        };
      })()
    : null;
  const headH = headHeight(rosterColumns(sop, form, plan, sc), size.w, sc, 20 * sc.s);
  const table: Block = {
    fixed: headH + 4 * sc.s,
    rows,
    draw(s, y, r) {
      drawTable(s, 0, y + 2 * sc.s, size.w, rosterColumns(sop, form, plan, sc), headH, rows, r, sc);
    },
  };
  const rule = ruleFor(sop, form.id);
  const swapLine =
    rule?.leaveApprovedBy || rule?.privateSwapsForbidden
      ? `${rule.leaveApprovedBy ? `有事不能值班须经${roleName(sop, rule.leaveApprovedBy)}批准，由其安排顶班` : ''}${rule.privateSwapsForbidden ? `${rule.leaveApprovedBy ? '；' : ''}不得私自调班` : ''}${clauseSuffix(rule.clause)}`
      : null;
  const foot = [...(swapLine ? [swapLine] : []), ...footnotes(sop, form)];
  try {
    stack(
      sk,
      [
        header.block,
        rulesBlock(notes.lines, size, sc),
        warningBlock,
        table,
        signaturesBlock(sop, form, size, sc),
        rulesBlock(foot, size, sc),
      ],
      0,
      size.h - footer.height,
      HANDWRITING_MINIMUMS.writingRowMm * MM,
      22 * sc.s,
    );
  } catch (err) {
    if (err instanceof RangeError)
      throw new RenderError({
        zh: `${sop.id} / ${form.id} 在 A4 上排不下：${err.message}`,
        en: `${sop.id} / ${form.id} does not fit on A4: ${err.message}`,
      });
    throw err;
  }
  // A roster of a draft SOP (edited since its approval, src/history/draft.ts) says so, in the top margin.
  if (sop.draft) sk.text('草稿 DRAFT', 0, 4 * sc.s, 12 * sc.s, { align: 'center', width: size.w });
  checkCoverage(sk.allText(), `${sop.id} / ${form.id}`);
  const { doc, addPage, finish } = openDocument({
    title: `${form.title}${ym ? ` ${plan?.month}` : ''}（${sop.title}）`,
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
