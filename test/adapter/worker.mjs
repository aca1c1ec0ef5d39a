// A worker process of the durability tests: wakes the cases due at its clock until none is left, then exits.
// Argument: JSON { machine, pg | pglite, now, batch, workers, hangAt }. With `hangAt`, the worker stops
// inside a transaction, right after its hangAt-th UPDATE of cases (one per batch), prints "hung" and waits
// to be killed.
import { createCaseStore, openEmbeddedDatabase, pgDatabase } from '../../dist/adapter/postgres.js';

const o = JSON.parse(process.argv[2] ?? '{}');
const mod = await import(o.machine);

let base;
let close;
if (o.pg) {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: o.pg, max: (o.workers ?? 1) + 1 });
  base = pgDatabase(pool);
  close = () => pool.end();
} else {
  const lite = await openEmbeddedDatabase(o.pglite);
  base = lite;
  close = () => lite.close();
}

let updates = 0;
const watch = (client) => ({
  async query(text, params) {
    const result = await client.query(text, params);
    if (o.hangAt !== undefined && /^\s*UPDATE/i.test(text) && ++updates === o.hangAt) {
      process.stdout.write('hung\n');
      await new Promise(() => setInterval(() => {}, 1000));
    }
    return result;
  },
});
const db = {
  query: (t, p) => base.query(t, p),
  transaction: (fn) => base.transaction((tx) => fn(watch(tx))),
};

const store = await createCaseStore({ db, machines: [mod], now: () => o.now });
await store.setup();
await Promise.all(
  Array.from({ length: o.workers ?? 1 }, async () => {
    for (;;) {
      const woken = await store.wakeDue(o.batch ?? 5);
      process.stdout.write(`woke ${woken}\n`);
      if (woken === 0) return;
    }
  }),
);
await close();
