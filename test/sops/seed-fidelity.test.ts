/**
 * The issued document is the approved text: for every bundled SOP, the body of the generated Markdown is,
 * line for line, the seed's clauses — the seed's numbers, titles and wording, in the seed's order, after
 * the typo fixes each YAML file lists in its header — and nothing else. Forms and machine `meta` cite only
 * clauses the document has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/compile/machine/index.js';
import type { ProcedureSop, Sop, SopSet } from '../../src/model/types.js';
import { allClauses } from '../../src/normalize/clauses.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { clauseLabel } from '../../src/render/doc/view.js';
import { formsTarget } from '../../src/render/pdf/target.js';
import { bundledSet } from '../doc/helpers.js';
import { ROOT } from '../helpers.js';
import { parsePdf } from '../pdf/helpers.js';

/** The seed the bundled SOPs were encoded from (a copy of the source texts). */
const SEED = readFileSync(join(ROOT, 'test/sops/seed.txt'), 'utf8');

/**
 * Where each bundled SOP is in the seed (a 篇 of the 范文, or the manual part before it), and the fixes its
 * YAML header lists, as [seed wording, fixed wording], applied after the punctuation is made full-width.
 */
const SOURCES: Record<string, { part: string; fixes: readonly (readonly [string, string])[] }> = {
  'duty-handover-public-affairs': {
    part: '第1篇',
    fixes: [
      ['协同处理突发事件/', '协同处理突发事件。'],
      ['卓椅', '桌椅'],
      ['加班人员', '接班人员'],
      ['一班情况下', '一般情况下'],
      ['在行交班', '再行交班'],
      ['绩效考评的绩效考评的依据', '绩效考评的依据'],
      ['详细的记录', '详细地记录'],
    ],
  },
  'front-desk-reception': {
    part: '第2篇',
    fixes: [
      ['《接待业主情况纪录》', '《接待业主情况记录》'],
      ['_《接待业主情况记录》', '《接待业主情况记录》'],
    ],
  },
  'duty-handover-service-center': {
    part: '第4篇',
    fixes: [
      ['协高', '协调'],
      ['须守岗位', '须坚守岗位'],
      ['详细的记录', '详细地记录'],
      ['进行岗位交接工作；', '进行岗位交接工作。'],
    ],
  },
  'duty-handover-customer-service': {
    part: '第5篇',
    fixes: [
      ['客户服务中心客户服务中心', '客户服务中心'],
      ['决定处理施', '决定处理措施'],
      ['详细的记录', '详细地记录'],
    ],
  },
  'service-centre-manual': { part: 'manual', fixes: [['包括什么内容', '']] },
};

/** The lines of one part of the seed. */
function partLines(part: string): string[] {
  const lines = SEED.split(/\r?\n/);
  if (part === 'manual') {
    const end = lines.indexOf('服务中心作业规程范文');
    return lines.slice(0, end + 1).map((l) => l.replace(/^- /, ''));
  }
  const start = lines.findIndex((l) => l.startsWith(`${part} `));
  const next = lines.findIndex((l, i) => i > start && /^第\d+篇 /.test(l));
  return lines.slice(start + 1, next < 0 ? undefined : next);
}

/** ASCII punctuation of the seed in its full-width form; a colon between digits (17:30) stays. */
function fullWidth(text: string): string {
  return text
    .replace(/,/g, '，')
    .replace(/;/g, '；')
    .replace(/(?<!\d):|:(?!\d)/g, '：')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）');
}

const NUMBER: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(\d+(?:\.\d+)+)\s*/, (m) => m[1] ?? ''],
  [/^(\d+\.)\s+/, (m) => m[1] ?? ''],
  [/^([一二三四五六七八九十]+、)\s*/, (m) => m[1] ?? ''],
  [/^(\d+、)\s*/, (m) => m[1] ?? ''],
  [/^\((\d+)\)\s*/, (m) => `（${m[1]}）`],
  [/^([a-z][、)])\s*/, (m) => m[1] ?? ''],
  [/^(\d+)(?=[^\d.、:])/, (m) => m[1] ?? ''],
];

interface SeedClause {
  readonly number: string | null;
  readonly wording: string;
}

