import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CalendarData } from '../../src/calendar/index.js';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop, Sop, Transition } from '../../src/model/types.js';

export const ROOT = resolve(import.meta.dirname, '../..');

let bundled: Promise<readonly Sop[]> | null = null;

/** The bundled SOPs, through the real loader. */
export function bundledSops(): Promise<readonly Sop[]> {
  bundled ??= loadSopSet(['sops/'], { cwd: ROOT }).then(({ set, diagnostics }) => {
    if (!set) throw new Error(`bundled SOPs do not load: ${JSON.stringify(diagnostics, null, 2)}`);
    return set.sops;
  });
  return bundled;
}

export async function bundledSop(id: string): Promise<ProcedureSop> {
  const sop = (await bundledSops()).find((s) => s.id === id);
  if (sop?.kind !== 'procedure') throw new Error(`no procedure SOP ${id}`);
  return sop;
}

/** A bundled SOP's YAML, edited by `edit`, loaded through the loader as if it were sops/<file>. */
export function variantSop(file: string, edit: (text: string) => string, mustChange = true): ProcedureSop {
  const original = readFileSync(join(ROOT, 'sops', file), 'utf8');
  const text = edit(original);
  if (mustChange && text === original) throw new Error('the edit changed nothing');
  const { set, diagnostics } = loadSopTexts([{ file: `sops/${file}`, text }]);
  if (!set) throw new Error(`variant does not load: ${JSON.stringify(diagnostics, null, 2)}`);
  const sop = set.sops[0];
  if (sop?.kind !== 'procedure') throw new Error('not a procedure');
  return sop;
}

const made: string[] = [];
// Imported modules stay loaded until the test process ends, so their folders go when it does.
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'sopforge-machine-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes a SOP's machine artifacts to a fresh temp dir; returns the dir. */
export function emitToTemp(sop: Sop, calendars: readonly CalendarData[] = []): string {
  const dir = tempDir();
  for (const a of emitMachineArtifacts(sop, { calendars })) {
    const path = join(dir, a.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, a.data);
  }
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: the generated module is untyped JavaScript here.
export type GeneratedModule = any;

/** Emits and imports the generated machine.js of a SOP. */
export async function importMachine(
  sop: Sop,
  calendars: readonly CalendarData[] = [],
): Promise<{ mod: GeneratedModule; dir: string }> {
  const dir = emitToTemp(sop, calendars);
  // xstate must resolve from the temp dir like it would in an app: link the project's node_modules.
  const { symlinkSync } = await import('node:fs');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const mod = await import(pathToFileURL(join(dir, 'machine.js')).href);
  return { mod, dir };
}

/** Epoch ms of a site-local (UTC+8) time `YYYY-MM-DDTHH:MM`. */
export function cst(local: string): number {
  return Date.parse(`${local}:00+08:00`);
}

export type Ev = { type: string; [k: string]: unknown };

/** Events that satisfy each transition's declared conditions (one per checklist item for `check`). */
export function sampleEvents(sop: ProcedureSop): Ev[] {
  const out = new Map<string, Ev>();
  const add = (e: Ev) => out.set(JSON.stringify(e), e);
  for (const step of sop.workflow?.steps ?? []) {
    for (const t of step.transitions) {
      const base = samplePayload(t, step.role);
      const check = t.effects.find((e) => e.kind === 'check');
      if (check && check.kind === 'check') {
        const field = sop.workflow?.context.find((c) => c.id === check.field);
        const list = sop.checklists.find((c) => field?.kind === 'checklist' && c.id === field.checklist);
        const key = (t.payload.find((p) => p.required) ?? t.payload[0])?.id ?? 'id';
        for (const item of list?.items ?? []) add({ ...base, [key]: item.id });
      } else add(base);
    }
  }
  return [...out.values()];
}

/** A valid value of each field type (the machine checks payload types at run time). */
const SAMPLE: Record<string, unknown> = {
  boolean: false,
  number: 1,
  date: '2026-03-02',
  time: '08:30',
  datetime: '2026-03-02T08:30+08:00',
  phone: '13800000000',
  signature: '张三',
};

/** An event meeting a transition's payload and conditions, sent by its role (`stepRole` when it has none). */
export function samplePayload(t: Transition, stepRole: string | null = null): Ev {
  const e: Ev = { type: t.event };
  const role = t.role ?? stepRole;
  if (role !== null) e.by = { role, name: `${role}-1` };
  for (const f of t.payload) {
    e[f.id] = f.type === 'enum' ? (f.options[0]?.value ?? 'x') : (SAMPLE[f.type] ?? `${f.id}-1`);
  }
  for (const c of t.conditions) if (c.kind === 'payload-equals') e[c.field] = c.value;
  return e;
}

/** A finite summary of a snapshot: state, which checklist items are checked, list lengths capped at 2. */
export function serialize(s: { value: unknown; status: string; context: Record<string, unknown> }): string {
  const summary: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.context)) {
    if (k === '_sop') continue;
    if (Array.isArray(v)) summary[k] = Math.min(v.length, 2);
    else if (v && typeof v === 'object') summary[k] = Object.keys(v).sort();
    else summary[k] = v === null ? null : 'set';
  }
  return JSON.stringify([s.value, s.status, summary]);
}
