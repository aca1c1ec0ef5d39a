// Cases at run time (after `npm run build`): (a) a reception case's whole life (start, RECORD → TRANSFER →
// RESOLVE) in the generated machine beside stock XState running a hand-written machine of the same shape;
// (b) events per second on one actor; (c) how many due cases per second the PostgreSQL case store wakes and
// escalates with 10 000 open cases, on embedded PGlite and on a PostgreSQL server when one is installed.
// Options: --ms <per figure, default 1500> --cases <default 10000> --runs <default 3> --no-server
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assign, createActor, setup } from 'xstate';
import { ROOT } from './lib/variants.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MS = arg('ms', 1500);
const CASES = arg('cases', 10_000);
const RUNS = arg('runs', 3);
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

const { loadSopSet, emitMachineArtifacts, createCaseStore, openEmbeddedDatabase, pgDatabase } = await import(
  pathToFileURL(join(ROOT, 'dist/index.js')).href
);

// ── the generated machine, written and imported as an app would ─────────
const { set } = await loadSopSet(['sops/'], { cwd: ROOT });
const sop = set.sops.find((s) => s.id === 'front-desk-reception');
const dir = mkdtempSync(join(tmpdir(), 'sopforge-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const a of emitMachineArtifacts(sop, { calendars: [] })) {
  mkdirSync(dirname(join(dir, a.path)), { recursive: true });
  writeFileSync(join(dir, a.path), a.data);
}
symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
const gen = await import(pathToFileURL(join(dir, 'machine.js')).href);

// ── the same shape by hand, in stock XState ──────────────────────────────
const need =
  (fields) =>
  ({ event }) =>
    fields.every((f) => event[f] != null && String(event[f]).trim() !== '');
const keep = (fields) => assign(({ event }) => Object.fromEntries(fields.map((f) => [f, event[f] ?? null])));
const refuse = (message) => assign({ lastRefusal: () => message });
const record = ['date', 'owner', 'phone', 'room', 'matter'];
const resolve = ['handling', 'result'];
const done = { guard: need(resolve), target: 'resolved', actions: keep(resolve) };
const stock = setup({ delays: { level0: 2 * DAY, level1: 7 * DAY - 2 * DAY } }).createMachine({
  id: 'reception',
  initial: 'received',
  context: {
    date: null,
    owner: null,
    phone: null,
    room: null,
    matter: null,
    department: null,
    handling: null,
    result: null,
    lastRefusal: null,
  },
  states: {
    received: {
      on: {
        RECORD: [
          { guard: need(record), target: 'recorded', actions: keep(record) },
          { actions: refuse('须填写…') },
        ],
      },
    },
    recorded: {
      on: {
        TRANSFER: [
          { guard: need(['department']), target: 'transferred', actions: keep(['department']) },
          { actions: refuse('须注明…') },
        ],
        HANDLE: 'handling',
        COMPLAINT: 'complaint',
      },
      after: { level0: 'supervisor' },
    },
    handling: { after: { level0: 'supervisor' }, on: { RESOLVE: [done, { actions: refuse('须记录…') }] } },
    transferred: { after: { level0: 'supervisor' }, on: { RESOLVE: [done, { actions: refuse('须记录…') }] } },
    supervisor: { after: { level1: 'manager' }, on: { RESOLVE: [done, { actions: refuse('须记录…') }] } },
    manager: { on: { RESOLVE: [done, { actions: refuse('须记录…') }], CLOSE: 'closed' } },
    complaint: { type: 'final' },
    resolved: { type: 'final' },
    closed: { type: 'final' },
  },
});

const RECORD = {
  type: 'RECORD',
  by: { role: 'receptionist', name: '李四' },
  // Received today in site time (UTC+8): the ladder counts from the reception date, on the wall clock.
  date: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
  owner: '张三',
  phone: '13800000000',
  room: '3-201',
  matter: '楼道灯不亮',
};
const TRANSFER = { type: 'TRANSFER', by: { role: 'receptionist', name: '李四' }, department: '工程部' };
// A transferred request is resolved by the department it went to.
const RESOLVE = {
  type: 'RESOLVE',
  by: { role: 'departments', name: '工程部' },
  handling: '已更换灯泡',
  result: '业主满意',
};

/** Calls `fn` in a loop for about MS ms, RUNS times; the median rate per second. */
function rate(fn) {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < MS) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
      now = performance.now();
    }
    rates.push((n * 1000) / (now - start));
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

const life = (start) => () => {
  const actor = start();
  actor.send(RECORD);
  actor.send(TRANSFER);
  actor.send(RESOLVE);
  if (actor.getSnapshot().status !== 'done') throw new Error('the case did not finish');
};
const k = (x) => `${(x / 1000).toFixed(1)} k/s`;

