import { describe, expect, it } from 'vitest';
import { diffSops, formatChanges, type RuleChange } from '../../src/history/diff.js';
import { loadSopTexts } from '../../src/load/index.js';
import { bundledText, edit, loadText } from '../doc/helpers.js';

const DUTY = bundledText('duty-handover-public-affairs');
const DESK = bundledText('front-desk-reception');
const MANUAL = bundledText('service-centre-manual');
const CHAPTERS = [
  'front-desk-reception',
  'duty-handover-public-affairs',
  'duty-handover-service-center',
  'duty-handover-customer-service',
];

/** Diff of two manual texts, loaded with the bundled chapters so they resolve. */
function manualChanges(before: string, after: string): string[] {
  const load = (text: string) => {
    const r = loadSopTexts([
      ...CHAPTERS.map((id) => ({ file: `${id}.yaml`, text: bundledText(id) })),
      { file: 'manual.yaml', text },
    ]);
    const m = r.set?.sops.find((x) => x.kind === 'manual');
    if (!m) throw new Error(r.diagnostics.map((d) => d.code).join());
    return m;
  };
  return zh(diffSops(load(before), load(after)));
}

function changes(before: string, after: string): RuleChange[] {
  return diffSops(loadText(before, 'before.yaml'), loadText(after, 'after.yaml'));
}

function zh(list: readonly RuleChange[]): string[] {
  return list.map((c) => c.zh);
}

