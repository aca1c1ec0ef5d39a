import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVariants } from '../../bench/lib/variants.mjs';
import { BIN, tempDir } from '../helpers.js';
import { copyBundled, readTree, treeDiff } from './helpers.js';

const exec = promisify(execFile);

/** A module preloaded with `--import` that moves the wall clock to `iso` (and lets it run from there). */
function clockModule(iso: string): string {
  return `const Real = Date;
const offset = new Real(${JSON.stringify(iso)}).getTime() - Real.now();
class Shifted extends Real {
  constructor(...args) { if (args.length === 0) super(Real.now() + offset); else super(...args); }
  static now() { return Real.now() + offset; }
}
globalThis.Date = Shifted;
`;
}

const machines = [
  { name: 'utc', clock: '2026-11-29T10:00:00Z', env: { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' }, jobs: '1' },
  {
    name: 'shanghai',
    clock: '2031-02-11T23:59:30+08:00',
    env: { TZ: 'Asia/Shanghai', LANG: 'zh_CN.UTF-8', LC_ALL: 'zh_CN.UTF-8' },
    jobs: '2',
  },
  {
    name: 'los-angeles',
    clock: '2027-03-14T01:59:59-08:00',
    env: { TZ: 'America/Los_Angeles', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
    jobs: 'auto',
  },
];

describe('builds are reproducible', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  const trees = new Map<string, Map<string, Buffer>>();

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('sopforge-repro-'));
    await Promise.all(
      machines.map(async (m, i) => {
        // Different folders, at different depths.
        const project = join(root, m.name, ...Array(i).fill('deeper'));
        await mkdir(project, { recursive: true });
        await copyBundled(project);
        await writeVariants(join(project, 'sops', 'sites'), 12, { withBases: false });
        const clock = join(root, `${m.name}-clock.mjs`);
        await writeFile(clock, clockModule(m.clock));
        await exec('node', ['--import', pathToFileURL(clock).href, BIN, 'build', '--jobs', m.jobs], {
          cwd: project,
          env: { PATH: process.env.PATH, ...m.env },
        });
        trees.set(m.name, await readTree(join(project, 'out')));
      }),
    );
  }, 180_000);
  afterAll(() => cleanup());

  it('gives byte-identical files in different folders, clocks, time zones and locales, with and without workers', () => {
    const [first, ...rest] = machines;
    const reference = trees.get(first?.name ?? '') as Map<string, Buffer>;
    expect(reference.size).toBeGreaterThan(17);
    expect(reference.has('manifest.json')).toBe(true);
    for (const m of rest) {
      expect
        .soft(
          treeDiff(reference, trees.get(m.name) as Map<string, Buffer>),
          `${m.name} differs from ${first?.name}`,
        )
        .toEqual([]);
    }
  });

  it('never writes the build time, the time zone or the folder into an output', () => {
    const tree = trees.get('shanghai') as Map<string, Buffer>;
    for (const [path, bytes] of tree) {
      const text = bytes.toString('latin1');
      expect(text.includes(root), path).toBe(false);
      expect(/2031-02-1[12]|Asia\/Shanghai/.test(text), path).toBe(false);
    }
  });
});
