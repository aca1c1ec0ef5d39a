/** The preview server without a browser: the quick reload of a saved file, and the whole-set reload after it. */
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/server.js';
import { BIN, ROOT, tempDir } from '../helpers.js';

let server: PreviewServer | null = null;
let cleanup: (() => Promise<void>) | null = null;

afterEach(async () => {
  await server?.close();
  await cleanup?.();
  server = null;
  cleanup = null;
});

async function open(): Promise<{ dir: string; server: PreviewServer }> {
  const t = await tempDir('sopforge-preview-');
  cleanup = t.cleanup;
  await cp(join(ROOT, 'sops'), join(t.dir, 'sops'), { recursive: true });
  await cp(join(ROOT, 'calendars'), join(t.dir, 'calendars'), { recursive: true });
  server = await startPreview({ paths: ['sops'], cwd: t.dir, lang: 'zh', port: 0 });
  return { dir: t.dir, server };
}

describe('preview server', () => {
  it('finds an error of the whole set (an id used twice) that reading one file cannot see', async () => {
    const { dir, server } = await open();
    expect(server.session.current().problems.filter((p) => p.severity === 'error')).toEqual([]);
    const file = join(dir, 'sops/duty-handover-service-center.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^id: .+$/m, 'id: front-desk-reception'));
    const state = await server.settled();
    expect(state.problems.map((p) => p.code)).toContain('DUPLICATE_ID');
    expect(state.stale).toBe(true);
    await writeFile(file, text);
    const fixed = await server.settled();
    expect(fixed.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(fixed.stale).toBe(false);
  }, 60_000);

  it('serves only the page, the libraries and the set, on 127.0.0.1', async () => {
    const { server } = await open();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const get = (path: string) => fetch(new URL(path, server.url));
    expect((await get('/')).status).toBe(200);
    expect((await get('/vendor/xstate/xstate.esm.js')).status).toBe(200);
    expect((await get('/api/source?file=sops/front-desk-reception.yaml')).status).toBe(200);
    for (const path of [
      '/vendor/xstate/..%2f..%2fpackage.json',
      '/page/%2e%2e/server.ts',
      '/api/source?file=package.json',
      '/api/source?file=../etc/passwd',
      '/api/sop/nope',
    ])
      expect((await get(path)).status, path).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    const sop = (await (await get('/api/sop/front-desk-reception')).json()) as {
      forms: { id: string }[];
      machine: { mermaid: string } | null;
    };
    expect(sop.forms.map((f) => f.id)).toEqual(['reception-record']);
    expect(sop.machine?.mermaid).toContain('stateDiagram-v2');
    const pdf = new Uint8Array(
      await (await get('/api/sop/front-desk-reception/forms/reception-record.pdf')).arrayBuffer(),
    );
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
  }, 60_000);
});

describe('sopforge preview, the command', () => {
  for (const [lang, opened, stopped] of [
    ['zh', '规程预览已打开：', '预览已结束'],
    ['en', 'SOP preview at ', 'preview stopped'],
  ] as const)
    it(`prints its address in ${lang} and stops on Ctrl-C`, async () => {
      const t = await tempDir('sopforge-preview-');
      cleanup = t.cleanup;
      await cp(join(ROOT, 'sops'), join(t.dir, 'sops'), { recursive: true });
      const child = spawn(process.execPath, [BIN, 'preview', '--port', '0', '--lang', lang], { cwd: t.dir });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const deadline = Date.now() + 30_000;
      while (!/http:\/\/127\.0\.0\.1:\d+\//.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain(opened);
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0] as string;
      expect((await fetch(url)).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toContain(stopped);
    }, 60_000);
});
