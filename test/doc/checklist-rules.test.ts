/**
 * The checklist rules of an event (`checklist-complete`, `checklist-none` + `where`, `clear`) are worded from
 * what the YAML states — the checklist's title, the checked field's label, the option's label — in the
 * document's flow appendix and, in Chinese and English, in the rule-level diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSops } from '../../src/history/diff.js';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { ROOT } from '../helpers.js';
import { edit, loadText } from './helpers.js';

const FILE = 'examples/renovation-approval.yaml';
const TEXT = readFileSync(join(ROOT, FILE), 'utf8');
const GUARD = `            - checklist-none: inspection
              where:
                status: fail
`;
const CLEAR = `          effects:
            - clear: inspection
`;

const load = (text: string) => loadText(text, FILE) as ProcedureSop;

async function flowRow(sop: ProcedureSop, step: string): Promise<string> {
  const set = { sops: [sop] } as unknown as SopSet;
  const md = (await documentTarget.emit(sop, { set })).find((a) => a.path === 'sop.md')?.data;
  const label = sop.workflow?.steps.find((s) => s.id === step)?.label;
  const row = String(md)
    .split('\n')
    .find((l) => l.startsWith('| ') && l.includes(` | ${label} | `));
  if (!row) throw new Error(`no flow row for ${step}`);
  return row;
}

describe('the document words the checklist rules of each event', () => {
  it('PASS needs the inspection complete and no failed item; the new request clears the results', async () => {
    const sop = load(TEXT);
    expect(await flowRow(sop, 'inspecting')).toContain(
      '验收合格（须“验收项目”已全部清点，且“验收项目”中没有“结果”为“不合格”的项） → “退还装修押金”',
    );
    expect(await flowRow(sop, 'rectifying')).toContain(
      '整改完毕，重新申请验收（清空“验收项目”已记录的内容） → “竣工验收”',
    );
  });

  it('takes the words from the YAML: the checklist title, the field label, the option labels', async () => {
    let text = edit(TEXT, 'title: 验收项目', 'title: 竣工验收项目');
    text = edit(text, '              label: 结果\n', '              label: 检查结论\n');
    text = edit(
      text,
      '                fail: 不合格\n',
      '                fail: 不达标\n                minor: 轻微缺陷\n',
    );
    text = edit(
      text,
      '                status: fail\n',
      '                status:\n                  - fail\n                  - minor\n',
    );
    const sop = load(text);
    expect(await flowRow(sop, 'inspecting')).toContain(
      '（须“竣工验收项目”已全部清点，且“竣工验收项目”中没有“检查结论”为“不达标”或“轻微缺陷”的项）',
    );
    expect(await flowRow(sop, 'rectifying')).toContain('（清空“竣工验收项目”已记录的内容）');
  });

  it('says nothing of them where the YAML states none', async () => {
    const sop = load(edit(edit(TEXT, GUARD, ''), CLEAR, ''));
    expect(await flowRow(sop, 'inspecting')).toContain('验收合格（须“验收项目”已全部清点） → ');
    expect(await flowRow(sop, 'rectifying')).toContain('整改完毕，重新申请验收 → “竣工验收”');
    expect(await flowRow(sop, 'rectifying')).not.toContain('清空');
  });
});

describe('the rule-level diff words an added or removed guard and effect', () => {
  const before = load(edit(edit(TEXT, GUARD, ''), CLEAR, ''));
  const after = load(TEXT);
  const texts = (a: ProcedureSop, b: ProcedureSop) =>
    diffSops(a, b)
      .filter((c) => /conditions|effects/.test(c.key))
      .map((c) => [c.zh, c.en]);

  it('in Chinese and English, from the labels of the YAML', () => {
    expect(texts(before, after)).toEqual([
      [
        '新增“验收合格”的前提条件：“验收项目”中没有“结果”为“不合格”的项',
        'Added condition of "验收合格": no item of "验收项目" is recorded where "结果" is "不合格"',
      ],
      [
        '新增“整改完毕，重新申请验收”的记录方式：清空“验收项目”已记录的内容',
        'Added effect of "整改完毕，重新申请验收": empties what is recorded in "验收项目"',
      ],
    ]);
    expect(texts(after, before)).toEqual([
      [
        '删除“验收合格”的前提条件：“验收项目”中没有“结果”为“不合格”的项',
        'Removed condition of "验收合格": no item of "验收项目" is recorded where "结果" is "不合格"',
      ],
      [
        '删除“整改完毕，重新申请验收”的记录方式：清空“验收项目”已记录的内容',
        'Removed effect of "整改完毕，重新申请验收": empties what is recorded in "验收项目"',
      ],
    ]);
  });

  it('a changed value of where is a change of the condition', () => {
    const failOrMinor = load(
      edit(
        edit(
          TEXT,
          '                fail: 不合格\n',
          '                fail: 不合格\n                minor: 轻微缺陷\n',
        ),
        '                status: fail\n',
        '                status:\n                  - fail\n                  - minor\n',
      ),
    );
    const zh = diffSops(after, failOrMinor)
      .filter((c) => c.key.includes('conditions'))
      .map((c) => c.zh);
    expect(zh).toEqual([
      '删除“验收合格”的前提条件：“验收项目”中没有“结果”为“不合格”的项',
      '新增“验收合格”的前提条件：“验收项目”中没有“结果”为“不合格”或“轻微缺陷”的项',
    ]);
  });
});
