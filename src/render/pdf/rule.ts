import type { Diagnostic } from '../../diagnostics/types.js';
import type { SopRule } from '../../validate/rules/sop-rules.js';
import { missingGlyphs } from './font.js';

/**
 * A validation rule for builds that print forms: every text a form prints is drawable with the
 * embedded Chinese font. It reports the YAML node the text comes from (file:line:column) with code
 * `FORM_GLYPH_MISSING`, instead of the renderer failing later without a position.
 *
 * It loads the font (fontkit and an 8 MB file), so register it where PDFs are built anyway, e.g.
 * `loadSopSet(paths, { sopRules: [formGlyphsRule] })` in `build`, not in `validate`.
 */
export const formGlyphsRule: SopRule = ({ sop, report }) => {
  if (sop.kind !== 'procedure' || sop.forms.length === 0) return;
  const texts: { path: (string | number)[]; text: string }[] = [];
  const add = (path: (string | number)[], text: string | null | undefined): void => {
    if (text) texts.push({ path, text });
  };
  add(['title'], sop.title);
  add(['department'], sop.department);
  add(['number'], sop.number);
  for (const role of sop.roles) add(['roles', role.id, 'name'], role.name);
  for (const form of sop.forms) {
    const at = ['forms', form.id];
    add([...at, 'title'], form.title);
    form.fields.forEach((f, i) => {
      add([...at, 'fields', i, 'label'], f.label);
      for (const o of f.options) add([...at, 'fields', i, 'options', o.value], o.label);
    });
    form.columns.forEach((f, i) => {
      add([...at, 'columns', i, 'label'], f.label);
      for (const o of f.options) add([...at, 'columns', i, 'options', o.value], o.label);
    });
    for (const [i, s] of form.signatures.entries()) add([...at, 'signatures', i, 'label'], s.label);
  }
  for (const c of sop.checklists) {
    add(['checklists', c.id, 'title'], c.title);
    for (const [i, item] of c.items.entries()) add(['checklists', c.id, 'items', i, 'name'], item.name);
    add(['checklists', c.id, 'on-problem'], c.onProblem);
  }
  for (const [i, r] of sop.records.entries()) add(['records', i, 'custodian'], r.custodian);
  for (const [i, a] of sop.audits.entries()) add(['audits', i, 'covers'], a.covers);
  // Log pages print the labels of the events that fill their lists, and those events' fields.
  for (const step of sop.workflow?.steps ?? []) {
    for (const t of step.transitions) {
      if (!t.effects.some((e) => e.kind === 'append' || e.kind === 'check')) continue;
      const at = ['workflow', 'steps', step.id, 'on', t.event];
      add([...at, 'label'], t.label);
      t.payload.forEach((f, i) => {
        add([...at, 'payload', i, 'label'], f.label);
        for (const o of f.options) add([...at, 'payload', i, 'options', o.value], o.label);
      });
    }
  }
  for (const { path, text } of texts) {
    const missing = missingGlyphs(text);
    if (missing.length === 0) continue;
    const span = report.span(path);
    const chars = missing
      .map((c) => `${c} (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()})`)
      .join(', ');
    const d: Diagnostic = {
      code: 'FORM_GLYPH_MISSING',
      severity: 'error',
      ...span,
      path,
      message: {
        zh: `表格所用字体（Noto Sans Hans）中没有这些字符：${chars}`,
        en: `The form font (Noto Sans Hans) has no glyph for: ${chars}`,
        hintZh: '换用常用字，或改写这段文字；打印的表格无法显示这些字符。',
        hintEn: 'Use a common character or reword the text: printed forms cannot show these characters.',
      },
    };
    report.diagnostics.push(d);
  }
};
