/**
 * The time rules of language version 2 (design §5, §5.5), run for real: each fixture SOP is compiled,
 * its machine.js imported and driven with xstate's SimulatedClock. Every limit must fire exactly at its
 * instant and not a millisecond before, survive persist → restore, and follow its re-entry policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { createCalendar } from '../../src/calendar/index.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { cst, type GeneratedModule, importMachine } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const FIXTURE = readFileSync(join(import.meta.dirname, 'fixtures/time-rules.yaml'), 'utf8');

/** The fixture with its `deadlines:` block replaced (recurring plans and the workflow stay). */
function withDeadlines(block: string): string {
  const start = FIXTURE.indexOf('deadlines:\n');
  const end = FIXTURE.indexOf('recurring:\n');
  if (start < 0 || end < 0) throw new Error('the fixture lost its deadlines: or recurring: block');
  return `${FIXTURE.slice(0, start)}deadlines:\n${block.replace(/^\n/, '')}${FIXTURE.slice(end)}`;
}

function load(text: string): ProcedureSop {
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/time-rules.yaml', text }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!set || errors.length > 0)
    throw new Error(`fixture does not load: ${JSON.stringify(diagnostics, null, 2)}`);
  const sop = set.sops[0];
  if (sop?.kind !== 'procedure') throw new Error('not a procedure');
  return sop;
}

async function machineOf(block: string): Promise<GeneratedModule> {
  return (await importMachine(load(withDeadlines(block)))).mod;
}

type Emitted = { type: string; [k: string]: unknown };

/** An actor on a simulated clock at `at`, listening to what it emits from the start (also while it resumes). */
function run(mod: GeneratedModule, at: number, snapshot?: unknown) {
  const clock = new SimulatedClock();
  clock.set(at);
  const machine = mod.createSopMachine({ now: () => clock.now() });
  const actor = createActor(machine, snapshot ? { clock, snapshot } : { clock });
  const emitted: Emitted[] = [];
  actor.on('*', (e: Emitted) => emitted.push(e));
  actor.start();
  if (snapshot) actor.send({ type: mod.RESUME_EVENT });
  // These tests are about time: each event is sent by the role the SOP gives it (the sender contract
  // has its own tests in contract.test.ts).
  const send = actor.send.bind(actor);
  actor.send = ((event: { type: string; by?: unknown }) => {
    const states = (machine.config as { states?: Record<string, { on?: Record<string, unknown> }> }).states;
    const handler = states?.[String(actor.getSnapshot().value)]?.on?.[event.type] as
      | { guard?: { params?: { role?: string | null } } }
      | undefined;
    const role = handler?.guard?.params?.role;
    send(role && event.by === undefined ? { ...event, by: { role, name: '测试' } } : event);
  }) as typeof actor.send;
  return { clock, actor, emitted };
}

const limit = (
  actor: { getSnapshot(): { context: { _sop: { limits: Record<string, unknown> } } } },
  id: string,
) =>
  actor.getSnapshot().context._sop.limits[id] as { state: string; dueAt: number | null; startedAt: number };

/** Drives a case into `working` at t0 and returns it. */
function started(mod: GeneratedModule, t0: number, payload: Record<string, unknown> = {}) {
  const r = run(mod, t0);
  r.actor.send({ type: 'START', ...payload });
  expect(r.actor.getSnapshot().value).toBe('working');
  return r;
}

/** Asserts that a non-interrupting limit is breached at exactly `due` and not one ms before. */
function expectOverdueAt(r: ReturnType<typeof run>, id: string, due: number, mod?: GeneratedModule) {
  r.clock.set(due - 1);
  expect(limit(r.actor, id).state).toBe('running');
  // An app that wakes cases from outside (a job queue, the PostgreSQL adapter) learns the limit's instant.
  if (mod) expect(mod.nextDeadline(r.actor.getPersistedSnapshot())).toBe(due);
  expect(r.emitted.filter((e) => e.type === 'sop.overdue')).toEqual([]);
  r.clock.set(due);
  expect(limit(r.actor, id).state).toBe('breached');
  expect(r.emitted.filter((e) => e.type === 'sop.overdue').map((e) => [e.deadline, e.due, e.at])).toEqual([
    [id, due, due],
  ]);
}

