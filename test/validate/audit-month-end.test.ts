import { describe, expect, it } from 'vitest';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { DocTemplates } from '../../src/render/doc/templates.js';
import { procedureView } from '../../src/render/doc/view.js';
import { auditText } from '../../src/render/pdf/wording.js';
import { bundledText, edit } from '../doc/helpers.js';

const FILE = 'sops/front-desk-reception.yaml';
const WEEKLY = '    every: weekly\n    on: monday\n';

function load(every: string) {
  const text = edit(bundledText('front-desk-reception'), WEEKLY, every);
  return { text, ...loadSopTexts([{ file: FILE, text }]) };
}

describe('an audit on the last working day of the month', () => {
  it('is written every: monthly, on: last-working-day, and worded so in the document and on the form', () => {
    const { set, diagnostics } = load('    every: monthly\n    on: last-working-day\n');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sop = set?.sops[0] as ProcedureSop;
    const audit = sop.audits.find((a) => a.id === 'weekly-check');
    expect(audit?.frequency).toEqual({ kind: 'monthly', day: 'last-working-day' });
    const md = DocTemplates.load('md').render('sop', procedureView(sop));
    expect(md).toContain('| 4.9 | 审核上周本部门《接待业主情况记录》 | 每月最后一个工作日 | 经理 |');
    expect(auditText(sop, audit as NonNullable<typeof audit>)).toContain('经理每月最后一个工作日审核');
  });

  it('is refused for a weekly audit, at the audit, with the weekdays in the hint', () => {
    const { text, diagnostics } = load('    every: weekly\n    on: last-working-day\n');
    const d = diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => x.code)).toContain('WEEKDAY_MISSING');
    const missing = d.find((x) => x.code === 'WEEKDAY_MISSING');
    expect(text.split('\n')[(missing?.line ?? 0) - 1]).toMatch(/^ {2}- id: weekly-check$/);
  });

  it('a monthly audit with neither a day nor last-working-day is refused, naming both', () => {
    const { diagnostics } = load('    every: monthly\n');
    const d = diagnostics.find((x) => x.code === 'WEEKDAY_MISSING');
    expect(d?.message.zh).toContain('last-working-day');
    expect(d?.message.en).toContain('last-working-day');
  });
});
