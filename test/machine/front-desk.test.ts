import { beforeAll, describe, expect, test } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import type { ProcedureSop } from '../../src/model/types.js';
import { bundledSop, cst, type GeneratedModule, importMachine } from './helpers.js';

const MIN = 60_000;
/** Who sends an event: the role the SOP gives it, and a name. */
const RECEPTIONIST = { role: 'receptionist', name: '李四' } as const;
const MANAGER = { role: 'manager', name: '王五' } as const;
const SUPERVISOR = { role: 'cs-supervisor', name: '赵六' } as const;
const RECORD = {
  type: 'RECORD',
  by: RECEPTIONIST,
  date: '2026-03-02',
  owner: '张三',
  phone: '13800000000',
  room: '3-201',
  matter: '楼道灯不亮',
  channel: 'phone',
};

/** 3.2.2 / 3.3.2: the ladder counts from the reception date recorded in 4.2 (site midnight of that day). */
const RECEIVED = cst(`${RECORD.date}T00:00`);

let sop: ProcedureSop;
let mod: GeneratedModule;
/** Thresholds as the YAML writes them, in ms (the test reads them, the code must not know them). */
let level0: number;
let level1: number;

beforeAll(async () => {
  sop = await bundledSop('front-desk-reception');
  ({ mod } = await importMachine(sop));
  const ladder = sop.escalations[0];
  if (ladder?.basis !== 'calendar')
    throw new Error('the bundled SOP changed: expected one calendar-day ladder');
  level0 = (ladder.levels[0]?.after.minutes ?? Number.NaN) * MIN;
  level1 = (ladder.levels[1]?.after.minutes ?? Number.NaN) * MIN;
});

function start(at: number, snapshot?: unknown) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor = snapshot ? mod.startActor({ clock, snapshot }) : mod.startActor({ clock });
  return { clock, actor };
}

