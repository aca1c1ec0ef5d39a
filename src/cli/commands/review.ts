import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/format.js';
import type { Lang } from '../../diagnostics/types.js';
import { parseIsoDate, todayIso } from '../../history/dates.js';
import { diffSops } from '../../history/diff.js';
import {
  DUE_WITHIN_DAYS,
  daysText,
  type ReviewStatus,
  reviewSchedule,
  type SopReviewSchedule,
} from '../../history/schedule.js';
import { loadVersion, readSnapshot, snapshotsDirFor } from '../../history/versions.js';
import { loadSopSet } from '../../load/index.js';
import type { Sop, SopSet } from '../../model/types.js';
import { reviewTypeText } from '../../render/doc/words.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { recoverRevisions } from '../recover.js';

interface Options {
  today?: string;
  format: string;
  sops: string;
  lang: string;
}

function stateText(r: ReviewStatus, lang: Lang): string {
  const zh = lang === 'zh';
  if (r.state === 'overdue') {
    const d = daysText(-r.daysLeft);
    return zh ? `已逾期 ${d.zh}` : `OVERDUE by ${d.en}`;
  }
  if (r.state === 'due')
    return r.daysLeft === 0
      ? zh
        ? '今天到期'
        : 'due today'
      : zh
        ? `${r.daysLeft} 天内到期`
        : `due in ${daysText(r.daysLeft).en}`;
  return zh ? `还有 ${daysText(r.daysLeft).zh}` : `in ${daysText(r.daysLeft).en}`;
}

/** A schedule plus the rule changes made since the approved text of the current version (null: none stored). */
interface Row extends SopReviewSchedule {
  readonly pending: readonly string[] | null;
}

function pendingChanges(sop: Sop, set: SopSet, snapshotsDir: string, lang: Lang): string[] | null {
  const text = readSnapshot(snapshotsDir, sop.id, sop.version);
  if (text === null) return null;
  const companions = set.sops.filter((s) => s.id !== sop.id).map((s) => ({ file: s.file, text: s.source }));
  const approved = loadVersion(`${sop.file}@${sop.version}`, text, companions).sop;
  return approved ? diffSops(approved, sop).map((c) => (lang === 'zh' ? c.zh : c.en)) : null;
}

function formatText(today: string, schedules: readonly Row[], lang: Lang): string {
  const zh = lang === 'zh';
  const lines: string[] = [
    zh
      ? `复审计划（${today}，${DUE_WITHIN_DAYS} 天内到期的列为到期）`
      : `Review schedule (${today}; due = within ${DUE_WITHIN_DAYS} days)`,
    '',
  ];
  for (const s of schedules) {
    lines.push(`${s.id}  ${s.title}  ${zh ? '版本' : 'version'} ${s.version}`);
    for (const r of s.reviews) {
      const name =
        r.kind === 'annual' ? (zh ? '年度复审' : 'annual review   ') : zh ? '半年调整' : 'semi-annual     ';
      const mark = r.state === 'overdue' ? '!!' : r.state === 'due' ? ' !' : '  ';
      const from = r.from
        ? zh
          ? `（${r.period.zh}，自 ${r.from.date} ${reviewTypeText(r.from.type)}起算）`
          : ` (${r.period.en}, counted from the ${reviewTypeText(r.from.type, 'en')} of ${r.from.date})`
        : zh
          ? `（${r.period.zh}）`
          : ` (${r.period.en})`;
      lines.push(`  ${mark} ${name}  ${r.next}  ${stateText(r, lang)}${from}`);
    }
    if (s.pending && s.pending.length > 0) {
      lines.push(
        zh
          ? `     已修改但未记录修订（sopforge revise ${s.id}）：`
          : `     changed since version ${s.version} was approved (run sopforge revise ${s.id}):`,
      );
      for (const c of s.pending) lines.push(`       - ${c}`);
    }
    if (s.expert.required)
      lines.push(
        zh
          ? `     专家评审：复审规定要求，未规定间隔；${s.expert.last ? `上次 ${s.expert.last}` : '尚无记录'}`
          : `     expert review: required by the review rules, no interval stated; ${s.expert.last ? `last on ${s.expert.last}` : 'none recorded yet'}`,
      );
    if (s.openFeedback.length === 0) lines.push(zh ? '     待处理反馈：无' : '     open feedback: none');
    for (const f of s.openFeedback)
      lines.push(
        zh
          ? `     待处理反馈 ${f.id}（${f.date}，${f.by}，已 ${daysText(f.ageDays).zh}）：${f.text}`
          : `     open feedback ${f.id} (${f.date}, ${f.by}, ${daysText(f.ageDays).en} old): ${f.text}`,
      );
    lines.push('');
  }
  const overdue = schedules.flatMap((s) => s.reviews.filter((r) => r.state === 'overdue')).length;
  const due = schedules.flatMap((s) => s.reviews.filter((r) => r.state === 'due')).length;
  const open = schedules.reduce((n, s) => n + s.openFeedback.length, 0);
  lines.push(
    zh
      ? `共 ${schedules.length} 份规程：${overdue} 项逾期，${due} 项即将到期，${open} 条反馈待处理。`
      : `${schedules.length} SOPs: ${overdue} overdue, ${due} due soon, ${open} open feedback items.`,
  );
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('review')
    .description(
      t(
        '列出每份规程下一次的年度复审和半年调整、30 天内到期或已逾期的项目，以及待处理的反馈',
        'list the next annual and semi-annual reviews of every SOP, what is due within 30 days or overdue, and open feedback',
      ),
    )
    .option(
      '--today <YYYY-MM-DD>',
      t('从哪一天算起（默认：当地时间的今天）', 'the date to count from (default: today, site time)'),
    )
    .option('--sops <dir>', t('规程文件所在的文件夹', 'folder of SOP files'), 'sops')
    .option('--format <format>', t('text（文字）或 json', 'text or json'), 'text')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (opts: Options) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(
          t(
            `--format 只能是 text 或 json，不能是 “${opts.format}”`,
            `--format must be text or json, not "${opts.format}"`,
          ),
        );
      if (opts.today !== undefined && !parseIsoDate(opts.today))
        throw new UsageError(
          t(
            `--today 须写成 YYYY-MM-DD 的日期，不能是 “${opts.today}”`,
            `--today must be a date written YYYY-MM-DD, not "${opts.today}"`,
          ),
        );
      recoverRevisions(io, lang, [opts.sops]);
      const loaded = await loadSopSet([opts.sops], { cwd: io.cwd });
      if (!loaded.set) {
        for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) {
          const src = await readFile(resolve(io.cwd, d.file), 'utf8').catch(() => null);
          io.stderr(`${formatDiagnostic(d, lang, src)}\n\n`);
        }
        throw new UserError(
          lang === 'zh'
            ? '规程有错误，无法列出复审计划'
            : 'the SOPs have errors; cannot list the review schedule',
        );
      }
      const sops = [...loaded.set.sops].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const today = opts.today ?? todayIso(sops[0]?.site.utcOffsetMinutes ?? 480);
      const snapshots = snapshotsDirFor(resolve(io.cwd, opts.sops));
      const set = loaded.set;
      const schedules: Row[] = sops.map((s) => ({
        ...reviewSchedule(s, today),
        pending: pendingChanges(s, set, snapshots, lang),
      }));
      if (opts.format === 'json')
        io.stdout(`${JSON.stringify({ today, dueWithinDays: DUE_WITHIN_DAYS, sops: schedules }, null, 2)}\n`);
      else io.stdout(formatText(today, schedules, lang));
      setExit(0);
    });
}
