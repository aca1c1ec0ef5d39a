/**
 * A checklist's recorded results decide a step (`checklist-none` + `where`), and a re-inspection starts
 * from nothing (`clear`): the renovation example's 4.4.2, run in machine.js (xstate, simulated clock) and
 * in machine.scxml (SCION), which must agree.
 */
import { describe, expect, test } from 'vitest';
import { SimulatedClock } from 'xstate';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { cst, type Ev, importMachine, ROOT } from './helpers.js';
import { interpret, scxmlOf } from './scion.js';

const { set, diagnostics } = await loadSopSet(['examples/renovation-approval.yaml'], { cwd: ROOT });
if (!set) throw new Error(`the example does not load: ${JSON.stringify(diagnostics, null, 2)}`);
const sop = set.sops[0] as ProcedureSop;
const { mod } = await importMachine(sop);

const CS = { role: 'cs-officer', name: '李四' };
const ENG = { role: 'eng-supervisor', name: '王五' };
const OWNER = { role: 'owner', name: '张三' };
const ITEMS = sop.checklists.find((c) => c.id === 'inspection-items')?.items.map((i) => i.id) ?? [];
const PASS_REFUSAL = sop.workflow?.steps
  .find((s) => s.id === 'inspecting')
  ?.transitions.find((t) => t.event === 'PASS')?.refusal;

/** From a new case to `inspecting`: materials checked, accepted, approved, permit issued, inspection asked. */
const TO_INSPECTING: Ev[] = [
  ...['application', 'drawings', 'licence', 'worker-ids'].map((item) => ({
    type: 'CHECK_MATERIAL',
    by: CS,
    item,
    status: 'provided',
  })),
  { type: 'ACCEPT', by: CS, owner: '张三', room: '3-201', phone: '13800000000', 'start-date': '2026-03-09' },
  { type: 'APPROVE', by: ENG, structural: 'no' },
  { type: 'ISSUE_PERMIT', by: CS, deposit: 2000, 'permit-no': 'ZX-001' },
  { type: 'REQUEST_INSPECTION', by: OWNER },
];

const check = (item: string, status: 'pass' | 'fail'): Ev =>
  status === 'pass'
    ? { type: 'CHECK_ITEM', by: ENG, item, status }
    : { type: 'CHECK_ITEM', by: ENG, item, status, note: '渗水' };
const PASS: Ev = { type: 'PASS', by: ENG };

function inspecting() {
  const clock = new SimulatedClock();
  clock.set(cst('2026-03-02T09:00'));
  const actor = mod.startActor({ clock });
  for (const e of TO_INSPECTING) actor.send(e);
  expect(actor.getSnapshot().value).toBe('inspecting');
  return actor;
}

const refusal = (actor: { getSnapshot(): { context: { _sop: { lastRefusal: unknown } } } }) => {
  const r = actor.getSnapshot().context._sop.lastRefusal as {
    code: string;
    failures: { condition: { kind: string }; field?: string; message: { zh: string; en: string } }[];
  } | null;
  return r && { code: r.code, failures: r.failures.map((f) => [f.condition.kind, f.field, f.message.zh]) };
};

