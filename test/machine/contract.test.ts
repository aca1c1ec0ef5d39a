import { describe, expect, test } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import {
  bundledSop,
  bundledSops,
  cst,
  type Ev,
  type GeneratedModule,
  importMachine,
  sampleEvents,
  serialize,
  variantSop,
} from './helpers.js';

const RECEPTIONIST = { role: 'receptionist', name: '李四' };
const MANAGER = { role: 'manager', name: '王五' };
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

interface Refused {
  type: 'sop.refused';
  code: string;
  step: string;
  event: Ev;
  failures: {
    field?: string;
    condition?: { kind: string };
    message: { zh: string; en: string };
    clause: string | null;
  }[];
}

/** An actor on a simulated clock that collects what it emits as refusals. */
function run(mod: GeneratedModule, at = cst('2026-03-02T10:00')) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor = mod.startActor({ clock });
  const refused: Refused[] = [];
  actor.on('sop.refused', (e: Refused) => refused.push(e));
  return { clock, actor, refused };
}

const frontDesk = await bundledSop('front-desk-reception');
const { mod: fd } = await importMachine(frontDesk);

describe('payloads are checked against their declared types', () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    ['a channel that is not an option', { channel: 'fax' }, 'channel'],
    ['a phone number as a number', { phone: 12345 }, 'phone'],
    ['a phone number too short', { phone: '12345' }, 'phone'],
    ['a date in words', { date: '昨天下午' }, 'date'],
    ['a date that does not exist', { date: '2026-02-30' }, 'date'],
    ['a date without its zero', { date: '2026-3-2' }, 'date'],
    ['a text field given a number', { room: 3201 }, 'room'],
    ['a field the event does not declare', { colour: 'red' }, 'colour'],
  ];
  for (const [what, patch, field] of invalid) {
    test(`refused: ${what}`, () => {
      const { actor, refused } = run(fd);
      const event = { ...RECORD, ...patch };
      expect(actor.getSnapshot().can(event)).toBe(false);
      actor.send(event);
      expect(actor.getSnapshot().value).toBe('received');
      expect(actor.getSnapshot().context.owner).toBeNull();
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({
        type: 'sop.refused',
        code: 'PAYLOAD_INVALID',
        step: 'received',
        event,
      });
      expect(refused[0]?.failures.map((f) => f.field)).toEqual([field]);
      expect(refused[0]?.failures[0]?.clause).toBe('4.2');
      expect(refused[0]?.failures[0]?.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(refused[0]?.failures[0]?.message.en).toContain(field);
      expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
        code: 'PAYLOAD_INVALID',
        event: 'RECORD',
        step: 'received',
      });
    });
  }

  test('accepted: mobile and landline numbers, with and without extension; an optional field left out', () => {
    for (const phone of [
      '13800000000',
      '+86 138 0000 0000',
      '138-0000-0000',
      '010-62345678',
      '0755-8123456',
      '021-62345678-123',
      '02162345678转8',
    ]) {
      const { actor, refused } = run(fd);
      const event = { ...RECORD, phone };
      expect(actor.getSnapshot().can(event)).toBe(true);
      actor.send(event);
      expect(refused).toEqual([]);
      expect(actor.getSnapshot().context.phone).toBe(phone);
    }
    const { actor } = run(fd);
    const { channel: _omitted, ...withoutChannel } = RECORD;
    actor.send(withoutChannel);
    expect(actor.getSnapshot().value).toBe('recorded');
    expect(actor.getSnapshot().context.channel).toBeNull();
  });

  test('every broken field is reported, each with its own message', () => {
    const { actor, refused } = run(fd);
    actor.send({ ...RECORD, owner: '', phone: 'abc', channel: 'fax' });
    expect(refused[0]?.code).toBe('PAYLOAD_INVALID');
    expect(refused[0]?.failures.map((f) => f.field)).toEqual(['owner', 'phone', 'channel']);
    const messages = refused[0]?.failures.map((f) => f.message.zh) ?? [];
    expect(new Set(messages).size).toBe(3);
    expect(messages[2]).toContain('visit（上门）');
  });

  test('a required field is required without a payload-has condition', async () => {
    const v = variantSop('front-desk-reception.yaml', (t) =>
      t
        .replace(
          '          when:\n            - payload-has:\n                - date\n                - owner\n                - phone\n                - room\n                - matter\n',
          '',
        )
        .replace('          refusal: 须填写接待日期、业主姓名/联系电话、房号、事由。\n', ''),
    );
    expect(v.workflow?.steps[0]?.transitions[0]?.conditions).toEqual([]);
    const { mod } = await importMachine(v);
    const { actor, refused } = run(mod);
    const { owner: _missing, ...withoutOwner } = RECORD;
    actor.send(withoutOwner);
    expect(actor.getSnapshot().value).toBe('received');
    expect(refused[0]).toMatchObject({ code: 'PAYLOAD_INVALID', failures: [{ field: 'owner' }] });
    actor.send(RECORD);
    expect(actor.getSnapshot().value).toBe('recorded');
  });

  test('date-time, time, boolean and number fields', async () => {
    const v = variantSop('front-desk-reception.yaml', (t) =>
      t.replace(
        '              required: true\n            - id: channel',
        [
          '              required: true',
          '            - { id: at, label: 接待时间, type: datetime }',
          '            - { id: slot, label: 预约时刻, type: time }',
          '            - { id: urgent, label: 紧急, type: boolean }',
          '            - { id: count, label: 人数, type: number }',
          '            - id: channel',
        ].join('\n'),
      ),
    );
    const { mod } = await importMachine(v);
    const good = { at: '2026-03-02T10:15:30.5+08:00', slot: '23:59', urgent: true, count: 2 };
    const bad: Record<string, unknown>[] = [
      { at: '2026-03-02T10:15' },
      { at: '2026-02-29T10:15+08:00' },
      { at: '2026-03-02 10:15+08:00' },
      { slot: '24:00' },
      { slot: '8:30' },
      { urgent: 'yes' },
      { count: Number.NaN },
      { count: Number.POSITIVE_INFINITY },
      { count: '2' },
    ];
    for (const patch of bad) {
      const { actor, refused } = run(mod);
      actor.send({ ...RECORD, ...good, ...patch });
      expect(refused[0]?.failures.map((f) => f.field)).toEqual(Object.keys(patch));
    }
    const { actor, refused } = run(mod);
    actor.send({ ...RECORD, ...good, at: '2026-03-02T02:15:00Z' });
    expect(refused).toEqual([]);
    expect(actor.getSnapshot().value).toBe('recorded');
  });
});

