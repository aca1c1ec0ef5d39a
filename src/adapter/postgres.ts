/**
 * Cases of generated SOP machines kept in PostgreSQL, with their deadlines woken from the database.
 *
 * One case is one row: its SOP and version, its persisted snapshot (jsonb) and its next deadline
 * (timestamptz, indexed). Every change is one transaction that locks the row, restores the snapshot,
 * sends one event, and writes the new snapshot, the event and the steps it went through. A poller takes
 * due rows with `FOR UPDATE SKIP LOCKED`, so any number of workers can run, and a worker killed mid-batch
 * leaves its batch as it was: the next one redoes it, and each escalation is written exactly once.
 *
 * The same code runs on an embedded PostgreSQL (`@electric-sql/pglite`, no server) and on a PostgreSQL
 * server (`pg`); it needs only `query(text, params)` and `transaction(fn)`.
 */
import { createActor } from 'xstate';
import { type Code, catalog } from '../diagnostics/catalog.js';
import type { Message } from '../diagnostics/types.js';

// ── the query interface ─────────────────────────────────────────────────

export interface SqlResult {
  readonly rows: readonly Record<string, unknown>[];
}

/** Anything that runs one parameterized query (`$1`, `$2`, …): a PGlite, a pg client, a transaction. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<SqlResult>;
}

/** A database: queries, and transactions that commit when `fn` resolves and roll back when it throws. */
export interface SqlDatabase extends SqlClient {
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** The part of `pg.Pool` the adapter uses. */
export interface PgPoolLike {
  query(text: string, params?: unknown[]): Promise<SqlResult>;
  connect(): Promise<SqlClient & { release(err?: Error | boolean): void }>;
}

/**
 * A `pg.Pool` as a {@link SqlDatabase}. (A PGlite instance is one already.)
 * @example
 * import pg from 'pg';
 * const db = pgDatabase(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 */
export function pgDatabase(pool: PgPoolLike): SqlDatabase {
  return {
    query: (text, params) => pool.query(text, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        // A connection whose ROLLBACK fails is broken: destroy it rather than return it to the pool.
        await client.query('ROLLBACK').then(
          () => client.release(),
          () => client.release(true),
        );
        throw err;
      }
    },
  };
}

/**
 * An embedded PostgreSQL (PGlite), in memory or in `dataDir`. PGlite is one connection in this process:
 * use it for one process (tests, a desktop app, a single worker); use a server to share cases between
 * processes.
 */
export async function openEmbeddedDatabase(
  dataDir?: string,
): Promise<SqlDatabase & { close(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir);
}

// ── the generated module ────────────────────────────────────────────────

interface ActorLike {
  start(): unknown;
  send(event: { type: string }): void;
  stop(): unknown;
  subscribe(observer: { error?: (err: unknown) => void }): unknown;
  getSnapshot(): { status: string; value: unknown; error?: unknown };
  getPersistedSnapshot(): unknown;
}

type Inspect = (event: {
  type: string;
  event?: { type: string };
  snapshot?: unknown;
  action?: { type: string; params?: unknown };
  _transitions?: readonly { meta?: unknown }[];
}) => void;

interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** What the adapter uses of a generated `machine.js`. */
export interface SopMachineModule {
  /** Preferred: the adapter creates the actor itself, so a snapshot that does not fit is an error it catches. */
  readonly createSopMachine?: (options: { now: () => number }) => unknown;
  readonly startActor?: (options: {
    snapshot?: unknown;
    now: () => number;
    clock: Clock;
    inspect: Inspect;
  }) => ActorLike;
  readonly nextDeadline: (snapshot: never) => number | null;
  readonly RESUME_EVENT?: string;
  /** Where the SOP id and version are read from when a registration does not name them. */
  readonly config?: {
    readonly meta?: { readonly sopforge?: { readonly sop?: { id?: unknown; version?: unknown } } };
  };
}

/** A machine to register: the module, with the SOP id and version read from its config unless given. */
export type SopMachineEntry =
  | SopMachineModule
  | { readonly id: string; readonly version: string; readonly module: SopMachineModule };

/** An event for a case: its type and its payload fields beside it (see `Event` in the machine's `.d.ts`). */
export interface CaseEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

// ── errors ──────────────────────────────────────────────────────────────

export type CaseErrorCode = Extract<Code, `CASE_${string}`>;