const ARRIVE_2H = `
  - id: arrive
    label: 到场
    clause: "4.1"
    within: 2h
    from: { enter: working }
    while: [working]
    breach: overdue
    notify: supervisor
`;

describe('within: a duration on calendar time', () => {
  test('non-interrupting: marked overdue at exactly 2 h, the case stays, sop.overdue and sop.notify emitted', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    expectOverdueAt(r, 'arrive', t0 + 2 * HOUR, mod);
    expect(r.actor.getSnapshot().value).toBe('working');
    expect(r.emitted.find((e) => e.type === 'sop.notify')).toMatchObject({
      role: 'supervisor',
      roleName: '主管',
      deadline: 'arrive',
      clause: '4.1',
      at: t0 + 2 * HOUR,
    });
    expect(r.actor.getSnapshot().context._sop.overdue).toEqual([
      { deadline: 'arrive', step: 'working', due: t0 + 2 * HOUR, at: t0 + 2 * HOUR, go: null },
    ]);
    // The case goes on as usual.
    r.actor.send({ type: 'DONE' });
    expect(r.actor.getSnapshot().value).toBe('finished');
  });

  test('interrupting: the case moves at exactly the limit and records which limit moved it', async () => {
    const mod = await machineOf(`
  - { id: repair, label: 维修, clause: "4.2", within: 1d, from: { enter: working }, while: [working, waiting], breach: { go: escalated } }
`);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    r.clock.set(t0 + HOUR);
    r.actor.send({ type: 'PAUSE' }); // waiting is in the span: the clock runs on
    r.clock.set(t0 + 24 * HOUR - 1);
    expect(r.actor.getSnapshot().value).toBe('waiting');
    r.clock.set(t0 + 24 * HOUR);
    expect(r.actor.getSnapshot().value).toBe('escalated');
    expect(r.actor.getSnapshot().context._sop.moved).toEqual({ deadline: 'repair' });
    expect(limit(r.actor, 'repair').state).toBe('breached');
  });

  test('a limit met by leaving its span does not fire later', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    r.clock.set(t0 + HOUR);
    r.actor.send({ type: 'DONE' });
    expect(limit(r.actor, 'arrive').state).toBe('met');
    r.clock.set(t0 + 10 * HOUR);
    expect(r.emitted).toEqual([]);
  });

  test('stop: the event meets the limit while the case stays in the span', async () => {
    const mod = await machineOf(`
  - { id: arrive, label: 到场, within: 2h, from: { enter: working }, stop: { event: ARRIVE }, breach: overdue }
`);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    r.clock.set(t0 + 2 * HOUR - 1);
    r.actor.send({ type: 'ARRIVE' });
    expect(limit(r.actor, 'arrive').state).toBe('met');
    r.clock.set(t0 + 5 * HOUR);
    expect(r.emitted).toEqual([]);
    expect(r.actor.getSnapshot().value).toBe('working');
  });
});

