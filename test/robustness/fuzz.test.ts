import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isSeq, parse, parseDocument, stringify } from 'yaml';
import { buildSet } from '../../src/build/build.js';
import { catalog } from '../../src/diagnostics/catalog.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { type LoadResult, loadSopSet, loadSopTexts } from '../../src/load/index.js';
import { MAX_FILE_BYTES } from '../../src/load/read.js';
import { ROOT, tempDir } from '../helpers.js';
import { CJK, ENGLISH_RUN, prose } from '../language.js';
import { runBin } from './helpers.js';

/**
 * Fixed seed: a failure prints its counterexample and replays the same way on every machine. For a longer
 * search, SOPFORGE_FUZZ_SEED and SOPFORGE_FUZZ_SCALE (a multiplier of the number of runs) change both.
 */
const SEED = Number(process.env.SOPFORGE_FUZZ_SEED ?? 20261129);
const SCALE = Number(process.env.SOPFORGE_FUZZ_SCALE ?? 1);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(n * SCALE)), endOnFailure: true });

const SOPS = readdirSync(join(ROOT, 'sops'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(ROOT, 'sops', name), 'utf8') }));
const BASE = { name: 'base.yaml', text: readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8') };
const ALL = [...SOPS, BASE];
const codes = new Set(Object.keys(catalog));

/** The only allowed outcomes: a set and no errors, or no set and errors; every diagnostic is positioned. */
function expectWellFormed(result: LoadResult, files: readonly string[]): void {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.set === null).toBe(errors.length > 0);
  for (const d of result.diagnostics) expectPositioned(d, files);
}

function expectPositioned(d: Diagnostic, files: readonly string[]): void {
  expect(files).toContain(d.file);
  expect(codes.has(d.code), d.code).toBe(true);
  expect(Number.isInteger(d.line) && d.line >= 1, `${d.code} line ${d.line}`).toBe(true);
  expect(Number.isInteger(d.column) && d.column >= 1, `${d.code} column ${d.column}`).toBe(true);
  expect(d.endLine * 1e6 + d.endColumn).toBeGreaterThanOrEqual(d.line * 1e6 + d.column);
  expect(d.message.zh.length).toBeGreaterThan(0);
  expect(d.message.en.length).toBeGreaterThan(0);
}

/**
 * Loads one text as a file of a set. With `withOthers`, the other bundled SOPs join the set, so cross-file
 * rules (chapters, references, duplicate ids) see it too; alone, it is checked faster.
 */
function loadWithOthers(name: string, text: string | Uint8Array, withOthers = true): LoadResult {
  const others = withOthers
    ? SOPS.filter((s) => s.name !== name).map((s) => ({ file: `sops/${s.name}`, text: s.text }))
    : [];
  const files = [...others, { file: `sops/${name}`, text }];
  const result = loadSopTexts(files);
  expectWellFormed(
    result,
    files.map((f) => f.file),
  );
  return result;
}

// ── mutations of the bundled SOPs ─────────────────────────────────────────

type Segment = string | number;

/** Every path to a node of a plain JSON-like value. */
function pathsOf(value: unknown, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(prefix);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: readonly Segment[], value: unknown, drop: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<Segment, unknown>;
  let node = copy as Record<Segment, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<Segment, unknown>;
  const last = path[path.length - 1] as Segment;
  if (drop && Array.isArray(node)) node.splice(last as number, 1);
  else if (drop) delete node[last];
  else node[last] = value;
  return copy;
}

const deep = (depth: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
};

