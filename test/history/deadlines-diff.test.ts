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