describe('limits chosen or given by the record', () => {
  const BY_PRIORITY = `
  - id: arrive
    label: 到场
    clause: "4.1"
    within: { by: priority, urgent: 30m, normal: 2h }
    from: { enter: working }
    breach: overdue
`;
  test('within: { by: priority } — urgent 30 min, normal 2 h, each exactly', async () => {
    const mod = await machineOf(BY_PRIORITY);
    const t0 = cst('2026-03-02T10:00');
    expectOverdueAt(started(mod, t0, { priority: 'urgent' }), 'arrive', t0 + 30 * MIN, mod);
    expectOverdueAt(started(mod, t0, { priority: 'normal' }), 'arrive', t0 + 2 * HOUR);
  });

  test('within: { field: agreed, else: 4h } — the agreed time, else 4 h', async () => {
    const mod = await machineOf(`
  - { id: visit, label: 上门, within: { field: agreed, else: 4h }, from: { enter: working }, breach: overdue }
`);
    const t0 = cst('2026-03-02T10:00');
    expectOverdueAt(
      started(mod, t0, { agreed: '2026-03-02T15:30+08:00' }),
      'visit',
      cst('2026-03-02T15:30'),
      mod,
    );
    expectOverdueAt(started(mod, t0), 'visit', t0 + 4 * HOUR);
  });

  test('within: { field: agreed, before: 24h } — due 24 h before the recorded time; none when it is not recorded', async () => {
    const mod = await machineOf(`
  - { id: notice, label: 停水通知, within: { field: agreed, before: 24h }, from: { enter: working }, breach: overdue }
`);
    const t0 = cst('2026-03-02T10:00');
    expectOverdueAt(
      started(mod, t0, { agreed: '2026-03-05T09:00+08:00' }),
      'notice',
      cst('2026-03-04T09:00'),
      mod,
    );
    const unrecorded = started(mod, t0);
    unrecorded.clock.set(t0 + 30 * 24 * HOUR);
    expect(unrecorded.emitted.filter((e) => e.type === 'sop.overdue')).toEqual([]);
    expect(mod.nextDeadline(unrecorded.actor.getPersistedSnapshot())).toBeNull();
  });

  test('from: { field: date } — the clock starts at the recorded date (site midnight), not at entry', async () => {
    const mod = await machineOf(`
  - { id: finish, label: 处理完毕, within: 2d, from: { field: date }, while: [working, waiting], breach: overdue }
`);
    const t0 = cst('2026-03-03T10:00');
    const r = started(mod, t0, { date: '2026-03-02' });
    expect(limit(r.actor, 'finish')).toMatchObject({ startedAt: cst('2026-03-02T00:00'), source: 'field' });
    expectOverdueAt(r, 'finish', cst('2026-03-04T00:00'));
  });

  test('from: { event: ARRIVE } — an event handled in place starts the clock and it is timed at once', async () => {
    const mod = await machineOf(`
  - { id: fix, label: 到场后修复, within: 1h, from: { event: ARRIVE }, while: [working], breach: overdue }
`);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    r.clock.set(t0 + 3 * HOUR);
    expect(limit(r.actor, 'fix')).toBeUndefined();
    r.actor.send({ type: 'ARRIVE' });
    expect(r.actor.getSnapshot().value).toBe('working');
    expectOverdueAt(r, 'fix', t0 + 4 * HOUR);
  });
});

describe('at a time of day, by a day of the month', () => {
  test('at: "18:00" — the same day, or the next day when the start is after 18:00', async () => {
    const mod = await machineOf(`
  - { id: key, label: 归还钥匙, at: "18:00", from: { enter: working }, breach: overdue }
`);
    expectOverdueAt(started(mod, cst('2026-03-02T10:00')), 'key', cst('2026-03-02T18:00'));
    expectOverdueAt(started(mod, cst('2026-03-02T19:00')), 'key', cst('2026-03-03T18:00'));
  });

  test('at: { time: "09:00", day: next } — always the next day', async () => {
    const mod = await machineOf(`
  - { id: report, label: 报告, at: { time: "09:00", day: next }, from: { enter: working }, breach: overdue }
`);
    expectOverdueAt(started(mod, cst('2026-03-02T07:00')), 'report', cst('2026-03-03T09:00'));
  });

  test('by: { day: 25 } — by the end of the 25th of the start month; month: next for the next', async () => {
    const mod = await machineOf(`
  - { id: roster, label: 排班表, by: { day: 25 }, from: { enter: working }, breach: overdue }
  - { id: later, label: 下月, by: { day: 5, month: next }, from: { enter: working }, breach: overdue }
`);
    const r = started(mod, cst('2026-03-10T10:00'));
    expect(limit(r.actor, 'later').dueAt).toBe(cst('2026-04-06T00:00'));
    expectOverdueAt(r, 'roster', cst('2026-03-26T00:00'));
  });

  test('by: { day: last-working } — February 2026 ends on a 调休 Saturday, a working day', async () => {
    const cal = createCalendar(
      { utcOffsetMinutes: 480, extraHolidays: [], extraWorkdays: [], workingHours: [] },
      [],
    );
    expect(cal.day('2026-02-28')).toMatchObject({ workday: true, makeUpWorkday: true });
    const mod = await machineOf(`
  - { id: check, label: 月末抽查, by: { day: last-working }, from: { enter: working }, breach: overdue }
`);
    expectOverdueAt(started(mod, cst('2026-02-03T10:00')), 'check', cst('2026-03-01T00:00'));
  });
});

