/**
 * The machine target: every procedure SOP with a workflow → `machine.js` (+ `machine.cjs`),
 * `machine.d.ts` (+ `machine.d.cts`), `machine.json`, `machine.mmd`, `machine.scxml` and the
 * `package.json` that makes `out/<sop-id>/` an npm package, with its `CHANGELOG.md`.
 */
import type { Artifact, EmitContext, Target } from '../../build/artifact.js';
import type { ProcedureSop, Sop } from '../../model/types.js';
import { emitChangelog } from './changelog.js';
import { type CompileMachineOptions, compileMachineWithPlan } from './config.js';
import { emitMachineDts } from './emit-dts.js';
import { emitMachineJs } from './emit-js.js';
import { emitMermaid } from './emit-mermaid.js';
import { emitScxml } from './emit-scxml.js';
import { emitPackageJson, toCommonJs } from './package.js';

export { approvedChangesOf, emitChangelog, markChangelogs } from './changelog.js';
export { type CompileMachineOptions, compileMachine, type JsonObject } from './config.js';
export { HANDOFF_EVENT, RESUME_EVENT } from './plan.js';

/** Whether a SOP compiles to a machine (a procedure with a workflow). */
export function hasMachine(
  sop: Sop,
): sop is ProcedureSop & { workflow: NonNullable<ProcedureSop['workflow']> } {
  return sop.kind === 'procedure' && sop.workflow !== null;
}

/** The machine artifacts of one SOP, an npm package (package.json, ESM + CommonJS, types) (none for manuals and SOPs without a workflow). */
export function emitMachineArtifacts(sop: Sop, options: CompileMachineOptions = {}): Artifact[] {
  if (!hasMachine(sop)) return [];
  const compiled = compileMachineWithPlan(sop, options);
  const js = emitMachineJs(sop, compiled);
  const dts = emitMachineDts(sop, compiled);
  return [
    { path: 'machine.js', data: js },
    { path: 'machine.cjs', data: toCommonJs(js) },
    { path: 'machine.d.ts', data: dts },
    { path: 'machine.d.cts', data: dts },
    { path: 'package.json', data: emitPackageJson(sop) },
    { path: 'machine.json', data: `${JSON.stringify(compiled.config, null, 2)}\n` },
    { path: 'machine.mmd', data: emitMermaid(sop, compiled) },
    { path: 'machine.scxml', data: emitScxml(sop, compiled) },
    { path: 'CHANGELOG.md', data: emitChangelog(sop, 'zh') },
    { path: 'CHANGELOG.en.md', data: emitChangelog(sop, 'en') },
  ];
}

/**
 * The machine target. Site calendar files (`calendars/*.yaml`) come with the set; `options.calendars`, when
 * given, are used for sets that carry none.
 */
export function createMachineTarget(options: CompileMachineOptions = {}): Target {
  return {
    name: 'machine',
    emit: (sop: Sop, ctx: EmitContext) =>
      emitMachineArtifacts(
        sop,
        ctx.set.calendars.length > 0 ? { ...options, calendars: ctx.set.calendars } : options,
      ),
  };
}

/** The machine target. */
export const machineTarget: Target = createMachineTarget();