const genLife = rate(life(() => gen.startActor()));
const genMachine = gen.createSopMachine();
const genLifeShared = rate(life(() => createActor(genMachine).start()));
const stockLife = rate(life(() => createActor(stock).start()));
console.log('(a) a case’s whole life (start, RECORD → TRANSFER → RESOLVE)');
console.log(
  `    generated, startActor() per case (one machine per clock): ${k(genLife)}  (${(stockLife / genLife).toFixed(1)}× slower than stock)`,
);
console.log(
  `    generated, one createSopMachine() shared by the cases:  ${k(genLifeShared)}  (${(stockLife / genLifeShared).toFixed(1)}× slower than stock)`,
);
console.log(`    stock XState, hand-written machine of the same shape:   ${k(stockLife)}`);

const one = gen.startActor();
one.send(RECORD);
const genRefused = rate(() => one.send({ type: 'TRANSFER' }));
one.send(TRANSFER);
const genResume = rate(() => one.send({ type: gen.RESUME_EVENT }));
one.stop();
const two = createActor(stock).start();
two.send(RECORD);
const stockRefused = rate(() => two.send({ type: 'TRANSFER' }));
two.stop();
console.log('(b) events per second on one actor');
console.log(
  `    generated: refused TRANSFER in recorded ${k(genRefused)}; sop.resume in transferred (re-arms the timer) ${k(genResume)}`,
);
console.log(`    stock:     refused TRANSFER in recorded ${k(stockRefused)}`);

// ── (c) the case store waking 10 000 due cases ───────────────────────────
async function wakeAll(db, label, workers) {
  const clock = { t: T0 };
  const store = await createCaseStore({ db, machines: [gen], now: () => clock.t });
  await store.setup();
  await db.query('TRUNCATE sop_case_transitions, sop_case_events, sop_cases');
  await store.open('template', 'front-desk-reception');
  await store.send('template', RECORD);
  const t = await store.send('template', TRANSFER);
  // Every case is a copy of one transferred case (same snapshot and deadline), inserted in one statement.
  await db.query(
    `INSERT INTO sop_cases (case_id, sop_id, sop_version, rev, status, state, snapshot, next_deadline, created_at, updated_at)
     SELECT 'case-' || g, sop_id, sop_version, rev, status, state, snapshot, next_deadline, created_at, updated_at
     FROM sop_cases, generate_series(1, $1::int) g WHERE case_id = 'template'`,
    [CASES - 1],
  );
  clock.t = t.nextDeadline + DAY;
  const start = performance.now();
  let woken = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const n = await store.wakeDue(100);
        woken += n;
        if (n === 0) return;
      }
    }),
  );
  const s = (performance.now() - start) / 1000;
  const esc = await db.query(
    `SELECT count(*)::int AS n FROM sop_case_transitions WHERE to_state = 'supervisor'`,
  );
  if (woken !== CASES || esc.rows[0].n !== CASES)
    throw new Error(`woke ${woken}, escalated ${esc.rows[0].n} of ${CASES}`);
  console.log(`    ${label}: ${CASES} cases in ${s.toFixed(2)} s = ${Math.round(CASES / s)} cases/s`);
}

console.log(
  `(c) the case store waking and escalating ${CASES} due cases (batches of 100, one transaction each)`,
);
const lite = await openEmbeddedDatabase();
await wakeAll(lite, 'embedded PGlite (in memory), 1 worker', 1);
await lite.close();

const bin = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .map((v) => join('/usr/lib/postgresql', v, 'bin'))
      .find((b) => existsSync(join(b, 'initdb')))
  : undefined;
if (process.argv.includes('--no-server')) console.log('    PostgreSQL server: skipped (--no-server)');
else if (!bin) console.log('    PostgreSQL server: not installed (apt-get install -y postgresql)');
else {
  const root = process.getuid?.() === 0;
  const pgdir = mkdtempSync(join(tmpdir(), 'sopforge-bench-pg-'));
  const as = (cmd, args) =>
    execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: 'pipe',
    });
  if (root) chownSync(pgdir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  const port = await new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => res(p));
    });
  });
  as(join(bin, 'initdb'), ['-D', join(pgdir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  as(join(bin, 'pg_ctl'), [
    '-D',
    join(pgdir, 'data'),
    '-o',
    `-p ${port} -k ${pgdir} -c listen_addresses=127.0.0.1`,
    '-l',
    join(pgdir, 'log'),
    '-w',
    'start',
  ]);
  try {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 4 });
    const db = pgDatabase(pool);
    await wakeAll(db, 'PostgreSQL 15 server (localhost, fsync on), 1 worker', 1);
    await wakeAll(db, 'PostgreSQL 15 server (localhost, fsync on), 2 workers', 2);
    await pool.end();
  } finally {
    as(join(bin, 'pg_ctl'), ['-D', join(pgdir, 'data'), '-m', 'fast', '-w', 'stop']);
    rmSync(pgdir, { recursive: true, force: true });
  }
}
