/**
 * The schema's `checklist-none` + `where` guard and `clear` effect: the renovation example is accepted as
 * written, each wrong spelling is refused at its line with a schema code, and the new keys carry a Chinese
 * and an English description for the editor's completion and hover.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSopTexts } from '../../src/load/index.js';
import { ROOT } from '../helpers.js';

const FILE = 'examples/renovation-approval.yaml';
const TEXT = readFileSync(join(ROOT, FILE), 'utf8');
const GUARD = `            - checklist-none: inspection
              where:
                status: fail
`;
const CLEAR = '            - clear: inspection\n';
const lineOf = (s: string) => TEXT.split('\n').indexOf(s.split('\n')[0] ?? '') + 1;

function variant(from: string, to: string): string {
  expect(TEXT.split(from)).toHaveLength(2);
  return TEXT.replace(from, to);
}

const errors = (text: string) =>
  loadSopTexts([{ file: FILE, text }]).diagnostics.filter((d) => d.severity === 'error');

describe('the schema accepts checklist-none + where and clear', () => {
  it('accepts the example as written, a single value and a list of values', () => {
    expect(errors(TEXT)).toEqual([]);
    const list = variant(GUARD, GUARD.replace('status: fail', 'status:\n                  - fail'));
    expect(errors(list)).toEqual([]);
  });
});

describe('the schema refuses a wrong spelling, at its line', () => {
  const g = lineOf(GUARD);
  const c = lineOf(CLEAR);
  const cases: [string, string, string, { code: string; line: number; column: number }][] = [
    [
      'checklist-none without where',
      GUARD,
      '            - checklist-none: inspection\n',
      { code: 'SCHEMA_VALUE', line: g, column: 15 },
    ],
    [
      'where without checklist-none',
      GUARD,
      '            - where:\n                status: fail\n',
      { code: 'SCHEMA_VALUE', line: g, column: 15 },
    ],
    [
      'a where value that is a number',
      GUARD,
      GUARD.replace('status: fail', 'status: 5'),
      { code: 'SCHEMA_TYPE', line: g + 2, column: 25 },
    ],
    [
      'an empty where',
      GUARD,
      '            - checklist-none: inspection\n              where: {}\n',
      { code: 'SCHEMA_VALUE', line: g + 1, column: 22 },
    ],
    [
      'two fields in where',
      GUARD,
      `${GUARD}                note: x\n`,
      { code: 'SCHEMA_VALUE', line: g + 2, column: 17 },
    ],
    [
      'clear given a list',
      CLEAR,
      '            - clear:\n                - inspection\n',
      { code: 'SCHEMA_TYPE', line: c + 1, column: 17 },
    ],
    [
      'clear beside another effect in one entry',
      CLEAR,
      `${CLEAR}              check: inspection\n`,
      { code: 'SCHEMA_VALUE', line: c, column: 15 },
    ],
  ];
  it.each(cases)('%s', (_, from, to, want) => {
    expect(errors(variant(from, to))[0]).toMatchObject(want);
  });
});

describe('the new keys are described in Chinese and English', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/sop.schema.json'), 'utf8')) as {
    $defs: Record<string, { properties: Record<string, { description?: string }>; description?: string }>;
  };
  const props = (def: string) => schema.$defs[def]?.properties ?? {};
  // Each description, and what it must name: the key it goes with, or an example of its use.
  const described: [string, string | undefined, string][] = [
    ['condition.checklist-none', props('condition')['checklist-none']?.description, 'where'],
    ['condition.where', props('condition').where?.description, 'checklist-none'],
    ['effect.clear', props('effect').clear?.description, 'clear: inspection'],
    ['condition', schema.$defs.condition?.description, 'checklist-none + where'],
    ['effect', schema.$defs.effect?.description, 'clear'],
  ];
  it.each(described)('%s', (where, description, names) => {
    const [zh, en] = (description ?? '').split('\n');
    expect(zh, where).toMatch(/\p{Script=Han}/u);
    expect(en, where).toMatch(/^[A-Z][^\p{Script=Han}]*[a-z]/u);
    expect(zh, where).toContain(names);
    expect(en, where).toContain(names);
  });
});