describe('working time', () => {
  test('basis: working — 2 d of working-day time across the Spring Festival holiday and its 调休 Saturday', async () => {
    const cal = createCalendar(
      { utcOffsetMinutes: 480, extraHolidays: [], extraWorkdays: [], workingHours: [] },
      [],
    );
    expect(cal.day('2026-02-14')).toMatchObject({ workday: true, makeUpWorkday: true });
    for (const d of ['2026-02-16', '2026-02-20', '2026-02-23']) expect(cal.day(d).workday).toBe(false);
    expect(cal.day('2026-02-24').workday).toBe(true);
    const mod = await machineOf(`
  - { id: reply, label: 答复, within: 2d, basis: working, from: { enter: working }, breach: overdue }
`);
    // Friday 13th 10:00: 14 h of the 13th, all of Saturday 14th (调休), then 10 h of Tuesday 24th.
    expectOverdueAt(started(mod, cst('2026-02-13T10:00')), 'reply', cst('2026-02-24T10:00'));
  });

  test('basis: working-hours — only 08:30–12:00 and 13:30–17:30 on working days count', async () => {
    const mod = await machineOf(`
  - { id: reply, label: 答复, within: 2h, basis: working-hours, from: { enter: working }, breach: overdue }
`);
    // 11:00 → 1 h to noon, then 13:30 + 1 h.
    expectOverdueAt(started(mod, cst('2026-03-02T11:00')), 'reply', cst('2026-03-02T14:30'));
    // Friday 17:00 → 30 min, the weekend skipped, Monday 08:30 + 1 h 30 min.
    expectOverdueAt(started(mod, cst('2026-03-06T17:00')), 'reply', cst('2026-03-09T10:00'));
  });
});

describe('persist → restore', () => {
  test('restored before the limit, it fires exactly on time; restored after, at once', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const t0 = cst('2026-03-02T10:00');
    const first = started(mod, t0);
    first.clock.set(t0 + HOUR);
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
    first.actor.stop();

    const before = run(mod, t0 + HOUR, saved);
    expect(before.actor.getSnapshot().value).toBe('working');
    expectOverdueAt(before, 'arrive', t0 + 2 * HOUR);

    const after = run(mod, t0 + 5 * HOUR, saved);
    expect(limit(after.actor, 'arrive').state).toBe('breached');
    expect(after.emitted.filter((e) => e.type === 'sop.overdue').map((e) => e.due)).toEqual([t0 + 2 * HOUR]);
    // A breached limit stays breached across another restore: no second notice.
    const again = run(mod, t0 + 6 * HOUR, JSON.parse(JSON.stringify(after.actor.getPersistedSnapshot())));
    expect(again.emitted).toEqual([]);
    expect(limit(again.actor, 'arrive').state).toBe('breached');
  });

  test('a 40-day limit sleeps in chunks below 2^31 − 1 ms and fires on day 40', async () => {
    const mod = await machineOf(`
  - { id: long, label: 长期, within: 40d, from: { enter: working }, breach: overdue }
`);
    const t0 = cst('2026-03-02T10:00');
    const r = started(mod, t0);
    r.clock.set(t0 + 25 * 24 * HOUR);
    expect(limit(r.actor, 'long').state).toBe('running');
    expectOverdueAt(r, 'long', t0 + 40 * 24 * HOUR);
  });
});

