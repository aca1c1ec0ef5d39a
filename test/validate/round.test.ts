// A checklist of kind `round` (a patrol round): points to reach, check and sign. The model, the document's
// wording, the form read back from its PDF, and the machine's events for points.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { DocTemplates, procedureView } from '../../src/render/doc/index.js';
import { renderBlankForm } from '../../src/render/pdf/index.js';
import { edit } from '../doc/helpers.js';
import { ROOT } from '../helpers.js';
import { importMachine } from '../machine/helpers.js';
import { parsePdf } from '../pdf/helpers.js';

const BASE = readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8');
const CLERK = { role: 'clerk', name: '张三' } as const;

/** base.yaml with a patrol round recorded point by point, and a form printing it. */
const ROUND_SOP = edit(
  edit(
    edit(
      BASE,
      `checklists:
  items:
    title: 清点
    items:
      - { id: radio, name: 对讲机 }
`,
      `checklists:
  items:
    title: 清点
    items:
      - { id: radio, name: 对讲机 }
  round:
    kind: round
    title: 夜间巡查路线
    clause: "2.0"
    points:
      - id: gate
        place: 东大门
        check: 门禁和道闸
        at: "22:00"
      - id: garage
        place: 地下车库
        check: 照明和积水
      - id: pump
        place: 水泵房
`,
    ),
    `forms:
  log:`,
    `forms:
  patrol:
    title: 巡查记录
    kind: register
    checklist: round
    columns:
      - { id: date, label: 日期, type: date }
  log:`,
  ),
  `    inventory: { checklist: items }`,
  `    inventory: { checklist: items }
    visited: { checklist: round }`,
);

/** The same, with the clerk recording each point as REACH_POINT and finishing the round with ROUND_DONE. */
const ROUND_MACHINE = edit(
  ROUND_SOP,
  `        PASS: { to: passed, label: 移交 }`,
  `        PASS: { to: passed, label: 移交 }
        REACH_POINT:
          label: 到达巡查点
          payload:
            - { id: point, label: 巡查点, required: true }
            - { id: arrived-at, label: 到达时间, type: time, required: true }
            - { id: condition, label: 情况 }
          effects:
            - { check: visited }
        ROUND_DONE: { to: done, label: 巡查完毕, when: [{ checklist-complete: visited }] }`,
);

function load(text: string): ProcedureSop {
  const r = loadSopTexts([{ file: 'base.yaml', text }]);
  const sop = r.set?.sops[0];
  if (sop?.kind !== 'procedure')
    throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message.en}`).join('; '));
  return sop;
}

describe('a patrol round', () => {
  it('is a checklist of kind round whose points are its items, in order, with check and time', () => {
    const sop = load(ROUND_SOP);
    const round = sop.checklists.find((c) => c.id === 'round');
    expect(round?.kind).toBe('round');
    expect(round?.items).toEqual([
      {
        id: 'gate',
        name: '东大门',
        check: '门禁和道闸',
        at: { text: '22:00', minutes: 1320, nextDay: false },
      },
      { id: 'garage', name: '地下车库', check: '照明和积水', at: null },
      { id: 'pump', name: '水泵房', check: null, at: null },
    ]);
    expect(sop.checklists.find((c) => c.id === 'items')?.kind).toBe('items');
  });

  it('is worded as a round in the document: points in order, what is checked, the time to be there', () => {
    const md = DocTemplates.load('md').render('sop', procedureView(load(ROUND_SOP)));
    expect(md).toContain(
      '| 2.0 | 夜间巡查路线（逐点到达，记到达时间、情况并签名） | 东大门（门禁和道闸） 22:00 → 地下车库（照明和积水） → 水泵房 | — |',
    );
    expect(md).toContain('| 表格、清单或巡查路线 | 栏目、物品或巡查点 |');
    expect(md).toContain('| 2.0 | 夜间巡查路线：到达东大门 | 22:00 | — |');
    // The counted checklist keeps its wording.
    expect(md).toContain('| 清点 | 对讲机 | — |');
    const plain = DocTemplates.load('md').render('sop', procedureView(load(BASE)));
    expect(plain).toContain('| 条款 | 表格或清单 | 栏目或物品 | 保存 |');
    expect(plain).not.toContain('巡查');
  });

  it('prints a row per point with 到达时间, 情况 and 签名 on the form', async () => {
    const sop = load(ROUND_SOP);
    const form = sop.forms.find((f) => f.id === 'patrol');
    if (!form) throw new Error('no patrol form');
    const pdf = await parsePdf(await renderBlankForm(sop, form));
    expect(pdf.pages).toBe(1);
    const text = pdf.text[0] ?? '';
    for (const s of ['夜间巡查路线（2.0）', '巡查点', '查看内容', '规定时间', '到达时间', '情况', '签名'])
      expect(text).toContain(s);
    // One row per point, top to bottom in the order of the round, each with what to check there.
    const items = pdf.items[0] ?? [];
    const y = (s: string) => items.find((i) => i.str.includes(s))?.y ?? Number.NaN;
    expect(y('东大门')).toBeGreaterThan(y('地下车库'));
    expect(y('地下车库')).toBeGreaterThan(y('水泵房'));
    expect(Math.abs(y('东大门') - y('门禁和道闸'))).toBeLessThan(2);
    expect(Math.abs(y('东大门') - y('22:00'))).toBeLessThan(2);
    // The counted-items form is not worded as a round.
    const log = sop.forms.find((f) => f.id === 'log');
    if (log)
      expect((await parsePdf(await renderBlankForm(sop, log))).text.join('')).not.toContain('到达时间');
  });

  it('makes each point a machine event: unknown points are refused, the round completes when all are reached', async () => {
    const sop = load(ROUND_MACHINE);
    const { mod } = await importMachine(sop);
    const clock = new SimulatedClock();
    clock.set(Date.parse('2026-03-02T22:00:00+08:00'));
    const actor = mod.startActor({ clock });
    const reach = (point: string) =>
      actor.send({ type: 'REACH_POINT', by: CLERK, point, 'arrived-at': '22:01', condition: '正常' });
    reach('gate');
    reach('地下车库');
    actor.send({ type: 'ROUND_DONE', by: CLERK });
    expect(actor.getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
      event: 'ROUND_DONE',
      code: 'CONDITION_FAILED',
    });
    reach('roof');
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({ event: 'REACH_POINT' });
    expect(actor.getSnapshot().context._sop.lastRefusal.code).not.toBe('CONDITION_FAILED');
    reach('pump');
    actor.send({ type: 'ROUND_DONE', by: CLERK });
    expect(actor.getSnapshot().value).toBe('done');
  });
});

describe('the fire-alarm example', () => {
  it('keeps its patrol round of the fire installations as written in clause 4.6', async () => {
    const r = await loadSopSet([join(ROOT, 'examples/fire-alarm-response.yaml')], { cwd: ROOT });
    const sop = r.set?.sops[0];
    if (sop?.kind !== 'procedure') throw new Error('example does not load');
    const round = sop.checklists.find((c) => c.kind === 'round');
    expect(round?.clause).toBe('4.6');
    expect(round?.items.map((p) => p.name)).toEqual(['消防泵房', '报警阀间', '屋顶消防水箱']);
    const clause = sop.source.split('\n').find((l) => l.includes('逐点巡查')) ?? '';
    for (const p of round?.items ?? []) {
      expect(clause).toContain(p.name);
      if (p.check) expect(clause).toContain(p.check);
    }
    expect(sop.forms.find((f) => f.checklist === round?.id)?.title).toBe('消防设施巡查记录');
  });
});
