import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CaseStore, SqlClient } from '../../src/adapter/postgres.js';
import { ROOT } from '../helpers.js';
import { type GeneratedModule, importMachine, variantSop } from '../machine/helpers.js';

export const DAY = 86_400_000;
export const MIN = 60_000;
/** Reception of the first case; case i is received i minutes later. */
export const T0 = Date.parse('2026-03-02T09:00:00+08:00');

/** Who sends: the role the SOP gives each event (the machines refuse an event from anyone else). */
export const RECEPTIONIST = { role: 'receptionist', name: '李四' };
export const MANAGER = { role: 'manager', name: '王经理' };

export const RECORD = {
  type: 'RECORD',
  by: RECEPTIONIST,
  date: '2026-03-02',
  owner: '张三',
  phone: '13800000000',
  room: '3-201',
  matter: '楼道灯不亮',
};

/** The bundled reception SOP's generated machine, imported from a temp folder as an app would. */
export async function receptionMachine(): Promise<{
  mod: GeneratedModule;
  file: string;
  level0: number;
  level1: number;
}> {
  // The store is tested with deadlines a minute apart per case, so the ladder counts from the instant each
  // case is received; the bundled SOP counts from the recorded reception date (test/machine/front-desk.test.ts).
  const sop = variantSop('front-desk-reception.yaml', (t) =>
    t.replace('    from:\n      field: date\n', '    from:\n      enter: received\n'),
  );
  const ladder = sop.escalations[0];
  if (ladder?.basis !== 'calendar' || ladder.levels.length !== 2)
    throw new Error('the bundled SOP changed: expected one calendar-day ladder of two levels');
  const { mod, dir } = await importMachine(sop);
  return {
    mod,
    file: pathToFileURL(join(dir, 'machine.js')).href,
    level0: (ladder.levels[0]?.after.minutes ?? Number.NaN) * MIN,
    level1: (ladder.levels[1]?.after.minutes ?? Number.NaN) * MIN,
  };
}

/** Opens `n` cases, case i received at T0 + i min and transferred at once, through the store. */
export async function openTransferred(store: CaseStore, n: number, clock: { t: number }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `case-${String(i).padStart(4, '0')}`;
    clock.t = T0 + i * MIN;
    await store.open(id, 'front-desk-reception');
    await store.send(id, RECORD);
    await store.send(id, { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    ids.push(id);
  }
  return ids;
}

export interface Escalation {
  case_id: string;
  from_state: string;
  to_state: string;
  at: number;
}

/** Every change of step into an escalation step, from the transitions table. */
export async function escalations(db: SqlClient): Promise<Escalation[]> {
  const { rows } = await db.query(
    `SELECT case_id, from_state, to_state, (extract(epoch FROM at) * 1000)::float8 AS at
     FROM sop_case_transitions WHERE to_state IN ('supervisor', 'manager') ORDER BY case_id, rev, n`,
  );
  return rows as unknown as Escalation[];
}

const WORKER = join(ROOT, 'test/adapter/worker.mjs');
const children = new Set<{ kill(signal: NodeJS.Signals): boolean }>();

/** Kills the worker processes still running (after a failed or timed-out test). */
export function killWorkers(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

export interface WorkerRun {
  /** Resolves with the exit code (null when killed) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** Resolves when the worker printed "hung" (it stopped inside a transaction). */
  readonly hung: Promise<void>;
  kill(): void;
}

/** Runs test/adapter/worker.mjs (the built adapter from dist/) in a child process. */
export function runWorker(options: Record<string, unknown>): WorkerRun {
  if (!existsSync(join(ROOT, 'dist/adapter/postgres.js')))
    throw new Error('dist/adapter/postgres.js is missing: run `npm run build` first');
  const child = spawn(process.execPath, [WORKER, JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  let onHung: () => void = () => {};
  const hung = new Promise<void>((resolve) => {
    onHung = resolve;
  });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (/^hung$/m.test(out)) onHung();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    out: string;
    err: string;
  }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, out, err });
    }),
  );
  return { exited, hung, kill: () => child.kill('SIGKILL') };
}