describe('re-entry: restart, continue, keep', () => {
  // Started at t0 in working, left for waiting at t0 + 1 h, back in working at t0 + 5 h.
  async function reentered(policy: string) {
    const mod = await machineOf(`
  - { id: fix, label: 修复, within: 2h, from: { enter: working }, while: [working], breach: overdue, reentry: ${policy} }
`);
    const t0 = cst('2026-03-02T08:00');
    const r = started(mod, t0);
    r.clock.set(t0 + HOUR);
    r.actor.send({ type: 'PAUSE' });
    r.clock.set(t0 + 5 * HOUR);
    expect(r.emitted).toEqual([]);
    r.actor.send({ type: 'GO_ON' });
    return { r, t0 };
  }

  test('restart: a new 2 h from the re-entry', async () => {
    const { r, t0 } = await reentered('restart');
    expectOverdueAt(r, 'fix', t0 + 7 * HOUR);
  });

  test('continue: paused outside the span, resumes with the hour it had left', async () => {
    const { r, t0 } = await reentered('continue');
    expectOverdueAt(r, 'fix', t0 + 6 * HOUR);
  });

  test('keep: measured from the first start, so the case is overdue on re-entry', async () => {
    const { r, t0 } = await reentered('keep');
    expect(limit(r.actor, 'fix').state).toBe('breached');
    expect(r.emitted.filter((e) => e.type === 'sop.overdue').map((e) => [e.due, e.at])).toEqual([
      [t0 + 2 * HOUR, t0 + 5 * HOUR],
    ]);
  });

  test('a reopened case (REOPEN from finished) gets its limit again with restart', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const t0 = cst('2026-03-02T08:00');
    const r = started(mod, t0);
    r.clock.set(t0 + HOUR);
    r.actor.send({ type: 'DONE' });
    r.clock.set(t0 + 30 * HOUR);
    r.actor.send({ type: 'REOPEN' });
    expect(limit(r.actor, 'arrive').state).toBe('running');
    expectOverdueAt(r, 'arrive', t0 + 32 * HOUR);
  });
});

describe('recurring plans', () => {
  test('occurrences(): every 2 h from 00:00 and the last working day of the month at 16:00', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const feb = mod.occurrences('2026-02-28', '2026-03-01');
    expect(
      feb
        .filter((o: { plan: string }) => o.plan === 'patrol')
        .map((o: { local: string }) => o.local.slice(11)),
    ).toEqual([
      '00:00',
      '02:00',
      '04:00',
      '06:00',
      '08:00',
      '10:00',
      '12:00',
      '14:00',
      '16:00',
      '18:00',
      '20:00',
      '22:00',
    ]);
    // February 2026's last working day is Saturday the 28th (调休); March's is Tuesday the 31st.
    const checks = mod
      .occurrences('2026-02-01', '2026-04-01')
      .filter((o: { plan: string }) => o.plan === 'month-check')
      .map((o: { local: string }) => o.local);
    expect(checks).toEqual(['2026-02-28T16:00', '2026-03-31T16:00']);
    // 2027 has no holiday data in this build: its last working days are flagged, not silently guessed.
    const later = mod.occurrences('2027-01-01', '2027-02-01');
    expect(later.find((o: { plan: string }) => o.plan === 'month-check')).toMatchObject({ known: false });
    expect(later.find((o: { plan: string }) => o.plan === 'patrol')).toMatchObject({ known: true });
    expect(feb.find((o: { plan: string }) => o.plan === 'patrol')).toMatchObject({
      at: cst('2026-02-28T00:00'),
      lateAt: cst('2026-02-28T00:15'),
    });
    expect(mod.config.meta.sopforge.recurring.map((p: { id: string }) => p.id)).toEqual([
      'patrol',
      'month-check',
    ]);
  });

  test('occurrences(): a weekly plan occurs on its weekday', async () => {
    const weekly = FIXTURE.replace(
      'recurring:\n',
      'recurring:\n  - { id: tidy, label: 周一整理, every: { weekly: monday }, starting: "08:00" }\n',
    );
    const { mod } = await importMachine(load(weekly));
    const march = mod
      .occurrences('2026-03-01', '2026-03-17')
      .filter((o: { plan: string }) => o.plan === 'tidy')
      .map((o: { local: string }) => o.local);
    expect(march).toEqual(['2026-03-02T08:00', '2026-03-09T08:00', '2026-03-16T08:00']);
  });

  test('a case opened for an occurrence carries its planned instant and is late after 15 min', async () => {
    const mod = await machineOf(ARRIVE_2H);
    const planned = cst('2026-03-02T02:00');
    for (const [startedAt, late] of [
      [planned + 15 * MIN, false],
      [planned + 15 * MIN + 1, true],
    ] as const) {
      const clock = new SimulatedClock();
      clock.set(startedAt);
      const actor = mod.startActor({ clock, input: { occurrence: { plan: 'patrol', at: planned } } });
      expect(actor.getSnapshot().context._sop.occurrence).toEqual({
        plan: 'patrol',
        plannedAt: planned,
        startedAt,
        lateAt: planned + 15 * MIN,
        late,
        // An instant: it neither spans a day or month nor has a due.
        until: null,
        dueAt: null,
      });
    }
  });
});