describe('rule-level diff', () => {
  it('finds nothing between a SOP and itself', () => {
    expect(changes(DUTY, DUTY)).toEqual([]);
    expect(formatChanges([], 'zh')).toBe('无规则变更。\n');
  });

  it('states a changed escalation threshold as a rule', () => {
    const list = changes(
      DESK,
      edit(DESK, '- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    expect(zh(list)).toEqual(['超过 2 天未处理 → 3 天 转客服主管']);
    expect(list[0]).toMatchObject({ area: 'escalation', op: 'changed', before: '2d', after: '3d' });
    expect(list[0]?.en).toBe('Not resolved after 2 days → 3 days: passed to 客服主管');
  });

  it('states changed duty times', () => {
    const after = edit(
      DUTY,
      'window:\n    start: "17:30"\n    end: "次日08:30"',
      'window:\n    start: "18:00"\n    end: "22:00"',
    );
    expect(zh(changes(DUTY, after))).toContain('值班时间 17:30–次日08:30 → 18:00–22:00');
    const early = edit(DUTY, 'arrive-early: 5m', 'arrive-early: 10m');
    expect(zh(changes(DUTY, early))).toEqual(['接班人员提前到岗 5 分钟 → 10 分钟']);
    const timer = edit(
      DUTY,
      '- before-window-end: 15m\n          to: preparing-handover',
      '- before-window-end: 20m\n          to: preparing-handover',
    );
    expect(zh(changes(DUTY, timer))).toEqual(['值班结束前 15 分钟 → 20 分钟转入“准备交班”']);
  });

  it('states added and removed checklist items', () => {
    const added = edit(
      DUTY,
      '      - id: water-bottle\n        name: 水瓶\n',
      '      - id: water-bottle\n        name: 水瓶\n      - id: torch\n        name: 手电筒\n',
    );
    expect(zh(changes(DUTY, added))).toEqual(['新增岗位公物清点物品：手电筒']);
    expect(zh(changes(added, DUTY))).toEqual(['删除岗位公物清点物品：手电筒']);
    expect(changes(DUTY, added)[0]?.en).toBe('Added item to 岗位公物清点: 手电筒');
  });

  it('states role changes: renamed, added', () => {
    const renamed = edit(DESK, 'name: 客服主管', 'name: 客服经理');
    expect(zh(changes(DESK, renamed))).toEqual(['角色名称 客服主管 → 客服经理']);
    const added = edit(DESK, '  departments:\n', '  trainer:\n    name: 培训专员\n  departments:\n');
    expect(zh(changes(DESK, added))).toEqual(['新增角色：培训专员']);
    expect(zh(changes(added, DESK))).toEqual(['删除角色：培训专员']);
  });

  it('states record changes: retention, custodian, added records', () => {
    const retention = edit(DUTY, 'retention: 3y', 'retention: 5y');
    expect(zh(changes(DUTY, retention))).toEqual(['《值班记录》保存期 3 年 → 5 年']);
    const custodian = edit(DUTY, 'custodian: 管理处', 'custodian: 公共事务部');
    expect(zh(changes(DUTY, custodian))).toEqual(['《值班记录》保管 管理处 → 公共事务部']);
    const removed = edit(DUTY, '  - form: duty-roster\n    clause: "5.1"\n', '');
    expect(zh(changes(DUTY, removed))).toEqual(['删除记录：《住户服务中心值班安排表》']);
    expect(zh(changes(removed, DUTY))).toEqual(['新增记录：《住户服务中心值班安排表》']);
  });

  it('states added and removed steps', () => {
    const noComplaint = edit(
      edit(
        DESK,
        '        COMPLAINT:\n          to: complaint\n          label: 投诉类，转投诉处理\n          clause: "4.4"\n',
        '',
      ),
      '    complaint:\n      label: 按投诉处理作业规程处理\n      type: handoff\n      sop: complaint-handling\n      clause: "4.4"\n',
      '',
    );
    const removed = zh(changes(DESK, noComplaint));
    expect(removed).toContain('删除步骤：按投诉处理作业规程处理');
    expect(removed).toContain('删除步骤“已记录”的操作：投诉类，转投诉处理（→ 按投诉处理作业规程处理）');
    const added = zh(changes(noComplaint, DESK));
    expect(added).toContain('新增步骤：按投诉处理作业规程处理');
  });

  it('states audit changes', () => {
    const weekday = edit(DESK, 'every: weekly\n    on: monday', 'every: weekly\n    on: friday');
    expect(zh(changes(DESK, weekday))).toEqual(['经理审核《接待业主情况记录》 每周一 → 每周五']);
    const removed = edit(
      DESK,
      '  - id: daily-check\n    role: cs-supervisor\n    every: daily\n    action: 审核\n    form: reception-record\n    covers: 《接待业主情况记录》上记录的情况\n    clause: "4.3"\n',
      '',
    );
    expect(zh(changes(DESK, removed))).toEqual(['删除检查：客服主管每天审核《接待业主情况记录》']);
  });

  it('states changed schedule rules', () => {
    const rings = edit(DUTY, 'answer-within-rings: 3', 'answer-within-rings: 2');
    expect(zh(changes(DUTY, rings))).toEqual(['电话铃响 3 声 → 2 声内接听']);
  });

  it('prints sentences in English with --lang en', () => {
    const list = changes(DUTY, edit(DUTY, 'retention: 3y', 'retention: 1y'));
    expect(formatChanges(list, 'en')).toBe('- 《值班记录》 kept for 3 years → 1 year\n');
  });

  it('states changes of the manual: chapters and review intervals', () => {
    expect(manualChanges(MANUAL, MANUAL)).toEqual([]);
    const chapters = edit(MANUAL, '  - duty-handover-customer-service\n', '');
    expect(manualChanges(MANUAL, chapters)).toEqual(['删除收录规程：duty-handover-customer-service']);
    const interval = edit(MANUAL, 'semiannual: 6mo', 'semiannual: 3mo');
    expect(manualChanges(MANUAL, interval)).toEqual(['半年调整周期 6 个月 → 3 个月']);
  });

  it('states changes by property, and by clause and key where the phrase table has no entry', () => {
    const width = edit(
      DESK,
      '        label: 业主姓名\n        type: text\n        required: true\n        width: 1.2\n',
      '        label: 业主姓名\n        type: text\n        required: true\n        width: 1.5\n',
    );
    expect(changes(DESK, width)).toEqual([
      {
        area: 'form',
        op: 'changed',
        key: 'forms.reception-record.columns.owner.width',
        before: '1.2',
        after: '1.5',
        zh: '“业主姓名”栏宽 1.2 → 1.5',
        en: 'Width of "业主姓名" 1.2 → 1.5',
      },
    ]);
    const required = edit(
      DESK,
      '              label: 房号\n              type: text\n              required: true\n',
      '              label: 房号\n              type: text\n',
    );
    expect(zh(changes(DESK, required))).toEqual(['“房号”必填 是 → 否']);
    const label = edit(DUTY, 'label: 交班前 15 分钟准备交班', 'label: 交班前准备');
    expect(changes(DUTY, label)).toMatchObject([
      {
        zh: '第 4.2.2 条 workflow.steps.on-duty.timers.preparing-handover.label 交班前 15 分钟准备交班 → 交班前准备',
        en: 'clause 4.2.2, workflow.steps.on-duty.timers.preparing-handover.label 交班前 15 分钟准备交班 → 交班前准备',
      },
    ]);
    const signer = edit(
      DESK,
      '- label: 经理每周一审核\n        role: manager\n',
      '- label: 经理每周一审核\n        role: cs-supervisor\n',
    );
    expect(zh(changes(DESK, signer))).toEqual(['《接待业主情况记录》“经理每周一审核”签名人 经理 → 客服主管']);
  });

  it('states the approved text clause by clause: reworded, added, retitled, cited', () => {
    const reworded = edit(DUTY, '- 时效管理的原则；', '- 时效优先的原则；');
    expect(changes(DUTY, reworded)).toMatchObject([
      {
        area: 'document',
        op: 'changed',
        key: 'clauses.4.1.4#0.text',
        zh: '第 4.1.4 条第 1 行正文改为：时效优先的原则；',
      },
    ]);
    const added = edit(
      DUTY,
      '      - clause: "4.4"\n        text: 本规程作为公共事务部员工绩效考评的依据之一。\n',
      '      - clause: "4.4"\n        text: 本规程作为公共事务部员工绩效考评的依据之一。\n      - clause: "4.5"\n        text: 值班人员每季度参加一次培训。\n',
    );
    expect(zh(changes(DUTY, added))).toEqual(['新增第 4.5 条：值班人员每季度参加一次培训。']);
    const retitled = edit(DUTY, '    title: 记录\n', '    title: 相关记录\n');
    expect(zh(changes(DUTY, retitled))).toEqual(['第 5.0 条标题 记录 → 相关记录']);
    const cited = edit(
      DUTY,
      'covers: 值班记录\n    signs: true\n    clause: "4.3"\n',
      'covers: 值班记录\n    signs: true\n    clause: "4.4"\n',
    );
    expect(zh(changes(DUTY, cited))).toEqual(['《值班记录》条款编号 4.3 → 4.4']);
  });

  it('leaves out the revision record: version, effective date, revisions', () => {
    const bumped = edit(
      edit(DUTY, '\nversion: "1.0"', '\nversion: "1.1"'),
      'effective: 2026-01-01',
      'effective: 2026-12-01',
    );
    expect(changes(DUTY, bumped)).toEqual([]);
  });
});
