/**
 * The SOPs in `examples/` (procedures of other shapes than the bundled ones) validate with no diagnostics,
 * build with the CLI, print every clause a rule cites, and their generated machines run: imported from the
 * build output and driven with a simulated clock into every step, each guarded event refused with the
 * SOP's own refusal.
 */
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
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

  it.each(FILES)('%s: every time rule left for the deadline language names a clause of the tree', (file) => {
    const s = sop(idOf(file));
    const keys = new Set([...allClauses(s.clauses)].map((c) => c.key));
    const text = readFileSync(join(ROOT, 'examples', file), 'utf8');
    const pending = [...text.matchAll(/# 时限（待编码）: (\S+) /g)].map((m) => m[1] ?? '');
    expect(pending.length, file).toBeGreaterThan(0);
    for (const key of pending) expect(keys.has(key), `${file}: ${key}`).toBe(true);
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

/** The events a step handles in place (checks of every checklist item, notes) before it is left. */
function inPlaceEvents(s: ProcedureSop, step: Step): Ev[] {
  return step.transitions
    .filter((t) => t.target === null)
    .flatMap((t) => {
      const base = samplePayload(t);
      const check = t.effects.find((e) => e.kind === 'check');
      if (check?.kind !== 'check') return [base];
      const field = s.workflow?.context.find((c) => c.id === check.field);
      const list = s.checklists.find((c) => field?.kind === 'checklist' && c.id === field.checklist);
      const key = (t.payload.find((p) => p.required) ?? t.payload[0])?.id ?? 'id';
      return (list?.items ?? []).map((item) => ({ ...base, [key]: item.id }));
    });
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
        for (const e of inPlaceEvents(s, steps.get(move.from) as Step)) actor.send(e);
        actor.send(samplePayload(move.t));
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

  it("refuses each guarded event sent without its payload, with the SOP's refusal", () => {
    const s = sop(idOf(file));
    const paths = pathsToSteps(s);
    let refused = 0;
    for (const step of s.workflow?.steps ?? []) {
      for (const t of step.transitions) {
        if (t.refusal === null || t.conditions.length === 0) continue;
        const actor = drive(s, paths.get(step.id) as Move[]);
        actor.send({ type: t.event });
        const snap = actor.getSnapshot();
        expect(snap.value, `${step.id} ${t.event}`).toBe(step.id);
        expect(snap.context._sop.lastRefusal?.message, `${step.id} ${t.event}`).toBe(t.refusal);
        actor.stop();
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(2);
  });
});
