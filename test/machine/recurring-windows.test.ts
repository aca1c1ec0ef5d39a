/**
 * Recurring plans that name months of the year (`every: { months: [5, 11] }`), a whole month
 * (`every: monthly`), a due day (`by: { day: 25 }`) or no time of day, and limits due when the case's
 * occurrence is due (`within: { occurrence: plan }`). The fixture's machine is imported and driven with
 * SimulatedClock; its document row and its validation errors are read back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { timeRuleRows } from '../../src/render/doc/deadlines.js';
import { cst, type GeneratedModule, importMachine } from './helpers.js';

const FIXTURE = readFileSync(join(import.meta.dirname, 'fixtures/time-rules.yaml'), 'utf8');

const PLANS = `recurring:
  - id: cleaning
    label: 水箱清洗消毒
    clause: "4.1"
    every:
      months: [11, 5]
  - id: plan
    label: 编制下月计划
    clause: "4.2"
    every: monthly
    by:
      day: 25
  - id: plan-working
    label: 编制下月计划（工作日）
    every: monthly
    by:
      day: 25
    basis: working
  - id: spring-check
    label: 春检
    every:
      months: [5]
      day: 9
    starting: "09:00"
    late-after: 30m
  - id: monday
    label: 周一整理
    every:
      weekly: monday
`;

const IN_WINDOW = `deadlines:
  - id: in-window
    label: 完成本次清洗
    clause: "4.1"
    within:
      occurrence: cleaning
    from:
      enter: open
    while: [open, working, waiting, finished]
    breach: overdue
`;

/** The fixture with its deadlines and recurring blocks replaced. */
function variant(deadlines: string, recurring: string): string {
  const d = FIXTURE.indexOf('deadlines:\n');
  const r = FIXTURE.indexOf('recurring:\n');
  const end = FIXTURE.indexOf('review:\n');
  if (d < 0 || r < 0 || end < 0) throw new Error('the fixture lost a block');
  return `${FIXTURE.slice(0, d)}${deadlines}${recurring}${FIXTURE.slice(end)}`;
}

function load(text: string) {
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/time-rules.yaml', text }]);
  return { sop: set?.sops[0] as ProcedureSop | undefined, diagnostics };
}

function good(text: string): ProcedureSop {
  const { sop, diagnostics } = load(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!sop || errors.length > 0) throw new Error(JSON.stringify(errors, null, 2));
  return sop;
}

let cached: Promise<GeneratedModule> | null = null;
const machine = () => {
  cached ??= importMachine(good(variant(IN_WINDOW, PLANS))).then((m) => m.mod);
  return cached;
};

type Occ = { plan: string; local: string; at: number; until: number | null; dueAt: number | null };
const of = (list: readonly Occ[], plan: string) => list.filter((o) => o.plan === plan);

describe('occurrences of months, whole months and whole days', () => {
  test('{ months: [5, 11] } is the whole of May and of November, due at each month’s end', async () => {
    const mod = await machine();
    const year = of(mod.occurrences('2026-01-01', '2027-01-01'), 'cleaning');
    expect(year.map((o) => [o.local, o.until, o.dueAt])).toEqual([
      ['2026-05-01T00:00', cst('2026-06-01T00:00'), cst('2026-06-01T00:00')],
      ['2026-11-01T00:00', cst('2026-12-01T00:00'), cst('2026-12-01T00:00')],
    ]);
    // A range that starts inside May still lists May's occurrence only if its planned start is inside.
    expect(of(mod.occurrences('2026-05-02', '2026-11-01'), 'cleaning')).toEqual([]);
  });

  test('every: monthly with by: { day: 25 } is due at the end of the 25th; on working days, of the last working day up to it', async () => {
    const mod = await machine();
    const spring = mod.occurrences('2026-04-01', '2026-06-01');
    expect(of(spring, 'plan').map((o) => [o.local, o.dueAt])).toEqual([
      ['2026-04-01T00:00', cst('2026-04-26T00:00')],
      ['2026-05-01T00:00', cst('2026-05-26T00:00')],
    ]);
    // 2026-04-25 is a Saturday and not a make-up workday: due by the end of Friday the 24th. May's 25th
    // is a Monday, a working day.
    expect(of(spring, 'plan-working').map((o) => [o.local, o.dueAt])).toEqual([
      ['2026-04-01T00:00', cst('2026-04-25T00:00')],
      ['2026-05-01T00:00', cst('2026-05-26T00:00')],
    ]);
  });

  test('a day of given months with a time is an instant; a weekday without a time is the whole day', async () => {
    const mod = await machine();
    const may = mod.occurrences('2026-05-01', '2026-05-12');
    expect(of(may, 'spring-check')).toMatchObject([
      { local: '2026-05-09T09:00', until: null, dueAt: null, lateAt: cst('2026-05-09T09:30') },
    ]);
    expect(of(may, 'monday').map((o) => [o.local, o.until])).toEqual([
      ['2026-05-04T00:00', cst('2026-05-05T00:00')],
      ['2026-05-11T00:00', cst('2026-05-12T00:00')],
    ]);
    expect(mod.config.meta.sopforge.recurring.find((p: { id: string }) => p.id === 'cleaning')).toMatchObject(
      {
        every: { kind: 'months', months: [5, 11], day: null },
        window: 'month',
        starting: null,
      },
    );
  });
});

