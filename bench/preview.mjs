#!/usr/bin/env node
// Preview benchmark: from saving a SOP file to the page showing the new renders (problems, document,
// diagram, forms, diff and simulator of the SOP on screen), in headless Chromium, for the bundled SOPs and
// for a large generated set. The server runs in this process (dist/preview/server.js); each run edits the
// title of the SOP on screen and waits until the page has rendered the reload that carries it.
//
//   node bench/preview.mjs [--runs 7] [--large-runs 3] [--sops 500]
//
// Needs `npm run build` first and Debian's chromium (/usr/bin/chromium, or BENCH_CHROMIUM).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT, writeVariants } from './lib/variants.mjs';

const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const runs = Number(opt('runs', process.env.BENCH_RUNS ?? '7'));
const largeRuns = Number(opt('large-runs', '3'));
const count = Number(opt('sops', '500'));
const { startPreview } = await import(pathToFileURL(join(ROOT, 'dist', 'preview', 'server.js')).href);
const work = mkdtempSync(join(tmpdir(), 'sopforge-bench-preview-'));
const browser = await chromium.launch({
  executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Save-to-updated-page times (ms) for `n` edits of `id`'s title in the set at `dir`. */
async function measure(name, dir, id, n) {
  const server = await startPreview({ paths: ['sops'], cwd: dir, lang: 'zh', port: 0 });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(`${server.url}#${id}`);
    await page.waitForFunction(() => document.body.dataset.generation !== undefined, null, {
      timeout: 120_000,
    });
    const file = join(dir, 'sops', `${id}.yaml`);
    const times = [];
    for (let i = 0; i < n; i++) {
      await server.settled();
      const before = Number(await page.evaluate(() => document.body.dataset.generation));
      const marker = `（第 ${i + 1} 次修改）`;
      const text = readFileSync(file, 'utf8').replace(
        /^title: (.+?)(（第 \d+ 次修改）)?$/m,
        `title: $1${marker}`,
      );
      const started = performance.now();
      writeFileSync(file, text);
      await page.waitForFunction(
        ([g, m]) =>
          Number(document.body.dataset.generation) > g &&
          (document.querySelector('#sop-select')?.selectedOptions[0]?.textContent ?? '').includes(m),
        [before, marker],
        { timeout: 120_000, polling: 10 },
      );
      times.push(performance.now() - started);
    }
    console.log(
      `${name}: ${Math.round(median(times))} ms median of ${n} (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))})`,
    );
    return {
      benchmark: name,
      runs: n,
      'median ms': Math.round(median(times)),
      'min ms': Math.round(Math.min(...times)),
    };
  } finally {
    await page.close();
    await server.close();
  }
}

try {
  const rows = [];
  const small = join(work, 'bundled');
  cpSync(join(ROOT, 'sops'), join(small, 'sops'), { recursive: true });
  cpSync(join(ROOT, 'calendars'), join(small, 'calendars'), { recursive: true });
  rows.push(await measure('save → page updated, bundled SOPs', small, 'front-desk-reception', runs));
  const large = join(work, 'large');
  await writeVariants(join(large, 'sops'), count);
  cpSync(join(ROOT, 'calendars'), join(large, 'calendars'), { recursive: true });
  rows.push(await measure(`save → page updated, ${count} SOPs`, large, 'front-desk-reception', largeRuns));
  console.log(`\nnode ${process.version}, ${availableParallelism()} cores`);
  console.table(rows);
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
