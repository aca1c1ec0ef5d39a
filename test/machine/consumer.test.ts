import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bundledSop, importMachine, ROOT } from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/consumer');

/** Type-checks `files` (fixtures, `.ts.txt` in the repo) beside a SOP's generated machine; tsc's error lines. */
async function typeCheck(sopId: string, files: readonly string[]): Promise<string[]> {
  const { dir } = await importMachine(await bundledSop(sopId));
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
