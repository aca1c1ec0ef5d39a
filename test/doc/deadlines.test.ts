/**
 * The time rules in the document's appendix B and in the consistency check: every deadline and recurring
 * plan is a row citing its clause, worded from the YAML; a deadline's duration is compared with its clause.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadSopTexts } from '../../src/load/index.js';
import { procedureView } from '../../src/render/doc/view.js';

const FIXTURE = readFileSync(join(import.meta.dirname, '../machine/fixtures/time-rules.yaml'), 'utf8');

function load(text: string) {
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/time-rules.yaml', text }]);
  const sop = set?.sops[0];
  if (sop?.kind !== 'procedure') throw new Error(JSON.stringify(diagnostics, null, 2));
  return { sop, diagnostics };
}

describe('appendix B lists deadlines and recurring plans', () => {
  test('each row cites its clause and says the limit, its clock, its span and its breach', () => {
    const { sop } = load(FIXTURE);
    const times = procedureView(sop).appendices.find((a) => a.id === 'times');
    const rows = times?.tables[0]?.rows.map((r) => r.cells) ?? [];
    expect(rows).toContainEqual([
      '4.2',
      '完成维修（自“派工”起，在“维修中”、“等待配件”中计时，按自然时间计）',
      '1 天内',
      '超时转“主管处理”',
    ]);
    expect(rows).toContainEqual([
      '4.1',
      '到场（自进入“维修中”起，在“维修中”中计时，按自然时间计）',
      '2 小时内',
      '超时标记逾期，通知主管',
    ]);
    expect(rows).toContainEqual(['—', '巡查', '每 2 小时（自 00:00 起）；晚于计划 15 分钟开始即为迟到', '—']);
    expect(rows).toContainEqual(['—', '月末检查', '每月最后一个工作日 16:00，按工作日', '—']);
  });

  test('a limit chosen by a recorded value names the options by their labels', () => {
    const text = FIXTURE.replace('    within: 2h\n', '    within: { by: priority, urgent: 30m, else: 2h }\n');
    const { sop } = load(text);
    const rows = procedureView(sop).appendices.find((a) => a.id === 'times')?.tables[0]?.rows ?? [];
    expect(rows.map((r) => r.cells[2])).toContain('按“紧急程度”：紧急 30 分钟内；其他 2 小时内');
  });
});

describe('consistency: a deadline figure appears in its clause', () => {
  test('2h in a clause that says 2小时 is quiet; 3h is CLAUSE_FIGURE_MISMATCH at the clause', () => {
    expect(load(FIXTURE).diagnostics.filter((d) => d.code === 'CLAUSE_FIGURE_MISMATCH')).toEqual([]);
    const { diagnostics } = load(FIXTURE.replace('    within: 2h\n', '    within: 3h\n'));
    const found = diagnostics.filter((d) => d.code === 'CLAUSE_FIGURE_MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', line: 11 });
  });
});
