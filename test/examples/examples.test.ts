/**
 * The SOPs in `examples/` (procedures of other shapes than the bundled ones) validate with no diagnostics,
 * build with the CLI, print every clause a rule cites, and their generated machines run: imported from the
 * build output and driven with a simulated clock into every step, each guarded event refused with the
 * SOP's own refusal.
 */
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { loadSopSet } from '../../src/load/index.js';
import type { ProcedureSop, Step, Transition } from '../../src/model/types.js';
import { allClauses, findClause } from '../../src/normalize/clauses.js';
import { clauseLabel } from '../../src/render/doc/view.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { cst, type Ev, type GeneratedModule, samplePayload } from '../machine/helpers.js';

const FILES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

let out: string;
let cleanup: () => Promise<void>;
let sops: ProcedureSop[];
let built: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  ({ dir: out, cleanup } = await tempDir('sopforge-examples-'));
  built = await runCli(['build', 'examples', '--out', out]);
  const { set, diagnostics } = await loadSopSet(['examples/'], { cwd: ROOT });
  if (!set) throw new Error(`examples do not load: ${JSON.stringify(diagnostics, null, 2)}`);
  sops = set.sops.filter((s): s is ProcedureSop => s.kind === 'procedure');
}, 300_000);
afterAll(() => cleanup());

const sop = (id: string): ProcedureSop => sops.find((s) => s.id === id) as ProcedureSop;
const idOf = (file: string) => file.replace(/\.yaml$/, '');

/** Every `clause:` a rule of the model cites (the clause tree itself excluded). */
function citations(model: unknown): string[] {
  const cited: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'clauses') continue;
        if (k === 'clause' && typeof x === 'string') cited.push(x);
        else walk(x);
      }
  };
  walk(model);
  return cited;
}

