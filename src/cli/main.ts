import type { Command } from 'commander';
import { CommanderError } from '../deps/commander.js';
import type { Lang } from '../diagnostics/types.js';
import { type CliIo, UsageError, UserError } from './io.js';
import { commandName, createProgram, langFromArgv, sayer } from './lang.js';

/**
 * A command module: adds one sub-command to the program, its help and messages in `lang` (read from argv
 * before parsing). Its action sets the exit code. Modules are imported lazily so `sopforge validate` does
 * not load pdfkit or xstate.
 */
export interface CommandModule {
  register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void;
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
  feedback: () => import('./commands/feedback.js'),
  migrate: () => import('./commands/migrate.js'),
  preview: () => import('./commands/preview.js'),
  schema: () => import('./commands/schema.js'),
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
  let lang: Lang;
  try {
    lang = langFromArgv(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`sopforge: ${err.message}\n`);
    return 2;
  }
  const t = sayer(lang);
  const program = createProgram(lang)
    .description(
      t(
        '把 YAML 写的规程编译为：校验过的模型、XState 状态机、PDF 表格和记录本、规程文件、复审记录',
        'SOPs in YAML → validated models, XState machines, PDF forms and books, documents, review history',
      ),
    )
    // Only before a command: `sopforge --lang en --help`; a command's own --lang comes after its name.
    .enablePositionalOptions()
    .option('--lang <lang>', t('zh（中文，默认）或 en（英文）', 'zh (Chinese, the default) or en (English)'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();
  const name = commandName(argv);
  const wanted = name !== undefined && name in commands ? [name] : Object.keys(commands);
  for (const key of wanted) {
    const load = commands[key];
    if (load) (await load()).register(program, io, (code) => (exitCode = code), lang);
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
