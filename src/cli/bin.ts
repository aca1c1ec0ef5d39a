#!/usr/bin/env node
import { cli } from './main.js';

const code = await cli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).catch((err: unknown) => {
  // Only bugs reach here: user mistakes are reported as diagnostics with exit code 1 or 2.
  process.stderr.write(
    `sopforge: internal error — please report it with the input that caused it\n${String((err as Error)?.stack ?? err)}\n`,
  );
  return 70;
});
process.exitCode = code;
