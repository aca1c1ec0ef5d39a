import { createRequire } from 'node:module';
import { beforeAll, describe, expect, test } from 'vitest';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { bundledSops, variantSop } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: mermaid's internals are untyped here.
let mermaid: any;

beforeAll(async () => {
  // mermaid sanitizes labels with DOMPurify, which needs a DOM: give it jsdom's.
  // jsdom ships no type declarations.
  const { JSDOM } = createRequire(import.meta.url)('jsdom');
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default;
  mermaid.initialize({ startOnLoad: false });
});

function mmdOf(sop: ProcedureSop): string {
  const a = emitMachineArtifacts(sop).find((x) => x.path === 'machine.mmd');
  if (!a || typeof a.data !== 'string') throw new Error('no machine.mmd');
  return a.data;
}

/** Parses with mermaid and returns the state diagram's states and edges. */
async function parse(
  text: string,
): Promise<{ states: string[]; edges: { from: string; to: string; label: string }[] }> {
  expect(await mermaid.parse(text)).toMatchObject({ diagramType: 'stateDiagram' });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const states = [...db.getStates().keys()] as string[];
  const edges = (db.getRelations() as { id1: string; id2: string; relationTitle?: string }[]).map((r) => ({
    from: r.id1,
    to: r.id2,
    label: r.relationTitle ?? '',
  }));
  return { states, edges };
}

describe('machine.mmd parses with mermaid', () => {
  test('a broken diagram is rejected (the parser is really checking)', async () => {
    await expect(mermaid.parse('stateDiagram-v2\n  a --> : b :: c')).rejects.toThrow();
  });

  test('every bundled machine: one mermaid state per step, one edge per transition and timer', async () => {
    const sops = (await bundledSops()).filter(
      (s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null,
    );
    expect(sops.length).toBeGreaterThanOrEqual(2);
    for (const sop of sops) {
      const { states, edges } = await parse(mmdOf(sop));
      const steps = sop.workflow?.steps ?? [];
      for (const s of steps) expect(states).toContain(s.id.replace(/[^A-Za-z0-9_]/g, '_'));
      const moving = steps.flatMap((s) => s.transitions.filter((t) => t.target !== null));
      const timers = steps.flatMap((s) => s.timers);
      const finals = steps.filter((s) => s.kind !== 'normal');
      expect(edges.length).toBe(1 + moving.length + timers.length + finals.length);
    }
  });

  test('timers are on their edges: the reception ladder shows 2d and 1w', async () => {
    const sops = await bundledSops();
    const sop = sops.find((s) => s.id === 'front-desk-reception') as ProcedureSop;
    const { edges } = await parse(mmdOf(sop));
    const timed = edges.filter((e) => e.label.includes('⏱'));
    // 3.2.2: every unfinished request goes to the supervisor after 2 days (recorded, handled, transferred).
    expect(timed.map((e) => [e.from, e.to])).toEqual([
      ['recorded', 'supervisor'],
      ['handling', 'supervisor'],
      ['transferred', 'supervisor'],
      ['supervisor', 'manager'],
    ]);
    for (const edge of timed.slice(0, 3)) expect(edge.label).toContain('2d');
    expect(timed[3]?.label).toContain('1w');
  });

  test('labels with Mermaid syntax characters are escaped and still parse', async () => {
    const sop = variantSop('front-desk-reception.yaml', (t) =>
      t.replace('label: 转相关责任部门处理', 'label: "转 : 部门; #1 \\"x\\" <b> {a} [b] | %% --> end"'),
    );
    const { edges } = await parse(mmdOf(sop));
    expect(edges.find((e) => e.from === 'recorded' && e.to === 'transferred')).toBeDefined();
  });
});

describe('deadlines in machine.mmd', () => {
  test('an interrupting limit is an edge to its step, a non-interrupting one a note on its step', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadSopTexts } = await import('../../src/load/index.js');
    const text = readFileSync(join(import.meta.dirname, 'fixtures/time-rules.yaml'), 'utf8');
    const sop = loadSopTexts([{ file: 'sops/time-rules.yaml', text }]).set?.sops[0] as ProcedureSop;
    const mmd = mmdOf(sop);
    const { edges } = await parse(mmd);
    const timed = edges.filter((e) => e.label.includes('⏱'));
    expect(timed.map((e) => [e.from, e.to])).toEqual([
      ['working', 'escalated'],
      ['waiting', 'escalated'],
    ]);
    expect(timed[0]?.label).toContain('1d');
    expect(mmd).toMatch(/note right of working : .*⏱ 到场 2h → 逾期，通知 supervisor/);
  });
});