describe('renovation 4.4.2: no acceptance with a failed item (checklist-none: inspection, where: { status: fail })', () => {
  test('the example states the guard it is built from', () => {
    expect(ITEMS).toHaveLength(5);
    expect(PASS_REFUSAL).toBe('须逐项检查全部验收项目，有不合格项的不得验收合格。');
  });

  test('every item checked but one failed: PASS is refused by the guard, with the SOP’s refusal', () => {
    const actor = inspecting();
    for (const item of ITEMS) actor.send(check(item, item === 'waterproofing' ? 'fail' : 'pass'));
    expect(actor.getSnapshot().context.inspection.waterproofing).toEqual({
      item: 'waterproofing',
      status: 'fail',
      note: '渗水',
    });
    expect(actor.getSnapshot().can(PASS)).toBe(false);
    actor.send(PASS);
    expect(actor.getSnapshot().value).toBe('inspecting');
    expect(refusal(actor)).toEqual({
      code: 'CONDITION_FAILED',
      failures: [['checklist-none', 'inspection', PASS_REFUSAL]],
    });
    // The English words say what the YAML states.
    const en = actor.getSnapshot().context._sop.lastRefusal.failures[0].message.en;
    expect(en).toBe('The checklist inspection has an item whose status is fail');
    actor.stop();
  });

  test('every item passed: PASS is accepted; an item failed then re-checked as passed counts as passed', () => {
    const all = inspecting();
    for (const item of ITEMS) all.send(check(item, 'pass'));
    all.send(PASS);
    expect(all.getSnapshot().value).toBe('refunding');
    all.stop();

    const again = inspecting();
    for (const item of ITEMS) again.send(check(item, item === 'facade' ? 'fail' : 'pass'));
    again.send(check('facade', 'pass'));
    again.send(PASS);
    expect(again.getSnapshot().value).toBe('refunding');
    again.stop();
  });

  test('FAIL → rectifying → REQUEST_INSPECTION empties the checklist; PASS is refused until every item is re-checked', () => {
    const actor = inspecting();
    for (const item of ITEMS) actor.send(check(item, item === 'wiring' ? 'fail' : 'pass'));
    actor.send({ type: 'FAIL', by: ENG, defects: '水电线路整改' });
    expect(actor.getSnapshot().value).toBe('rectifying');
    // Rectifying does not touch the results; the request for a new inspection clears them.
    expect(Object.keys(actor.getSnapshot().context.inspection).sort()).toEqual([...ITEMS].sort());
    actor.send({ type: 'REQUEST_INSPECTION', by: OWNER });
    expect(actor.getSnapshot().value).toBe('inspecting');
    expect(actor.getSnapshot().context.inspection).toEqual({});
    // The old failure is gone, so only completeness refuses now.
    actor.send(PASS);
    expect(actor.getSnapshot().value).toBe('inspecting');
    expect(refusal(actor)).toEqual({
      code: 'CONDITION_FAILED',
      failures: [['checklist-complete', 'inspection', PASS_REFUSAL]],
    });
    for (const item of ITEMS.slice(0, -1)) actor.send(check(item, 'pass'));
    actor.send(PASS);
    expect(actor.getSnapshot().value).toBe('inspecting');
    actor.send(check(ITEMS.at(-1) as string, 'pass'));
    actor.send(PASS);
    expect(actor.getSnapshot().value).toBe('refunding');
    actor.stop();
  });

  test('clear empties a list too (a list field of workflow.context becomes [])', async () => {
    const text = `sopforge: 2
kind: procedure
id: clear-list
title: 清空列表
department: 测试部
version: "1.0"
effective: 2026-01-01
clauses:
  - clause: "1.0"
    title: 目的
    text: 测试清空列表。
roles:
  clerk:
    name: 文员
workflow:
  initial: open
  context:
    notes: list
  steps:
    open:
      label: 受理
      role: clerk
      on:
        NOTE:
          label: 记录
          payload:
            - id: text
              label: 内容
          effects:
            - append: notes
        RESET:
          label: 重新记录
          effects:
            - clear: notes
        DONE:
          to: done
          label: 完成
    done:
      label: 完成
      type: final
`;
    const { set: s, diagnostics: d } = loadSopTexts([{ file: 'sops/clear-list.yaml', text }]);
    expect(d.filter((x) => x.severity === 'error')).toEqual([]);
    const { mod: m } = await importMachine(s?.sops[0] as ProcedureSop);
    const actor = m.startActor({ clock: new SimulatedClock() });
    const by = { role: 'clerk', name: '文员' };
    actor.send({ type: 'NOTE', by, text: '一' });
    actor.send({ type: 'NOTE', by, text: '二' });
    expect(actor.getSnapshot().context.notes).toHaveLength(2);
    actor.send({ type: 'RESET', by });
    expect(actor.getSnapshot().context.notes).toEqual([]);
    actor.stop();
  });
});

describe('machine.scxml states the same guard and effect', () => {
  test('SCION refuses PASS with a failed item, and REQUEST_INSPECTION from rectifying clears the results', async () => {
    const sc = await interpret(scxmlOf(sop));
    const send = (e: Ev) => {
      const { type, ...data } = e;
      sc.gen({ name: type, data });
    };
    for (const e of TO_INSPECTING) send(e);
    expect(sc.getConfiguration()).toEqual(['inspecting']);
    for (const item of ITEMS) send(check(item, item === 'structure' ? 'fail' : 'pass'));
    send(PASS);
    expect(sc.getConfiguration()).toEqual(['inspecting']);
    const r = sc.getSnapshot()[3].ctx._sop.lastRefusal as {
      code: string;
      failures: { condition: { kind: string }; message: { zh: string } }[];
    };
    expect([r.code, r.failures.map((f) => [f.condition.kind, f.message.zh])]).toEqual([
      'CONDITION_FAILED',
      [['checklist-none', PASS_REFUSAL]],
    ]);
    send({ type: 'FAIL', by: ENG, defects: '承重结构整改' });
    send({ type: 'REQUEST_INSPECTION', by: OWNER });
    expect(sc.getConfiguration()).toEqual(['inspecting']);
    expect(sc.getSnapshot()[3].ctx.inspection).toEqual({});
    for (const item of ITEMS) send(check(item, 'pass'));
    send(PASS);
    expect(sc.getConfiguration()).toEqual(['refunding']);
  });
});
