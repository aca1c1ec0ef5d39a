import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/format.js';
import type { Lang } from '../../diagnostics/types.js';
import { loadSopTexts } from '../../load/index.js';
import { migrateV1 } from '../../migrate/v1-to-v2.js';
import type { CliIo } from '../io.js';
import { sayer } from '../lang.js';

/** Replaces `file` by `text` through a temporary file in the same folder and a rename. */
function replaceAtomically(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.migrate-${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('migrate')
    .description(
      t(
        '把第 1 版语言写的规程文件改写为第 2 版（打印结果；加 --write 则替换各文件）',
        'rewrite SOP files of language version 1 as version 2 (prints the result; --write replaces each file)',
      ),
    )
    .argument('<files...>', t('第 1 版语言的规程文件', 'SOP files of language version 1'))
    .option(
      '--write',
      t(
        '直接替换各文件（整体替换），而不是打印结果',
        'replace each file (atomically) instead of printing it',
      ),
    )
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (files: string[], opts: { write?: boolean; lang: string }) => {
      let failed = false;
      for (const f of files) {
        const abs = resolve(io.cwd, f);
        const shown = relative(io.cwd, abs).split('\\').join('/');
        const bytes = await readFile(abs).catch(() => null);
        // Not UTF-8 (GBK, binary): decoding would replace bytes, and writing it back would lose them.
        let src: string | null = null;
        try {
          src = bytes && new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          io.stderr(
            lang === 'zh' ? `${shown}：不是 UTF-8 文本，未改写\n` : `${shown}: not UTF-8 text; left as is\n`,
          );
          failed = true;
          continue;
        }
        if (src === null) {
          io.stderr(lang === 'zh' ? `${shown}：无法读取\n` : `${shown}: cannot be read\n`);
          failed = true;
          continue;
        }
        const result = migrateV1(src);
        if (result.text === null) {
          io.stderr(
            lang === 'zh'
              ? `${shown}：无法改写（${result.problem?.zh ?? ''}）\n`
              : `${shown}: cannot be migrated (${result.problem?.en ?? ''})\n`,
          );
          failed = true;
          continue;
        }
        if (!opts.write) {
          io.stdout(result.text);
          continue;
        }
        if (result.unchanged) {
          io.stderr(
            lang === 'zh' ? `${shown}：已是第 2 版，未改动\n` : `${shown}: already version 2, left as is\n`,
          );
          continue;
        }
        // Written only when the result reads back as YAML at least as well as the original did; problems of
        // the SOP itself are shown, to be fixed by hand.
        const check = loadSopTexts([{ file: shown, text: result.text }]);
        const before = new Set(
          loadSopTexts([{ file: shown, text: src }])
            .diagnostics.filter((d) => /^(FILE|YAML)_/.test(d.code))
            .map((d) => d.code),
        );
        const unreadable = check.diagnostics.filter(
          (d) => d.file === shown && /^(FILE|YAML)_/.test(d.code) && !before.has(d.code),
        );
        if (unreadable.length > 0) {
          for (const d of unreadable) io.stderr(`${formatDiagnostic(d, lang, result.text)}\n`);
          io.stderr(
            lang === 'zh'
              ? `${shown}：改写后的文件无法解析，未写入\n`
              : `${shown}: the rewritten file does not parse; not written\n`,
          );
          failed = true;
          continue;
        }
        replaceAtomically(abs, result.text);
        const left = check.diagnostics.filter((d) => d.file === shown && d.severity === 'error');
        for (const d of left) io.stderr(`${formatDiagnostic(d, lang, result.text)}\n`);
        io.stderr(
          lang === 'zh'
            ? `${shown}：已改写为第 2 版；${result.toCheck} 处标有“# 待核对”${left.length > 0 ? `，${left.length} 个错误待修改` : ''}\n`
            : `${shown}: rewritten as version 2; ${result.toCheck} clauses marked "# 待核对"${left.length > 0 ? `, ${left.length} errors to fix` : ''}\n`,
        );
      }
      setExit(failed ? 1 : 0);
    });
}
