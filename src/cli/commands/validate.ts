import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { NO_CODE_FRAME } from '../../diagnostics/catalog.js';
import { formatDiagnostic, summary } from '../../diagnostics/format.js';
import type { Diagnostic, Lang } from '../../diagnostics/types.js';
import { hasErrors, toJson } from '../../diagnostics/types.js';
import { loadSopSet } from '../../load/index.js';
import { extraRules } from '../../validate/extra.js';
import { type CliIo, parseLang, UsageError } from '../io.js';
import { recoverRevisions } from '../recover.js';

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check SOP files (default: sops/) and report every problem with its line and column')
    .argument('[paths...]', 'SOP files or folders', ['sops'])
    .option('--format <format>', 'text or json', 'text')
    .option('--lang <lang>', 'zh or en', 'zh')
    .action(async (paths: string[], opts: { format: string; lang: string }) => {
      const lang = parseLang(opts.lang);
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(`--format must be text or json, not "${opts.format}"`);
      recoverRevisions(io, lang, paths);
      const result = await loadSopSet(paths, { cwd: io.cwd, ...extraRules(io.cwd) });
      if (opts.format === 'json') {
        io.stdout(
          `${JSON.stringify({ diagnostics: result.diagnostics.map((d) => toJson(d, lang)) }, null, 2)}\n`,
        );
      } else {
        await printDiagnostics(io, result.diagnostics, result.files.length, lang);
      }
      setExit(hasErrors(result.diagnostics) ? 1 : 0);
    });
}

/** Prints diagnostics with code frames to stderr and a one-line summary. */
export async function printDiagnostics(
  io: CliIo,
  diagnostics: readonly Diagnostic[],
  files: number,
  lang: Lang,
): Promise<void> {
  const sources = new Map<string, string | null>();
  for (const d of diagnostics) {
    if (NO_CODE_FRAME.has(d.code)) {
      io.stderr(`${formatDiagnostic(d, lang, null)}\n\n`);
      continue;
    }
    if (!sources.has(d.file))
      sources.set(d.file, await readFile(resolve(io.cwd, d.file), 'utf8').catch(() => null));
    io.stderr(`${formatDiagnostic(d, lang, sources.get(d.file) ?? null)}\n\n`);
  }
  const line = summary(diagnostics, files, lang);
  if (hasErrors(diagnostics)) io.stderr(`${line}\n`);
  else io.stdout(`${line}\n`);
}
