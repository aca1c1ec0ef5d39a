import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SimulatedClock } from 'xstate';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { cst, importMachine } from './helpers.js';

const CLERK = { role: 'clerk', name: '周一' };

function load(): ProcedureSop {
  const text = readFileSync(join(import.meta.dirname, 'fixtures/repair-request.yaml'), 'utf8');
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/repair-request.yaml', text }]);
  if (!set) throw new Error(JSON.stringify(diagnostics, null, 2));
  return set.sops[0] as ProcedureSop;
}

describe('a new SOP written in the language compiles with no code change', () => {
  test('the machine artifacts, its package.json and CHANGELOG.md (and .en.md)', () => {
    expect(emitMachineArtifacts(load()).map((a) => a.path)).toHaveLength(10);
  });

  test('payload-equals guard, a working-day ladder of three levels over weekends', async () => {
    const { mod } = await importMachine(load());
    const clock = new SimulatedClock();
    // Reported Friday 2026-03-06 20:00: 4 working hours left that day, then the weekend does not count.
    clock.set(cst('2026-03-06T20:00'));
    const actor = mod.startActor({ clock });
    actor.send({ type: 'ASSIGN', by: CLERK, technician: '钱八', priority: 'normal' });
    expect(actor.getSnapshot().value).toBe('reported');
    expect(actor.getSnapshot().context._sop.lastRefusal).toMatchObject({
      code: 'CONDITION_FAILED',
      failures: [{ field: 'priority', message: { zh: '仅紧急报修走本流程。' } }],
    });
    actor.send({ type: 'ASSIGN', by: CLERK, technician: '钱八', priority: 'urgent' });
    actor.send({ type: 'USE_PART', by: { role: 'technician', name: '钱八' }, id: 'p1' });
    expect(actor.getSnapshot().context.parts).toEqual([{ id: 'p1' }]);
    expect(actor.getSnapshot().context.priority).toBe('urgent');
    const flips: [string, string, string][] = [
      ['2026-03-09T20:00', 'assigned', 'foreman-review'], // 1d: 4 h Friday + 20 h Monday
      ['2026-03-10T20:00', 'foreman-review', 'chief-review'], // 2d
      ['2026-03-13T20:00', 'chief-review', 'director-review'], // 1w = 5 working days
    ];
    for (const [at, before, after] of flips) {
      clock.set(cst(at) - 1);
      expect(actor.getSnapshot().value).toBe(before);
      clock.set(cst(at));
      expect(actor.getSnapshot().value).toBe(after);
    }
    expect(actor.getSnapshot().context._sop.escalations.map((e: { role: string }) => e.role)).toEqual([
      'foreman',
      'chief',
      'director',
    ]);
    actor.send({ type: 'ABANDON', by: { role: 'director', name: '孙九' } });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'abandoned', handoff: null });
  });
});
