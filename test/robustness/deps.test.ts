import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** Packages loaded through their CommonJS builds, and the one module that loads each. */
const LOADERS: Record<string, string> = {
  yaml: 'src/deps/yaml.ts',
  commander: 'src/deps/commander.ts',
  pdfkit: 'src/render/pdf/pdfkit.ts',
  fontkit: 'src/render/pdf/pdfkit.ts',
};

/** Value imports, re-exports and dynamic imports of a package; `import type` loads nothing. */
const IMPORT =
  /^\s*(?:import\s+(?!type\b)[^'"]*?from\s*|export\s+(?!type\b)[^'"]*?from\s*|.*?\bimport\()\s*['"]([^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('dependencies with a CommonJS build', () => {
  it('are loaded only by their loader module, so one copy of each is in the process', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      const rel = relative(ROOT, file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const pkg = m[1] ?? '';
        if (pkg in LOADERS && LOADERS[pkg] !== rel) offenders.push(`${rel}: ${m[0].trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check above finds such an import', () => {
    const found = (text: string) => [...text.matchAll(IMPORT)].map((m) => m[1]);
    expect(found("import { parse } from 'yaml';")).toEqual(['yaml']);
    expect(found("const m = await import('pdfkit');")).toEqual(['pdfkit']);
    expect(found("import type { Node } from 'yaml';")).toEqual([]);
  });
});

describe('the bundled yaml (dist/vendor/yaml.cjs)', () => {
  const require = createRequire(import.meta.url);
  const bundle = join(ROOT, 'dist/vendor/yaml.cjs');

  it('is what the built command line loads, and the only yaml it loads', () => {
    const script = `
      const { loadSopSet } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/load/index.js')).href)});
      const r = await loadSopSet(['sops'], { cwd: ${JSON.stringify(ROOT)} });
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /yaml/.test(f) && /.[cm]?js$/.test(f));
      console.log(JSON.stringify({ sops: r.set?.sops.length ?? 0, loaded }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const { sops, loaded } = JSON.parse(out) as { sops: number; loaded: string[] };
    expect(sops).toBeGreaterThan(0);
    expect(loaded.map((f) => relative(ROOT, f))).toEqual(['dist/vendor/yaml.cjs']);
  });

  it('is the installed version and parses like it, errors included', () => {
    const ours = require(bundle) as typeof import('yaml') & { bundledVersion: string };
    const theirs = require('yaml') as typeof import('yaml');
    expect(ours.bundledVersion).toBe((require('yaml/package.json') as { version: string }).version);
    const texts = [
      readFileSync(join(ROOT, 'sops/duty-handover-public-affairs.yaml'), 'utf8'),
      'a: 1\na: 2\n',
      'key: [unclosed\n',
      'x: &a [1]\ny: *a\n<<: {z: 1}\n',
    ];
    for (const text of texts) {
      const options = { merge: true, uniqueKeys: true, prettyErrors: false } as const;
      const a = ours.parseAllDocuments(text, options);
      const b = theirs.parseAllDocuments(text, options);
      const view = (docs: typeof a) =>
        [docs].flat().map((d) => ({
          value: d.toJS(),
          errors: d.errors.map((e) => [e.code, e.pos]),
          warnings: d.warnings.map((w) => [w.code, w.pos]),
        }));
      expect(view(a)).toEqual(view(b));
    }
  });
});