/** Values of the wrong kind, or of the right kind but out of range. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    '',
    ' ',
    '25:00',
    '17:70',
    '24:00',
    '次日24:00',
    '次日',
    '-1:00',
    '0d',
    '0m',
    '99999y',
    '1x',
    '2 days',
    '2026-02-30',
    '2026-13-01',
    '0000-00-00',
    'Infinity',
    'NaN',
    '__proto__',
    'constructor',
    'toString',
    '../../etc/passwd',
    'con',
    'x'.repeat(200_000),
    '中'.repeat(50_000),
    [],
    {},
    [null],
    JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    { constructor: { prototype: {} } },
    { '': '' },
  ),
  fc.integer(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), {
    maxKeys: 3,
  }),
  fc.integer({ min: 1, max: 400 }).map((d) => deep(d, 'x')),
);

const bundled = fc.constantFrom(...ALL);

/** A bundled SOP with 1–3 of its values replaced (or dropped), re-serialized as YAML. */
const valueMutation = fc
  .tuple(bundled, fc.array(fc.tuple(fc.nat(), hostileValue, fc.boolean()), { minLength: 1, maxLength: 3 }))
  .map(([sop, edits]) => {
    let value: unknown = parse(sop.text);
    for (const [pick, replacement, drop] of edits) {
      const paths = pathsOf(value).filter((p) => p.length > 0);
      if (paths.length === 0) break;
      value = setAt(value, paths[pick % paths.length] as Segment[], replacement, drop);
    }
    return { name: sop.name, text: stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 }) };
  });

/** Line-level edits of the text as written: duplicated, dropped, swapped, re-indented or truncated lines. */
const lineMutation = fc
  .tuple(
    bundled,
    fc.array(
      fc.tuple(
        fc.constantFrom('dup', 'drop', 'swap', 'indent', 'dedent', 'tab', 'cut', 'colon', 'quote', 'anchor'),
        fc.nat(),
        fc.nat(),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([sop, edits]) => {
    const lines = sop.text.split('\n');
    for (const [op, a, b] of edits) {
      const i = a % lines.length;
      const j = b % lines.length;
      const line = lines[i] ?? '';
      switch (op) {
        case 'dup':
          lines.splice(i, 0, line);
          break;
        case 'drop':
          lines.splice(i, 1);
          break;
        case 'swap':
          [lines[i], lines[j]] = [lines[j] ?? '', line];
          break;
        case 'indent':
          lines[i] = `  ${line}`;
          break;
        case 'dedent':
          lines[i] = line.trimStart();
          break;
        case 'tab':
          lines[i] = `\t${line}`;
          break;
        case 'cut':
          lines[i] = line.slice(0, b % (line.length + 1));
          break;
        case 'colon':
          lines[i] = line.replace(':', ' ');
          break;
        case 'quote':
          lines[i] = line.replace(/: /, ': "');
          break;
        case 'anchor':
          lines[i] = line.replace(/: (\S)/, ': *a$1');
          break;
      }
    }
    return { name: sop.name, text: lines.join('\n') };
  });

/** Byte-level edits: random bytes (invalid UTF-8 sequences, NUL, BOMs, lone continuation bytes) spliced in. */
const byteMutation = fc
  .tuple(
    bundled,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 4 }),
          fc.constantFrom(
            Uint8Array.of(0xc0, 0xaf),
            Uint8Array.of(0xed, 0xa0, 0x80),
            Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
            Uint8Array.of(0xe4, 0xb8),
            Uint8Array.of(0x80),
            Uint8Array.of(0xef, 0xbb, 0xbf),
            Uint8Array.of(0xff, 0xfe),
          ),
        ),
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([sop, edits]) => {
    let bytes = new TextEncoder().encode(sop.text);
    for (const [at, insert, replace] of edits) {
      const i = at % (bytes.length + 1);
      const next = new Uint8Array(
        bytes.length + insert.length - (replace ? Math.min(insert.length, bytes.length - i) : 0),
      );
      next.set(bytes.subarray(0, i), 0);
      next.set(insert, i);
      next.set(bytes.subarray(replace ? i + insert.length : i), i + insert.length);
      bytes = next;
    }
    return { name: sop.name, bytes };
  });

