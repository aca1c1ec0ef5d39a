import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildSet } from '../../build/build.js';
import { writeOutput } from '../../build/write.js';
import { hasErrors } from '../../diagnostics/types.js';
import { loadSopSet } from '../../load/index.js';
import { extraRules } from '../../validate/extra.js';
import { type CliIo, parseLang } from '../io.js';
import { printDiagnostics } from './validate.js';

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('build')
    .description('validate the SOPs and write everything generated from them to out/ (atomically)')
    .argument('[paths...]', 'SOP files or folders', ['sops'])
    .option('--out <dir>', 'output folder', 'out')
    .option('--lang <lang>', 'zh or en', 'zh')
    .action(async (paths: string[], opts: { out: string; lang: string }) => {
      const lang = parseLang(opts.lang);
      const result = await loadSopSet(paths, { cwd: io.cwd, ...extraRules() });
      if (!result.set || hasErrors(result.diagnostics)) {
        await printDiagnostics(io, result.diagnostics, result.files.length, lang);
        io.stderr(lang === 'zh' ? '校验未通过，未生成任何文件；out/ 保持不变。\n' : 'Validation failed: nothing was built and out/ is unchanged.\n');
        setExit(1);
        return;
      }
      if (result.diagnostics.length > 0) await printDiagnostics(io, result.diagnostics, result.files.length, lang);
      const { files, manifest } = await buildSet(result.set);
      const out = resolve(io.cwd, opts.out);
      await writeOutput(out, files, manifest);
      io.stdout(
        lang === 'zh'
          ? `已生成 ${result.set.sops.length} 个规程的 ${files.length} 个文件 → ${opts.out}/\n`
          : `Built ${files.length} files for ${result.set.sops.length} SOPs → ${opts.out}/\n`,
      );
      setExit(0);
    });
}