describe('conditions, refusals and senders', () => {
  test('an event the step does not accept is reported, and the state is unchanged', () => {
    const { actor, refused } = run(fd);
    const event = { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' };
    expect(actor.getSnapshot().can(event)).toBe(false);
    actor.send(event);
    actor.send({ type: 'NO_SUCH_EVENT' });
    expect(actor.getSnapshot().value).toBe('received');
    expect(refused.map((r) => [r.code, r.event.type, r.step])).toEqual([
      ['EVENT_NOT_ACCEPTED', 'TRANSFER', 'received'],
      ['EVENT_NOT_ACCEPTED', 'NO_SUCH_EVENT', 'received'],
    ]);
    expect(refused[0]?.failures[0]).toMatchObject({ clause: '4.1' });
    expect(refused[0]?.failures[0]?.message.zh).toContain('接待业主');
  });

  test('an event for a role: refused without a sender and from another role', () => {
    const { clock, actor, refused } = run(fd);
    actor.send(RECORD);
    actor.send({ type: 'TRANSFER', department: '工程部' });
    actor.send({ type: 'TRANSFER', by: MANAGER, department: '工程部' });
    expect(actor.getSnapshot().value).toBe('recorded');
    expect(refused.map((r) => r.code)).toEqual(['ROLE_MISSING', 'ROLE_FORBIDDEN']);
    expect(refused[1]?.failures[0]?.message.zh).toBe(
      '“转相关责任部门处理”由前台接待员办理，王五的角色是经理',
    );
    actor.send({ type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    expect(actor.getSnapshot().value).toBe('transferred');
    // The departments resolve in `transferred`; the manager closes in `manager` (its own role).
    clock.increment(7 * 24 * 3600_000);
    expect(actor.getSnapshot().value).toBe('manager');
    const close = { type: 'CLOSE', reason: '业主已搬离' };
    for (const by of [
      undefined,
      RECEPTIONIST,
      { role: 'manager' },
      { role: 'manager', name: ' ' },
      'manager',
    ]) {
      const e = by === undefined ? close : { ...close, by };
      expect(actor.getSnapshot().can(e)).toBe(false);
      actor.send(e);
    }
    expect(refused.slice(2).map((r) => r.code)).toEqual([
      'ROLE_MISSING',
      'ROLE_FORBIDDEN',
      'PAYLOAD_INVALID',
      'PAYLOAD_INVALID',
      'PAYLOAD_INVALID',
    ]);
    expect(actor.getSnapshot().value).toBe('manager');
    actor.send({ ...close, by: MANAGER });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'closed', handoff: null });
  });

  test("a failed condition carries the transition's refusal text; a missing signature its own", async () => {
    const duty = await bundledSop('duty-handover-service-center');
    const { mod } = await importMachine(duty);
    const { clock, actor, refused } = run(mod, cst('2026-03-02T08:20'));
    const officer = { role: 'duty-officer', name: '赵六' };
    actor.send({ type: 'SIGN', by: officer, outgoing: '甲', incoming: '乙' });
    expect(actor.getSnapshot().value).toBe('on-duty');
    clock.set(mod.nextDeadline(actor.getPersistedSnapshot()));
    expect(actor.getSnapshot().value).toBe('preparing-handover');
    actor.send({ type: 'ADD_UNFINISHED', by: officer, id: 'u1', text: '回访 3-201', important: true });
    actor.send({ type: 'HAND_OVER', by: officer, outgoing: '甲' });
    actor.send({ type: 'HAND_OVER', by: officer, outgoing: '甲', incoming: '乙' });
    expect(actor.getSnapshot().value).toBe('preparing-handover');
    expect(refused.map((r) => r.code)).toEqual(['PAYLOAD_INVALID', 'CONDITION_FAILED']);
    expect(refused[0]?.failures).toEqual([
      {
        field: 'incoming',
        message: { zh: '须填写“接班人”', en: 'The field incoming (接班人) is required' },
        clause: '四、2、（2）',
      },
    ]);
    expect(refused[1]?.failures).toEqual([
      {
        field: 'unfinished',
        condition: { kind: 'none', field: 'unfinished', flag: 'important' },
        message: {
          zh: '一般情况下，交班人员应将本班的工作办理完毕后再行交班，重要的工作未处理完毕，不允许交班。',
          en: 'The list unfinished has an entry flagged important',
        },
        clause: '四、2、（2）',
      },
    ]);
    actor.send({ type: 'FINISH_WORK', by: officer, id: 'u1' });
    actor.send({ type: 'HAND_OVER', by: officer, outgoing: '甲', incoming: '乙' });
    expect(actor.getSnapshot().value).toBe('handed-over');
    expect(refused).toHaveLength(2);
  });

  test('conditions on values recorded earlier in the case: { field, in }', async () => {
    const v = variantSop('front-desk-reception.yaml', (t) =>
      t.replace(
        '        HANDLE:\n          to: handling\n          label: 可直接处理\n          clause: "4.5"',
        [
          '        HANDLE:',
          '          to: handling',
          '          label: 可直接处理',
          '          clause: "4.5"',
          '          when:',
          '            - { field: channel, in: [visit, phone] }',
          '          refusal: 网上反映的事项须转交责任部门。',
        ].join('\n'),
      ),
    );
    expect(v.workflow?.steps[1]?.transitions[1]?.conditions).toEqual([
      { kind: 'context-in', field: 'channel', values: ['visit', 'phone'] },
    ]);
    const { mod } = await importMachine(v);
    const online = run(mod);
    online.actor.send({ ...RECORD, channel: 'online' });
    const handle = { type: 'HANDLE', by: RECEPTIONIST };
    expect(online.actor.getSnapshot().can(handle)).toBe(false);
    online.actor.send(handle);
    expect(online.actor.getSnapshot().value).toBe('recorded');
    expect(online.refused[0]).toMatchObject({
      code: 'CONDITION_FAILED',
      failures: [
        {
          field: 'channel',
          condition: { kind: 'context-in', field: 'channel', values: ['visit', 'phone'] },
          message: { zh: '网上反映的事项须转交责任部门。' },
          clause: '4.5',
        },
      ],
    });
    for (const channel of ['visit', 'phone']) {
      const ok = run(mod);
      ok.actor.send({ ...RECORD, channel });
      expect(ok.actor.getSnapshot().can(handle)).toBe(true);
      ok.actor.send(handle);
      expect(ok.actor.getSnapshot().value).toBe('handling');
    }
  });

  test('{ field, in } on a field the case never records, or with a value that is not an option: positioned errors', () => {
    const text = (cond: string) =>
      frontDeskText().replace(
        '        HANDLE:\n          to: handling\n          label: 可直接处理\n          clause: "4.5"',
        `        HANDLE:\n          to: handling\n          label: 可直接处理\n          when:\n            - ${cond}`,
      );
    const line = frontDeskText().split('\n').indexOf('        HANDLE:') + 5;
    // The error points at the unknown field, or at the value that is not an option.
    const cases: [string, string, string][] = [
      ['{ field: colour, in: [red] }', 'GUARD_FIELD_UNRECORDED', 'colour'],
      ['{ field: channel, in: [visit, fax] }', 'GUARD_VALUE_NOT_OPTION', 'fax'],
    ];
    for (const [cond, code, at] of cases) {
      const column = `            - ${cond}`.indexOf(at) + 1;
      const { diagnostics } = loadSopTexts([{ file: 'sops/front-desk-reception.yaml', text: text(cond) }]);
      expect(
        diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line, d.column]),
      ).toEqual([[code, line, column]]);
    }
  });
});

