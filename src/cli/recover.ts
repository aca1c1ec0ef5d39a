import type { Lang } from '../diagnostics/types.js';
import { recoverRevisionsUnder } from '../history/journal.js';
import { type CliIo, UserError } from './io.js';

/**
 * Completes what an interrupted `revise` committed (`src/history/journal.ts`) under the files or folders a
 * command reads, before it reads them, and says so. A journal that cannot be applied stops `revise`
 * (`strict`); other commands go on, and `validate` reports it at the SOP (REVISION_INTERRUPTED).
 */
export function recoverRevisions(
  io: CliIo,
  lang: Lang,
  paths: readonly string[],
  opts: { strict?: boolean } = {},
): void {
  const zh = lang === 'zh';
  for (const r of recoverRevisionsUnder(paths, io.cwd)) {
    if (r.state === 'completed') {
      io.stderr(
        zh
          ? `注意：已补完上次被中断的修订记录（${r.journal.sop} ${r.journal.version}）。\n`
          : `note: completed the interrupted recording of revision ${r.journal.version} of ${r.journal.sop}.\n`,
      );
    } else if (r.state === 'conflict') {
      const what = r.journal ? `${r.journal.sop} ${r.journal.version}` : '?';
      const message = zh
        ? `上次被中断的修订记录（${what}）无法补完：${r.file} 在中断后被改动过；运行 sopforge validate 查看处理办法`
        : `the interrupted recording of revision ${what} cannot be completed: ${r.file} changed after the interruption; run sopforge validate for what to do`;
      if (opts.strict) throw new UserError(message);
      io.stderr(`${zh ? '注意：' : 'note: '}${message}\n`);
    }
  }
}
