// Preloaded with --import by the benchmarks: reports the process's peak resident set size (all threads) on exit.
import { appendFileSync } from 'node:fs';

const target = process.env.SOPFORGE_BENCH_RSS_FILE;
if (target) process.on('exit', () => appendFileSync(target, `${process.resourceUsage().maxRSS}\n`));
