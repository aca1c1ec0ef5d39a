import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/server.js';
import { ROOT, tempDir } from '../helpers.js';

/** Screenshots of every panel, to look at (`SOPFORGE_PREVIEW_SHOTS` chooses the folder). */
const SHOTS = process.env.SOPFORGE_PREVIEW_SHOTS ?? join(tmpdir(), 'sopforge-preview-shots');
const PANELS = ['problems', 'source', 'document', 'diagram', 'simulator', 'diff', 'forms'];

let browser: Browser;
let server: PreviewServer;
let dir: string;
let cleanup: () => Promise<void>;
let page: Page;
const FILE = () => join(dir, 'sops/front-desk-reception.yaml');

/** Waits until the page has shown the server's latest reload of the set. */
async function caughtUp(): Promise<void> {
  const { generation } = await server.settled();
  await page.waitForFunction((g) => Number(document.body.dataset.generation) >= g, generation, {
    timeout: 30_000,
  });
}

async function shoot(prefix: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  for (const id of PANELS)
    await page.locator(`#${id}`).screenshot({ path: join(SHOTS, `${prefix}-${id}.png`) });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-preview-'));
  await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
  await cp(join(ROOT, 'calendars'), join(dir, 'calendars'), { recursive: true });
  server = await startPreview({ paths: ['sops'], cwd: dir, lang: 'zh', port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cleanup?.();
});

describe('sopforge preview in headless Chromium', () => {
  it('shows the document, the diagram, the forms and no problems, in Chinese, with nothing from the network', async () => {
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
        outside.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.goto(`${server.url}#front-desk-reception`);
    await caughtUp();
    await expect.poll(() => page.locator('#problem-list').textContent()).toContain('没有问题');
    await expect
      .poll(() => page.frameLocator('#doc-frame').locator('body').textContent(), { timeout: 20_000 })
      .toContain('统一接待业主的流程');
    await page.locator('#diagram-view svg').waitFor({ timeout: 30_000 });
    expect(await page.locator('#diagram-view svg').innerHTML()).toContain('客服主管跟踪处理');
    // Deadlines are on the edges.
    expect(await page.locator('#diagram-view svg').innerHTML()).toContain('2d（自然日）→ 客服主管');
    await page.locator('#forms-view canvas').first().waitFor({ timeout: 30_000 });
    // The form page was drawn: some pixels are dark.
    const inked = await page
      .locator('#forms-view canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < d.length; i += 4) if ((d[i] as number) < 128) dark++;
        return dark;
      });
    expect(inked).toBeGreaterThan(1000);
    expect(await page.locator('#forms-view').textContent()).toContain('接待业主情况记录');
    expect(await page.locator('#diagram h2').textContent()).toBe('流程图');
    expect(await page.locator('#diff-base').textContent()).toContain('打开预览时的文件');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await shoot('1-opened');
  }, 120_000);

  it('follows a saved edit: new text in the document and the rule change in the diff', async () => {
    const text = await readFile(FILE(), 'utf8');
    await writeFile(
      FILE(),
      text.replace('统一接待业主的流程', '统一接待业主的新流程').replace('- after: 2d\n', '- after: 3d\n'),
    );
    await caughtUp();
    await expect
      .poll(() => page.frameLocator('#doc-frame').locator('body').textContent(), { timeout: 20_000 })
      .toContain('统一接待业主的新流程');
    const diff = await page.locator('#diff-list').textContent();
    expect(diff).toContain('2 天');
    expect(diff).toContain('3 天');
    expect(await page.locator('#diagram-view svg').innerHTML()).toContain('3d（自然日）');
  }, 60_000);

  it('shows a new error with its code frame and keeps the last good render; clicking it shows the line', async () => {
    const text = await readFile(FILE(), 'utf8');
    const broken = text.replace(
      '- after: 3d\n        role: cs-supervisor',
      '- after: 3d\n        role: cs-supervsor',
    );
    expect(broken).not.toBe(text);
    await writeFile(FILE(), broken.replace('统一接待业主的新流程', '统一接待业主的坏流程'));
    await caughtUp();
    const problem = page.locator('#problem-list li.error').first();
    await expect.poll(() => problem.textContent()).toContain('cs-supervsor');
    expect(await problem.textContent()).toContain('sops/front-desk-reception.yaml');
    expect(await problem.locator('pre').textContent()).toContain('^');
    expect(await page.locator('#status').textContent()).toContain('上次无误时的结果');
    // The last good render stays: the broken file's new text is not shown.
    const body = await page.frameLocator('#doc-frame').locator('body').textContent();
    expect(body).toContain('统一接待业主的新流程');
    expect(body).not.toContain('坏流程');
    await problem.click();
    const line = broken.split('\n').findIndex((l) => l.includes('cs-supervsor')) + 1;
    await expect.poll(() => page.locator('#source-view .hit').getAttribute('data-n')).toBe(String(line));
    expect(await page.locator('#source-view .hit').textContent()).toContain('cs-supervsor');
    await shoot('2-broken');
  }, 60_000);

  it('survives YAML nobody should type, and the error goes once the file is fixed', async () => {
    const good = (await readFile(FILE(), 'utf8')).replace('cs-supervsor', 'cs-supervisor');
    for (const junk of [
      '',
      '{{{',
      'a: [1, 2\n\tb: *x',
      'a: &a [*a]',
      '\u0000\u0001binary',
      '- - - :',
      good.slice(0, 400),
    ]) {
      await writeFile(FILE(), junk);
      const state = await server.settled();
      expect(state.failure).toBeNull();
      expect(state.problems.some((p) => p.file === 'sops/front-desk-reception.yaml')).toBe(true);
    }
    await writeFile(FILE(), good);
    await caughtUp();
    await expect.poll(() => page.locator('#problem-list li.error').count()).toBe(0);
    expect(await page.locator('#status').textContent()).toBe('已更新');
    // What is left is the warning the 3d edit earned: clause 4.7 still says 2天.
    expect(await page.locator('#problem-list li.warning').first().getAttribute('data-code')).toBe(
      'CLAUSE_FIGURE_MISMATCH',
    );
  }, 90_000);

  it('steps the simulator past a deadline and shows the escalation and the path on the diagram', async () => {
    const sim = page.locator('#simulator');
    await expect.poll(() => sim.locator('#sim-state').textContent()).toContain('接待业主');
    const record = sim.locator('fieldset[data-event="RECORD"]');
    // Without the record's fields the SOP's refusal is shown and the step stays.
    await record.locator('button').click();
    await expect.poll(() => sim.locator('#sim-log').textContent()).toContain('须填写“接待日期”');
    for (const [name, value] of Object.entries({
      date: '2026-01-01',
      owner: '张三',
      phone: '13800000000',
      room: '3-201',
      matter: '灯不亮',
    }))
      await record.locator(`input[name="${name}"]`).fill(value);
    await record.locator('button').click();
    await expect.poll(() => sim.locator('#sim-state').textContent()).toContain('已记录');
    const transfer = sim.locator('fieldset[data-event="TRANSFER"]');
    for (const input of await transfer.locator('input').all()) await input.fill('工程部');
    await transfer.locator('button').click();
    await expect.poll(() => sim.locator('#sim-state').textContent()).toContain('责任部门处理');
    // The threshold is 3d since the edit above: 2 days is not enough.
    await sim.locator('#sim-duration').fill('2d');
    await sim.locator('#sim-advance button[type="submit"]').click();
    expect(await sim.locator('#sim-log li.escalation').count()).toBe(0);
    await sim.locator('#sim-advance button[type="submit"]').click();
    const escalation = sim.locator('#sim-log li.escalation').first();
    await expect.poll(() => escalation.textContent()).toContain('客服主管');
    // Counted from the recorded reception date (2026-01-01, site midnight): due 3 days later.
    expect(await escalation.textContent()).toContain('2026-01-04 00:00');
    await expect.poll(() => sim.locator('#sim-state').textContent()).toContain('客服主管跟踪处理');
    await expect
      .poll(() => page.locator('#diagram-view svg g.current').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.locator('#diagram-view svg g.current').first().innerHTML()).toContain(
      '客服主管跟踪处理',
    );
    expect(await page.locator('#diagram-view svg g.visited').count()).toBeGreaterThanOrEqual(3);
    await shoot('3-simulated');
  }, 90_000);
});

describe('sopforge preview --lang en', () => {
  it('speaks English', async () => {
    const en = await startPreview({ paths: ['sops'], cwd: dir, lang: 'en', port: 0 });
    try {
      const p = await browser.newPage();
      await p.goto(`${en.url}#front-desk-reception`);
      await expect.poll(() => p.locator('#diagram h2').textContent()).toBe('Workflow diagram');
      await expect
        .poll(() => p.locator('#problem-list').textContent())
        .toContain('but the rule citing it says 3 days');
      expect(await p.locator('#status').textContent()).toBe('Up to date');
      await expect
        .poll(() => p.locator('#sim-state').textContent(), { timeout: 30_000 })
        .toContain('Current step');
      await p.close();
    } finally {
      await en.close();
    }
  }, 60_000);
});
