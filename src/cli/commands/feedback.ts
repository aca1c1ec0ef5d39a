import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { hasErrors, type Lang } from '../../diagnostics/types.js';
import { parseIsoDate, todayIso } from '../../history/dates.js';
import { appendFeedback } from '../../history/edit.js';
import { commitRevision } from '../../history/journal.js';
import { loadVersion } from '../../history/versions.js';
import { loadSopSet } from '../../load/index.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { recoverRevisions } from '../recover.js';

interface AddOptions {
  by: string;
  text: string;
  date?: string;
  id?: string;
  sops: string;
  lang: string;
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The next free id `fb-N` of a SOP's feedback log. */
function nextId(taken: readonly string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`fb-${n}`)) n++;
  return `fb-${n}`;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  const feedback = program
    .command('feedback')
    .description(
      t(
        '员工反馈：记录一条规程改进意见（由答复它的修订 sopforge revise --closes 关闭）',
        'staff feedback: record a suggestion on a SOP (closed by the revision that answers it, sopforge revise --closes)',
      ),
    );
  feedback
    .command('add')
    .description(t('记录一条员工反馈', 'record one staff feedback item'))
    .argument('<sop-id>', t('反馈针对的规程的 id', 'id of the SOP the feedback is about'))
    .requiredOption('--by <name>', t('提出人', 'who gave the feedback'))
    .requiredOption('--text <text>', t('反馈的内容', 'what the feedback says'))
    .option(
      '--date <YYYY-MM-DD>',
      t('提出日期（默认：当地时间的今天）', 'date given (default: today, site time)'),
    )
    .option('--id <id>', t('反馈的编号（默认：fb-序号）', 'id of the item (default: fb-N)'))
    .option('--sops <dir>', t('规程文件所在的文件夹', 'folder of SOP files'), 'sops')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (id: string, opts: AddOptions) => {
      if (!opts.by.trim()) throw new UsageError(t('--by 不能为空', '--by must not be empty'));
      if (!opts.text.trim()) throw new UsageError(t('--text 不能为空', '--text must not be empty'));
      if (opts.date !== undefined && !parseIsoDate(opts.date))
        throw new UsageError(
          t(
            `--date 须写成 YYYY-MM-DD 的日期，不能是 “${opts.date}”`,
            `--date must be a date written YYYY-MM-DD, not "${opts.date}"`,
          ),
        );
      if (opts.id !== undefined && !ID.test(opts.id))
        throw new UsageError(
          t(
            `--id 只能用小写字母、数字和连字符，不能是 “${opts.id}”`,
            `--id takes lowercase letters, digits and hyphens, not "${opts.id}"`,
          ),
        );
      const sopsDir = resolve(io.cwd, opts.sops);
      recoverRevisions(io, lang, [opts.sops], { strict: true });
      const loaded = await loadSopSet([opts.sops], { cwd: io.cwd });
      if (!loaded.set) {
        for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) {
          const src = await readFile(resolve(io.cwd, d.file), 'utf8').catch(() => null);
          io.stderr(`${formatDiagnostic(d, lang, src)}\n\n`);
        }
        throw new UserError(t('规程有错误，请先改正', 'the SOPs have errors; fix them first'));
      }
      const set = loaded.set;
      const sop = set.sops.find((s) => s.id === id);
      if (!sop)
        throw new UserError(
          t(`${opts.sops} 中没有 id 为 “${id}” 的规程`, `no SOP with id "${id}" in ${opts.sops}`),
        );
      const taken = sop.feedback.map((f) => f.id);
      const fid = opts.id ?? nextId(taken);
      if (taken.includes(fid))
        throw new UsageError(t(`已有编号为 ${fid} 的反馈`, `there is already a feedback item ${fid}`));
      const date = opts.date ?? todayIso(sop.site.utcOffsetMinutes);
      let text: string;
      try {
        text = appendFeedback(sop.source, { id: fid, date, by: opts.by.trim(), text: opts.text.trim() });
      } catch {
        throw new UserError(
          t(
            `${sop.file} 的 review.feedback 或 review.revisions 不是分行书写的列表，无法自动添加；请手工添加`,
            `review.feedback or review.revisions of ${sop.file} is not a block list; add the item by hand`,
          ),
        );
      }
      // Never write a file that would not load.
      const companions = set.sops
        .filter((s) => s.id !== sop.id)
        .map((s) => ({ file: s.file, text: s.source }));
      const check = loadVersion(sop.file, text, companions);
      if (!check.sop || hasErrors(check.diagnostics)) {
        for (const d of check.diagnostics) io.stderr(`${formatDiagnostic(d, lang, text)}\n\n`);
        throw new UserError(
          t(
            '添加反馈后的文件无法通过校验，未写入',
            'the file with the feedback does not validate; nothing was written',
          ),
        );
      }
      // Through the revision journal (src/history/journal.ts): a kill leaves the file as it was or complete.
      const committed = commitRevision(sopsDir, {
        sop: sop.id,
        version: sop.version,
        writes: [{ file: resolve(io.cwd, sop.file), text }],
      });
      if (committed.state === 'conflict')
        throw new UserError(
          t(
            `${committed.file} 在添加过程中被改动，未写入`,
            `${committed.file} changed meanwhile; nothing was written`,
          ),
        );
      io.stdout(
        t(
          `${sop.title}：已记录员工反馈 ${fid}（${date}，${opts.by.trim()}）；由答复它的修订关闭：sopforge revise ${sop.id} … --closes ${fid}\n`,
          `${sop.title}: recorded staff feedback ${fid} (${date}, ${opts.by.trim()}); the revision that answers it closes it: sopforge revise ${sop.id} … --closes ${fid}\n`,
        ),
      );
      setExit(0);
    });
}
