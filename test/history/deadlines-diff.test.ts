/** The rule-level diff walks deadlines and recurring plans like every other rule, with sentences that read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { diffSops } from '../../src/history/diff.js';
import { loadSopTexts } from '../../src/load/index.js';

const FIXTURE = readFileSync(join(import.meta.dirname, '../machine/fixtures/time-rules.yaml'), 'utf8');

function load(text: string) {
  const sop = loadSopTexts([{ file: 'sops/time-rules.yaml', text }]).set?.sops[0];
  if (!sop) throw new Error('fixture variant does not load');
  return sop;
}

function changes(edit: (t: string) => string) {
  const after = edit(FIXTURE);
  expect(after).not.toBe(FIXTURE);
  return diffSops(load(FIXTURE), load(after)).map((c) => ({ key: c.key, area: c.area, zh: c.zh, en: c.en }));
}

test('a changed limit, notice and breach are each one change, worded with names', () => {
  expect(changes((t) => t.replace('    within: 2h\n', '    within: 3h\n'))).toEqual([
    expect.objectContaining({
      key: 'deadlines.arrive.limit.duration',
      area: 'deadline',
      zh: expect.stringMatching(/时限“到场”的期限.*2 小时 → 3 小时/),
    }),
  ]);
  expect(changes((t) => t.replace('    notify: supervisor\n', ''))).toEqual([
    expect.objectContaining({
      key: 'deadlines.arrive.notify',
      zh: expect.stringMatching(/时限“到场”超时通知.*主管 → 无/),
    }),
  ]);
  expect(changes((t) => t.replace('breach: { go: escalated }', 'breach: overdue'))).toEqual([
    expect.objectContaining({
      key: 'deadlines.escalate.go',
      zh: expect.stringMatching(/超时后转入.*主管处理 → 无/),
    }),
  ]);
});

test('an added deadline and a changed recurring interval', () => {
  const added = changes((t) =>
    t.replace(
      'recurring:\n',
      '  - { id: key, label: 归还钥匙, at: "18:00", from: { enter: working }, breach: overdue }\nrecurring:\n',
    ),
  );
  expect(added).toEqual([
    expect.objectContaining({
      key: 'deadlines.key',
      zh: expect.stringContaining('新增时限：归还钥匙（自进入“维修中”起'),
    }),
  ]);
  expect(added[0]?.zh).toContain('当天18:00前（已过则次日），超时标记逾期');
  expect(changes((t) => t.replace('every: 2h', 'every: 3h'))).toEqual([
    expect.objectContaining({
      key: 'recurring.patrol.every.duration',
      zh: expect.stringMatching(/周期计划“巡查”的间隔.*2 小时 → 3 小时/),
    }),
  ]);
});

test('months of a recurring plan, its due day and a limit’s plan are changes worded with names', () => {
  const withPlans = (t: string) =>
    t.replace(
      'recurring:\n',
      [
        'recurring:',
        '  - { id: cleaning, label: 水箱清洗, every: { months: [5, 11] } }',
        '  - { id: plan, label: 编制计划, every: monthly, by: { day: 25 } }',
        '',
      ].join('\n'),
    );
  const base = withPlans(FIXTURE);
  const diff = (edit: (t: string) => string) => {
    const after = edit(base);
    expect(after).not.toBe(base);
    return diffSops(load(base), load(after)).map((c) => ({ key: c.key, zh: c.zh, en: c.en }));
  };
  expect(diff((t) => t.replace('months: [5, 11]', 'months: [4, 11]'))).toEqual([
    expect.objectContaining({ zh: '删除周期计划“水箱清洗”的月份：5' }),
    expect.objectContaining({ zh: '新增周期计划“水箱清洗”的月份：4' }),
  ]);
  expect(diff((t) => t.replace('by: { day: 25 }', 'by: { day: 20 }'))).toEqual([
    expect.objectContaining({
      key: 'recurring.plan.by.day',
      zh: '周期计划“编制计划”的完成日期 25 → 20',
    }),
  ]);
  const limit = (plan: string) =>
    `  - { id: in-month, label: 当月完成, within: { occurrence: ${plan} }, from: { enter: working }, breach: overdue }\nrecurring:\n`;
  const before = base.replace('recurring:\n', limit('cleaning'));
  const after = base.replace('recurring:\n', limit('plan'));
  expect(diffSops(load(before), load(after)).map((c) => c.zh)).toEqual([
    '时限“当月完成”依据的周期计划 水箱清洗 → 编制计划',
  ]);
});