describe('within: { occurrence } — the case is due when its occurrence is', () => {
  function open(mod: GeneratedModule, at: number, input?: unknown) {
    const clock = new SimulatedClock();
    clock.set(at);
    const actor = createActor(mod.createSopMachine({ now: () => clock.now() }), {
      clock,
      ...(input ? { input } : {}),
    });
    const emitted: { type: string; deadline?: string }[] = [];
    actor.on('*', (e: { type: string }) => emitted.push(e));
    actor.start();
    return { clock, actor, emitted };
  }
  const overdue = (e: { type: string; deadline?: string }[]) =>
    e.filter((x) => x.type === 'sop.overdue' && x.deadline === 'in-window');

  test('opened for May’s cleaning: overdue at 2026-06-01 00:00 exactly, not 1 ms before', async () => {
    const mod = await machine();
    const r = open(mod, cst('2026-05-03T10:00'), {
      occurrence: { plan: 'cleaning', at: cst('2026-05-01T00:00') },
    });
    expect(r.actor.getSnapshot().context._sop.occurrence).toMatchObject({
      plan: 'cleaning',
      until: cst('2026-06-01T00:00'),
      dueAt: cst('2026-06-01T00:00'),
    });
    r.actor.send({ type: 'START', by: { role: 'clerk', name: '测试' } });
    expect(r.actor.getSnapshot().value).toBe('working');
    r.clock.increment(cst('2026-06-01T00:00') - 1 - r.clock.now());
    expect(overdue(r.emitted)).toEqual([]);
    r.clock.increment(1);
    expect(overdue(r.emitted)).toHaveLength(1);
    expect(r.actor.getSnapshot().value).toBe('working');
  });

  test('persisted before the due and restored after it: the limit fires on resume', async () => {
    const mod = await machine();
    const r = open(mod, cst('2026-11-20T10:00'), {
      occurrence: { plan: 'cleaning', at: '2026-11-01' },
    });
    const saved = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
    r.actor.stop();
    const clock = new SimulatedClock();
    clock.set(cst('2026-12-01T00:00'));
    const actor = createActor(mod.createSopMachine({ now: () => clock.now() }), { clock, snapshot: saved });
    const emitted: { type: string; deadline?: string }[] = [];
    actor.on('*', (e: { type: string }) => emitted.push(e));
    actor.start();
    actor.send({ type: mod.RESUME_EVENT });
    expect(overdue(emitted)).toHaveLength(1);
  });

  test('a case not opened for an occurrence of the plan has no such limit', async () => {
    const mod = await machine();
    for (const input of [undefined, { occurrence: { plan: 'plan', at: '2026-05-01' } }]) {
      const r = open(mod, cst('2026-05-03T10:00'), input);
      expect(r.actor.getSnapshot().context._sop.limits['in-window']).toMatchObject({ dueAt: null });
      r.clock.increment(400 * 24 * 3_600_000);
      expect(overdue(r.emitted)).toEqual([]);
    }
  });
});

