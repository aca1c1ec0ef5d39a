import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Lang } from '../../diagnostics/types.js';
import { writeFileDurable } from '../../history/durable.js';
import { loadSopSet } from '../../load/index.js';
import { SET_SCHEMA_MARK, setSchema } from '../../schema/set.js';
import { SCHEMA_URL } from '../../validate/schema.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { printDiagnostics } from './validate.js';

/** Where the set's schema goes unless `--out` says otherwise: beside the general one. */
export const DEFAULT_SET_SCHEMA = 'schemas/set.schema.json';

/** True when `file` holds a schema this command wrote (its `$comment` says so). */
function isOwnSchema(file: string): boolean {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { $comment?: unknown };
    return typeof value.$comment === 'string' && value.$comment.startsWith(SET_SCHEMA_MARK);
  } catch {
    return false;
  }
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('schema')
    .description(
      t(
        '为规程集生成专用的 JSON Schema：岗位、步骤、表格、清单和章节编号逐一列出并附中文名称，供编辑器补全和检查引用',
        "write the set's own JSON Schema: role, step, form, checklist and chapter ids listed with their Chinese names, so the editor completes and checks references",
      ),
    )
    .argument('[paths...]', t('规程文件或文件夹', 'SOP files or folders'), ['sops'])
    .option('--out <file>', t('写入的文件', 'file to write'), DEFAULT_SET_SCHEMA)
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (paths: string[], opts: { out: string }) => {
      if (!/\.json$/i.test(opts.out))
        throw new UsageError(
          t(`--out 须是 .json 文件，不能是 “${opts.out}”`, `--out must be a .json file, not "${opts.out}"`),
        );
      const out = resolve(io.cwd, opts.out);
      const shown = relative(io.cwd, out) || opts.out;
      if (out === fileURLToPath(SCHEMA_URL))
        throw new UserError(
          t(
            `${shown} 是通用的规程 schema，不能覆盖；请换一个 --out`,
            `${shown} is the general SOP schema and is never replaced; choose another --out`,
          ),
        );
      if (existsSync(out) && (!statSync(out).isFile() || !isOwnSchema(out)))
        throw new UserError(
          t(
            `${shown} 已存在且不是 sopforge schema 生成的文件，不会覆盖；请移走它或换一个 --out`,
            `${shown} exists and was not written by sopforge schema; it is left alone: move it or choose another --out`,
          ),
        );
      const result = await loadSopSet(paths, { cwd: io.cwd });
      if (!result.set) {
        await printDiagnostics(io, result.diagnostics, result.files.length, lang);
        io.stderr(t('规程有错误，未生成 schema\n', 'the SOPs have errors; no schema written\n'));
        setExit(1);
        return;
      }
      const general = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
      writeFileDurable(out, `${JSON.stringify(setSchema(general, result.set), null, 2)}\n`);
      io.stdout(
        `${t(
          `已写入 ${shown}（${result.set.sops.length} 个规程）；在规程第一行写 # yaml-language-server: $schema=<到该文件的相对路径> 即可使用`,
          `wrote ${shown} (${result.set.sops.length} SOPs); point a SOP's first line at it: # yaml-language-server: $schema=<relative path>`,
        )}\n`,
      );
      setExit(0);
    });
}
