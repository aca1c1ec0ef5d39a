import { beforeAll, describe, expect, test } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { ProcedureSop } from '../../src/model/types.js';
import {
  bundledSop,
  bundledSops,
  cst,
  type GeneratedModule,
  importMachine,
  sampleEvents,
  samplePayload,
  variantSop,
} from './helpers.js';

const MIN = 60_000;
/** The duty officer sends every event of the handover (the SOP gives the steps to that role). */
const OFFICER = { role: 'duty-officer', name: '王五' } as const;
const SIGN = { type: 'SIGN', by: OFFICER, outgoing: '王五', incoming: '赵六' };
const HAND_OVER = { type: 'HAND_OVER', by: OFFICER, outgoing: '赵六', incoming: '孙七' };

let sop: ProcedureSop;
let mod: GeneratedModule;
let prepMs: number;

beforeAll(async () => {
  sop = await bundledSop('duty-handover-public-affairs');
  ({ mod } = await importMachine(sop));
  const step = sop.workflow?.steps.find((s) => s.id === 'on-duty');
  const timer = step?.timers.find((t) => t.kind === 'before-window-end');
  if (timer?.kind !== 'before-window-end')
    throw new Error('the bundled SOP changed: on-duty has no window timer');
  prepMs = (timer.before.minutes ?? Number.NaN) * MIN;
});

function start(at: number, snapshot?: unknown) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor = snapshot ? mod.startActor({ clock, snapshot }) : mod.startActor({ clock });
  return { clock, actor };
}

function checkAll(actor: { send(e: unknown): void }) {
  const items = sop.checklists.find((c) => c.id === 'handover-items')?.items ?? [];
  expect(items.length).toBeGreaterThan(0);
  for (const item of items) actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: item.id, status: 'good' });
}

/** Takes over at `at` (site time) and signs; returns the actor on duty. */
function onDutyAt(at: number) {
  const r = start(at);
  checkAll(r.actor);
  r.actor.send(SIGN);
  expect(r.actor.getSnapshot().value).toBe('on-duty');
  return r;
}