/** The document's lines before the appendices, without heading marks, list marks or escapes. */
function bodyLines(md: string): string[] {
  return md
    .slice(0, md.indexOf('<a id="'))
    .split('\n')
    .map((l) => l.replace(/^#+ /, '').replace(/^- /, '').replace(/\\(.)/g, '$1').trimEnd())
    .filter((l) => l !== '');
}

describe('examples/', () => {
  it('holds six example SOPs, none of which is bundled', async () => {
    expect(FILES).toHaveLength(6);
    const bundled = await loadSopSet(['sops/'], { cwd: ROOT });
    const bundledIds = new Set(bundled.set?.sops.map((s) => s.id));
    expect(bundledIds.size).toBeGreaterThan(0);
    for (const f of FILES) expect(bundledIds.has(idOf(f)), f).toBe(false);
    expect(sops.map((s) => s.id).sort()).toEqual(FILES.map(idOf));
  });

  it('validates with no errors and no warnings', async () => {
    const r = await runCli(['validate', 'examples', '--format', 'json']);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  }, 60_000);

  it('builds with the CLI, one folder per example', () => {
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    for (const f of FILES) {
      const files = readdirSync(join(out, idOf(f)));
      expect(files, f).toEqual(expect.arrayContaining(['sop.md', 'sop.pdf', 'machine.js', 'model.json']));
      expect(readdirSync(join(out, idOf(f), 'forms')).length, f).toBeGreaterThan(0);
    }
  });

  it.each(FILES)('%s: every cited clause is printed in the document body with its wording', (file) => {
    const s = sop(idOf(file));
    const model = JSON.parse(readFileSync(join(out, s.id, 'model.json'), 'utf8'));
    const body = bodyLines(readFileSync(join(out, s.id, 'sop.md'), 'utf8'));
    const cited = [...new Set(citations(model))];
    expect(cited.length).toBeGreaterThan(5);
    for (const key of cited) {
      const c = findClause(s.clauses, key);
      expect(c, `${file} cites ${key}`).not.toBeNull();
      if (!c) continue;
      const printed = `${clauseLabel(c.number)}${c.text ?? c.title ?? ''}`;
      expect(body, `${file}: clause ${key}`).toContain(printed);
    }
  });

  it.each(FILES)(
    '%s: no time rule is left pending; each one the language cannot state names its clause',
    (file) => {
      const s = sop(idOf(file));
      const keys = new Set([...allClauses(s.clauses)].map((c) => c.key));
      const text = readFileSync(join(ROOT, 'examples', file), 'utf8');
      expect(text, file).not.toContain('时限（待编码）');
      for (const m of text.matchAll(/# 语言尚不能表达[:：] ?(\S+) /g))
        expect(keys.has(m[1] ?? ''), `${file}: ${m[1]}`).toBe(true);
    },
  );

  it('encodes the time rules as deadlines citing their clauses', () => {
    const kinds = (id: string) => sop(id).deadlines.map((d) => [d.id, d.clause, d.limit.kind]);
    expect(kinds('fire-alarm-response')).toEqual([
      ['on-site', '4.2.1', 'within'],
      ['reset', '4.2.3', 'within'],
      ['record', '4.4', 'within'],
    ]);
    expect(kinds('car-park-incident')).toEqual([
      ['on-site', '四、1、（1）', 'within'],
      ['supervisor-on-site', '四、1、（2）', 'within-by'],
      ['record', '五、1、', 'within'],
    ]);
    expect(kinds('visitor-registration')).toEqual([['leave-by-22', '四、5、', 'at']]);
    expect(kinds('renovation-approval')).toEqual([
      ['inspection', '4.4.1', 'within'],
      ['refund', '4.4.3', 'within'],
    ]);
    expect(kinds('water-tank-cleaning')).toEqual([
      ['notice', '4.1.3', 'within-field'],
      ['cleaning', '4.2.3', 'within'],
      ['in-month', '4.1.1', 'occurrence'],
    ]);
    expect(kinds('lost-and-found')).toEqual([
      ['to-police', '第五条/（1）', 'within'],
      ['publish', '第六条', 'within'],
    ]);
  });
});

type Move = { kind: 'event'; from: string; t: Transition } | { kind: 'wait'; to: string };

/** A shortest way into every step: events between steps, and waits for an escalation to move the case. */
function pathsToSteps(s: ProcedureSop): Map<string, Move[]> {
  const wf = s.workflow;
  if (!wf) return new Map();
  const steps = new Map(wf.steps.map((x) => [x.id, x]));
  const paths = new Map<string, Move[]>([[wf.initial, []]]);
  const queue = [wf.initial];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const step = steps.get(id) as Step;
    const here = paths.get(id) as Move[];
    const moves: [string, Move][] = [
      ...step.transitions.flatMap((t): [string, Move][] =>
        t.target === null ? [] : [[t.target, { kind: 'event', from: id, t }]],
      ),
      ...step.timers.map((t): [string, Move] => [t.target, { kind: 'wait', to: t.target }]),
    ];
    for (const [to, move] of moves) {
      if (paths.has(to)) continue;
      paths.set(to, [...here, move]);
      queue.push(to);
    }
  }
  return paths;
}

/**
 * The events a step handles in place (checks of every checklist item, notes) before it is left by `next`:
 * a value they record that `next` requires (`field` + `in`) is one `next` accepts.
 */
function inPlaceEvents(s: ProcedureSop, step: Step, next?: Transition): Ev[] {
  const wanted = new Map(
    (next?.conditions ?? []).flatMap((c) =>
      c.kind === 'context-in' ? [[c.field, c.values[0]] as const] : [],
    ),
  );
  return step.transitions
    .filter((t) => t.target === null)
    .flatMap((t) => {
      const base = samplePayload(t, step.role);
      for (const [field, value] of wanted) if (field in base) base[field] = value;
      const check = t.effects.find((e) => e.kind === 'check');
      if (check?.kind !== 'check') return [base];
      const field = s.workflow?.context.find((c) => c.id === check.field);
      const list = s.checklists.find((c) => field?.kind === 'checklist' && c.id === field.checklist);
      const key = (t.payload.find((p) => p.required) ?? t.payload[0])?.id ?? 'id';
      return (list?.items ?? []).map((item) => ({ ...base, [key]: item.id }));
    });
}

type Condition = Transition['conditions'][number];

/**
 * Events into `step` that meet every condition of `t` but `c`, with complete, well-typed payloads:
 * another option where one is required, a recorded value outside `in`, a checklist left unchecked.
 * Null where a complete payload cannot break `c` (a required field left out is refused before the guard).
 */
function breaking(
  s: ProcedureSop,
  step: Step,
  t: Transition,
  c: Condition,
): { inPlace: Ev[]; event: Ev } | null {
  const event = samplePayload(t, step.role);
  switch (c.kind) {
    case 'payload-equals': {
      const field = t.payload.find((f) => f.id === c.field);
      const other = field?.type === 'enum' ? field.options.find((o) => o.value !== c.value) : undefined;
      return other
        ? { inPlace: inPlaceEvents(s, step, t), event: { ...event, [c.field]: other.value } }
        : null;
    }
    case 'context-in': {
      const recorder = step.transitions.find(
        (x) => x.target === null && x.payload.some((f) => f.id === c.field),
      );
      const field = recorder?.payload.find((f) => f.id === c.field);
      const other =
        field?.type === 'enum' ? field.options.find((o) => !c.values.includes(o.value)) : undefined;
      if (!other) return null;
      const inPlace = inPlaceEvents(s, step, t).map((e) =>
        e.type === recorder?.event ? { ...e, [c.field]: other.value } : e,
      );
      return { inPlace, event };
    }
    case 'checklist-complete':
      return { inPlace: [], event };
    case 'checklist-none': {
      // Every item checked, the first one recorded with a value the guard excludes.
      const checker = step.transitions.find(
        (x) =>
          x.target === null &&
          x.effects.some((e) => e.kind === 'check' && e.field === c.field) &&
          x.payload.some((f) => f.id === c.match.field),
      );
      if (!checker) return null;
      let broken = false;
      const inPlace = inPlaceEvents(s, step, t).map((e) => {
        if (broken || e.type !== checker.event) return e;
        broken = true;
        return { ...e, [c.match.field]: c.match.values[0] };
      });
      return { inPlace, event };
    }
    default:
      return null;
  }
}

describe.each(FILES)('%s: the generated machine', (file) => {
  let mod: GeneratedModule;
  beforeAll(async () => {
    // The build output imports xstate as an app would: give its folder the project's node_modules.
    symlinkSync(join(ROOT, 'node_modules'), join(out, idOf(file), 'node_modules'), 'dir');
    mod = await import(pathToFileURL(join(out, idOf(file), 'machine.js')).href);
  });

  function drive(s: ProcedureSop, moves: readonly Move[]) {
    const clock = new SimulatedClock();
    clock.set(cst('2026-03-02T09:00')); // a Monday, no holiday in the weeks after it
    const actor = mod.startActor({ clock });
    const steps = new Map((s.workflow?.steps ?? []).map((x) => [x.id, x]));
    for (const move of moves) {
      if (move.kind === 'event') {
        const from = steps.get(move.from) as Step;
        for (const e of inPlaceEvents(s, from, move.t)) actor.send(e);
        actor.send(samplePayload(move.t, from.role));
        expect(actor.getSnapshot().value, `${move.from} --${move.t.event}-->`).toBe(move.t.target);
      } else {
        // An escalation moves the case once its threshold passes: wait hour by hour, at most 60 days.
        for (let h = 0; h < 24 * 60 && actor.getSnapshot().value !== move.to; h++) clock.increment(3_600_000);
        expect(actor.getSnapshot().value, `escalated to ${move.to}`).toBe(move.to);
      }
    }
    return actor;
  }

  it('starts in its initial step', () => {
    const s = sop(idOf(file));
    const actor = drive(s, []);
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().value).toBe(s.workflow?.initial);
    actor.stop();
  });

  it('reaches every step, and every final or hand-off step ends the case', () => {
    const s = sop(idOf(file));
    const paths = pathsToSteps(s);
    expect([...paths.keys()].sort()).toEqual((s.workflow?.steps ?? []).map((x) => x.id).sort());
    for (const step of s.workflow?.steps ?? []) {
      const actor = drive(s, paths.get(step.id) as Move[]);
      expect(actor.getSnapshot().value).toBe(step.id);
      expect(actor.getSnapshot().status, step.id).toBe(step.kind === 'normal' ? 'active' : 'done');
      actor.stop();
    }
  });

  it('refuses each event sent without its required fields, naming each one', () => {
    const s = sop(idOf(file));
    const paths = pathsToSteps(s);
    let refused = 0;
    for (const step of s.workflow?.steps ?? []) {
      for (const t of step.transitions) {
        const required = t.payload.filter((f) => f.required).map((f) => f.id);
        if (required.length === 0) continue;
        const actor = drive(s, paths.get(step.id) as Move[]);
        // Sent by its role, so the refusal is the payload's and not the sender contract's.
        actor.send({ type: t.event, by: samplePayload(t, step.role).by });
        const snap = actor.getSnapshot();
        expect(snap.value, `${step.id} ${t.event}`).toBe(step.id);
        expect(snap.context._sop.lastRefusal?.code, `${step.id} ${t.event}`).toBe('PAYLOAD_INVALID');
        expect(
          snap.context._sop.lastRefusal?.failures.map((f: { field: string }) => f.field),
          `${step.id} ${t.event}`,
        ).toEqual(required);
        actor.stop();
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(2);
  });

  it("refuses each event that breaks a condition a complete payload can break, with the SOP's refusal", () => {
    const s = sop(idOf(file));
    const paths = pathsToSteps(s);
    let refused = 0;
    for (const step of s.workflow?.steps ?? []) {
      for (const t of step.transitions) {
        for (const c of t.conditions) {
          const broken = breaking(s, step, t, c);
          if (broken === null || t.refusal === null) continue;
          const actor = drive(s, paths.get(step.id) as Move[]);
          for (const e of broken.inPlace) actor.send(e);
          actor.send(broken.event);
          const snap = actor.getSnapshot();
          const what = `${step.id} ${t.event} breaking ${c.kind}`;
          expect(snap.value, what).toBe(step.id);
          // Only the broken condition fails, worded as the SOP words the refusal.
          expect(snap.context._sop.lastRefusal?.code, what).toBe('CONDITION_FAILED');
          expect(
            snap.context._sop.lastRefusal?.failures.map(
              (f: { condition: { kind: string }; message: { zh: string } }) => [
                f.condition.kind,
                f.message.zh,
              ],
            ),
            what,
          ).toEqual([[c.kind, t.refusal]]);
          // The same event with the condition met is accepted.
          const ok = drive(s, paths.get(step.id) as Move[]);
          for (const e of inPlaceEvents(s, step, t)) ok.send(e);
          ok.send(samplePayload(t, step.role));
          expect(ok.getSnapshot().value, `${step.id} ${t.event}`).toBe(t.target ?? step.id);
          actor.stop();
          ok.stop();
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('the time rules, run on a simulated clock', () => {
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const mods = new Map<string, GeneratedModule>();

  async function machineOf(id: string): Promise<GeneratedModule> {
    const dir = join(out, id);
    if (!existsSync(join(dir, 'node_modules')))
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    if (!mods.has(id)) mods.set(id, await import(pathToFileURL(join(dir, 'machine.js')).href));
    return mods.get(id);
  }

  /** A case of `id` opened at `local` (site time), brought into `step` at once by the shortest events. */
  async function caseIn(id: string, step: string, local: string, input?: unknown) {
    const s = sop(id);
    const mod = await machineOf(id);
    const clock = new SimulatedClock();
    clock.set(cst(local));
    const actor = mod.startActor(input === undefined ? { clock } : { clock, input });
    const emitted: Ev[] = [];
    actor.on('*', (e: Ev) => emitted.push(e));
    const steps = new Map((s.workflow?.steps ?? []).map((x) => [x.id, x]));
    /** Sends `type` from the current step, by the role the SOP gives it, with a complete payload. */
    const send = (type: string, payload: Record<string, unknown> = {}) => {
      const here = steps.get(String(actor.getSnapshot().value)) as Step;
      const t = here.transitions.find((x) => x.event === type);
      if (!t) throw new Error(`${here.id} does not handle ${type}`);
      actor.send({ ...samplePayload(t, here.role), ...payload });
    };
    for (const move of pathsToSteps(s).get(step) ?? []) {
      if (move.kind === 'wait') throw new Error(`${step} is reached by waiting`);
      const from = steps.get(move.from) as Step;
      for (const e of inPlaceEvents(s, from, move.t)) actor.send(e);
      actor.send(samplePayload(move.t, from.role));
    }
    expect(actor.getSnapshot().value).toBe(step);
    return { clock, actor, emitted, send };
  }
  type Case = Awaited<ReturnType<typeof caseIn>>;

  const limit = (r: Case, id: string) =>
    r.actor.getSnapshot().context._sop.limits[id] as { state: string; dueAt: number | null } | undefined;

  /** The limit is still running 1 ms before `due`, and breached at exactly `due` with one sop.overdue. */
  function expectOverdueAt(r: Case, id: string, due: number) {
    r.clock.set(due - 1);
    expect(limit(r, id)?.state).toBe('running');
    expect(r.emitted.filter((e) => e.type === 'sop.overdue' && e.deadline === id)).toEqual([]);
    r.clock.set(due);
    expect(limit(r, id)?.state).toBe('breached');
    expect(
      r.emitted.filter((e) => e.type === 'sop.overdue' && e.deadline === id).map((e) => [e.due, e.at]),
    ).toEqual([[due, due]]);
  }

  it('fire alarm 4.2.1: the patrol not on site 3 min after being notified is overdue; the case goes on', async () => {
    const t0 = cst('2026-03-02T09:00');
    const late = await caseIn('fire-alarm-response', 'checking', '2026-03-02T09:00');
    expectOverdueAt(late, 'on-site', t0 + 3 * MIN);
    expect(late.actor.getSnapshot().value).toBe('checking');
    late.send('FALSE_ALARM');
    expect(late.actor.getSnapshot().value).toBe('resetting');

    const onTime = await caseIn('fire-alarm-response', 'checking', '2026-03-02T09:00');
    onTime.clock.set(t0 + 3 * MIN - 1);
    onTime.send('ARRIVE');
    expect(limit(onTime, 'on-site')?.state).toBe('met');
    onTime.clock.set(t0 + 9 * MIN);
    expect(onTime.emitted.filter((e) => e.type === 'sop.overdue')).toEqual([]);
  });

  it('car park 四、1、（2）: the supervisor’s limit is chosen by the recorded accident category', async () => {
    const t0 = cst('2026-03-02T09:00');
    for (const [severity, minutes] of [
      ['injury', 10],
      ['damage', 30],
    ] as const) {
      const r = await caseIn('car-park-incident', 'on-site', '2026-03-02T09:00');
      expect(limit(r, 'on-site')?.state).toBe('met'); // the guard arrived in no time
      r.clock.set(t0 + 2 * MIN);
      expect(limit(r, 'supervisor-on-site')).toBeUndefined(); // the clock starts at the report
      r.send('REPORT_SUPERVISOR', { severity });
      expectOverdueAt(r, 'supervisor-on-site', t0 + (2 + minutes) * MIN);
      expect(r.actor.getSnapshot().value).toBe('on-site');
    }
    const met = await caseIn('car-park-incident', 'on-site', '2026-03-02T09:00');
    met.send('REPORT_SUPERVISOR', { severity: 'damage' });
    met.clock.set(t0 + 30 * MIN - 1);
    met.send('SUPERVISOR_ARRIVE');
    expect(limit(met, 'supervisor-on-site')?.state).toBe('met');
    met.clock.set(t0 + 2 * HOUR);
    expect(met.emitted.filter((e) => e.type === 'sop.overdue')).toEqual([]);
  });

  it('visitors 四、5、: a visitor still inside at 22:00 of the day of entry is overdue, the supervisor notified', async () => {
    const r = await caseIn('visitor-registration', 'inside', '2026-03-02T09:00');
    expectOverdueAt(r, 'leave-by-22', cst('2026-03-02T22:00'));
    expect(r.emitted.filter((e) => e.type === 'sop.notify')).toMatchObject([
      {
        role: 'security-supervisor',
        deadline: 'leave-by-22',
        clause: '四、5、',
        at: cst('2026-03-02T22:00'),
      },
    ]);
    expect(r.actor.getSnapshot().value).toBe('inside');
    r.send('LEAVE');
    expect(r.actor.getSnapshot().value).toBe('left');
  });

  it('renovation 4.4.1/4.4.2: 2 working days to inspect, counted anew after rectification', async () => {
    // Friday 10:00: 14 h of Friday, the weekend skipped, all of Monday, 10 h of Tuesday.
    const r = await caseIn('renovation-approval', 'inspecting', '2026-03-06T10:00');
    expectOverdueAt(r, 'inspection', cst('2026-03-10T10:00'));
    r.send('FAIL');
    expect(r.actor.getSnapshot().value).toBe('rectifying');
    r.clock.set(cst('2026-03-11T15:00'));
    r.send('REQUEST_INSPECTION');
    expect(r.actor.getSnapshot().value).toBe('inspecting');
    expect(limit(r, 'inspection')?.dueAt).toBe(cst('2026-03-13T15:00'));
    r.clock.set(cst('2026-03-13T15:00') - 1);
    expect(limit(r, 'inspection')?.state).toBe('running');
    r.clock.set(cst('2026-03-13T15:00'));
    expect(limit(r, 'inspection')?.state).toBe('breached');
    expect(r.emitted.filter((e) => e.type === 'sop.overdue').map((e) => e.due)).toEqual([
      cst('2026-03-10T10:00'),
      cst('2026-03-13T15:00'),
    ]);
  });

  it('water tank 4.1.3: the notice is due 24 h before the planned stop recorded at approval', async () => {
    const r = await caseIn('water-tank-cleaning', 'planned', '2026-03-02T09:00');
    r.send('APPROVE_PLAN', { 'stop-at': '2026-03-05T09:00+08:00' });
    expect(r.actor.getSnapshot().value).toBe('notifying');
    expect(limit(r, 'notice')?.dueAt).toBe(cst('2026-03-04T09:00'));
    expectOverdueAt(r, 'notice', cst('2026-03-04T09:00'));
  });

  it('water tank 4.1.1/4.1.2: cleaning in May and November, each due by its month end; the plan by the 25th', async () => {
    const mod = await machineOf('water-tank-cleaning');
    const year = mod.occurrences('2026-01-01', '2027-01-01') as {
      plan: string;
      local: string;
      dueAt: number | null;
    }[];
    expect(year.filter((o) => o.plan === 'cleaning').map((o) => [o.local, o.dueAt])).toEqual([
      ['2026-05-01T00:00', cst('2026-06-01T00:00')],
      ['2026-11-01T00:00', cst('2026-12-01T00:00')],
    ]);
    const plans = year.filter((o) => o.plan === 'monthly-plan');
    expect(plans).toHaveLength(12);
    expect(plans[3]).toMatchObject({ local: '2026-04-01T00:00', dueAt: cst('2026-04-26T00:00') });
    // A case opened for May's cleaning is overdue at the end of May, wherever it then is.
    const r = await caseIn('water-tank-cleaning', 'preparing', '2026-05-20T09:00', {
      occurrence: { plan: 'cleaning', at: '2026-05-01' },
    });
    expectOverdueAt(r, 'in-month', cst('2026-06-01T00:00'));
    expect(r.actor.getSnapshot().value).toBe('preparing');
    // Opened without an occurrence, the case states no such limit.
    const other = await caseIn('water-tank-cleaning', 'preparing', '2026-05-20T09:00');
    expect(limit(other, 'in-month')?.dueAt ?? null).toBeNull();
  });

  it('water tank 4.2.3/4.3.2: 4 h to clean from the stop, counted anew when the test fails', async () => {
    const t0 = cst('2026-03-02T09:00');
    const r = await caseIn('water-tank-cleaning', 'cleaning', '2026-03-02T09:00');
    r.clock.set(t0 + 3 * HOUR);
    r.send('CLEANED');
    expect(limit(r, 'cleaning')?.state).toBe('met');
    r.clock.set(t0 + 5 * HOUR);
    r.send('FAIL');
    expect(r.actor.getSnapshot().value).toBe('cleaning');
    expectOverdueAt(r, 'cleaning', t0 + 9 * HOUR);
  });
});
