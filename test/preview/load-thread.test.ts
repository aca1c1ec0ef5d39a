import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import { extraRules } from '../../src/validate/extra.js';
import { ROOT } from '../helpers.js';

// The compiled preview reads the whole set in a worker thread, so that the server answers meanwhile.
const compiled = (await import(pathToFileURL(join(ROOT, 'dist/preview/load-thread.js')).href)) as {
  loadSetOffThread: typeof import('../../src/preview/load-thread.js').loadSetOffThread;
};

describe('the preview reads the whole set in a worker thread', () => {
  it('gives what loadSopSet gives in this thread: the set, the problems and the files', async () => {
    const inThread = await loadSopSet(['sops', 'examples'], { cwd: ROOT, ...extraRules(ROOT) });
    const offThread = await compiled.loadSetOffThread(['sops', 'examples'], ROOT);
    expect(offThread.set?.sops.map((s) => s.id)).toEqual(inThread.set?.sops.map((s) => s.id));
    expect(offThread.set?.sops.length).toBeGreaterThan(5);
    expect(offThread).toEqual(JSON.parse(JSON.stringify(inThread)));
  });

  it('answers a set with errors with its positioned problems, and a missing folder too', async () => {
    const bad = await compiled.loadSetOffThread(['test/fixtures/bad', 'no-such-folder'], ROOT);
    expect(bad.set).toBeNull();
    expect(bad.diagnostics.length).toBeGreaterThan(1);
    for (const d of bad.diagnostics) expect(d.line).toBeGreaterThanOrEqual(0);
    expect(bad.diagnostics.map((d) => d.file)).toContain('no-such-folder');
  });
});
