import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { NO_CODE_FRAME } from '../../diagnostics/catalog.js';
import { capPerFile, formatDiagnostic, moreNotShown, summary } from '../../diagnostics/format.js';
import type { Diagnostic, Lang } from '../../diagnostics/types.js';
import { hasErrors, toJson } from '../../diagnostics/types.js';
import { loadSopSet } from '../../load/index.js';
import { extraRules } from '../../validate/extra.js';
import { type CliIo, UsageError } from '../io.js';
import { sayer } from '../lang.js';
import { recoverRevisions } from '../recover.js';

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('validate')
    .description(
      t(
        '检查规程文件（默认 sops/），列出每个问题及其行号和列号',
        'check SOP files (default: sops/) and report every problem with its line and column',
      ),
    )
    .argument('[paths...]', t('规程文件或文件夹', 'SOP files or folders'), ['sops'])
    .option('--format <format>', t('text（文字）或 json', 'text or json'), 'text')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .option(
      '--explain',
      t(
        '列出每份规程的每条规则及其来源（YAML 的文件和行号、手册或内置默认）',
        "list each SOP's rules and where each comes from (the YAML's file and line, the manual, or a built-in default)",
      ),
    )
    .action(async (paths: string[], opts: { format: string; lang: string; explain?: boolean }) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(
          t(
            `--format 只能是 text 或 json，不能是 “${opts.format}”`,
            `--format must be text or json, not "${opts.format}"`,
          ),
        );
      recoverRevisions(io, lang, paths);
      const result = await loadSopSet(paths, { cwd: io.cwd, ...extraRules(io.cwd) });
      // Loaded only when asked for: plain `validate` does not pay for it.
      const explained =
        opts.explain && result.set
          ? (await import('../../validate/explain.js')).explainSet(result.set)
          : null;
      if (opts.format === 'json') {
        const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
        const counts = { files: result.files.length, errors, warnings: result.diagnostics.length - errors };
        const explain = explained ? { explain: explained } : {};
        io.stdout(
          `${JSON.stringify({ diagnostics: result.diagnostics.map((d) => toJson(d, lang)), ...counts, ...explain }, null, 2)}\n`,
        );
      } else {
        if (explained) io.stdout((await import('../../validate/explain.js')).explainText(explained, lang));
        await printDiagnostics(io, result.diagnostics, result.files.length, lang);
      }
      setExit(hasErrors(result.diagnostics) ? 1 : 0);
    });
}

/** Prints diagnostics with code frames to stderr (at most `MAX_SHOWN_PER_FILE` a file) and a one-line summary. */
export async function printDiagnostics(
  io: CliIo,
  diagnostics: readonly Diagnostic[],
  files: number,
  lang: Lang,
): Promise<void> {
  const sources = new Map<string, string | null>();
  const { shown, hidden } = capPerFile(diagnostics);
  // A template reached through a link out of its folder is named, never quoted: no code frame.
  for (const d of shown) if (!sources.has(d.file) && !NO_CODE_FRAME.has(d.code)) sources.set(d.file, null);
  for (const file of sources.keys())
    sources.set(file, await readFile(resolve(io.cwd, file), 'utf8').catch(() => null));
  shown.forEach((d, i) => {
    const source = NO_CODE_FRAME.has(d.code) ? null : (sources.get(d.file) ?? null);
    io.stderr(`${formatDiagnostic(d, lang, source)}\n\n`);
    const h = hidden.get(d.file);
    if (h && shown[i + 1]?.file !== d.file) io.stderr(`${moreNotShown(d.file, h, lang)}\n\n`);
  });
  const line = summary(diagnostics, files, lang);
  if (hasErrors(diagnostics)) io.stderr(`${line}\n`);
  else io.stdout(`${line}\n`);
}