/** A case logged at t0 and transferred to a department at t0 + transferAfter. */
function transferred(t0: number, transferAfter = 0) {
  const { clock, actor } = start(t0);
  actor.send(RECORD);
  clock.increment(transferAfter);
  actor.send({ type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
  expect(actor.getSnapshot().value).toBe('transferred');
  return { clock, actor };
}

describe('front-desk reception machine (generated module)', () => {
  test('cases on one clock share one machine (building one costs more than running a case)', () => {
    const clock = new SimulatedClock();
    const [a, b] = [mod.startActor({ clock }), mod.startActor({ clock })];
    expect(a.logic).toBe(b.logic);
    const other = mod.startActor({ clock: new SimulatedClock() });
    const wall = mod.startActor();
    expect(other.logic).not.toBe(a.logic);
    expect(wall.logic).toBe(mod.machine);
    for (const actor of [a, b, other, wall]) actor.stop();
  });

  test('the YAML says 2 days then 1 week, to the supervisor then the manager', () => {
    expect(level0).toBe(2 * 24 * 60 * MIN);
    expect(level1).toBe(7 * 24 * 60 * MIN);
    expect(sop.escalations[0]?.levels.map((l) => l.role)).toEqual(['cs-supervisor', 'manager']);
  });

  test('each escalation fires exactly at its threshold, not a millisecond early', () => {
    const t0 = cst('2026-03-02T10:00');
    // The clock starts at the recorded reception date, not when the actor starts or the case is transferred.
    const { clock, actor } = transferred(t0, 3 * 60 * MIN);
    clock.set(RECEIVED + level0 - 1);
    expect(actor.getSnapshot().value).toBe('transferred');
    clock.set(RECEIVED + level0);
    expect(actor.getSnapshot().value).toBe('supervisor');
    expect(actor.getSnapshot().context._sop.escalations).toEqual([
      { ladder: 'overdue', level: 0, role: 'cs-supervisor', due: RECEIVED + level0, at: RECEIVED + level0 },
    ]);
    clock.set(RECEIVED + level1 - 1);
    expect(actor.getSnapshot().value).toBe('supervisor');
    clock.set(RECEIVED + level1);
    expect(actor.getSnapshot().value).toBe('manager');
    expect(actor.getSnapshot().context._sop.escalations.map((e: { role: string }) => e.role)).toEqual([
      'cs-supervisor',
      'manager',
    ]);
    expect(actor.getSnapshot().context._sop.unknownCalendarYears).toEqual([]);
  });

  test('a case handled directly is escalated too, and resolving needs handling and result', () => {
    const t0 = cst('2026-03-02T10:00');
    const { clock, actor } = start(t0);
    actor.send(RECORD);
    actor.send({ type: 'HANDLE', by: RECEPTIONIST });
    clock.set(RECEIVED + level0 - 1);
    expect(actor.getSnapshot().value).toBe('handling');
    clock.set(RECEIVED + level0);
    expect(actor.getSnapshot().value).toBe('supervisor');
    // In the supervisor's step it is the supervisor who resolves it.
    actor.send({ type: 'RESOLVE', by: RECEPTIONIST, handling: '已更换灯泡', result: '业主满意' });
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    actor.send({ type: 'RESOLVE', by: SUPERVISOR, handling: '已更换灯泡' });
    expect(actor.getSnapshot().value).toBe('supervisor');
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
      code: 'PAYLOAD_INVALID',
      failures: [{ field: 'result' }],
    });
    actor.send({ type: 'RESOLVE', by: SUPERVISOR, handling: '已更换灯泡', result: '业主满意' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({ outcome: 'resolved', handoff: null });
    expect(actor.getSnapshot().context.result).toBe('业主满意');
  });

  test('a case resolved at the front desk within 2 days is not escalated', () => {
    const t0 = cst('2026-03-02T10:00');
    const { clock, actor } = start(t0);
    actor.send(RECORD);
    actor.send({ type: 'HANDLE', by: RECEPTIONIST });
    clock.set(RECEIVED + level0 - 1);
    actor.send({ type: 'RESOLVE', by: RECEPTIONIST, handling: '已更换灯泡', result: '业主满意' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context._sop.escalations).toEqual([]);
    expect(mod.nextDeadline(actor.getSnapshot())).toBeNull();
  });

  test('a request still waiting in 已记录 is escalated as well', () => {
    const { clock, actor } = start(cst('2026-03-02T10:00'));
    actor.send(RECORD);
    clock.set(RECEIVED + level0);
    expect(actor.getSnapshot().value).toBe('supervisor');
  });

  test('recording refuses a request without the required fields and keeps what RECORD sets', () => {
    const { actor } = start(cst('2026-03-02T10:00'));
    actor.send({ type: 'RECORD', by: RECEPTIONIST, owner: '张三' });
    expect(actor.getSnapshot().value).toBe('received');
    actor.send(RECORD);
    expect(actor.getSnapshot().value).toBe('recorded');
    expect(actor.getSnapshot().context).toMatchObject({ owner: '张三', room: '3-201', channel: 'phone' });
    actor.send({ type: 'TRANSFER', by: RECEPTIONIST });
    expect(actor.getSnapshot().value).toBe('recorded');
  });

  test('a complaint is handed to the complaint SOP with a typed hand-off event', () => {
    const { actor } = start(cst('2026-03-02T10:00'));
    const seen: unknown[] = [];
    actor.on(mod.HANDOFF_EVENT, (e: unknown) => seen.push(e));
    actor.send(RECORD);
    actor.send({ type: 'COMPLAINT', by: RECEPTIONIST });
    expect(actor.getSnapshot().status).toBe('done');
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'sop.handoff',
        sop: 'complaint-handling',
        title: '投诉处理作业规程',
        external: true,
        step: 'complaint',
        record: expect.objectContaining({ owner: '张三' }),
      }),
    ]);
    expect(actor.getSnapshot().output).toEqual({
      outcome: 'complaint',
      handoff: { sop: 'complaint-handling', title: '投诉处理作业规程', external: true },
    });
  });

  test('the manager cannot close without a reason', () => {
    const t0 = cst('2026-03-02T10:00');
    const { clock, actor } = transferred(t0);
    clock.set(RECEIVED + level1);
    expect(actor.getSnapshot().value).toBe('manager');
    actor.send({ type: 'CLOSE', by: MANAGER });
    actor.send({ type: 'CLOSE', by: MANAGER, reason: '   ' });
    expect(actor.getSnapshot().value).toBe('manager');
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
      event: 'CLOSE',
      step: 'manager',
      code: 'PAYLOAD_INVALID',
      failures: [{ field: 'reason', message: { zh: '须填写“关闭原因”' } }],
    });
    actor.send({ type: 'CLOSE', by: MANAGER, reason: '业主已搬离，无法联系' });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'closed', handoff: null });
    expect(actor.getSnapshot().context.reason).toBe('业主已搬离，无法联系');
    expect(actor.getSnapshot().context._sop.lastRefusal).toBeNull();
  });

  describe('persist → restore', () => {
    function persistAt(t0: number, persistAfter: number) {
      const { clock, actor } = transferred(t0);
      clock.increment(persistAfter);
      const snapshot = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
      actor.stop();
      return snapshot;
    }

    test('restored after the deadline: escalates at once', () => {
      const t0 = cst('2026-03-02T10:00');
      const snapshot = persistAt(t0, 60 * MIN);
      const { actor } = start(RECEIVED + level0 + 5 * 60 * MIN, snapshot);
      expect(actor.getSnapshot().value).toBe('supervisor');
      expect(actor.getSnapshot().context._sop.escalations[0]).toMatchObject({
        due: RECEIVED + level0,
        at: RECEIVED + level0 + 5 * 60 * MIN,
      });
    });

    test('restored after both deadlines: reaches the manager at once', () => {
      const t0 = cst('2026-03-02T10:00');
      const { actor } = start(RECEIVED + level1 + 1, persistAt(t0, 60 * MIN));
      expect(actor.getSnapshot().value).toBe('manager');
    });

    test('restored before the deadline: escalates exactly on time', () => {
      const t0 = cst('2026-03-02T10:00');
      const { clock, actor } = start(RECEIVED + level0 / 2, persistAt(t0, 60 * MIN));
      expect(actor.getSnapshot().value).toBe('transferred');
      clock.set(RECEIVED + level0 - 1);
      expect(actor.getSnapshot().value).toBe('transferred');
      clock.set(RECEIVED + level0);
      expect(actor.getSnapshot().value).toBe('supervisor');
    });

    test('the trap this avoids: restoring with plain createActor keeps no timer', () => {
      const t0 = cst('2026-03-02T10:00');
      const snapshot = persistAt(t0, 60 * MIN);
      const clock = new SimulatedClock();
      clock.set(RECEIVED + level0 / 2);
      const actor = createActor(mod.createSopMachine({ now: () => clock.now() }), { clock, snapshot });
      actor.start();
      clock.set(RECEIVED + level1 + 1);
      expect(actor.getSnapshot().value).toBe('transferred');
      expect(mod.nextDeadline(actor.getSnapshot())).toBe(RECEIVED + level0);
      // …until the app sends the resume event.
      actor.send({ type: mod.RESUME_EVENT });
      expect(actor.getSnapshot().value).toBe('manager');
    });
  });
});