/** A problem of a case the app can act on (never a bug); `text` has the message in Chinese and English. */
export class CaseStoreError extends Error {
  override readonly name = 'CaseStoreError';
  readonly text: Message;
  constructor(
    readonly code: CaseErrorCode,
    readonly params: Readonly<Record<string, string>>,
  ) {
    const text = catalog[code].message(params);
    super(`${code}: ${text.en}`);
    this.text = text;
  }
}

// ── the store ───────────────────────────────────────────────────────────

export interface CaseStoreOptions {
  readonly db: SqlDatabase;
  readonly machines: readonly SopMachineEntry[];
  /** The app's clock (epoch ms): what the machines read and what "due" means. Default `Date.now`. */
  readonly now?: () => number;
  /** Prefix of the three tables (default `sop_`: `sop_cases`, `sop_case_events`, `sop_case_transitions`). */
  readonly prefix?: string;
}

export interface CaseRecord {
  readonly caseId: string;
  readonly sop: string;
  readonly version: string;
  /** How many events the case has taken (0 when just opened). */
  readonly rev: number;
  readonly status: 'active' | 'done' | 'error';
  /** The step (the snapshot's value; JSON for nested states). */
  readonly state: string;
  readonly snapshot: unknown;
  /** Epoch ms of the earliest pending deadline, or null. */
  readonly nextDeadline: number | null;
  /** Why the case is in `error` (a snapshot the registered machine could not restore or run). */
  readonly error: string | null;
}

export interface SendResult extends CaseRecord {
  /** Steps the event went through (a timer can pass several escalation levels at once). */
  readonly transitions: readonly { from: string | null; to: string; meta: unknown }[];
  /** Events the machine emitted (hand-offs, …), also stored with the event. */
  readonly emitted: readonly unknown[];
  /** True when `eventId` had been applied before: nothing was sent again. */
  readonly duplicate: boolean;
}

export interface WorkerOptions {
  /** Cases per transaction (default 100). */
  readonly batch?: number;
  /** Longest wait between polls when nothing is due (default 1000 ms). */
  readonly idleMs?: number;
  readonly signal?: AbortSignal;
  /** Called after every transaction with the number of cases woken. */
  readonly onBatch?: (woken: number) => void;
}

export interface CaseStore {
  /** Creates the tables and index if they do not exist (safe to run from several processes at once). */
  setup(): Promise<void>;
  /** Opens a case of a registered SOP (its newest registered version unless `version` is given). */
  open(caseId: string, sop: string, options?: { version?: string }): Promise<CaseRecord>;
  /**
   * Sends one event to a case: lock, restore, send, persist, in one transaction. With `eventId`, a retry
   * of the same event is recognised and not applied twice.
   */
  send(caseId: string, event: CaseEvent, options?: { eventId?: string }): Promise<SendResult>;
  get(caseId: string): Promise<CaseRecord | null>;
  /** Wakes up to `batch` due cases (sends them the resume event) in one transaction; returns how many. */
  wakeDue(batch?: number): Promise<number>;
  /** Epoch ms of the earliest deadline of an active case, or null. */
  nextWake(): Promise<number | null>;
  /** Polls until `signal` aborts: wakes due cases, then sleeps until the next deadline (at most `idleMs`). */
  runWorker(options?: WorkerOptions): Promise<void>;
}

interface Registered {
  readonly id: string;
  readonly version: string;
  readonly module: SopMachineModule;
  machine: unknown;
}

interface Run {
  readonly snapshot: unknown;
  readonly status: 'active' | 'done';
  readonly state: string;
  readonly nextDeadline: number | null;
  readonly transitions: { from: string | null; to: string; meta: unknown }[];
  readonly emitted: unknown[];
}

const RESUME = 'sop.resume';
/** Zero-delay timers an event may chain (a deadline that passed re-arms the next one); more is a loop. */
const MAX_FLUSH = 1000;

const stateOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const iso = (ms: number): string => new Date(ms).toISOString();
const msOf = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * A store of cases in PostgreSQL for generated SOP machines.
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * import * as reception from './out/front-desk-reception/machine.js';
 * const store = await createCaseStore({ db: await PGlite.create(), machines: [reception] });
 * await store.open('c-1', 'front-desk-reception');
 * await store.send('c-1', { type: 'RECORD', date: '2026-03-02', owner: '张三', phone: '138…', room: '3-201', matter: '灯不亮' });
 * const ac = new AbortController();
 * store.runWorker({ signal: ac.signal }); // escalates due cases, in this process or any other
 */
