import { createRequire } from 'node:module';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { ProcedureSop } from '../../src/model/types.js';
import {
  bundledSop,
  bundledSops,
  cst,
  type Ev,
  importMachine,
  sampleEvents,
  serialize,
  variantSop,
} from './helpers.js';

import { type Interpreter, interpret, type SentEvent, scxmlOf } from './scion.js';

/** Senders: the roles the SOPs give their steps. */
const R = { role: 'receptionist', name: '李四' };
const M = { role: 'manager', name: '王五' };
const O = { role: 'duty-officer', name: '赵六' };

const ctx = (sc: Interpreter) => sc.getSnapshot()[3].ctx;
const where = (sc: Interpreter) => sc.getConfiguration().join(',');

afterEach(() => {
  vi.useRealTimers();
});

describe('machine.scxml runs in a real SCXML interpreter (@scion-scxml/scxml)', () => {
  test('every bundled machine loads and starts in its initial state', async () => {
    const sops = (await bundledSops()).filter(
      (s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null,
    );
    expect(sops.length).toBeGreaterThanOrEqual(2);
    for (const sop of sops) {
      const sc = await interpret(scxmlOf(sop), `${sop.id}.scxml`);
      expect(sc.getConfiguration()).toEqual([sop.workflow?.initial]);
    }
  });

  test('on every machine, every shortest event path leaves SCION in the same state with the same record as machine.js', async () => {
    vi.useFakeTimers({ now: cst('2026-03-02T17:26'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const sops = (await bundledSops()).filter(
      (s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null,
    );
    let compared = 0;
    for (const sop of sops) {
      const { mod } = await importMachine(sop);
      const doc = scxmlOf(sop);
      const samples = sampleEvents(sop);
      const machine = mod.createSopMachine({ now: () => Date.now() });
      const paths = getShortestPaths(machine, { events: samples, serializeState: serialize as never });
      for (const path of paths) {
        const events = path.steps.map((st) => st.event as Ev).filter((e) => !e.type.startsWith('xstate.'));
        const sc = await interpret(doc, `${sop.id}.scxml`);
        for (const e of events) {
          const { type, ...data } = e;
          sc.gen({ name: type, data });
        }
        // The same events replayed in machine.js (the graph's stored state may come from another path
        // with the same summary).
        const actor = createActor(machine);
        actor.start();
        for (const e of events) actor.send(e);
        const state = actor.getSnapshot() as unknown as { value: string; context: Record<string, unknown> };
        actor.stop();
        expect(where(sc), `${sop.id}: ${events.map((e) => e.type).join(' → ')}`).toBe(state.value);
        const { _sop: a, ...recordA } = ctx(sc);
        const { _sop: b, ...recordB } = state.context;
        expect(recordA).toEqual(recordB);
        const refusal = (r: unknown) => {
          const x = (r as { lastRefusal: { code: string; event: string; failures: unknown } | null })
            .lastRefusal;
          return x && { code: x.code, event: x.event, failures: x.failures };
        };
        expect(refusal(a)).toEqual(refusal(b));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    // One SCION interpreter per path, on a shared machine: allow it time (nothing here measures time).
  }, 180_000);

  test('front-desk reception: guards, escalation exactly at 2 days and 1 week, close needs a reason', async () => {
    vi.useFakeTimers({ now: cst('2026-03-02T10:00'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const t0 = Date.now();
    const sc = await interpret(scxmlOf(await bundledSop('front-desk-reception')));
    sc.gen({ name: 'RECORD', data: { by: R, owner: '张三' } });
    expect(where(sc)).toBe('received');
    sc.gen({
      name: 'RECORD',
      data: {
        by: R,
        date: '2026-03-02',
        owner: '张三',
        phone: '13800000000',
        room: '3-201',
        matter: '灯不亮',
        channel: 'visit',
      },
    });
    expect(where(sc)).toBe('recorded');
    expect(ctx(sc).owner).toBe('张三');
    sc.gen({ name: 'TRANSFER', data: { by: R } });
    expect(where(sc)).toBe('recorded');
    sc.gen({ name: 'TRANSFER', data: { by: R, department: '工程部' } });
    expect(where(sc)).toBe('transferred');
    // Counted from the recorded reception date (site midnight), as machine.js does.
    const day0 = cst('2026-03-02T00:00');
    vi.advanceTimersByTime(day0 + 2 * 86_400_000 - 1 - t0);
    expect(where(sc)).toBe('transferred');
    vi.advanceTimersByTime(1);
    expect(where(sc)).toBe('supervisor');
    vi.advanceTimersByTime(5 * 86_400_000 - 1);
    expect(where(sc)).toBe('supervisor');
    vi.advanceTimersByTime(1);
    expect(where(sc)).toBe('manager');
    expect(Date.now() - day0).toBe(7 * 86_400_000);
    sc.gen({ name: 'CLOSE', data: { by: M } });
    expect(where(sc)).toBe('manager');
    expect(ctx(sc)._sop.lastRefusal).toMatchObject({ event: 'CLOSE', code: 'PAYLOAD_INVALID' });
    sc.gen({ name: 'CLOSE', data: { by: R, reason: '无法联系业主' } });
    expect(ctx(sc)._sop.lastRefusal).toMatchObject({ event: 'CLOSE', code: 'ROLE_FORBIDDEN' });
    sc.gen({ name: 'NO_SUCH_EVENT', data: {} });
    expect(where(sc)).toBe('manager');
    expect(ctx(sc)._sop.lastRefusal).toMatchObject({ event: 'NO_SUCH_EVENT', code: 'EVENT_NOT_ACCEPTED' });
    sc.gen({ name: 'CLOSE', data: { by: M, reason: '无法联系业主' } });
    expect(where(sc)).toBe('closed');
    expect(sc.isFinal()).toBe(true);
  });

  test('working days in SCXML: the same National Day deadline as machine.js', async () => {
    vi.useFakeTimers({ now: cst('2026-09-30T10:00'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    // Counted from the instant the request is received, like the working-days tests of machine.js.
    const sop = variantSop('front-desk-reception.yaml', (t) =>
      t
        .replace('basis: calendar', 'basis: working')
        .replace('    from:\n      field: date\n', '    from:\n      enter: received\n'),
    );
    const sc = await interpret(scxmlOf(sop));
    sc.gen({
      name: 'RECORD',
      data: {
        by: R,
        date: '2026-09-30',
        owner: '李四',
        phone: '13900000000',
        room: '5-1102',
        matter: '漏水',
      },
    });
    sc.gen({ name: 'TRANSFER', data: { by: R, department: '工程部' } });
    vi.advanceTimersByTime(cst('2026-10-09T10:00') - Date.now() - 1);
    expect(where(sc)).toBe('transferred');
    vi.advanceTimersByTime(1);
    expect(where(sc)).toBe('supervisor');
  });

  test('duty handover: checklist before signing, window timer, no handover with important unfinished work', async () => {
    vi.useFakeTimers({ now: cst('2026-03-02T17:26'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const sc = await interpret(scxmlOf(await bundledSop('duty-handover-public-affairs')));
    sc.gen({ name: 'SIGN', data: { by: O, outgoing: 'a', incoming: 'b' } });
    expect(where(sc)).toBe('taking-over');
    for (const item of ['intercom', '灭火器', 'water-bottle'])
      sc.gen({ name: 'CHECK_ITEM', data: { by: O, item, status: 'good' } });
    expect(Object.keys(ctx(sc).inventory as object).sort()).toEqual([
      'extinguisher',
      'intercom',
      'water-bottle',
    ]);
    sc.gen({ name: 'SIGN', data: { by: O, outgoing: 'a', incoming: 'b' } });
    expect(where(sc)).toBe('on-duty');
    vi.advanceTimersByTime(cst('2026-03-03T08:15') - Date.now() - 1);
    expect(where(sc)).toBe('on-duty');
    vi.advanceTimersByTime(1);
    expect(where(sc)).toBe('preparing-handover');
    sc.gen({ name: 'ADD_UNFINISHED', data: { by: O, id: 'u1', text: '电梯困人跟进', important: true } });
    sc.gen({ name: 'HAND_OVER', data: { by: O, outgoing: 'b', incoming: 'c' } });
    expect(where(sc)).toBe('preparing-handover');
    sc.gen({ name: 'FINISH_WORK', data: { by: O, id: 'u1' } });
    sc.gen({ name: 'HAND_OVER', data: { by: O, outgoing: 'b', incoming: 'c' } });
    expect(where(sc)).toBe('handed-over');
    expect(sc.isFinal()).toBe(true);
  });

  test('front-desk reception: the complaint hand-off is a <send> to sop:complaint-handling carrying the case record', async () => {
    const doc = scxmlOf(await bundledSop('front-desk-reception'));
    // jsdom ships no types; the few DOM calls used here are typed by hand.
    const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
      JSDOM: new (
        xml: string,
        o: { contentType: string },
      ) => { window: { document: { querySelector(s: string): El | null } } };
    };
    interface El {
      tagName: string;
      getAttribute(n: string): string | null;
      children: ArrayLike<El>;
      querySelectorAll(s: string): ArrayLike<El>;
    }
    const xml = new JSDOM(doc, { contentType: 'application/xml' }).window.document;
    const complaint = xml.querySelector('final[id="complaint"]');
    expect(complaint).not.toBeNull();
    const sends = Array.from(complaint?.querySelectorAll('onentry > send') ?? []);
    expect(sends).toHaveLength(1);
    const send = sends[0] as El;
    expect(send.getAttribute('event')).toBe('sop.handoff');
    expect(send.getAttribute('target')).toBe('sop:complaint-handling');
    expect(send.getAttribute('type')).toBe('http://www.w3.org/TR/scxml/#SCXMLEventProcessor');
    const params = Array.from(send.children).map((p) => [
      p.tagName,
      p.getAttribute('name'),
      p.getAttribute('expr'),
    ]);
    expect(params).toEqual([
      ['param', 'sop', '"complaint-handling"'],
      ['param', 'title', '"投诉处理作业规程"'],
      ['param', 'external', 'true'],
      ['param', 'step', '"complaint"'],
      ['param', 'record', 'sop_record(ctx)'],
    ]);
    // No other step hands off, so no other <send> leaves the session (the timers' <send>s have no target).
    expect(doc.match(/<send [^>]*target=/g)).toHaveLength(1);

    // Run in SCION with the host's I/O processor: the event arrives as machine.js emits it.
    const sent: { event: SentEvent; type: string | undefined }[] = [];
    // On the reception date itself, so that no deadline of the ladder has passed.
    vi.useFakeTimers({ now: cst('2026-03-02T10:00'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    // The host's send handler gets every <send>: the machine's own deadlines (no target) it schedules back
    // into the session, as SCION's default would; a sop: target it delivers (here: keeps) itself.
    const sc: Interpreter = await interpret(doc, 'machine.scxml', {
      customSend: (event, o) => {
        if (event.target === null) setTimeout(() => sc.gen(event), o.delay ?? 0);
        else sent.push({ event, type: o.type });
      },
    });
    const record = {
      date: '2026-03-02',
      owner: '张三',
      phone: '13800000000',
      room: '3-201',
      matter: '物业费有异议',
    };
    sc.gen({ name: 'RECORD', data: { by: R, ...record } });
    expect(sent).toEqual([]);
    sc.gen({ name: 'COMPLAINT', data: { by: R } });
    expect(where(sc)).toBe('complaint');
    expect(sc.isFinal()).toBe(true);
    expect(sent).toHaveLength(1);
    const [{ event, type }] = sent as [(typeof sent)[0]];
    expect(type).toBe('http://www.w3.org/TR/scxml/#SCXMLEventProcessor');
    expect(event.name).toBe('sop.handoff');
    expect(event.target).toBe('sop:complaint-handling');
    const { mod } = await importMachine(await bundledSop('front-desk-reception'));
    const actor = createActor(mod.createSopMachine());
    const emitted: unknown[] = [];
    actor.on('sop.handoff', (e: unknown) => emitted.push(e));
    actor.start();
    actor.send({ type: 'RECORD', by: R, ...record });
    actor.send({ type: 'COMPLAINT', by: R });
    const { type: _type, ...fromJs } = emitted[0] as { type: string };
    expect(event.data).toEqual(fromJs);
    expect(event.data.record).toMatchObject(record);
    expect(event.data.record).not.toHaveProperty('_sop');
  });

  test('untrusted text is escaped: a refusal with XML and CDATA metacharacters arrives intact', async () => {
    const nasty = '须说明原因 <b>&amp;</b> ]]> \' " -- 结束';
    const sop = variantSop('front-desk-reception.yaml', (t) =>
      t
        .replace(
          'refusal: 关闭须由经理在《接待业主情况记录》上说明原因。',
          `refusal: ${JSON.stringify(nasty)}`,
        )
        // Not a required field, so the condition (whose words are the refusal) is what refuses.
        .replace(
          '- id: reason\n              label: 关闭原因\n              type: text\n              required: true\n',
          '- id: reason\n              label: 关闭原因\n              type: text\n',
        ),
    );
    vi.useFakeTimers({ now: cst('2026-03-02T10:00'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const sc = await interpret(scxmlOf(sop));
    sc.gen({
      name: 'RECORD',
      data: { by: R, date: '2026-03-02', owner: 'a', phone: '13800000000', room: '1', matter: 'x' },
    });
    sc.gen({ name: 'TRANSFER', data: { by: R, department: 'd' } });
    vi.advanceTimersByTime(8 * 86_400_000);
    expect(where(sc)).toBe('manager');
    sc.gen({ name: 'CLOSE', data: { by: M } });
    expect(ctx(sc)._sop.lastRefusal).toMatchObject({
      code: 'CONDITION_FAILED',
      failures: [{ message: { zh: nasty } }],
    });
  });
});
