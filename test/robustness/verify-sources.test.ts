import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelTarget } from '../../src/build/model-target.js';
import { buildToFolder } from '../../src/build/output.js';
import { isClean, verifyOutput } from '../../src/build/verify.js';
import { loadSopSet } from '../../src/load/index.js';
import type { SopSet } from '../../src/model/types.js';
import { tempDir } from '../helpers.js';
import { mutationsOf } from '../history/diff-mutations.js';
import { copyBundled } from './helpers.js';

/**
 * Any edit of a SOP source after a build is reported by `verify`: value edits (valid or not), comments,
 * whitespace, line endings, an emptied or binary file. Only the model target is built: verify compares the
 * sources with the hashes the manifest recorded, whatever the targets. (Adding or removing a leading
 * byte-order mark is not reported: the loader drops it, so the SOP and every output stay the same.)
 */
const FILE = 'front-desk-reception.yaml';

describe('verify reports every edit of a source after a build', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let original: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-verify-edits-'));
    await copyBundled(dir);
    const { set } = await loadSopSet(['sops'], { cwd: dir });
    await buildToFolder(set as SopSet, join(dir, 'out'), {}, [modelTarget]);
    original = await readFile(join(dir, 'sops', FILE), 'utf8');
  });
  afterAll(() => cleanup());

  const verify = () => verifyOutput(join(dir, 'out'), ['sops'], dir);

  it('is clean before any edit', async () => {
    expect(isClean(await verify())).toBe(true);
  });

  it('reports the edited file, and only it, for each kind of edit', async () => {
    const [values] = fc.sample(fc.shuffledSubarray(mutationsOf(original), { minLength: 20, maxLength: 20 }), {
      seed: 20261201,
      numRuns: 1,
    });
    const edits: (string | Uint8Array)[] = [
      ...(values ?? []).map((m) => m.text),
      original.replace('\n', '\n# a comment\n'),
      `${original}\n`,
      original.replace(/ +$/m, '').replace('\n', ' \n'),
      original.replaceAll('\n', '\r\n'),
      original.replace('接待', '接 待'),
      '',
      Uint8Array.of(0x73, 0x6f, 0x00, 0x70),
      Uint8Array.of(0xc0, 0xaf),
    ];
    for (const text of edits) {
      expect(text).not.toEqual(original);
      await writeFile(join(dir, 'sops', FILE), text);
      const report = await verify();
      expect(report.sources).toEqual([
        { id: 'front-desk-reception', file: `sops/${FILE}`, problem: 'changed', version: '1.0' },
      ]);
      expect([report.changed, report.missing, report.extra]).toEqual([[], [], []]);
    }
    await writeFile(join(dir, 'sops', FILE), original);
    expect(isClean(await verify())).toBe(true);
  }, 120_000);
});
