import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSops, type RuleChange } from '../../src/history/diff.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { Sop } from '../../src/model/types.js';
import { BASE, BUNDLED, type Mutation, mutationsOf } from './diff-mutations.js';

/**
 * Every valid single-value edit of a bundled SOP that changes its model is reported by the diff.
 *
 * The model is compared without source positions and text and without the revision record (version, effective
 * date, revision list, feedback log), which the diff leaves out on purpose. `model.json` is a build output, so any other model change
 * is a change of the build output too.
 *
 * By default a fixed-seed sample of the edits is checked; SOPFORGE_DIFF_ALL=1 checks every edit (several
 * thousand; minutes on a busy machine) and prints the counts.
 */
const ALL = process.env.SOPFORGE_DIFF_ALL === '1';
const SEED = 20261201;
const PER_FILE = 20;

const IGNORED = new Set([
  'span',
  'file',
  'source',
  'sourceHash',
  'version',
  'effective',
  'revisions',
  'feedback',
]);
const modelKey = (sop: Sop) => JSON.stringify(sop, (k, v: unknown) => (IGNORED.has(k) ? undefined : v));

/**
 * The set a mutated file is checked in. A procedure only meets the other SOPs through the set rules (unique
 * ids, references and chapters resolve, the manual's minimum retention), so the other procedures stand in as
 * stubs with their ids, which keeps every set rule's verdict and costs a fraction of parsing them; the manual
 * is checked with the real procedures, whose records its minimum retention applies to.
 */
function companions(file: string, manual: boolean): { file: string; text: string }[] {
  const others = BUNDLED.filter((s) => s.file !== file);
  if (manual) return others;
  return others.map((s) =>
    s.text.includes('\nkind: manual')
      ? s
      : {
          file: s.file,
          text: `sopforge: 2\nkind: procedure\nid: ${/\nid: (\S+)/.exec(s.text)?.[1]}\ntitle: 占位\nversion: "1.0"\neffective: 2026-01-01\nclauses: [{ clause: "1", title: 占位 }]\n`,
        },
  );
}

function loadIn(file: string, text: string, others: readonly { file: string; text: string }[]): Sop | null {
  return loadSopTexts([...others, { file, text }]).set?.sops.find((s) => s.file === file) ?? null;
}

function sample(list: readonly Mutation[]): readonly Mutation[] {
  if (ALL || list.length <= PER_FILE) return list;
  const [picked] = fc.sample(fc.shuffledSubarray([...list], { minLength: PER_FILE, maxLength: PER_FILE }), {
    seed: SEED,
    numRuns: 1,
  });
  return picked ?? [];
}

/** Wording that leaked an internal value instead of a sentence. */
const BROKEN = /undefined|\[object Object\]|NaN|^\s*$/;

describe('the rule-level diff is complete', () => {
  for (const target of [...BUNDLED, BASE]) {
    it(`reports every valid change of ${target.file}`, () => {
      const others = companions(target.file, target.text.includes('\nkind: manual'));
      const original = loadIn(target.file, target.text, others);
      if (!original) throw new Error(`${target.file} does not load`);
      let valid = 0;
      let changed = 0;
      const silent: string[] = [];
      const broken: string[] = [];
      for (const m of sample(mutationsOf(target.text))) {
        const sop = loadIn(target.file, m.text, others);
        if (!sop) continue;
        valid++;
        if (modelKey(sop) === modelKey(original)) continue;
        changed++;
        const forward = diffSops(original, sop);
        const back = diffSops(sop, original);
        if (forward.length === 0 || back.length === 0) silent.push(m.what);
        const bad = (c: RuleChange) => BROKEN.test(c.zh) || BROKEN.test(c.en);
        for (const c of [...forward, ...back].filter(bad)) broken.push(`${m.what}: ${c.zh} / ${c.en}`);
      }
      if (ALL) console.log(`${target.file}: ${valid} valid edits, ${changed} change the model`);
      expect(changed).toBeGreaterThan(0);
      expect(silent).toEqual([]);
      expect(broken).toEqual([]);
    }, 180_000);
  }
});