describe('duty and handover machine (generated module)', () => {
  test('the YAML: 17:30–次日08:30 on workdays, 08:30–次日08:30 on holidays, prepare 15m before the end', () => {
    expect(sop.schedule?.window.label).toBe('17:30–次日08:30');
    expect(sop.schedule?.holidayWindow?.label).toBe('08:30–次日08:30');
    expect(prepMs).toBe(15 * MIN);
  });

  describe('taking over', () => {
    test('signing is refused until every inventory item has been checked', () => {
      const { actor } = start(cst('2026-03-02T17:25'));
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'intercom', status: 'good' });
      actor.send(SIGN);
      expect(actor.getSnapshot().value).toBe('taking-over');
      expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
        event: 'SIGN',
        code: 'CONDITION_FAILED',
        failures: [
          { condition: { kind: 'checklist-complete' }, message: { zh: '须清点全部公物并由交接双方签名。' } },
        ],
      });
      actor.send({
        type: 'CHECK_ITEM',
        by: OFFICER,
        item: '灭火器',
        status: 'damaged',
        note: '压力不足，已报修',
      });
      actor.send({
        type: 'CHECK_ITEM',
        by: OFFICER,
        item: 'water-bottle',
        status: 'missing',
        note: '上一班借给保安部',
      });
      actor.send({ type: 'SIGN', by: OFFICER, outgoing: '王五' });
      expect(actor.getSnapshot().value).toBe('taking-over');
      actor.send(SIGN);
      expect(actor.getSnapshot().value).toBe('on-duty');
      expect(actor.getSnapshot().context.inventory).toEqual({
        intercom: { item: 'intercom', status: 'good' },
        extinguisher: { item: '灭火器', status: 'damaged', note: '压力不足，已报修' },
        'water-bottle': { item: 'water-bottle', status: 'missing', note: '上一班借给保安部' },
      });
    });

    test('a damaged or missing item must be explained; a good one needs no note', () => {
      const { actor } = start(cst('2026-03-02T17:25'));
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'extinguisher', status: 'damaged' });
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'water-bottle', status: 'missing', note: '' });
      expect(actor.getSnapshot().context.inventory).toEqual({});
      expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
        event: 'CHECK_ITEM',
        code: 'CONDITION_FAILED',
        failures: [
          {
            condition: { kind: 'payload-has' },
            message: { zh: '须注明物品及其状况；损坏、缺遗须说明物品去向。' },
          },
        ],
      });
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'intercom', status: 'good' });
      actor.send({
        type: 'CHECK_ITEM',
        by: OFFICER,
        item: 'extinguisher',
        status: 'damaged',
        note: '压力不足，已报修',
      });
      expect(Object.keys(actor.getSnapshot().context.inventory).sort()).toEqual(['extinguisher', 'intercom']);
    });

    test('an unknown item or an item without status is refused and not recorded', () => {
      const { actor } = start(cst('2026-03-02T17:25'));
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'coffee-machine', status: 'good' });
      actor.send({ type: 'CHECK_ITEM', by: OFFICER, item: 'intercom' });
      expect(actor.getSnapshot().context.inventory).toEqual({});
      expect(actor.getSnapshot().context._sop.lastRefusal?.event).toBe('CHECK_ITEM');
    });

    test('follow-ups and anomalies are recorded; an anomaly needs an explanation', () => {
      const { actor } = start(cst('2026-03-02T17:25'));
      actor.send({ type: 'NOTE_FOLLOW_UP', by: OFFICER, id: 'f1', text: '3-201 漏水待工程部回复' });
      actor.send({ type: 'REPORT_ANOMALY', by: OFFICER, id: 'a1', text: '消防通道堆放杂物' });
      actor.send({
        type: 'REPORT_ANOMALY',
        by: OFFICER,
        id: 'a2',
        text: '消防通道堆放杂物',
        explanation: '装修垃圾，物业已通知清运',
      });
      const ctx = actor.getSnapshot().context;
      expect(ctx['follow-ups']).toEqual([{ id: 'f1', text: '3-201 漏水待工程部回复' }]);
      expect(ctx.anomalies).toEqual([
        { id: 'a2', text: '消防通道堆放杂物', explanation: '装修垃圾，物业已通知清运' },
      ]);
    });
  });

  describe('preparing the handover: the configured minutes before the window ends', () => {
    test('workday: window 17:30–次日08:30, preparation starts at 08:15 the next morning, not 1 ms earlier', () => {
      const { clock, actor } = onDutyAt(cst('2026-03-02T17:26'));
      actor.send({ type: 'INQUIRY', by: OFFICER, id: 'e1', matter: '询问停水时间' });
      expect(actor.getSnapshot().context.events).toHaveLength(1);
      clock.set(cst('2026-03-03T08:30') - prepMs - 1);
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-03-03T08:30') - prepMs);
      expect(actor.getSnapshot().value).toBe('preparing-handover');
    });

    test('statutory holiday (2026-10-01): the 24 h holiday window, preparation at 08:15 on 10-02', () => {
      // Signed at 08:26, 4 minutes before the holiday shift starts: that shift is the one taken over.
      const { clock, actor } = onDutyAt(cst('2026-10-01T08:26'));
      clock.set(cst('2026-10-01T17:15'));
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-10-02T08:15') - 1);
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-10-02T08:15'));
      expect(actor.getSnapshot().value).toBe('preparing-handover');
    });

    test('调休 Saturday 2026-10-10 is a workday: the normal window 17:30–次日08:30', () => {
      const { clock, actor } = onDutyAt(cst('2026-10-10T17:26'));
      clock.set(cst('2026-10-11T08:15') - 1);
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-10-11T08:15'));
      expect(actor.getSnapshot().value).toBe('preparing-handover');
    });

    test('the shift before a holiday ends at 08:30 the holiday morning (the holiday shift starts then)', () => {
      const { clock, actor } = onDutyAt(cst('2026-09-30T17:26'));
      clock.set(cst('2026-10-01T08:15') - 1);
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-10-01T08:15'));
      expect(actor.getSnapshot().value).toBe('preparing-handover');
    });

    test('the site UTC offset from the YAML places the window in site time', async () => {
      const tokyo = variantSop('duty-handover-public-affairs.yaml', (t) =>
        t.replace('effective: 2026-01-01\n', 'effective: 2026-01-01\nsite:\n  utc-offset: "+09:00"\n'),
      );
      const { mod: m9 } = await importMachine(tokyo);
      const clock = new SimulatedClock();
      clock.set(Date.parse('2026-03-02T17:26:00+09:00'));
      const actor = m9.startActor({ clock });
      for (const item of ['intercom', 'extinguisher', 'water-bottle'])
        actor.send({ type: 'CHECK_ITEM', by: OFFICER, item, status: 'good' });
      actor.send(SIGN);
      const prep = Date.parse('2026-03-03T08:15:00+09:00');
      clock.set(prep - 1);
      expect(actor.getSnapshot().value).toBe('on-duty');
      clock.set(prep);
      expect(actor.getSnapshot().value).toBe('preparing-handover');
    });

    test('a shift in a year without holiday data is flagged', () => {
      const { actor } = onDutyAt(cst('2027-02-10T17:26'));
      expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([2027]);
      expect(onDutyAt(cst('2026-02-10T17:26')).actor.getSnapshot().context._sop.unknownCalendarYears).toEqual(
        [],
      );
    });

    test('persist during the shift, restore after the preparation time: prepares at once', () => {
      const { actor } = onDutyAt(cst('2026-03-02T17:26'));
      const snapshot = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
      actor.stop();
      const restored = start(cst('2026-03-03T08:20'), snapshot).actor;
      expect(restored.getSnapshot().value).toBe('preparing-handover');
    });

    test('persist during the shift, restore before it: prepares exactly on time', () => {
      const { actor } = onDutyAt(cst('2026-03-02T17:26'));
      const snapshot = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
      actor.stop();
      // Restored the next morning: the deadline is the stored one, not recomputed from the restore time.
      const { clock, actor: restored } = start(cst('2026-03-03T03:00'), snapshot);
      clock.set(cst('2026-03-03T08:15') - 1);
      expect(restored.getSnapshot().value).toBe('on-duty');
      clock.set(cst('2026-03-03T08:15'));
      expect(restored.getSnapshot().value).toBe('preparing-handover');
    });
  });

  describe('handing over', () => {
    function preparing() {
      const { clock, actor } = onDutyAt(cst('2026-03-02T17:26'));
      clock.set(cst('2026-03-03T08:15'));
      expect(actor.getSnapshot().value).toBe('preparing-handover');
      return actor;
    }

    test('is refused while important work is unfinished', () => {
      const actor = preparing();
      actor.send({
        type: 'ADD_UNFINISHED',
        by: OFFICER,
        id: 'u1',
        text: '电梯困人救援跟进',
        important: true,
      });
      actor.send({ type: 'ADD_UNFINISHED', by: OFFICER, id: 'u2', text: '整理值班记录', important: false });
      actor.send(HAND_OVER);
      expect(actor.getSnapshot().value).toBe('preparing-handover');
      expect(actor.getSnapshot().context._sop.lastRefusal?.failures[0].message.zh).toContain(
        '重要的工作未处理完毕，不允许交班',
      );
      actor.send({ type: 'FINISH_WORK', by: OFFICER, id: 'u1' });
      expect(actor.getSnapshot().context.unfinished).toEqual([
        { id: 'u2', text: '整理值班记录', important: false },
      ]);
      actor.send({ type: 'HAND_OVER', by: OFFICER, outgoing: '赵六' });
      expect(actor.getSnapshot().value).toBe('preparing-handover');
      actor.send(HAND_OVER);
      expect(actor.getSnapshot().status).toBe('done');
      expect(actor.getSnapshot().output).toEqual({ outcome: 'handed-over', handoff: null });
    });
  });
});

