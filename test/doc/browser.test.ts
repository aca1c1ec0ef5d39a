import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSet } from '../../src/build/build.js';
import { loadSopSet } from '../../src/load/index.js';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { ROOT, tempDir } from '../helpers.js';

// The HTML documents are pages people open in a browser: render them in Debian's Chromium (installed by
// .ci/run) and read what the browser shows.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`Chromium is required in CI but ${CHROMIUM} is missing`);

let browser: Browser;
let set: SopSet;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (!haveChromium) return;
  const loaded = await loadSopSet(['sops'], { cwd: ROOT });
  if (!loaded.set) throw new Error('bundled SOPs do not validate');
  set = loaded.set;
  ({ dir, cleanup } = await tempDir('sopforge-html-'));
  const { files } = await buildSet(set, [documentTarget]);
  for (const f of files.filter((f) => f.path.endsWith('.html'))) {
    await writeFile(join(dir, f.path.replace('/', '__')), f.data);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

describe.skipIf(!haveChromium)('SOP documents in headless Chromium', () => {
  it('front-desk reception: title, the clauses as numbered, the appendices and the revision table are visible', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(join(dir, 'front-desk-reception__sop.html')).href);
    expect(await page.title()).toBe('物业服务中心前台接待业主作业规程（十五）');
    const headings = await page.locator('h2').allInnerTexts();
    expect(headings.map((h) => h.replace(/\s+/g, ''))).toEqual(
      expect.arrayContaining([
        '1目的',
        '2适用范围',
        '3职责',
        '4作业流程',
        '5相关记录',
        '附录B时限与周期（据本规程生成）',
      ]),
    );
    const text = await page
      .locator('body')
      .textContent()
      .then((t) => t ?? '');
    expect(text).toContain('4.7 如果在2天内未能处理完毕的情况，转由客服主管负责处理。');
    expect(text).toContain('超过 2 天');
    expect(text).toContain('超过 1 周');
    expect(text).toContain('修订记录');
    expect(await page.locator('table').count()).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every duty variant shows its own window and inventory items', async () => {
    for (const sop of set.sops.filter(
      (s): s is ProcedureSop => s.kind === 'procedure' && s.schedule !== null,
    )) {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, `${sop.id}__sop.html`)).href);
      const text = await page
        .locator('body')
        .textContent()
        .then((t) => t ?? '');
      expect(text).toContain(sop.schedule?.window.label ?? '<no window>');
      for (const item of sop.checklists.flatMap((c) => c.items)) expect(text).toContain(item.name);
      // Nothing overflows the page horizontally (tables fit the column).
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.close();
    }
  });

  it('the manual has one element per id: its clauses and every chapter can be linked to', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(dir, 'service-centre-manual__manual.html')).href);
    const ids = await page.locator('[id]').evaluateAll((es) => es.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const sop of set.sops.filter((s) => s.kind === 'procedure'))
      expect(ids).toContain(`service-centre-manual-ch-${sop.id}`);
    await page.close();
  });
});