function frontDeskText(): string {
  return fdText;
}
const fdText = (await import('node:fs')).readFileSync(
  (await import('node:path')).join(import.meta.dirname, '../../sops/front-desk-reception.yaml'),
  'utf8',
);

/** Events that break the contract in every way a sample event can be broken. */
function brokenVariants(e: Ev, roles: readonly string[]): Ev[] {
  const out: Ev[] = [];
  const { by, ...rest } = e;
  if (by !== undefined) out.push(rest as Ev);
  const other = roles.find((r) => r !== (by as { role?: string } | undefined)?.role);
  if (other) out.push({ ...e, by: { role: other, name: '某人' } });
  for (const k of Object.keys(rest)) {
    if (k === 'type') continue;
    out.push({ ...e, [k]: typeof e[k] === 'string' ? 12345 : 'not-a-value' });
  }
  out.push({ ...e, stray: 1 });
  return out;
}

describe('can() agrees with send() in every reachable state, for every event (property test)', async () => {
  const sops = (await bundledSops()).filter(
    (s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null,
  );
  for (const sop of sops) {
    test(sop.id, async () => {
      const { mod } = await importMachine(sop);
      const samples = sampleEvents(sop);
      const roles = sop.roles.map((r) => r.id);
      const events = [
        ...samples,
        ...samples.flatMap((e) => brokenVariants(e, roles)),
        { type: 'NOT_AN_EVENT' },
        { type: 'sop.refuse' },
      ];
      // Explore the states the sample events reach (serialized without runtime state), breadth first.
      const machine = mod.createSopMachine({ now: () => 0 });
      const start = createActor(machine);
      start.start();
      const queue: unknown[] = [start.getPersistedSnapshot()];
      const seen = new Set<string>([serialize(start.getSnapshot())]);
      let checked = 0;
      while (queue.length > 0 && seen.size < 200) {
        const persisted = queue.shift();
        for (const event of events) {
          const actor = createActor(machine, { snapshot: persisted as never });
          actor.start();
          const refused: unknown[] = [];
          actor.on('sop.refused', (r: unknown) => refused.push(r));
          const before = actor.getSnapshot();
          const can = before.can(event);
          actor.send(event);
          const after = actor.getSnapshot();
          checked++;
          // Accepted: nothing refused. Refused: one report, the same step and record.
          expect([event, can], JSON.stringify(event)).toEqual([event, refused.length === 0]);
          if (!can) {
            expect(after.value).toEqual(before.value);
            expect(serialize(after)).toBe(serialize(before));
          }
          const key = serialize(after);
          if (can && after.status === 'active' && !seen.has(key)) {
            seen.add(key);
            queue.push(actor.getPersistedSnapshot());
          }
          actor.stop();
        }
      }
      expect(seen.size).toBeGreaterThan(3);
      expect(checked).toBeGreaterThan(100);
    });
  }
});