describe('the document words what the YAML states', () => {
  test('appendix B rows for months, a due day, a day with a time, and the occurrence limit', () => {
    const rows = timeRuleRows(good(variant(IN_WINDOW, PLANS)));
    // The occurrence limit states no basis: its due follows the plan.
    expect(rows[0]?.what).toBe(
      '完成本次清洗（自进入“受理”起，在“受理”、“维修中”、“等待配件”、“已完成”中计时）',
    );
    expect(rows.map((r) => r.when)).toEqual([
      '按计划“水箱清洗消毒”开立的，当月内完成',
      '每年 5 月、11 月，当月内完成',
      '每月，当月 25 日结束前完成',
      '每月，当月 25 日结束前完成，按工作日',
      '每年 5 月 9 日 09:00；晚于计划 30 分钟开始即为迟到',
      '每周一，当天内完成',
    ]);
  });
});

describe('positioned errors', () => {
  const cases: [string, string, string, string][] = [
    ['an interval without starting', '  - id: p\n    every: 2h\n', 'RECURRING_STARTING_MISSING', 'every'],
    [
      'a whole month with a time',
      '  - id: p\n    every:\n      months: [5]\n    starting: "09:00"\n',
      'RECURRING_STARTING_WHOLE_MONTH',
      'starting',
    ],
    [
      'late-after with no planned time',
      '  - id: p\n    every: daily\n    late-after: 15m\n',
      'RECURRING_LATE_WITHOUT_TIME',
      'late-after',
    ],
    [
      'by on a plan with a time',
      '  - id: p\n    every:\n      monthly: 5\n    starting: "09:00"\n    by:\n      day: 25\n',
      'RECURRING_BY_NOT_MONTH',
      'by',
    ],
  ];
  test.each(cases)('%s', (_what, plan, code, key) => {
    const text = variant('deadlines: []\n', `recurring:\n${plan}`);
    const { diagnostics } = load(text);
    const hit = diagnostics.filter((d) => d.code === code);
    expect(hit).toHaveLength(1);
    const lines = text.split('\n');
    const from = lines.indexOf('recurring:');
    const line = lines.findIndex((l, i) => i > from && l.trimStart().startsWith(`${key}:`));
    expect(hit[0]).toMatchObject({ severity: 'error', line: line + 1 });
  });

  test('within: { occurrence } naming an unknown plan, or a plan of instants', () => {
    for (const plan of ['nosuch', 'spring-check']) {
      const text = variant(IN_WINDOW.replace('occurrence: cleaning', `occurrence: ${plan}`), PLANS);
      const { diagnostics } = load(text);
      const hit = diagnostics.filter((d) => d.code === 'DEADLINE_OCCURRENCE_PLAN');
      expect(hit).toHaveLength(1);
      const line = text.split('\n').findIndex((l) => l.includes(`occurrence: ${plan}`));
      expect(hit[0]).toMatchObject({ line: line + 1, column: 19 });
    }
  });

  test('an occurrence limit cannot pause and continue, and a basis on it is flagged as doing nothing', () => {
    const text = variant(
      IN_WINDOW.replace(
        '    breach: overdue\n',
        '    breach: overdue\n    reentry: continue\n    basis: working\n',
      ),
      PLANS,
    );
    const { diagnostics } = load(text);
    const lines = text.split('\n');
    const at = (key: string) => lines.indexOf(`    ${key}`) + 1;
    expect(diagnostics.filter((d) => d.code === 'DEADLINE_REENTRY_FIXED')).toMatchObject([
      { severity: 'error', line: at('reentry: continue') },
    ]);
    expect(diagnostics.filter((d) => d.code === 'DEADLINE_BASIS_UNUSED')).toMatchObject([
      { severity: 'warning', line: at('basis: working') },
    ]);
  });

  test('the schema refuses month 13 and a months list with a repeat', () => {
    for (const months of ['[13]', '[5, 5]']) {
      const { diagnostics } = load(
        variant('deadlines: []\n', `recurring:\n  - id: p\n    every:\n      months: ${months}\n`),
      );
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
    }
  });
});
