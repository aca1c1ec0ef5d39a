import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
