import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type CaseStore,
  CaseStoreError,
  createCaseStore,
  openEmbeddedDatabase,
  pgDatabase,
  type SqlDatabase,
} from '../../src/adapter/postgres.js';
import type { GeneratedModule } from '../machine/helpers.js';
import {
  DAY,
  escalations,
  killWorkers,
  MANAGER,
  MIN,
  openTransferred,
  RECEPTIONIST,
  RECORD,
  receptionMachine,
  runWorker,
  T0,
} from './helpers.js';
import { type PgServer, startPgServer } from './server.js';

let mod: GeneratedModule;
let file: string;
let level0: number;
let level1: number;
let started: Promise<PgServer> | null = null;
const pools: pg.Pool[] = [];
/** The server, started on first use: the PGlite tests run (and pass) without one. */
const server = () => {
  started ??= startPgServer();
  return started;
};

beforeAll(async () => {
  ({ mod, file, level0, level1 } = await receptionMachine());
}, 300_000);

afterAll(async () => {
  killWorkers();
  for (const p of pools) await p.end();
  if (started) (await started.catch(() => null))?.stop();
}, 60_000);

/** A new, empty database on the server; its URL. */
async function serverDatabase(): Promise<string> {
  const { url } = await server();
  const name = `t${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return url.replace(/\/postgres$/, `/${name}`);
}

let template: Promise<File | Blob> | null = null;
/** A new in-memory PGlite, loaded from a dump of an empty one: initdb in WASM is the slow part. */
async function freshPglite(): Promise<SqlDatabase> {
  template ??= PGlite.create().then(async (db) => {
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  });
  return PGlite.create({ loadDataDir: await template });
}

/** A fresh, empty database of each kind: an in-memory PGlite, or a new database on the server. */
const backends: [string, () => Promise<SqlDatabase>][] = [
  ['embedded PGlite', () => freshPglite()],
  [
    'PostgreSQL server',
    async () => {
      const pool = new pg.Pool({ connectionString: await serverDatabase(), max: 4 });
      pools.push(pool);
      return pgDatabase(pool);
    },
  ],
];

async function storeOn(
  db: SqlDatabase,
  clock: { t: number },
  machines: unknown[] = [mod],
): Promise<CaseStore> {
  const store = await createCaseStore({ db, machines: machines as never, now: () => clock.t });
  await store.setup();
  return store;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CaseStoreError) return err.code;
    throw err;
  }
  throw new Error('expected a CaseStoreError');
}

describe.each(backends)('case store on %s', (_name, fresh) => {
  let db: SqlDatabase;
  let store: CaseStore;
  const clock = { t: T0 };

  beforeAll(async () => {
    db = await fresh();
    store = await storeOn(db, clock);
    await store.setup(); // twice is harmless
  }, 300_000);

  test('a case is one row: its snapshot, its step and its next deadline, counted from the reception', async () => {
    clock.t = T0;
    const opened = await store.open('life', 'front-desk-reception');
    expect(opened).toMatchObject({ sop: 'front-desk-reception', version: '1.0', rev: 0, state: 'received' });
    await store.send('life', RECORD);
    clock.t = T0 + 3 * 60 * MIN;
    const sent = await store.send('life', { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    expect(sent).toMatchObject({ rev: 2, status: 'active', state: 'transferred', nextDeadline: T0 + level0 });
    expect(sent.transitions.map((t) => [t.from, t.to])).toEqual([['recorded', 'transferred']]);
    const got = await store.get('life');
    expect(got).toMatchObject({ rev: 2, state: 'transferred', nextDeadline: T0 + level0 });
    expect((got?.snapshot as { value?: string } | undefined)?.value).toBe('transferred');
    const log = await db.query(
      `SELECT rev, type, by FROM sop_case_events WHERE case_id = 'life' ORDER BY rev`,
    );
    expect(log.rows).toEqual([
      { rev: 0, type: 'xstate.init', by: 'app' },
      { rev: 1, type: 'RECORD', by: 'app' },
      { rev: 2, type: 'TRANSFER', by: 'app' },
    ]);
  });

  test('the poller wakes a case at its deadline, not a millisecond before, and escalates it once per level', async () => {
    clock.t = T0;
    await store.open('wake', 'front-desk-reception');
    await store.send('wake', RECORD);
    await store.send('wake', { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    const due = async () =>
      (await db.query(`SELECT state FROM sop_cases WHERE case_id = 'wake'`)).rows[0]?.state as string;

    clock.t = T0 + level0 - 1;
    await store.wakeDue();
    expect(await due()).toBe('transferred');
    clock.t = T0 + level0;
    expect(await store.wakeDue()).toBeGreaterThanOrEqual(1);
    expect(await due()).toBe('supervisor');
    expect((await store.get('wake'))?.nextDeadline).toBe(T0 + level1);
    expect(await store.wakeDue()).toBe(0);

    clock.t = T0 + level1 - 1;
    await store.wakeDue();
    expect(await due()).toBe('supervisor');
    clock.t = T0 + level1;
    await store.wakeDue();
    expect(await store.get('wake')).toMatchObject({ state: 'manager', nextDeadline: null });
    const mine = (await escalations(db)).filter((e) => e.case_id === 'wake');
    expect(mine.map((e) => [e.from_state, e.to_state, e.at])).toEqual([
      ['transferred', 'supervisor', T0 + level0],
      ['supervisor', 'manager', T0 + level1],
    ]);
  });

  test('a case found long overdue goes through every level in one wake, each written once', async () => {
    clock.t = T0;
    await store.open('late', 'front-desk-reception');
    await store.send('late', RECORD);
    await store.send('late', { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    clock.t = T0 + 30 * DAY;
    while ((await store.wakeDue()) > 0);
    const mine = (await escalations(db)).filter((e) => e.case_id === 'late');
    expect(mine.map((e) => [e.from_state, e.to_state])).toEqual([
      ['transferred', 'supervisor'],
      ['supervisor', 'manager'],
    ]);
    const ev = await db.query(
      `SELECT count(*)::int AS n FROM sop_case_events WHERE case_id = 'late' AND by = 'deadline'`,
    );
    expect(ev.rows[0]?.n).toBe(1);
  });

  test('a refused event is logged and changes no step; a retried event id is applied once', async () => {
    clock.t = T0;
    await store.open('refuse', 'front-desk-reception');
    await store.send('refuse', RECORD);
    const refused = await store.send('refuse', { type: 'TRANSFER', by: RECEPTIONIST }, { eventId: 'req-1' });
    expect(refused).toMatchObject({ rev: 2, state: 'recorded', duplicate: false, transitions: [] });
    const first = await store.send(
      'refuse',
      { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' },
      { eventId: 'req-2' },
    );
    const again = await store.send(
      'refuse',
      { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' },
      { eventId: 'req-2' },
    );
    expect(first).toMatchObject({ rev: 3, state: 'transferred', duplicate: false });
    expect(again).toMatchObject({ rev: 3, state: 'transferred', duplicate: true });
    const log = await db.query(
      `SELECT rev, event_id FROM sop_case_events WHERE case_id = 'refuse' ORDER BY rev`,
    );
    expect(log.rows.map((r) => r.event_id)).toEqual([null, null, 'req-1', 'req-2']);
  });

  test('mistakes are typed errors with the code the catalog words', async () => {
    clock.t = T0;
    expect(await codeOf(store.send('nobody', RECORD))).toBe('CASE_NOT_FOUND');
    await store.open('twice', 'front-desk-reception');
    expect(await codeOf(store.open('twice', 'front-desk-reception'))).toBe('CASE_EXISTS');
    expect(await codeOf(store.open('v9', 'front-desk-reception', { version: '9.9' }))).toBe(
      'CASE_MACHINE_UNKNOWN',
    );
    await store.send('twice', RECORD);
    await store.send('twice', { type: 'HANDLE', by: RECEPTIONIST });
    const done = await store.send('twice', {
      type: 'RESOLVE',
      by: RECEPTIONIST,
      handling: '已更换灯泡',
      result: '业主满意',
    });
    expect(done).toMatchObject({ status: 'done', state: 'resolved', nextDeadline: null });
    const err = await store.send('twice', RECORD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaseStoreError);
    expect((err as CaseStoreError).code).toBe('CASE_FINISHED');
    expect((err as CaseStoreError).text.zh).toContain('twice');
  });

  test('a snapshot the machine cannot restore is flagged and left as it was; the worker goes on', async () => {
    clock.t = T0;
    for (const id of ['broken', 'sound']) {
      await store.open(id, 'front-desk-reception');
      await store.send(id, RECORD);
      await store.send(id, { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' });
    }
    await db.query(
      `UPDATE sop_cases SET snapshot = jsonb_set(snapshot, '{value}', '"renamed-step"') WHERE case_id = 'broken'`,
    );
    clock.t = T0 + level0;
    while ((await store.wakeDue()) > 0);
    // An actor that failed to restore would throw from a timer later; give it the chance to.
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.get('sound')).toMatchObject({ status: 'active', state: 'supervisor' });
    const broken = await store.get('broken');
    expect(broken).toMatchObject({ status: 'error', rev: 2, nextDeadline: null });
    expect(broken?.error).toContain('renamed-step');
    expect((broken?.snapshot as { value?: string } | undefined)?.value).toBe('renamed-step');
    expect(
      await codeOf(store.send('broken', { type: 'RESOLVE', by: RECEPTIONIST, handling: 'x', result: 'y' })),
    ).toBe('CASE_SNAPSHOT_FAILED');
  });

  test('open cases keep the SOP version they were opened with; new cases take the newest', async () => {
    const db2 = await fresh();
    const c = { t: T0 };
    const old = await storeOn(db2, c, [{ id: 'front-desk-reception', version: '1.0', module: mod }]);
    await old.open('v1', 'front-desk-reception');
    const both = await storeOn(db2, c, [
      { id: 'front-desk-reception', version: '1.0', module: mod },
      { id: 'front-desk-reception', version: '1.1', module: mod },
    ]);
    expect((await both.open('v2', 'front-desk-reception')).version).toBe('1.1');
    expect((await both.send('v1', RECORD)).version).toBe('1.0');
    const only11 = await storeOn(db2, c, [{ id: 'front-desk-reception', version: '1.1', module: mod }]);
    expect(
      await codeOf(only11.send('v1', { type: 'TRANSFER', by: RECEPTIONIST, department: '工程部' })),
    ).toBe('CASE_MACHINE_UNKNOWN');
    expect((await only11.get('v1'))?.rev).toBe(1);
  }, 120_000);

  test('two worker loops and the app sending at the same time: each escalation once', async () => {
    const db2 = await fresh();
    const c = { t: T0 };
    const s = await storeOn(db2, c);
    const ids = await openTransferred(s, 40, c);
    c.t = T0 + level1 + DAY;
    const ac = new AbortController();
    const loops = [1, 2].map(() => s.runWorker({ batch: 3, idleMs: 5, signal: ac.signal }));
    // The app resolves every fourth case meanwhile; its send applies overdue escalations first.
    await Promise.all(
      ids
        .filter((_, i) => i % 4 === 0)
        .map((id) => s.send(id, { type: 'RESOLVE', by: MANAGER, handling: '已处理', result: '完成' })),
    );
    while ((await s.nextWake()) !== null && ((await s.nextWake()) ?? 0) <= c.t)
      await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await Promise.all(loops);
    const esc = await escalations(db2);
    for (const id of ids) {
      expect(esc.filter((e) => e.case_id === id).map((e) => e.to_state)).toEqual(['supervisor', 'manager']);
    }
    const states = await db2.query(
      `SELECT state, count(*)::int AS n FROM sop_cases GROUP BY state ORDER BY state`,
    );
    expect(states.rows).toEqual([
      { state: 'manager', n: 30 },
      { state: 'resolved', n: 10 },
    ]);
  }, 120_000);
});

/** Every case escalated exactly once per level, none missing, each at a time the clock had reached it. */
async function expectExactlyOnce(
  db: SqlDatabase,
  ids: string[],
  phase1: number,
  phase2: number,
): Promise<void> {
  const esc = await escalations(db);
  expect(esc).toHaveLength(2 * ids.length);
  const due0 = (i: number) => T0 + i * MIN + level0;
  ids.forEach((id, i) => {
    const mine = esc.filter((e) => e.case_id === id);
    expect(mine.map((e) => [e.from_state, e.to_state])).toEqual([
      ['transferred', 'supervisor'],
      ['supervisor', 'manager'],
    ]);
    // Level 0 in the first run only if it was due then; level 1 was due only in the second.
    expect(mine[0]?.at === phase1 ? due0(i) <= phase1 : mine[0]?.at === phase2).toBe(true);
    expect(mine[1]?.at).toBe(phase2);
  });
  const left = await db.query(
    `SELECT count(*)::int AS n FROM sop_cases WHERE status = 'active' AND next_deadline IS NOT NULL`,
  );
  expect(left.rows[0]?.n).toBe(0);
  const dupes = await db.query(
    `SELECT case_id, count(*)::int AS n FROM sop_case_events WHERE by = 'deadline' GROUP BY case_id HAVING count(*) > 2`,
  );
  expect(dupes.rows).toEqual([]);
}

describe('escalations survive a killed worker exactly once', () => {
  const N = 120;
  // First run: the clock is past level 0 of the cases received in the first 60 minutes.
  const phase1 = () => T0 + level0 + 60 * MIN;
  // Second run: past level 1 of every case.
  const phase2 = () => T0 + (N - 1) * MIN + level1 + DAY;

  test('embedded PGlite in a data folder, worker processes killed inside a transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopforge-pglite-'));
    try {
      const c = { t: T0 };
      let db = await openEmbeddedDatabase(dir);
      const ids = await openTransferred(await storeOn(db, c), N, c);
      await db.close();

      // Killed inside its second transaction: the first batch (5 cases) is committed, the second is not.
      const w1 = runWorker({ machine: file, pglite: dir, now: phase1(), batch: 5, hangAt: 2 });
      await w1.hung;
      w1.kill();
      expect((await w1.exited).signal).toBe('SIGKILL');
      db = await openEmbeddedDatabase(dir);
      expect((await escalations(db)).map((e) => e.to_state)).toEqual(Array(5).fill('supervisor'));
      await db.close();

      // The clock moves past both levels; a worker with two loops is killed mid-way, another finishes.
      const w2 = runWorker({ machine: file, pglite: dir, now: phase2(), batch: 5, workers: 2, hangAt: 5 });
      await w2.hung;
      w2.kill();
      await w2.exited;
      const w3 = await runWorker({ machine: file, pglite: dir, now: phase2(), batch: 5, workers: 2 }).exited;
      expect(w3.code, w3.err).toBe(0);

      db = await openEmbeddedDatabase(dir);
      await expectExactlyOnce(db, ids, phase1(), phase2());
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  test('PostgreSQL server: killed workers, two worker processes at once, and the app sending meanwhile', async () => {
    const url = await serverDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pools.push(pool);
    const db = pgDatabase(pool);
    const c = { t: T0 };
    const app = await storeOn(db, c);
    const ids = await openTransferred(app, N, c);

    const w1 = runWorker({ machine: file, pg: url, now: phase1(), batch: 5, hangAt: 2 });
    await w1.hung;
    w1.kill();
    await w1.exited;
    expect((await escalations(db)).map((e) => e.to_state)).toEqual(Array(5).fill('supervisor'));

    // Two processes at once: one stops inside a transaction holding its rows, the other skips them and
    // drains the rest; then the first is killed and a third takes over while the app resolves cases.
    c.t = phase2();
    const hanging = runWorker({ machine: file, pg: url, now: phase2(), batch: 5, hangAt: 1 });
    await hanging.hung;
    const other = await runWorker({ machine: file, pg: url, now: phase2(), batch: 5 }).exited;
    expect(other.code, other.err).toBe(0);
    const held = await db.query(
      `SELECT count(*)::int AS n FROM sop_cases WHERE next_deadline <= $1::timestamptz`,
      [new Date(phase2()).toISOString()],
    );
    expect(held.rows[0]?.n).toBe(5); // exactly the batch the hanging worker holds
    hanging.kill();
    await hanging.exited;
    const third = runWorker({ machine: file, pg: url, now: phase2(), batch: 2, workers: 2 });
    const resolved = ids.filter((_, i) => i % 10 === 0);
    await Promise.all(
      resolved.map((id) =>
        app.send(id, { type: 'RESOLVE', by: MANAGER, handling: '已处理', result: '完成' }),
      ),
    );
    const done = await third.exited;
    expect(done.code, done.err).toBe(0);

    await expectExactlyOnce(db, ids, phase1(), phase2());
    const states = await db.query(
      `SELECT state, count(*)::int AS n FROM sop_cases GROUP BY state ORDER BY state`,
    );
    expect(states.rows).toEqual([
      { state: 'manager', n: N - resolved.length },
      { state: 'resolved', n: resolved.length },
    ]);
  }, 300_000);
});
