import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-build-'));
  await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
});
afterEach(() => cleanup());

describe('sopforge build', () => {
  it('applies a site template folder and rebuilds when it changes', async () => {
    await mkdir(join(dir, 'site/md'), { recursive: true });
    const builtIn = await readFile(join(ROOT, 'templates/md/sop.hbs'), 'utf8');
    await writeFile(join(dir, 'site/md/sop.hbs'), `定制页眉：示范物业\n${builtIn}`);
    const first = await runCli(['build', '--templates', 'site'], dir);
    expect(first.code, first.stderr).toBe(0);
    const md = await readFile(join(dir, 'out/front-desk-reception/sop.md'), 'utf8');
    expect(md.startsWith('定制页眉：示范物业')).toBe(true);
    await writeFile(join(dir, 'site/md/sop.hbs'), `定制页眉：第二版\n${builtIn}`);
    const second = await runCli(['build', '--templates', 'site'], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(await readFile(join(dir, 'out/front-desk-reception/sop.md'), 'utf8')).toMatch(/^定制页眉：第二版/);
  });

  it('reports a template mistake with its file and line, and builds nothing', async () => {
    await mkdir(join(dir, 'site/md'), { recursive: true });
    await writeFile(join(dir, 'site/md/sop.hbs'), '# {{title}}\n{{#if}}\n');
    const res = await runCli(['build', '--templates', 'site'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/site\/md\/sop\.hbs:\d+:\d+ +错误 TEMPLATE_ERROR/);
    await expect(readFile(join(dir, 'out/manifest.json'))).rejects.toThrow();
  });

  it('refuses a character the print font lacks at its YAML position, leaving the previous out/', async () => {
    expect((await runCli(['build'], dir)).code).toBe(0);
    const before = await readFile(join(dir, 'out/manifest.json'), 'utf8');
    const file = join(dir, 'sops/duty-handover-public-affairs.yaml');
    const text = (await readFile(file, 'utf8')).replace('name: 水瓶\n', 'name: 水瓶𪚥\n');
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('𪚥')) + 1;
    const res = await runCli(['build', '--lang', 'en'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`sops/duty-handover-public-affairs.yaml:${line}:`);
    expect(res.stderr).toContain('GLYPH_MISSING');
    expect(res.stderr).toContain('U+2A6A5');
    expect(await readFile(join(dir, 'out/manifest.json'), 'utf8')).toBe(before);
  });
});