export async function createCaseStore(options: CaseStoreOptions): Promise<CaseStore> {
  const { db } = options;
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? 'sop_';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
    throw new TypeError(`table prefix must be a lower-case SQL name: ${prefix}`);
  const T = {
    cases: `${prefix}cases`,
    events: `${prefix}case_events`,
    transitions: `${prefix}case_transitions`,
  };

  const registry = new Map<string, Registered[]>();
  for (const entry of options.machines) {
    const reg = register(entry);
    const list = registry.get(reg.id) ?? [];
    if (list.some((r) => r.version === reg.version))
      throw new TypeError(`${reg.id} ${reg.version} is registered twice`);
    list.push(reg);
    registry.set(reg.id, list);
  }
  const known = () =>
    [...registry.values()]
      .flat()
      .map((r) => `${r.id} ${r.version}`)
      .join(', ') || '—';
  const machineOf = (sop: string, version: string): Registered => {
    const hit = registry.get(sop)?.find((r) => r.version === version);
    if (!hit) throw new CaseStoreError('CASE_MACHINE_UNKNOWN', { sop, version, known: known() });
    return hit;
  };

  /** Restores (or starts) an actor, sends `event`, fires what became due at once, and stops it. */
  function run(reg: Registered, caseId: string, snapshot: unknown, event: CaseEvent | null): Run {
    const timers = new Map<number, { fn: () => void; ms: number }>();
    let nextId = 0;
    // Timers never run in this process: a zero delay fires before the snapshot is stored, a later one is
    // the database's to wake (the case's next_deadline).
    const clock: Clock = {
      setTimeout: (fn, ms) => {
        timers.set(++nextId, { fn, ms });
        return nextId;
      },
      clearTimeout: (id) => timers.delete(id as number),
    };
    let from: string | null =
      snapshot === undefined ? null : stateOf((snapshot as { value?: unknown }).value);
    const transitions: Run['transitions'] = [];
    const emitted: unknown[] = [];
    const inspect: Inspect = (e) => {
      if (e.type === '@xstate.microstep' && e.snapshot) {
        const to = stateOf((e.snapshot as { value: unknown }).value);
        if (to !== from) transitions.push({ from, to, meta: e._transitions?.[0]?.meta ?? null });
        from = to;
      } else if (e.type === '@xstate.action' && e.action?.type === 'xstate.emit') {
        emitted.push((e.action.params as { event?: unknown } | undefined)?.event ?? null);
      }
    };
    const resume = reg.module.RESUME_EVENT ?? RESUME;
    let failure: unknown = null;
    let actor: ActorLike;
    try {
      if (reg.module.createSopMachine) {
        reg.machine ??= reg.module.createSopMachine({ now });
        // The machine was built by the generated module's own copy of xstate: its types are not ours.
        const logic = reg.machine as Parameters<typeof createActor>[0];
        const actorOptions = { ...(snapshot === undefined ? {} : { snapshot }), clock, inspect };
        actor = createActor(
          logic,
          actorOptions as unknown as Parameters<typeof createActor>[1],
        ) as unknown as ActorLike;
        // An observer before start: an actor that fails to restore reports to it instead of throwing later.
        actor.subscribe({ error: (err) => (failure = err) });
        actor.start();
        if (snapshot !== undefined && actor.getSnapshot().status === 'active') actor.send({ type: resume });
      } else if (reg.module.startActor) {
        actor = reg.module.startActor({
          ...(snapshot === undefined ? {} : { snapshot }),
          now,
          clock,
          inspect,
        });
        actor.subscribe({ error: (err) => (failure = err) });
      } else
        throw new TypeError(
          `${reg.id} ${reg.version}: the module exports neither createSopMachine nor startActor`,
        );
    } catch (err) {
      failure = err;
      actor = null as never;
    }
    const fail = (code: CaseErrorCode, err: unknown): never => {
      throw new CaseStoreError(code, {
        case: caseId,
        sop: reg.id,
        version: reg.version,
        reason: reasonOf(err),
      });
    };
    if (failure !== null || actor.getSnapshot().status === 'error')
      fail('CASE_SNAPSHOT_FAILED', failure ?? actor.getSnapshot().error);
    try {
      if (event !== null) {
        const s = actor.getSnapshot();
        if (s.status !== 'active')
          throw new CaseStoreError('CASE_FINISHED', {
            case: caseId,
            state: stateOf(s.value),
            event: event.type,
          });
        if (event.type !== resume || snapshot === undefined) actor.send(event);
      }
      for (let round = 0; ; round++) {
        const due = [...timers].filter(([, t]) => t.ms <= 0);
        if (due.length === 0) break;
        if (round >= MAX_FLUSH) fail('CASE_MACHINE_ERROR', new Error('zero-delay timers keep firing'));
        for (const [id, t] of due) {
          timers.delete(id);
          t.fn();
        }
      }
      const after = actor.getSnapshot();
      if (failure !== null || after.status === 'error') fail('CASE_MACHINE_ERROR', failure ?? after.error);
      const persisted = actor.getPersistedSnapshot();
      return {
        snapshot: persisted,
        status: after.status === 'done' ? 'done' : 'active',
        state: stateOf(after.value),
        nextDeadline: after.status === 'active' ? reg.module.nextDeadline(persisted as never) : null,
        transitions,
        emitted,
      };
    } finally {
      actor.stop();
    }
  }

  const selectCase = `SELECT case_id, sop_id, sop_version, rev, status, state, snapshot, error,
    (extract(epoch FROM next_deadline) * 1000)::float8 AS next_ms FROM ${T.cases}`;

  function record(row: Record<string, unknown>): CaseRecord {
    return {
      caseId: String(row.case_id),
      sop: String(row.sop_id),
      version: String(row.sop_version),
      rev: Number(row.rev),
      status: row.status as CaseRecord['status'],
      state: String(row.state),
      snapshot: row.snapshot,
      nextDeadline: msOf(row.next_ms),
      error: row.error === null || row.error === undefined ? null : String(row.error),
    };
  }

  interface Applied {
    readonly row: CaseRecord;
    readonly event: CaseEvent;
    readonly eventId: string | null;
    readonly run: Run;
  }

  /**
   * Writes applied events, each case's log row, its steps and its new snapshot: three statements for a
   * whole batch (rows passed as one jsonb array), since a statement costs more than the rows it writes.
   */
  async function persist(
    tx: SqlClient,
    list: readonly Applied[],
    by: 'app' | 'deadline',
    at: number,
  ): Promise<CaseRecord[]> {
    if (list.length === 0) return [];
    const when = iso(at);
    const events = list.map((a) => ({
      case_id: a.row.caseId,
      rev: a.row.rev + 1,
      type: a.event.type,
      event: a.event,
      event_id: a.eventId,
      emitted: a.run.emitted,
    }));
    await tx.query(
      `INSERT INTO ${T.events} (case_id, rev, type, event, event_id, by, emitted, at)
       SELECT x.case_id, x.rev, x.type, x.event, x.event_id, $2, x.emitted, $3::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(case_id text, rev integer, type text, event jsonb, event_id text, emitted jsonb)`,
      [JSON.stringify(events), by, when],
    );
    const steps = list.flatMap((a) =>
      a.run.transitions.map((t, n) => ({
        case_id: a.row.caseId,
        rev: a.row.rev + 1,
        n,
        event: a.event.type,
        from_state: t.from,
        to_state: t.to,
        meta: t.meta,
      })),
    );
    await insertTransitions(tx, steps, at);
    const cases = list.map((a) => ({
      case_id: a.row.caseId,
      rev: a.row.rev + 1,
      status: a.run.status,
      state: a.run.state,
      snapshot: a.run.snapshot,
      next_deadline: a.run.nextDeadline === null ? null : iso(a.run.nextDeadline),
    }));
    // woken_at is set by a wake and cleared by an app's event, which may give the case a new deadline.
    await tx.query(
      `UPDATE ${T.cases} AS c SET rev = x.rev, status = x.status, state = x.state, snapshot = x.snapshot,
         next_deadline = x.next_deadline, woken_at = $2::timestamptz, error = NULL, updated_at = $3::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(case_id text, rev integer, status text, state text, snapshot jsonb, next_deadline timestamptz)
       WHERE c.case_id = x.case_id`,
      [JSON.stringify(cases), by === 'deadline' ? when : null, when],
    );
    return list.map((a) => ({
      ...a.row,
      rev: a.row.rev + 1,
      status: a.run.status,
      state: a.run.state,
      snapshot: a.run.snapshot,
      nextDeadline: a.run.nextDeadline,
      error: null,
    }));
  }

  async function insertTransitions(
    tx: SqlClient,
    steps: readonly Record<string, unknown>[],
    at: number,
  ): Promise<void> {
    if (steps.length === 0) return;
    await tx.query(
      `INSERT INTO ${T.transitions} (case_id, rev, n, event, from_state, to_state, meta, at)
       SELECT x.case_id, x.rev, x.n, x.event, x.from_state, x.to_state, x.meta, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS x(case_id text, rev integer, n integer, event text, from_state text, to_state text, meta jsonb)`,
      [JSON.stringify(steps), iso(at)],
    );
  }

  async function markFailed(tx: SqlClient, caseId: string, err: CaseStoreError, at: number): Promise<void> {
    await tx.query(
      `UPDATE ${T.cases} SET status = 'error', error = $2, next_deadline = NULL, updated_at = $3::timestamptz WHERE case_id = $1`,
      [caseId, err.message, iso(at)],
    );
  }

  const store: CaseStore = {
    async setup() {
      // Once the tables exist, DDL is skipped: even CREATE INDEX IF NOT EXISTS waits for a lock that
      // conflicts with any open transaction writing cases, so a restarting worker would queue behind them.
      const names = [T.cases, `${T.cases}_due`, T.events, `${T.events}_id`, T.transitions];
      const have = await db.query(
        `SELECT ${names.map((_, i) => `to_regclass($${i + 1}::text) IS NOT NULL`).join(' AND ')} AS ready`,
        names,
      );
      if (have.rows[0]?.ready === true) return;
      await db.transaction(async (tx) => {
        // Two processes creating the same tables at once collide in the catalog: take turns.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sopforge:${prefix}`]);
        await tx.query(`CREATE TABLE IF NOT EXISTS ${T.cases} (
          case_id text PRIMARY KEY,
          sop_id text NOT NULL,
          sop_version text NOT NULL,
          rev integer NOT NULL,
          status text NOT NULL CHECK (status IN ('active', 'done', 'error')),
          state text NOT NULL,
          snapshot jsonb NOT NULL,
          next_deadline timestamptz,
          woken_at timestamptz,
          error text,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL)`);
        await tx.query(`CREATE INDEX IF NOT EXISTS ${T.cases}_due ON ${T.cases} (next_deadline)
          WHERE status = 'active' AND next_deadline IS NOT NULL`);
        await tx.query(`CREATE TABLE IF NOT EXISTS ${T.events} (
          case_id text NOT NULL REFERENCES ${T.cases} (case_id) ON DELETE CASCADE,
          rev integer NOT NULL,
          type text NOT NULL,
          event jsonb NOT NULL,
          event_id text,
          by text NOT NULL CHECK (by IN ('app', 'deadline')),
          emitted jsonb NOT NULL,
          at timestamptz NOT NULL,
          PRIMARY KEY (case_id, rev))`);
        await tx.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${T.events}_id ON ${T.events} (case_id, event_id)
          WHERE event_id IS NOT NULL`);
        await tx.query(`CREATE TABLE IF NOT EXISTS ${T.transitions} (
          case_id text NOT NULL,
          rev integer NOT NULL,
          n integer NOT NULL,
          event text NOT NULL,
          from_state text,
          to_state text NOT NULL,
          meta jsonb,
          at timestamptz NOT NULL,
          PRIMARY KEY (case_id, rev, n),
          FOREIGN KEY (case_id, rev) REFERENCES ${T.events} (case_id, rev) ON DELETE CASCADE)`);
      });
    },

    async open(caseId, sop, opts = {}) {
      const list = registry.get(sop) ?? [];
      const reg =
        opts.version === undefined ? list[list.length - 1] : list.find((r) => r.version === opts.version);
      if (!reg)
        throw new CaseStoreError('CASE_MACHINE_UNKNOWN', {
          sop,
          version: opts.version ?? '—',
          known: known(),
        });
      const at = now();
      const r = run(reg, caseId, undefined, null);
      return db.transaction(async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO ${T.cases} (case_id, sop_id, sop_version, rev, status, state, snapshot, next_deadline, created_at, updated_at)
           VALUES ($1, $2, $3, 0, $4, $5, $6::jsonb, $7::timestamptz, $8::timestamptz, $8::timestamptz)
           ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
          [
            caseId,
            reg.id,
            reg.version,
            r.status,
            r.state,
            JSON.stringify(r.snapshot),
            r.nextDeadline === null ? null : iso(r.nextDeadline),
            iso(at),
          ],
        );
        if (inserted.rows.length === 0) throw new CaseStoreError('CASE_EXISTS', { case: caseId });
        await tx.query(
          `INSERT INTO ${T.events} (case_id, rev, type, event, by, emitted, at)
           VALUES ($1, 0, 'xstate.init', '{"type":"xstate.init"}'::jsonb, 'app', $2::jsonb, $3::timestamptz)`,
          [caseId, JSON.stringify(r.emitted), iso(at)],
        );
        await insertTransitions(
          tx,
          [
            {
              case_id: caseId,
              rev: 0,
              n: 0,
              event: 'xstate.init',
              from_state: null,
              to_state: r.state,
              meta: null,
            },
          ],
          at,
        );
        return {
          caseId,
          sop: reg.id,
          version: reg.version,
          rev: 0,
          status: r.status,
          state: r.state,
          snapshot: r.snapshot,
          nextDeadline: r.nextDeadline,
          error: null,
        };
      });
    },

    async send(caseId, event, opts = {}) {
      const eventId = opts.eventId ?? null;
      return db.transaction(async (tx) => {
        const { rows } = await tx.query(`${selectCase} WHERE case_id = $1 FOR UPDATE`, [caseId]);
        if (rows[0] === undefined) throw new CaseStoreError('CASE_NOT_FOUND', { case: caseId });
        const row = record(rows[0]);
        if (eventId !== null) {
          const seen = await tx.query(`SELECT 1 FROM ${T.events} WHERE case_id = $1 AND event_id = $2`, [
            caseId,
            eventId,
          ]);
          if (seen.rows.length > 0) return { ...row, transitions: [], emitted: [], duplicate: true };
        }
        if (row.status === 'done')
          throw new CaseStoreError('CASE_FINISHED', { case: caseId, state: row.state, event: event.type });
        if (row.status === 'error')
          throw new CaseStoreError('CASE_SNAPSHOT_FAILED', {
            case: caseId,
            sop: row.sop,
            version: row.version,
            reason: row.error ?? '',
          });
        const at = now();
        const r = run(machineOf(row.sop, row.version), caseId, row.snapshot, event);
        const [saved] = await persist(tx, [{ row, event, eventId, run: r }], 'app', at);
        return { ...(saved as CaseRecord), transitions: r.transitions, emitted: r.emitted, duplicate: false };
      });
    },

    async get(caseId) {
      const { rows } = await db.query(`${selectCase} WHERE case_id = $1`, [caseId]);
      return rows[0] === undefined ? null : record(rows[0]);
    },

    async wakeDue(batch = 100) {
      const at = now();
      return db.transaction(async (tx) => {
        // woken_at < next_deadline: a case whose wake did not move its deadline is not taken again and again.
        const { rows } = await tx.query(
          `${selectCase}
           WHERE status = 'active' AND next_deadline <= $1::timestamptz AND (woken_at IS NULL OR woken_at < next_deadline)
           ORDER BY next_deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [iso(at), batch],
        );
        const applied: Applied[] = [];
        for (const raw of rows) {
          const row = record(raw);
          try {
            const reg = machineOf(row.sop, row.version);
            const event = { type: reg.module.RESUME_EVENT ?? RESUME };
            applied.push({ row, event, eventId: null, run: run(reg, row.caseId, row.snapshot, event) });
          } catch (err) {
            // A case the worker cannot restore or run stays as it was, flagged, and stops being polled.
            if (!(err instanceof CaseStoreError)) throw err;
            await markFailed(tx, row.caseId, err, at);
          }
        }
        await persist(tx, applied, 'deadline', at);
        return rows.length;
      });
    },

    async nextWake() {
      const { rows } = await db.query(
        `SELECT (extract(epoch FROM min(next_deadline)) * 1000)::float8 AS ms FROM ${T.cases} WHERE status = 'active'`,
      );
      return msOf(rows[0]?.ms);
    },

    async runWorker(opts = {}) {
      const batch = opts.batch ?? 100;
      const idleMs = opts.idleMs ?? 1000;
      while (!opts.signal?.aborted) {
        const woken = await store.wakeDue(batch);
        opts.onBatch?.(woken);
        if (woken === batch) continue;
        const next = await store.nextWake();
        const wait = next === null ? idleMs : Math.min(idleMs, Math.max(0, next - now()));
        if (wait > 0) await sleep(wait, opts.signal);
      }
    },
  };
  return store;
}

function register(entry: SopMachineEntry): Registered {
  if ('module' in entry)
    return { id: entry.id, version: entry.version, module: entry.module, machine: undefined };
  const sop = entry.config?.meta?.sopforge?.sop;
  if (typeof sop?.id !== 'string' || typeof sop.version !== 'string')
    throw new TypeError(
      'a machine module without config.meta.sopforge.sop: register it as { id, version, module }',
    );
  return { id: sop.id, version: sop.version, module: entry, machine: undefined };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