describe('escalation ladders: from, while, and which ladder moved the case', () => {
  async function ladders() {
    const text = readFileSync(join(import.meta.dirname, 'fixtures/two-ladders.yaml'), 'utf8');
    const { set, diagnostics } = loadSopTexts([{ file: 'sops/two-ladders.yaml', text }]);
    if (!set) throw new Error(JSON.stringify(diagnostics, null, 2));
    const sop = set.sops[0];
    if (sop?.kind !== 'procedure') throw new Error('not a procedure');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return (await importMachine(sop)).mod;
  }

  test('from: { field: date } — 2 d from the recorded reception date, in any step of while:', async () => {
    const mod = await ladders();
    const r = run(mod, cst('2026-03-03T09:00'));
    r.actor.send({ type: 'RECORD', date: '2026-03-02' });
    r.actor.send({ type: 'HANDLE' });
    r.clock.set(cst('2026-03-04T00:00') - 1);
    expect(r.actor.getSnapshot().value).toBe('handling');
    r.clock.set(cst('2026-03-04T00:00'));
    expect(r.actor.getSnapshot().value).toBe('supervisor');
    expect(r.actor.getSnapshot().context._sop.moved).toEqual({ ladder: 'overdue', level: 0 });
  });

  test('from: { event: COMPLAIN } — the other ladder into the same step says it moved the case', async () => {
    const mod = await ladders();
    const t0 = cst('2026-03-02T10:00');
    const r = run(mod, t0);
    r.actor.send({ type: 'RECORD', date: '2026-03-02' });
    r.clock.set(t0 + 3 * HOUR);
    r.actor.send({ type: 'COMPLAIN' });
    r.clock.set(t0 + 27 * HOUR - 1);
    expect(r.actor.getSnapshot().value).toBe('complained');
    r.clock.set(t0 + 27 * HOUR);
    expect(r.actor.getSnapshot().value).toBe('supervisor');
    expect(r.actor.getSnapshot().context._sop.moved).toEqual({ ladder: 'complaint', level: 0 });
  });
});

describe('at on a working basis', () => {
  test('at: "09:00" from a Saturday moves to Monday; day: same stays on the Saturday', async () => {
    const mod = await machineOf(`
  - { id: moved, label: 次工作日, at: "09:00", basis: working, from: { enter: working }, breach: overdue }
  - { id: same, label: 当天, at: { time: "18:00", day: same }, basis: working, from: { enter: working }, breach: overdue }
`);
    const r = started(mod, cst('2026-03-07T10:00'));
    expect(limit(r.actor, 'moved').dueAt).toBe(cst('2026-03-09T09:00'));
    expectOverdueAt(r, 'same', cst('2026-03-07T18:00'));
  });
});