describe('every bundled duty variant: preparation starts `before` ahead of its own window end', async () => {
  const variants = (await bundledSops()).filter(
    (s): s is ProcedureSop =>
      s.kind === 'procedure' &&
      !!s.schedule &&
      !!s.workflow?.steps.some((st) => st.timers.some((t) => t.kind === 'before-window-end')),
  );

  test('there are several variants', () => {
    expect(variants.length).toBeGreaterThanOrEqual(2);
  });

  for (const v of variants) {
    const dutyStep = v.workflow?.steps.find((st) => st.timers.some((t) => t.kind === 'before-window-end'));
    const timer = dutyStep?.timers.find((t) => t.kind === 'before-window-end');
    const schedule = v.schedule;
    if (!dutyStep || timer?.kind !== 'before-window-end' || !schedule) continue;
    const cases: [string, string, boolean][] = [
      ['workday', '2026-03-02', false],
      ['statutory holiday', '2026-10-01', true],
    ];
    for (const [what, date, holiday] of cases) {
      test(`${v.id}: ${what} ${date}`, async () => {
        const { mod } = await importMachine(v);
        const window = holiday && schedule.holidayWindow ? schedule.holidayWindow : schedule.window;
        const startAt = Date.parse(`${date}T00:00:00+08:00`) + window.start.minutes * MIN;
        const expected = startAt + (window.lengthMinutes - (timer.before.minutes ?? 0)) * MIN;
        const clock = new SimulatedClock();
        clock.set(startAt - 4 * MIN);
        const actor = mod.startActor({ clock });
        // Take over the way the SOP allows: every checklist item, then the transition into the duty step.
        const into = v.workflow?.steps.flatMap((st) => st.transitions).find((t) => t.target === dutyStep.id);
        if (!into) throw new Error('no transition into the duty step');
        for (const e of sampleEvents(v).filter((e) => e.type !== into.event)) actor.send(e);
        const intoStep = v.workflow?.steps.find((st) => st.transitions.includes(into));
        actor.send(samplePayload(into, intoStep?.role ?? null));
        expect(actor.getSnapshot().value).toBe(dutyStep.id);
        clock.set(expected - 1);
        expect(actor.getSnapshot().value).toBe(dutyStep.id);
        clock.set(expected);
        expect(actor.getSnapshot().value).toBe(timer.target);
      });
    }
  }
});
