import type { Lang } from '../diagnostics/types.js';

/** Where a command reads and writes; tests pass an in-memory one to run the CLI without spawning. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Set by the binary: from now on SIGINT and SIGTERM call `handler` instead of killing the process, which
   * exits with 130 or 143 once every handler has settled. Returns the function that removes the handler.
   * Absent in-process, where no signal stops a command.
   */
  onSignal?(handler: (signal: StopSignal) => Promise<void>): () => void;
}

/** The signals a command cleans up after. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user can fix, already explained in `message` (exit code 1, no stack trace). */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Options every command accepts. */
export interface GlobalOptions {
  readonly lang: Lang;
}

/** `zh` and `zh-CN` are Chinese; anything else but `en` is a usage error, said in Chinese (the default). */
export function parseLang(value: string | undefined): Lang {
  if (value === undefined || value === 'zh' || value === 'zh-CN') return 'zh';
  if (value === 'en') return 'en';
  throw new UsageError(`--lang 只能是 zh 或 en，不能是 “${value}”`);
}