/** Texts that attack the parser itself. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 12 }).map((n) => {
    // Billion laughs: each level refers to the previous one ten times.
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= n; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return `sopforge: 2\nkind: procedure\nid: bomb\n${lines.join('\n')}\n`;
  }),
  fc.integer({ min: 10, max: 20_000 }).map((n) => `clauses: ${'['.repeat(n)}${']'.repeat(n)}\n`),
  fc.integer({ min: 10, max: 5_000 }).map((n) => `clauses: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`),
  fc
    .integer({ min: 10, max: 2_000 })
    .map((n) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`),
  fc
    .integer({ min: 10, max: 2_000 })
    .map((n) => `roles:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')} 1\n`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `a: ${'*x '.repeat(n)}\n`),
  fc.integer({ min: 1, max: 100 }).map((n) => '---\n'.repeat(n)),
  fc.constantFrom(
    '!!js/function "function(){}"',
    '%YAML 9.9\n---\na: 1',
    '? [a, b]\n: c',
    '<<: *x',
    'a: !!binary "====="',
    '&a [*a]',
    'a: &a\n  b: *a',
    '\ufeff\ufeffid: x',
    '"\\ud800"',
    'id: !!int 0x',
  ),
);

describe('random and mutated YAML at loadSopTexts', () => {
  it('value mutations of the bundled SOPs give a clean set or positioned diagnostics', () => {
    fc.assert(
      fc.property(valueMutation, fc.nat(9), ({ name, text }, n) => {
        loadWithOthers(name, text, n === 0);
      }),
      runs(150),
    );
  });

  it('line mutations (dropped, duplicated, re-indented, truncated lines) give positioned diagnostics', () => {
    fc.assert(
      fc.property(lineMutation, fc.nat(9), ({ name, text }, n) => {
        loadWithOthers(name, text, n === 0);
      }),
      runs(150),
    );
  });

  it('invalid UTF-8 and stray bytes give a positioned FILE_ENCODING, FILE_BINARY or a parse result', () => {
    fc.assert(
      fc.property(byteMutation, ({ name, bytes }) => {
        loadWithOthers(name, bytes, false);
      }),
      runs(120),
    );
  });

  it('parser attacks (alias bombs, deep nesting, stray documents, odd tags) never throw', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const result = loadSopTexts([{ file: 'hostile.yaml', text }]);
        expectWellFormed(result, ['hostile.yaml']);
      }),
      runs(150),
    );
  });

  it('a key written twice is YAML_DUPLICATE_KEY at the second one', () => {
    for (const sop of SOPS) {
      const lines = sop.text.split('\n');
      const i = lines.findIndex((l) => l.startsWith('title:'));
      lines.splice(i + 1, 0, 'title: 重复');
      const { set, diagnostics } = loadWithOthers(sop.name, lines.join('\n'));
      expect(set).toBeNull();
      expect(diagnostics).toContainEqual(
        expect.objectContaining({ code: 'YAML_DUPLICATE_KEY', line: i + 2, column: 1 }),
      );
    }
  });

  it('an alias inside the node it refers to is YAML_ALIAS_RECURSIVE at the alias', () => {
    for (const text of ['a: &a\n  b: *a\n', 'x: 1\nroles: &r [1, [2, *r]]\n', 'a: &m\n  <<: *m\n']) {
      const { set, diagnostics } = loadSopTexts([{ file: 'loop.yaml', text }]);
      expect(set).toBeNull();
      const at = text.indexOf('*');
      const line = text.slice(0, at).split('\n').length;
      const column = at - text.lastIndexOf('\n', at - 1);
      expect(diagnostics).toEqual([expect.objectContaining({ code: 'YAML_ALIAS_RECURSIVE', line, column })]);
    }
  });

  it('a text over the size limit is refused before it is parsed, in memory as on disk', () => {
    const big = `sopforge: 2\nclauses: "${'x'.repeat(MAX_FILE_BYTES)}"\n`;
    const { set, diagnostics } = loadSopTexts([{ file: 'big.yaml', text: big }]);
    expect(set).toBeNull();
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'FILE_TOO_LARGE', line: 1, column: 1 })]);
  });
});

describe('a 50 MB file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-fuzz-'));
    // Valid YAML at the start, then 50 MB of a long string ending in invalid UTF-8: any attempt to decode or
    // parse the whole file would report something else (and take seconds).
    const fh = await open(join(dir, 'huge.yaml'), 'w');
    await fh.write('sopforge: 2\nkind: procedure\nid: huge\nclauses: "');
    const chunk = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 50; i++) await fh.write(chunk);
    await fh.write(Buffer.from([0xff, 0x22, 0x0a]));
    await fh.close();
  });
  afterAll(() => cleanup());

  it('is refused with FILE_TOO_LARGE at 1:1, without being read', async () => {
    const started = performance.now();
    const before = process.memoryUsage().rss;
    const { set, diagnostics } = await loadSopSet(['huge.yaml'], { cwd: dir });
    const elapsed = performance.now() - started;
    expect(set).toBeNull();
    expect(diagnostics).toEqual([
      expect.objectContaining({ file: 'huge.yaml', code: 'FILE_TOO_LARGE', line: 1, column: 1 }),
    ]);
    // A hang guard, not a benchmark: reading and parsing 50 MB takes seconds, a stat takes microseconds.
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('does not stop the other files of the set from being checked', async () => {
    const { diagnostics } = await loadSopSet(['huge.yaml', join(ROOT, 'test/fixtures/bad/bad-time.yaml')], {
      cwd: dir,
    });
    expect(diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['FILE_TOO_LARGE', 'TIME_INVALID']),
    );
  });
});

describe('the sopforge binary on mutated files', () => {
  it('exits 0 or 1 with positioned JSON diagnostics, never with an internal error', async () => {
    const { dir, cleanup } = await tempDir('sopforge-fuzz-cli-');
    try {
      const texts = fc.sample(fc.oneof(valueMutation, lineMutation), { seed: SEED, numRuns: 24 });
      await mkdir(join(dir, 'sops'));
      await Promise.all(
        texts.map((t, i) => writeFile(join(dir, 'sops', `m${String(i).padStart(2, '0')}-${t.name}`), t.text)),
      );
      for (const command of ['validate', 'build']) {
        const r = await runBin(command === 'validate' ? ['validate', '--format', 'json'] : ['build'], dir);
        expect([0, 1], `${command}: ${r.stderr.slice(0, 2000)}`).toContain(r.code);
        expect(r.stderr).not.toContain('internal error');
        if (command === 'validate') {
          const { diagnostics } = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
          expect(diagnostics.length).toBeGreaterThan(0);
          for (const d of diagnostics) {
            expect(d.file.startsWith('sops/m')).toBe(true);
            expect(d.line >= 1 && d.column >= 1, `${d.code} ${d.line}:${d.column}`).toBe(true);
          }
        }
      }
    } finally {
      await cleanup();
    }
  }, 60_000);
});

describe('inputs that validate also build', () => {
  /** Mutations that keep a SOP valid: renamed ids, other texts, reordered keys, extra clauses. */
  const validMutation = fc
    .tuple(
      fc.constantFrom(...SOPS),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
      fc.nat(),
    )
    .map(([sop, text, pick]) => {
      const doc = parseDocument(sop.text);
      const strings: { path: Segment[] }[] = [];
      const walk = (node: unknown, path: Segment[]) => {
        if (isMap(node))
          for (const p of node.items) walk(p.value, [...path, String((p.key as { value: unknown }).value)]);
        else if (isSeq(node)) for (const [i, n] of node.items.entries()) walk(n, [...path, i]);
        else if (
          path.some((s) => ['title', 'clauses', 'label', 'name', 'summary', 'text'].includes(String(s)))
        )
          strings.push({ path });
      };
      walk(doc.contents, []);
      const target = strings[pick % strings.length];
      if (target) doc.setIn(target.path, text);
      return { name: sop.name, text: doc.toString({ lineWidth: 0 }) };
    });

  it('texts replaced anywhere still validate and build without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(validMutation, async ({ name, text }) => {
        const result = loadWithOthers(name, text);
        if (!result.set) return;
        // A procedure builds on its own; the manual needs the set (its chapters).
        const mutated = result.set.sops.find((s) => s.file === `sops/${name}`);
        const set = mutated?.kind === 'procedure' ? { ...result.set, sops: [mutated] } : result.set;
        const { files, manifest } = await buildSet(set);
        expect(manifest.files.map((f) => f.path)).toEqual(files.map((f) => f.path).sort());
        for (const f of files) expect(f.path.startsWith('..')).toBe(false);
      }),
      runs(8),
    );
  }, 120_000);
});

