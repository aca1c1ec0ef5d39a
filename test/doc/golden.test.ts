import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { documentTarget } from '../../src/render/doc/index.js';
import { filesUnder } from '../helpers.js';
import { bundledSet } from './helpers.js';

const GOLDEN = join(import.meta.dirname, '__golden__');
/**
 * One Markdown and one HTML document: the reception procedure (dotted numbers 1 … 4.9) and the duty
 * procedure of 第4篇 (一、 1、 （1） a、). `.txt` keeps formatters and linters off the goldens.
 */
const KEPT: readonly { sop: string; path: string }[] = [
  { sop: 'front-desk-reception', path: 'sop.md' },
  { sop: 'duty-handover-service-center', path: 'sop.html' },
];
const goldenName = (k: { sop: string; path: string }) => `${k.sop}/${k.path}.txt`;

describe('document golden files (update with `npx vitest run test/doc/golden.test.ts -u`)', () => {
  for (const k of KEPT) {
    test(`${k.sop} ${k.path}`, async () => {
      const set = await bundledSet();
      const sop = set.sops.find((s) => s.id === k.sop);
      if (!sop) throw new Error(`no SOP ${k.sop}`);
      const artifact = (await documentTarget.emit(sop, { set })).find((a) => a.path === k.path);
      await expect(artifact?.data).toMatchFileSnapshot(join(GOLDEN, goldenName(k)));
    });
  }

  test('no orphaned goldens', () => {
    const expected = KEPT.map(goldenName).sort();
    const found = filesUnder(GOLDEN);
    expect(found.filter((f) => !expected.includes(f))).toEqual([]);
  });
});
