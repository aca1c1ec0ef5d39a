import { Command, CommanderError } from '../deps/commander.js';
import { type CliIo, UsageError, UserError } from './io.js';

/**
 * A command module: adds one sub-command to the program. Its action returns the exit code.
 * Modules are imported lazily so `sopforge validate` does not load pdfkit or xstate.
 */
export interface CommandModule {
  register(program: Command, io: CliIo, setExit: (code: number) => void): void;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.js'),
  build: () => import('./commands/build.js'),
  verify: () => import('./commands/verify.js'),
  roster: () => import('./commands/roster.js'),
  book: () => import('./commands/book.js'),
  diff: () => import('./commands/diff.js'),
  revise: () => import('./commands/revise.js'),
  review: () => import('./commands/review.js'),
  migrate: () => import('./commands/migrate.js'),
};

/**
 * Runs the CLI in-process and returns the exit code: 0 success (warnings allowed), 1 invalid input or
 * failed job, 2 usage error.
 *
 * @example
 * const code = await cli(['validate', 'sops/'], { cwd: process.cwd(), env: process.env, isTTY: false,
 *   stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
 */
export async function cli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('sopforge')
    .description(
      'SOPs in YAML → validated models, XState machines, PDF forms and books, documents, review history',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();
  const name = argv.find((a) => !a.startsWith('-'));
  const wanted = name !== undefined && name in commands ? [name] : Object.keys(commands);
  for (const key of wanted) {
    const load = commands[key];
    if (load) (await load()).register(program, io, (code) => (exitCode = code));
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.stderr(`sopforge: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
