import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { XSTATE_RANGE } from '../../src/compile/machine/package.js';
import type { ProcedureSop } from '../../src/model/types.js';
import { bundledSop, emitToTemp, importMachine, ROOT } from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/consumer');

/** A case: a refusal, can() on both sides of the sender rule, persist and restore past the first deadline. */
const RUN_CASE = `
import { SimulatedClock } from 'xstate';
import { startActor } from './machine.js';
const clock = new SimulatedClock();
clock.set(Date.parse('2026-03-02T10:00:00+08:00'));
const a = startActor({ clock });
const refused = [];
a.on('sop.refused', (e) => refused.push(e.code));
const by = { role: 'receptionist', name: '李四' };
const record = { type: 'RECORD', by, date: '2026-03-02', owner: '张三', phone: '13800000000', room: '3-201', matter: '灯不亮' };
a.send({ ...record, channel: 'fax' });
a.send(record);
const can = [a.getSnapshot().can({ type: 'TRANSFER', by, department: 'd' }), a.getSnapshot().can({ type: 'TRANSFER', department: 'd' })];
a.send({ type: 'TRANSFER', by, department: 'd' });
const saved = JSON.parse(JSON.stringify(a.getPersistedSnapshot()));
a.stop();
const later = new SimulatedClock();
later.set(Date.parse('2026-03-05T10:00:00+08:00'));
const b = startActor({ clock: later, snapshot: saved });
console.log(JSON.stringify({ refused, can, restored: b.getSnapshot().value }));
`;

/**
 * Type-checks `files` (fixtures, `.ts.txt` in the repo) beside a SOP's generated machine; tsc's error
 * lines. `xstate` is the folder of the xstate package the app has (the project's by default).
 */
async function typeCheck(sopId: string, files: readonly string[], xstate?: string): Promise<string[]> {
  const dir = xstate
    ? appWith(await bundledSop(sopId), xstate)
    : (await importMachine(await bundledSop(sopId))).dir;
  for (const f of files) writeFileSync(join(dir, f), readFileSync(join(FIXTURES, `${f}.txt`)));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        skipLibCheck: false,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        types: [],
      },
      files,
    }),
  );
  let out = '';
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? err);
  }
  // xstate's own declarations do not all pass skipLibCheck: false; the generated ones and the app must.
  return out.split('\n').filter((l) => /^(machine\.d\.ts|[\w-]+\.ts)\(\d+,\d+\): error TS/.test(l));
}

/** A folder with a SOP's machine artifacts and `node_modules/xstate` linked to `xstate`. */
function appWith(sop: ProcedureSop, xstate: string): string {
  const dir = emitToTemp(sop);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(xstate, join(dir, 'node_modules/xstate'), 'dir');
  return dir;
}

/** The oldest xstate of the declared peer range, installed once into a cache folder. */
function oldestXstate(): { version: string; dir: string } {
  const version = /^\^(\d+\.\d+\.\d+)$/.exec(XSTATE_RANGE)?.[1];
  if (!version) throw new Error(`the range ${XSTATE_RANGE} is not ^x.y.z`);
  const cache = join(tmpdir(), `sopforge-xstate-${version}`);
  const dir = join(cache, 'node_modules/xstate');
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'package.json'), JSON.stringify({ name: 'xstate-range', private: true }));
    execFileSync('npm', ['install', `xstate@${version}`, '--no-audit', '--no-fund', '--silent'], {
      cwd: cache,
    });
  }
  return { version, dir };
}

/** The 1-based lines of a fixture marked `// error`. */
function marked(file: string): number[] {
  return readFileSync(join(FIXTURES, `${file}.txt`), 'utf8')
    .split('\n')
    .flatMap((l, i) => (/\/\/ error\b/.test(l) ? [i + 1] : []));
}

const errorLines = (errors: readonly string[], file: string) => [
  ...new Set(errors.filter((e) => e.startsWith(`${file}(`)).map((e) => Number(/\((\d+),/.exec(e)?.[1]))),
];

describe('machine.d.ts matches what the runtime accepts (strict consumer, tsc --noEmit)', () => {
  test('a correct app compiles: senders, refusals, nextDeadline of a persisted snapshot, every export', async () => {
    expect(await typeCheck('front-desk-reception', ['good.ts'])).toEqual([]);
  }, 120_000);

  test('wrong events fail at exactly the marked lines, and machine.d.ts itself has no error', async () => {
    const front = await typeCheck('front-desk-reception', ['bad.ts']);
    expect(front.filter((e) => e.startsWith('machine.d.ts'))).toEqual([]);
    expect(errorLines(front, 'bad.ts')).toEqual(marked('bad.ts'));
    const duty = await typeCheck('duty-handover-public-affairs', ['bad-duty.ts']);
    expect(duty.filter((e) => e.startsWith('machine.d.ts'))).toEqual([]);
    expect(errorLines(duty, 'bad-duty.ts')).toEqual(marked('bad-duty.ts'));
  }, 120_000);

  test('the declared xstate range: oldest and newest type-check the consumers and run a case', async () => {
    const newest = JSON.parse(readFileSync(join(ROOT, 'node_modules/xstate/package.json'), 'utf8')).version;
    const oldest = oldestXstate();
    expect(XSTATE_RANGE).toBe(`^${oldest.version}`);
    expect(newest.split('.')[0]).toBe(oldest.version.split('.')[0]);
    for (const xstate of [oldest.dir, join(ROOT, 'node_modules/xstate')]) {
      const version = JSON.parse(readFileSync(join(xstate, 'package.json'), 'utf8')).version;
      const errors = await typeCheck('front-desk-reception', ['good.ts', 'bad.ts'], xstate);
      expect(
        errors.filter((e) => !e.startsWith('bad.ts(')),
        version,
      ).toEqual([]);
      expect(errors.length > 0 && errorLines(errors, 'bad.ts'), version).toEqual(marked('bad.ts'));
      // And at run time, in a process of its own with that xstate.
      const dir = appWith(await bundledSop('front-desk-reception'), xstate);
      writeFileSync(join(dir, 'case.mjs'), RUN_CASE);
      const out = JSON.parse(execFileSync(process.execPath, ['case.mjs'], { cwd: dir, encoding: 'utf8' }));
      expect(out, version).toEqual({
        refused: ['PAYLOAD_INVALID'],
        can: [true, false],
        restored: 'supervisor',
      });
    }
  }, 400_000);

  test('every export of machine.js is declared in machine.d.ts', async () => {
    for (const id of ['front-desk-reception', 'duty-handover-public-affairs']) {
      const { mod, dir } = await importMachine(await bundledSop(id));
      const dts = readFileSync(join(dir, 'machine.d.ts'), 'utf8');
      const declared = [...dts.matchAll(/^export declare (?:const|function|class) ([A-Za-z_$][\w$]*)/gm)].map(
        (m) => m[1],
      );
      expect(Object.keys(mod).sort()).toEqual([...new Set(declared)].sort());
    }
  });
});
