import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import { filesUnder } from '../helpers.js';
import { bundledSops } from './helpers.js';

const GOLDEN = join(import.meta.dirname, '__golden__');
/** The readable artifacts are kept as goldens; machine.js/.json/.scxml embed runtime code and holiday data. */
const KEPT = ['machine.d.ts', 'machine.mmd'];

/** `.txt` keeps formatters and linters off the goldens. */
const goldenName = (path: string) => (path.endsWith('.ts') ? `${path}.txt` : path);

const sops = (await bundledSops()).filter((s) => s.kind === 'procedure' && s.workflow !== null);

describe('golden files (update with `npx vitest run test/machine -u`)', () => {
  for (const sop of sops) {
    test(sop.id, async () => {
      for (const a of emitMachineArtifacts(sop).filter((x) => KEPT.includes(x.path))) {
        await expect(a.data).toMatchFileSnapshot(join(GOLDEN, sop.id, goldenName(a.path)));
      }
    });
  }

  test('no orphaned goldens', () => {
    const expected = sops.flatMap((s) => KEPT.map((k) => `${s.id}/${goldenName(k)}`)).sort();
    const found = filesUnder(GOLDEN);
    expect(found.filter((f) => !expected.includes(f))).toEqual([]);
  });
});
