import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type ClaimedOutput, claimOutput } from '../../build/guard.js';
import { buildToFolder, type Progress } from '../../build/output.js';
import { createTargets } from '../../build/targets.js';
import { markChangelogs } from '../../compile/machine/changelog.js';
import { catalog } from '../../diagnostics/catalog.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import type { Lang } from '../../diagnostics/types.js';
import { hasErrors } from '../../diagnostics/types.js';
import { markDrafts } from '../../history/draft.js';
import { loadSopSet } from '../../load/index.js';
import { checkTemplates, TemplateError, templateDiagnostic } from '../../render/doc/index.js';
import { renderErrorText } from '../../render/pdf/errors.js';
import { printableTextRule } from '../../render/pdf/rule.js';
import { extraRules } from '../../validate/extra.js';
import { type CliIo, type StopSignal, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { outputUserError } from '../output-error.js';
import { recoverRevisions } from '../recover.js';
import { printDiagnostics } from './validate.js';

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('build')
    .description(
      t(
        '校验规程，并把由其生成的全部文件写入 out/（整体替换，只重新生成改动过的）',
        'validate the SOPs and write everything generated from them to out/ (atomically, rebuilding only what changed)',
      ),
    )
    .argument('[paths...]', t('规程文件或文件夹', 'SOP files or folders'), ['sops'])
    .option('--out <dir>', t('输出文件夹', 'output folder'), 'out')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .option(
      '--jobs <n>',
      t(
        '规程很多时并行的线程数：一个数字，或 auto（每个处理器核心一个）',
        'worker threads for large sets: a number, or auto (one per core)',
      ),
      'auto',
    )
    .option(
      '--no-incremental',
      t(
        '全部重新生成，不沿用上次生成中未改动的规程',
        'rebuild every SOP instead of reusing unchanged ones from the previous build',
      ),
    )
    .option(
      '--release',
      t(
        '发布用：有草稿（与批准的版本不同的规程）时不生成任何文件',
        'for release: build nothing when a SOP is a draft (differs from its approved version)',
      ),
    )
    .option(
      '--templates <dir>',
      t(
        '本单位的模板文件夹：其中的文件替换同名的内置模板',
        "a site's template folder: its files replace the built-in templates of the same name",
      ),
    )
    .action(
      async (
        paths: string[],
        opts: {
          out: string;
          lang: string;
          jobs: string;
          incremental: boolean;
          templates?: string;
          release?: boolean;
        },
      ) => {
        const workers = parseJobs(opts.jobs, lang);
        const out = resolve(io.cwd, opts.out);
        const templatesDir = opts.templates === undefined ? undefined : resolve(io.cwd, opts.templates);
        // From here on a signal stops the build cleanly: the staging folder and the lock are removed and
        // out/ is left as it was (see `interrupted` below).
        const stop = new AbortController();
        let stoppedBy: StopSignal | null = null;
        let settle = () => {};
        const settled = new Promise<void>((done) => {
          settle = done;
        });
        const unlisten = io.onSignal?.(async (signal) => {
          stoppedBy = signal;
          stop.abort();
          await settled;
        });
        const interrupted = (done: boolean) => {
          const signal = stoppedBy ?? 'SIGINT';
          const msg = catalog[done ? 'OUTPUT_INTERRUPTED_DONE' : 'OUTPUT_INTERRUPTED'].message({
            signal,
            path: `${opts.out}/`,
          });
          io.stderr(`sopforge: ${lang === 'zh' ? msg.zh : msg.en}\n`);
          setExit(signal === 'SIGINT' ? 130 : 143);
        };
        let claimed: ClaimedOutput | null = null;
        try {
          // The output folder is checked and locked before any work: a folder sopforge may not replace is
          // refused before anything is validated or written.
          claimed = await claimOutput(out, {
            cwd: io.cwd,
            inputs: [
              ...paths.map((p) => resolve(io.cwd, p)),
              resolve(io.cwd, 'calendars'),
              ...(templatesDir ? [templatesDir] : []),
            ],
          }).catch((err: unknown) => {
            throw outputUserError(err, out, lang, io.cwd);
          });
          recoverRevisions(io, lang, paths);
          const rules = extraRules(io.cwd);
          const loaded = await untilAborted(
            loadSopSet(paths, {
              cwd: io.cwd,
              ...rules,
              // Builds print every text of the SOP: check the font has each character, with its position.
              sopRules: [...(rules.sopRules ?? []), printableTextRule],
            }),
            stop.signal,
          );
          const result =
            loaded.set && templatesDir
              ? {
                  ...loaded,
                  diagnostics: [...loaded.diagnostics, ...checkTemplates(loaded.set, templatesDir)],
                }
              : loaded;
          if (!result.set || hasErrors(result.diagnostics)) {
            await printDiagnostics(io, result.diagnostics, result.files.length, lang);
            io.stderr(
              lang === 'zh'
                ? '校验未通过，未生成任何文件；out/ 保持不变。\n'
                : 'Validation failed: nothing was built and out/ is unchanged.\n',
            );
            setExit(1);
            return;
          }
          if (result.diagnostics.length > 0)
            await printDiagnostics(io, result.diagnostics, result.files.length, lang);
          // Drafts are stamped 草稿 / DRAFT; a release build refuses them.
          // The machine packages' CHANGELOG.md lists the rule changes between the stored approved texts.
          const set = markChangelogs(markDrafts(result.set, io.cwd), io.cwd);
          const drafts = set.sops.filter((s) => s.draft);
          if (opts.release && drafts.length > 0) {
            const zh = drafts
              .map((s) => `${s.id}（与批准的版本 ${s.draft?.approvedVersion} 不同）`)
              .join('、');
            const en = drafts
              .map((s) => `${s.id} (differs from approved ${s.draft?.approvedVersion})`)
              .join(', ');
            io.stderr(
              lang === 'zh'
                ? `发布构建不生成草稿：${zh}。先用 sopforge revise 记录修订，或恢复批准的文本；未生成任何文件，${opts.out}/ 保持不变。\n`
                : `A release build does not build drafts: ${en}. Record the revision with sopforge revise first, or put back the approved text; nothing was built and ${opts.out}/ is unchanged.\n`,
            );
            setExit(1);
            return;
          }
          const bar = progressBar(io, lang);
          const real = claimed.path;
          const built = await buildToFolder(
            set,
            real,
            { workers, incremental: opts.incremental, onProgress: bar.update, signal: stop.signal },
            createTargets(templatesDir ? { templatesDir } : {}),
          )
            .catch((err: unknown) => {
              throw stop.signal.aborted ? err : userError(outputUserError(err, real, lang, io.cwd), lang);
            })
            .finally(bar.clear);
          if (stop.signal.aborted) {
            interrupted(true);
            return;
          }
          const files = built.manifest.files.length;
          const sops = result.set.sops.length;
          io.stdout(
            lang === 'zh'
              ? `已生成 ${sops} 个规程的 ${files} 个文件 → ${opts.out}/（重新生成 ${built.rebuilt.length} 个，沿用 ${built.reused.length} 个未改动的）\n`
              : `Built ${files} files for ${sops} SOPs → ${opts.out}/ (${built.rebuilt.length} rebuilt, ${built.reused.length} unchanged)\n`,
          );
          setExit(0);
        } catch (err) {
          if (!stop.signal.aborted) throw err;
          interrupted(false);
        } finally {
          await claimed?.release();
          unlisten?.();
          settle();
        }
      },
    );
}

