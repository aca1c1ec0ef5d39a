#!/usr/bin/env node
import type { StopSignal } from './io.js';
import { cli } from './main.js';

/** Exit codes of a process stopped by a signal, as a shell reports them (128 + the signal's number). */
const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

type Handler = (signal: StopSignal) => Promise<void>;
const handlers = new Set<Handler>();
let stopping = false;

function onStop(signal: StopSignal): void {
  // A second Ctrl-C while cleaning up means "now".
  if (stopping) process.exit(SIGNAL_EXIT[signal]);
  stopping = true;
  void Promise.allSettled([...handlers].map((h) => h(signal))).then(() => process.exit(SIGNAL_EXIT[signal]));
}

function onSignal(handler: Handler): () => void {
  if (handlers.size === 0) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onStop);
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0 && !stopping)
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onStop);
  };
}

const code = await cli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  onSignal,
}).catch((err: unknown) => {
  // Only bugs reach here: user mistakes are reported as diagnostics with exit code 1 or 2.
  process.stderr.write(
    `sopforge: internal error — please report it with the input that caused it\n${String((err as Error)?.stack ?? err)}\n`,
  );
  return 70;
});
process.exitCode = code;