// ── what the user reads: positions, the cap, and one language ────────────────

/** `file:line:col  错误 CODE  message` — the head line of a diagnostic in the text output. */
const HEAD = /^(\S+?):(\d+):(\d+) {2}(错误|警告|error|warning) ([A-Z][A-Z0-9_]*) {2}/;

describe('prose checks can fail', () => {
  it('find an English sentence in Chinese output and a Chinese one in English output', () => {
    expect(prose('a.yaml:1:1  错误 X  the file is empty')).toMatch(ENGLISH_RUN);
    // What yaml's own message did to the Chinese output before it was translated:
    expect(prose('a.yaml:6:14  错误 YAML_SYNTAX  YAML 语法错误：Unexpected scalar at node end')).toMatch(
      ENGLISH_RUN,
    );
    expect(prose('a.yaml:1:1  error X  文件是空的')).toMatch(CJK);
    // …and leave alone what is quoted from the YAML or is code.
    expect(prose('a.yaml:1:1  error X  The role "值班员" is not declared\n>3 | name: 值班员')).not.toMatch(
      CJK,
    );
    expect(prose('a.yaml:1:1  错误 X  把 type 改为 normal: final')).not.toMatch(ENGLISH_RUN);
  });
});

describe('the sopforge binary speaks one language and shows a capped, positioned list', () => {
  it('validate and build in zh and en on mutated files: exit 0/1, positions, ≤ 20 a file, nothing built on failure', async () => {
    const { dir, cleanup } = await tempDir('sopforge-fuzz-lang-');
    try {
      // Value and line mutations of every bundled SOP and the base fixture, one file each, in one set.
      const texts = fc.sample(fc.oneof(valueMutation, lineMutation), {
        seed: SEED + 1,
        numRuns: Math.max(6, Math.round(16 * SCALE)),
      });
      await mkdir(join(dir, 'sops'));
      const names = texts.map((t, i) => `m${String(i).padStart(2, '0')}-${t.name}`);
      await Promise.all(texts.map((t, i) => writeFile(join(dir, 'sops', names[i] as string), t.text)));
      const outputs: { lang: string; command: string; text: string }[] = [];
      for (const lang of ['zh', 'en']) {
        for (const command of ['validate', 'build']) {
          const args =
            command === 'build' ? ['build', '--lang', lang, '--out', 'out'] : ['validate', '--lang', lang];
          const r = await runBin(args, dir);
          expect([0, 1], `${command} ${lang}: ${r.stderr.slice(0, 2000)}`).toContain(r.code);
          expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
          const perFile = new Map<string, number>();
          for (const line of r.stderr.split('\n')) {
            const m = HEAD.exec(line);
            if (!m) continue;
            const [, file = '', l = '0', c = '0', sev = ''] = m;
            expect(Number(l) >= 1 && Number(c) >= 1, line).toBe(true);
            expect(lang === 'zh' ? ['错误', '警告'] : ['error', 'warning']).toContain(sev);
            perFile.set(file, (perFile.get(file) ?? 0) + 1);
          }
          for (const [file, n] of perFile) expect(n, file).toBeLessThanOrEqual(20);
          // Mutations break most files: the language check below must have diagnostics to read.
          expect(perFile.size, `${command} ${lang}`).toBeGreaterThan(0);
          if (command === 'build' && r.code === 1) {
            const { readdir } = await import('node:fs/promises');
            expect(await readdir(join(dir, 'out')).catch(() => [])).toEqual([]);
          }
          outputs.push({ lang, command, text: `${r.stdout}\n${r.stderr}` });
        }
      }
      for (const o of outputs) {
        const p = prose(o.text);
        if (o.lang === 'zh') expect(p.match(ENGLISH_RUN)?.[0], `${o.command} zh`).toBeUndefined();
        else
          expect(
            p.match(CJK)?.[0],
            `${o.command} en: ${p.split('\n').find((l) => CJK.test(l))}`,
          ).toBeUndefined();
      }
    } finally {
      await cleanup();
    }
  }, 120_000);
});
