#!/usr/bin/env node
// Record book benchmark: a 366-page duty log book built by sopforge (PDF/X-4, and also as plain PDF and at A5) (the whole CLI process: start-up,
// loading and validating the SOP, layout, PDF, font subset, writing) beside the reference scripts in
// ../shared/bench/ (plain pdfkit, pdfmake, headless Chromium), each run as its own process, several
// rounds alternating between them. Prints medians of wall time, CPU time, peak memory (max RSS of the
// process; for Chromium the largest single process) and bytes per page, and the ratios the issue
// sets as targets.
//
//   node bench/book.mjs [--runs 9] [--pages 366] [--settle 300] [--keep]
//   BENCH_REFERENCE_DIR=/path/to/shared/bench  (default: ../shared/bench beside the project)
//   BENCH_SOPFORGE_BIN=/path/to/bin.js          (default: dist/cli/bin.js)
//
// Needs `npm run build` first (it runs dist/cli/bin.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const runs = Number(opt('runs', process.env.BENCH_RUNS ?? '9'));
const pages = Number(opt('pages', '366'));
const keep = process.argv.includes('--keep');
// Pause after each run so the previous contender's processes (Chromium's helpers exit after the browser)
// and its disk writes are done before the next one starts.
const settleMs = Number(opt('settle', '300'));
const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, settleMs);
const refDir = resolve(process.env.BENCH_REFERENCE_DIR ?? join(root, '..', 'shared', 'bench'));
const bin = resolve(process.env.BENCH_SOPFORGE_BIN ?? join(root, 'dist', 'cli', 'bin.js'));
const font = join(root, 'node_modules', '@embedpdf', 'fonts-sc', 'fonts', 'NotoSansHans-Regular.otf');
const chromium = '/usr/bin/chromium';
const gnuTime = '/usr/bin/time';

