import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import { ROOT } from '../helpers.js';

const BASE = readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8');
const CLAUSES = '  { clause: "2.0", title: 适用范围, text: 适用于测试。 }]';
const LEVEL = '{ after: 2d, role: boss, step: boss-step }';
const AUDIT = '{ id: daily, role: boss, every: daily, form: log, covers: 记录, action: 检查 }';

/** base.yaml with a clause 3.0 (text and, optionally, child lines) and edits of its rules. */
function variant(text: string, edits: readonly (readonly [string, string])[], children = ''): string {
  let s = BASE.replace(
    CLAUSES,
    `  { clause: "2.0", title: 适用范围, text: 适用于测试。 },\n  { clause: "3.0", title: 程序, text: ${text}${children ? `, clauses: [${children}]` : ''} }]`,
  );
  for (const [from, to] of edits) {
    if (!s.includes(from)) throw new Error(`no ${from}`);
    s = s.replace(from, to);
  }
  return s;
}

function consistency(text: string): { code: string; line: number; column: number }[] {
  const r = loadSopTexts([{ file: 'base.yaml', text }]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.diagnostics
    .filter((d) => d.code.startsWith('CLAUSE_'))
    .map((d) => ({ code: d.code, line: d.line, column: d.column }));
}

const level = (after: string) =>
  [LEVEL, `{ after: ${after}, role: boss, step: boss-step, clause: "3.0" }`] as const;
const audit = (every: string) =>
  [
    AUDIT,
    `{ id: daily, role: boss, ${every}, form: log, covers: 记录, clause: "3.0", action: 检查 }`,
  ] as const;

describe('figures: a duration a rule states appears in the clause it cites', () => {
  it.each([
    ['2天内未处理完毕的，转由主管处理。', '2d'],
    ['两天内未处理完毕的，转由主管处理。', '2d'],
    ['2 天内未处理完毕的，转由主管处理。', '2d'],
    ['48 小时内未处理完毕的，转由主管处理。', '2d'],
    ['一周内未处理完毕的，转由主管处理。', '1w'],
    ['超过2天、不足1周的，转由主管处理。', '1w'],
  ])('%s agrees with after: %s', (text, after) => {
    expect(consistency(variant(text, [level(after)]))).toEqual([]);
  });

  it('reports a figure of the same unit that differs, at the clause text', () => {
    expect(consistency(variant('3天内未处理完毕的，转由主管处理。', [level('2d')]))).toEqual([
      { code: 'CLAUSE_FIGURE_MISMATCH', line: 10, column: 37 },
    ]);
  });

  it('says nothing when the clause states no figure of that unit (it may be stated elsewhere)', () => {
    expect(consistency(variant('未处理完毕的，转由主管处理。', [level('2d')]))).toEqual([]);
    expect(consistency(variant('24小时内未处理完毕的，转由主管处理。', [level('2d')]))).toEqual([]);
  });

  it('reads the clause’s child lines', () => {
    const children = '超过3天的，转由主管处理。';
    expect(consistency(variant('未处理完毕的：', [level('2d')], children))).toEqual([
      { code: 'CLAUSE_FIGURE_MISMATCH', line: 10, column: 37 },
    ]);
  });

  it('compares handover-prep, retention and rings with the clauses they cite', () => {
    const text = variant('交班前10分钟做好准备，电话铃响五声内接听，记录保存期2年。', [
      ['  handover-prep: 15m\n', '  handover-prep: 15m\n  answer-within-rings: 3\n  clause: "3.0"\n'],
      [
        '{ form: log, retention: 3y, rules: [no-torn-pages] }',
        '{ form: log, retention: 3y, rules: [no-torn-pages], clause: "3.0" }',
      ],
    ]);
    expect(consistency(text).map((d) => d.code)).toEqual([
      'CLAUSE_FIGURE_MISMATCH',
      'CLAUSE_FIGURE_MISMATCH',
      'CLAUSE_FIGURE_MISMATCH',
    ]);
  });

  it('does not compare a rule that cites no clause', () => {
    expect(consistency(variant('3天内未处理完毕的，转由主管处理。', []))).toEqual([]);
  });
});

describe('roles: a rule’s role is named in the clause it cites', () => {
  it('accepts the name or an alias', () => {
    expect(consistency(variant('主管每天检查记录。', [audit('every: daily')]))).toEqual([]);
    const aliased = variant('组长每天检查记录。', [
      audit('every: daily'),
      ['  boss:\n    name: 主管\n', '  boss:\n    name: 主管\n    aliases: [组长]\n'],
    ]);
    expect(consistency(aliased)).toEqual([]);
  });

  it('reports another declared role named instead', () => {
    expect(consistency(variant('接待员每天检查记录。', [audit('every: daily')]))).toEqual([
      { code: 'CLAUSE_ROLE_MISSING', line: 10, column: 37 },
    ]);
  });

  it('says nothing when the clause names no declared role', () => {
    expect(consistency(variant('每天检查记录。', [audit('every: daily')]))).toEqual([]);
  });
});

describe('audits: the frequency is the clause’s', () => {
  it.each([
    ['主管每天检查记录。', 'every: daily'],
    ['主管每日检查记录。', 'every: daily'],
    ['主管每周一检查上周记录。', 'every: weekly, on: monday'],
    ['主管每星期五检查本周记录。', 'every: weekly, on: friday'],
    ['主管每月检查记录。', 'every: monthly, on: 1'],
    ['主管检查记录。', 'every: monthly, on: 1'],
  ])('%s agrees with %s', (text, every) => {
    expect(consistency(variant(text, [audit(every)]))).toEqual([]);
  });

  it.each([
    ['主管每周一检查记录。', 'every: daily'],
    ['主管每周二检查记录。', 'every: weekly, on: monday'],
    ['主管每天检查记录。', 'every: monthly, on: 1'],
  ])('%s contradicts %s', (text, every) => {
    expect(consistency(variant(text, [audit(every)]))).toEqual([
      { code: 'CLAUSE_FREQUENCY_MISMATCH', line: 10, column: 37 },
    ]);
  });
});

describe('the bundled SOPs', () => {
  it('have no consistency warnings', async () => {
    const { diagnostics } = await loadSopSet(['sops'], { cwd: ROOT });
    expect(diagnostics).toEqual([]);
  });
});
