import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ManualSop, ProcedureSop, Sop, SopSet } from '../../src/model/types.js';
import { ROOT } from '../helpers.js';

let bundled: Promise<SopSet> | null = null;

/** The bundled SOPs, loaded once per test file. */
export function bundledSet(): Promise<SopSet> {
  bundled ??= loadSopSet([join(ROOT, 'sops')], { cwd: ROOT }).then((r) => {
    if (!r.set)
      throw new Error(
        `bundled SOPs do not load: ${r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`).join(', ')}`,
      );
    return r.set;
  });
  return bundled;
}

export async function procedure(id: string): Promise<ProcedureSop> {
  const sop = (await bundledSet()).sops.find((s) => s.id === id);
  if (sop?.kind !== 'procedure') throw new Error(`no procedure ${id}`);
  return sop;
}

export async function manual(): Promise<ManualSop> {
  const sop = (await bundledSet()).sops.find((s): s is ManualSop => s.kind === 'manual');
  if (!sop) throw new Error('no manual');
  return sop;
}

export function bundledText(id: string): string {
  return readFileSync(join(ROOT, 'sops', `${id}.yaml`), 'utf8');
}

/** Loads one SOP from a YAML text (a variant of a bundled one); fails the test with the diagnostics. */
export function loadText(text: string, file = 'variant.yaml'): Sop {
  const r = loadSopTexts([{ file, text }]);
  const sop = r.set?.sops[0];
  if (!sop)
    throw new Error(
      `variant does not load: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message.en}`).join('; ')}`,
    );
  return sop;
}

/** `text` with `from` replaced by `to`, failing when `from` is not in it exactly once. */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit: "${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