if (!existsSync(bin)) {
  console.error(`bench: ${bin} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'sopforge-bench-'));

// Peak memory: GNU time's %M when installed, else a preloaded hook that reports the Node process's own maxRSS.
const rssHook = join(work, 'rss-hook.cjs');
writeFileSync(
  rssHook,
  "process.on('exit', () => { try { require('fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n",
);

/** A sopforge book: the duty log, `pages` pages, with `extra` options. */
const book = (name, extra) => ({
  name,
  out: join(work, `${name}.pdf`),
  cmd: [
    process.execPath,
    bin,
    'book',
    'duty-handover-public-affairs',
    '--form',
    'duty-log',
    '--pages',
    String(pages),
    ...extra,
    '--out',
    join(work, `${name}.pdf`),
  ],
});

/** @type {{ name: string, out: string | null, cmd: string[], env?: Record<string, string>, skip?: string }[]} */
const contenders = [
  // The default book is PDF/X-4 (FOGRA39 output intent); `plain` is the PDF 1.7 book (--no-pdfx) the
  // PDF/X budget is measured against; `A5` the PDF/X book at A5.
  book('sopforge', []),
  book('plain', ['--no-pdfx']),
  book('A5', ['--size', 'A5']),
  ...['pdfkit', 'pdfmake', 'chromium'].map((kind) => {
    const script = join(refDir, `dutylog-${kind}.cjs`);
    const out = join(work, `${kind}.pdf`);
    let skip;
    if (!existsSync(script)) skip = `${script} not found (set BENCH_REFERENCE_DIR)`;
    else if (kind === 'chromium' && !existsSync(chromium))
      skip = `${chromium} is not installed (Debian: apt-get install chromium)`;
    // The reference scripts are CommonJS outside the project: let them resolve its node_modules.
    return {
      name: kind,
      out,
      cmd: [process.execPath, script, font, out, String(pages)],
      env: { NODE_PATH: join(root, 'node_modules') },
      skip,
    };
  }),
  // Not a book: Node starting and loading pdfkit (with fontkit) the way the plain pdfkit script does
  // (require), the fixed cost of a pdfkit-based process that does nothing about what pdfkit loads.
  {
    name: 'floor',
    out: null,
    cmd: [process.execPath, '-e', "require('pdfkit')"],
    env: { NODE_PATH: join(root, 'node_modules') },
  },
];

function runOnce(c) {
  const rssFile = join(work, `${c.name}.rss`);
  const timeFile = join(work, `${c.name}.time`);
  if (c.out) rmSync(c.out, { force: true });
  const env = { ...process.env, ...c.env, BENCH_RSS_FILE: rssFile };
  let cmd = c.cmd;
  if (existsSync(gnuTime)) cmd = [gnuTime, '-f', '%e %U %S %M', '-o', timeFile, ...c.cmd];
  else env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${rssHook}`.trim();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: root, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 || (c.out && !existsSync(c.out))) {
    throw new Error(`${c.name} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  }
  let cpu = null;
  let rssKb = null;
  if (existsSync(timeFile)) {
    const [, user, sys, maxKb] = readFileSync(timeFile, 'utf8')
      .trim()
      .split('\n')
      .pop()
      .split(' ')
      .map(Number);
    cpu = user + sys;
    rssKb = maxKb;
  } else if (existsSync(rssFile)) {
    rssKb = Number(readFileSync(rssFile, 'utf8'));
  }
  return { wall, cpu, rssKb, bytes: c.out ? statSync(c.out).size : null };
}

/** Physical pages of a PDF: the /Count of its page tree root (the largest /Count in the file). */
function pageCount(file) {
  const text = readFileSync(file).toString('latin1');
  let max = 0;
  for (const m of text.matchAll(/\/Count (\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const active = contenders.filter((c) => !c.skip);
for (const c of contenders.filter((c) => c.skip)) console.log(`skipped ${c.name}: ${c.skip}`);
console.log(
  `${pages}-page duty log book, ${runs} rounds, alternating ${active.map((c) => c.name).join(' / ')}; work folder ${work}`,
);

// One warm-up round (file cache, font file in memory), not counted.
for (const c of active) {
  runOnce(c);
  settle();
}
const results = new Map(active.map((c) => [c.name, []]));
for (let round = 0; round < runs; round++) {
  // Rotate the order every round so no contender always runs right after the same one.
  const order = active.map((_, i) => active[(i + round) % active.length]);
  for (const c of order) {
    results.get(c.name)?.push(runOnce(c));
    settle();
  }
  process.stdout.write(`  round ${round + 1}/${runs} done\n`);
}

const rows = active.map((c) => {
  const rs = results.get(c.name) ?? [];
  const bytes = rs[0]?.bytes ?? null;
  const physical = c.out ? pageCount(c.out) : null;
  return {
    name: c.name,
    wall: median(rs.map((r) => r.wall)),
    cpu: median(rs.map((r) => r.cpu)),
    rssKb: median(rs.map((r) => r.rssKb)),
    bytes,
    physical,
  };
});
const fmt = (x, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const pad = (s, n) => String(s).padStart(n);
console.log('');
console.log(
  `${'contender'.padEnd(10)}${pad('wall s', 9)}${pad('cpu s', 9)}${pad('peak MB', 9)}${pad('bytes', 11)}${pad('pages', 7)}${pad('bytes/page', 12)}`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(10)}${pad(fmt(r.wall), 9)}${pad(fmt(r.cpu), 9)}${pad(fmt(r.rssKb === null ? null : r.rssKb / 1024, 0), 9)}${pad(r.bytes ?? '—', 11)}${pad(r.physical ?? '—', 7)}${pad(r.bytes === null ? '—' : Math.round(r.bytes / Math.max(1, r.physical ?? 1)), 12)}`,
  );
}

const by = Object.fromEntries(rows.map((r) => [r.name, r]));
const sf = by.sopforge;
const ratio = (a, b) =>
  a === null || b === null || a === undefined || b === undefined || b === 0 ? null : a / b;
const checks = [];
if (sf && by.pdfkit) {
  checks.push(['time sopforge / pdfkit (wall)', ratio(sf.wall, by.pdfkit.wall), '≤ 0.75', (x) => x <= 0.75]);
  checks.push(['time sopforge / pdfkit (cpu)', ratio(sf.cpu, by.pdfkit.cpu), '≤ 0.75', (x) => x <= 0.75]);
  checks.push(['size sopforge / pdfkit', ratio(sf.bytes, by.pdfkit.bytes), '≤ 0.60', (x) => x <= 0.6]);
}
if (sf && by.plain) {
  checks.push(['PDF/X time / plain book (wall)', ratio(sf.wall, by.plain.wall), '≤ 1.10', (x) => x <= 1.1]);
  checks.push(['PDF/X time / plain book (cpu)', ratio(sf.cpu, by.plain.cpu), '≤ 1.10', (x) => x <= 1.1]);
  checks.push(['PDF/X bytes / plain book', ratio(sf.bytes, by.plain.bytes), '≤ 1.15', (x) => x <= 1.15]);
}
if (sf && by.pdfmake)
  checks.push(['speed-up vs pdfmake (wall)', ratio(by.pdfmake.wall, sf.wall), '≥ 5', (x) => x >= 5]);
if (sf && by.chromium)
  checks.push(['speed-up vs Chromium (wall)', ratio(by.chromium.wall, sf.wall), '≥ 10', (x) => x >= 10]);
console.log(
  "(floor: node start-up + require('pdfkit') with fontkit, no PDF — what a plain pdfkit process pays before its first page)",
);
console.log('');
for (const [label, value, target, ok] of checks) {
  console.log(
    `${label.padEnd(32)}${pad(fmt(value), 7)}   target ${target}   ${value === null ? 'n/a' : ok(value) ? 'met' : 'NOT met'}`,
  );
}
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`\nPDFs kept in ${work}`);