/** `work`, or a rejection as soon as `signal` aborts (the work itself goes on, writing nothing). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
}

function parseJobs(value: string, lang: Lang): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      lang === 'zh'
        ? `--jobs 须是不小于 1 的整数或 auto，不能是 “${value}”`
        : `--jobs must be a whole number ≥ 1 or auto, not "${value}"`,
    );
  return n;
}

/**
 * A progress bar on stderr when it is a terminal and not in CI; otherwise nothing (the summary line says
 * what was done), so CI logs stay short and line-based.
 */
function progressBar(io: CliIo, lang: Lang): { update: (p: Progress) => void; clear: () => void } {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false' && io.env.CI !== '0';
  if (!io.isTTY || ci) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  const width = 30;
  return {
    update: (p) => {
      const now = Date.now();
      if (p.done !== p.total && now - last < 80) return;
      last = now;
      const filled = Math.round((p.done / p.total) * width);
      const label = lang === 'zh' ? '生成' : 'building';
      io.stderr(
        `\r\x1b[K${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${p.done}/${p.total} ${p.id.slice(0, 40)}`,
      );
      shown = true;
    },
    clear: () => {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

/**
 * Errors a target raises for something the user can fix (a template mistake, a character the font lacks)
 * become a plain message and exit code 1; anything else is a bug and keeps its stack. Matched by name, so
 * errors from worker threads are recognised too.
 */
function userError(err: unknown, lang: Lang): unknown {
  if (err instanceof TemplateError)
    return new UserError(formatDiagnostic(templateDiagnostic(err), lang, null));
  const name = (err as Error)?.name;
  if (name === 'TemplateError' || name === 'RenderError' || name === 'MissingGlyphsError') {
    const note =
      lang === 'zh' ? '未生成任何文件；out/ 保持不变。' : 'Nothing was built and out/ is unchanged.';
    return new UserError(`${renderErrorText(err, lang) ?? (err as Error).message}\n${note}`);
  }
  return err;
}
