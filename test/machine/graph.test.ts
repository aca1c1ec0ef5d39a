import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import {
  bundledSops,
  type Ev,
  type GeneratedModule,
  importMachine,
  sampleEvents,
  serialize,
} from './helpers.js';

async function graphOf(sop: ProcedureSop) {
  const { mod }: { mod: GeneratedModule } = await importMachine(sop);
  // Timers fire when their `after` event arrives (the guard reads the clock otherwise).
  const machine = mod.createSopMachine({ now: () => 0 }).provide({
    guards: {
      deadlineReached: ({ event }: { event: Ev }, params: { delay: string }) =>
        event.type.startsWith(`xstate.after.${params.delay}.`),
      // A `deadlines:` limit breaches when its delay's event arrives, in any step of its span, once.
      deadlineDue: (
        { context, event }: { context: { _sop: { limits: Record<string, { state: string }> } }; event: Ev },
        params: { id: string },
      ) =>
        context._sop.limits[params.id]?.state === 'running' &&
        event.type.startsWith('xstate.after.') &&
        event.type.includes(`.deadline.${params.id}.`),
    },
  });
  const samples = sampleEvents(sop);
  const delays: Record<string, string[]> = {};
  for (const [step, state] of Object.entries(mod.config.states as Record<string, { after?: object }>)) {
    delays[step] = Object.keys(state.after ?? {}).map((d) => `xstate.after.${d}.${mod.config.id}.${step}`);
  }
  const events = (s: unknown): Ev[] => [
    ...samples,
    ...(delays[String((s as { value: unknown }).value)] ?? []).map((type) => ({ type })),
  ];
  const options = { events, serializeState: serialize as never };
  return { mod, machine, options, adjacency: getAdjacencyMap(machine, options) };
}

const fixtures = ['repair-request', 'time-rules', 'two-ladders'].flatMap(
  (id) =>
    loadSopTexts([
      {
        file: `sops/${id}.yaml`,
        text: readFileSync(join(import.meta.dirname, `fixtures/${id}.yaml`), 'utf8'),
      },
    ]).set?.sops ?? [],
);
const sops = [...(await bundledSops()), ...fixtures].filter(
  (s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null,
);

describe('graph of every bundled machine (xstate/graph)', () => {
  test('there are machines to check', () => {
    expect(sops.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'duty-handover-public-affairs',
        'front-desk-reception',
        'repair-request',
        'time-rules',
        'two-ladders',
      ]),
    );
  });

  for (const sop of sops) {
    describe(sop.id, () => {
      test('every state is reachable from the initial state', async () => {
        const { machine, options } = await graphOf(sop);
        const paths = getShortestPaths(machine, options);
        const reached = new Set(paths.map((p) => String(p.state.value)));
        expect([...reached].sort()).toEqual(sop.workflow?.steps.map((s) => s.id).sort());
      });

      test('from every reachable state some path reaches a final state', async () => {
        const { adjacency } = await graphOf(sop);
        const keys = Object.keys(adjacency);
        expect(keys.length).toBeGreaterThanOrEqual(sop.workflow?.steps.length ?? 0);
        const canFinish = new Set(
          keys.filter(
            (k) =>
              (adjacency[k as keyof typeof adjacency]?.state as { status: string } | undefined)?.status ===
              'done',
          ),
        );
        expect(canFinish.size).toBeGreaterThan(0);
        for (let changed = true; changed; ) {
          changed = false;
          for (const k of keys) {
            if (canFinish.has(k)) continue;
            const next = Object.values(adjacency[k as keyof typeof adjacency]?.transitions ?? {}).map((t) =>
              serialize(t.state as never),
            );
            if (next.some((n) => canFinish.has(n))) {
              canFinish.add(k);
              changed = true;
            }
          }
        }
        const stuck = keys.filter((k) => !canFinish.has(k));
        expect(stuck).toEqual([]);
      });
    });
  }
});