/** The seed's clauses: a line that starts with a clause number, or a line of a list under one. */
function seedClauses(id: string): SeedClause[] {
  const { part, fixes } = SOURCES[id] ?? { part: '', fixes: [] };
  const out: SeedClause[] = [];
  let started = part === 'manual';
  for (const raw of partLines(part)) {
    let number: string | null = null;
    let rest = raw.trim();
    for (const [re, spell] of NUMBER) {
      const m = re.exec(rest);
      if (m) {
        number = spell(m);
        rest = rest.slice(m[0].length);
        break;
      }
    }
    if (number !== null) started = true;
    if (!started) continue; // the 篇's own heading lines
    let wording = fullWidth(rest);
    for (const [from, to] of fixes) wording = wording.split(from).join(to);
    if (number === null && wording === '') continue;
    out.push({ number, wording });
  }
  return out;
}

/** The body of a generated Markdown document as plain lines: no heading marks, list marks or escapes. */
function bodyLines(md: string): string[] {
  const from = md.indexOf('\n## ');
  const end = md.indexOf('<a id="', from);
  return md
    .slice(from, end)
    .split('\n')
    .map((l) => l.replace(/^#+ /, '').replace(/^- /, '').replace(/\\(.)/g, '$1').trimEnd())
    .filter((l) => l !== '');
}

function text(data: string | Uint8Array | undefined): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}

describe('the issued document is the approved text of the seed', () => {
  let set: SopSet;
  beforeAll(async () => {
    set = await bundledSet();
  });
  const sop = (id: string): Sop => set.sops.find((s) => s.id === id) as Sop;

  it('finds every bundled SOP in the seed', () => {
    const counts = Object.keys(SOURCES).map((id) => seedClauses(id).length);
    // Lines of clauses (numbered, or a list line / a heading's text under one): 第1篇 48, 第2篇 31,
    // 第4篇 45, 第5篇 49, the manual part 28.
    expect(counts).toEqual([48, 31, 45, 49, 28]);
    expect(set.sops.map((s) => s.id).sort()).toEqual(Object.keys(SOURCES).sort());
  });

  it.each(Object.keys(SOURCES))(
    '%s: the document body is the seed, clause by clause, in order',
    async (id) => {
      const s = sop(id);
      const artifacts = await documentTarget.emit(s, { set });
      const md = text(artifacts.find((a) => a.path.endsWith('.md'))?.data);
      const expected = seedClauses(id).map((c) =>
        c.number === null ? c.wording : `${clauseLabel(c.number)}${c.wording}`,
      );
      expect(bodyLines(md)).toEqual(expected);
    },
  );

  it.each(Object.keys(SOURCES))(
    '%s: every seed clause number is a clause of the YAML, in the seed order',
    (id) => {
      const numbers = [...allClauses(sop(id).clauses)].map((c) => c.number).filter((n) => n !== null);
      expect(numbers).toEqual(seedClauses(id).flatMap((c) => (c.number === null ? [] : [c.number])));
    },
  );

  it('forms and machine meta cite only clauses the document has', async () => {
    let printedCitations = 0;
    for (const s of set.sops.filter((x): x is ProcedureSop => x.kind === 'procedure')) {
      const keys = new Set([...allClauses(s.clauses)].map((c) => c.key));
      const cited: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v)) {
            if (k === 'clause' && typeof x === 'string') cited.push(x);
            else walk(x);
          }
      };
      walk(compileMachine(s));
      expect(cited.length, s.id).toBeGreaterThan(0);
      for (const c of cited) expect(keys.has(c), `${s.id} machine cites ${c}`).toBe(true);
      // The forms print a rule's clause in brackets after it: （4.2.1）.
      for (const form of await formsTarget.emit(s, { set })) {
        const pdf = await parsePdf(form.data as Uint8Array);
        const printed = [
          ...pdf.text.join('\n').matchAll(/（([0-9][0-9.]*|[一二三四五六七八九十]、[^（）]*(?:（\d+）)?)）/g),
        ];
        for (const m of printed)
          expect(keys.has(m[1] ?? ''), `${s.id} ${form.path} cites ${m[1]}`).toBe(true);
        printedCitations += printed.length;
      }
    }
    expect(printedCitations).toBeGreaterThan(3);
  });
});
