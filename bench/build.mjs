#!/usr/bin/env node
// Build benchmark: the whole CLI process (start-up, loading, validation, targets, writing) as a user runs it.
//   1. cold `validate` of the bundled SOPs
//   2. cold `build` of the bundled SOPs (fresh output folder every run)
//   3. cold `build` of 500 generated SOP variants (fresh output folder every run)
//   4. `build` of the same 500 after one SOP changed (incremental: the previous build is in out/)
// Prints the median wall time of several runs and the largest peak RSS (all threads of the process).
//
//   node bench/build.mjs [--runs 5] [--large-runs 3] [--sops 500] [--jobs auto]
//   BENCH_SOPFORGE_BIN=/path/to/bin.js  (default: dist/cli/bin.js)
//
// Needs `npm run build` first (it runs dist/cli/bin.js).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, writeVariants } from './lib/variants.mjs';

const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const runs = Number(opt('runs', process.env.BENCH_RUNS ?? '5'));
const largeRuns = Number(opt('large-runs', '3'));
const count = Number(opt('sops', '500'));
const jobs = opt('jobs', 'auto');
const bin = process.env.BENCH_SOPFORGE_BIN ?? join(ROOT, 'dist', 'cli', 'bin.js');
const rssHook = pathToFileURL(join(ROOT, 'bench', 'lib', 'rss.mjs')).href;
const work = mkdtempSync(join(tmpdir(), 'sopforge-bench-'));

/** Runs the CLI once in `cwd`; returns wall milliseconds and peak RSS in MiB. */
function run(args, cwd) {
  const rssFile = join(work, 'rss.txt');
  writeFileSync(rssFile, '');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', rssHook, bin, ...args], {
    cwd,
    env: { ...process.env, CI: 'true', SOPFORGE_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`sopforge ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { ms, rss: kb / 1024, stdout: r.stdout.trim() };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
function measure(name, n, once) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(once(i));
  const row = {
    benchmark: name,
    runs: n,
    'median ms': Math.round(median(results.map((r) => r.ms))),
    'min ms': Math.round(Math.min(...results.map((r) => r.ms))),
    'peak RSS MiB': Math.round(Math.max(...results.map((r) => r.rss))),
  };
  rows.push(row);
  console.log(
    `${name}: ${row['median ms']} ms median of ${n} (min ${row['min ms']}), peak RSS ${row['peak RSS MiB']} MiB — ${results.at(-1).stdout.split('\n').at(-1)}`,
  );
}

try {
  const small = join(work, 'bundled');
  cpSync(join(ROOT, 'sops'), join(small, 'sops'), { recursive: true });
  const large = join(work, 'large');
  const ids = await writeVariants(join(large, 'sops'), count);

  measure('validate, bundled SOPs', runs, () => run(['validate'], small));
  measure('build, bundled SOPs, cold', runs, (i) =>
    run(['build', '--out', `out-${i}`, '--jobs', jobs], small),
  );
  measure(`validate, ${count} SOPs`, largeRuns, () => run(['validate'], large));
  measure(`build, ${count} SOPs, cold`, largeRuns, () => {
    rmSync(join(large, 'out'), { recursive: true, force: true });
    return run(['build', '--jobs', jobs], large);
  });
  measure(`build, ${count} SOPs, one changed`, largeRuns, (i) => {
    const file = join(large, 'sops', `${ids[(i * 37) % ids.length]}.yaml`);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^title: (.+)$/m, `title: $1（第 ${i + 1} 次修改）`),
    );
    const r = run(['build', '--jobs', jobs], large);
    if (!/ 1 rebuilt|重新生成 1 个/.test(r.stdout)) throw new Error(`expected one SOP rebuilt: ${r.stdout}`);
    return r;
  });
  console.log(`\nnode ${process.version}, ${availableParallelism()} cores, --jobs ${jobs}`);
  console.table(rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
