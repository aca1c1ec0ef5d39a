import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { hasErrors, type Lang } from '../../diagnostics/types.js';
import { parseIsoDate, todayIso } from '../../history/dates.js';
import { diffSops, formatChanges, type RuleChange } from '../../history/diff.js';
import { draftOf, draftSummary, snapshotLoaderFor } from '../../history/draft.js';
import {
  appendRevision,
  decideFeedback,
  type FeedbackDecision,
  type NewRevision,
} from '../../history/edit.js';
import { commitRevision } from '../../history/journal.js';
import { chapterChanges } from '../../history/manual.js';
import { bumpVersion, checkRevisionChain, compareVersions, snapshotPath } from '../../history/revisions.js';
import { modelText, sha256, sourceDigest } from '../../history/seal.js';
import { gitHeadText, loadVersion, readSnapshot, snapshotsDirFor } from '../../history/versions.js';
import { loadSopSet } from '../../load/index.js';
import { reviewTypeText } from '../../render/doc/words.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { recoverRevisions } from '../recover.js';

const TYPES = ['annual', 'semiannual', 'feedback', 'expert'] as const;
type ReviseType = (typeof TYPES)[number];

interface Options {
  type: string;
  by: string[];
  summary: string;
  date?: string;
  sops: string;
  version?: string;
  accept: string[];
  reject: string[];
  closes: string[];
  effective?: string;
  preparedBy?: string;
  preparedDate?: string;
  reviewedBy?: string;
  reviewedDate?: string;
  approvedBy?: string;
  approvedDate?: string;
  unchanged?: boolean;
  lang: string;
}

const DATE_OPTIONS = ['date', 'effective', 'preparedDate', 'reviewedDate', 'approvedDate'] as const;
const OPTION_NAMES: Record<(typeof DATE_OPTIONS)[number], string> = {
  date: '--date',
  effective: '--effective',
  preparedDate: '--prepared-date',
  reviewedDate: '--reviewed-date',
  approvedDate: '--approved-date',
};

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(/[,，、]/)
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('revise')
    .description(
      t(
        '把一次复审记录为新的修订：升版本号，记下日期、复审人、编制/审核/批准、类型、结论和规则改动，并封存批准的文本',
        'record a review as a new revision: bump the version, record date, reviewers, approvals, type, summary and rule changes, and seal the approved text',
      ),
    )
    .argument('<sop-id>', t('要修订的规程的 id', 'id of the SOP to revise'))
    .requiredOption(
      '--type <type>',
      t(
        'annual（年度复审）、semiannual（半年调整）、feedback（员工反馈）或 expert（专家意见）',
        'annual, semiannual, feedback or expert',
      ),
    )
    .requiredOption(
      '--by <name>',
      t('复审人（可重复，或用逗号分隔）', 'reviewer (repeat, or separate with commas)'),
      collect,
      [],
    )
    .requiredOption('--summary <text>', t('复审的结论', 'what the review decided'))
    .option(
      '--date <YYYY-MM-DD>',
      t('修订日期（默认：当地时间的今天）', 'date of the revision (default: today, site time)'),
    )
    .option(
      '--effective <YYYY-MM-DD>',
      t(
        '生效日期（默认：修订日期，即批准日期）',
        'the date it takes effect (default: the revision date, its approval date)',
      ),
    )
    .option('--prepared-by <name>', t('编制人', 'who drafted the revision'))
    .option(
      '--prepared-date <YYYY-MM-DD>',
      t('编制日期（默认：修订日期）', 'date drafted (default: the revision date)'),
    )
    .option('--reviewed-by <name>', t('审核人', 'who reviewed the revision'))
    .option(
      '--reviewed-date <YYYY-MM-DD>',
      t('审核日期（默认：修订日期）', 'date reviewed (default: the revision date)'),
    )
    .option('--approved-by <name>', t('批准人', 'who approved the revision'))
    .option(
      '--approved-date <YYYY-MM-DD>',
      t('批准日期（默认：修订日期）', 'date approved (default: the revision date)'),
    )
    .option(
      '--unchanged',
      t(
        '复审未发现需要修改之处：记录这次复审，不出新版本',
        'the review found nothing to change: record it without a new version',
      ),
    )
    .option(
      '--closes <id>',
      t(
        '本次修订答复了这条员工反馈（标为已采纳并记下本次修订；可重复，或用逗号分隔）',
        'this revision answers that staff feedback (marked accepted and linked to this revision; repeat, or separate with commas)',
      ),
      collect,
      [],
    )
    .option(
      '--version <version>',
      t('新版本号（默认：最后一位加一）', 'the new version (default: the last number plus one)'),
    )
    .option(
      '--accept <id>',
      t(
        '把这条员工反馈标为已采纳（可重复，或用逗号分隔）',
        'mark this staff feedback item accepted (repeat, or separate with commas)',
      ),
      collect,
      [],
    )
    .option(
      '--reject <id>',
      t(
        '把这条员工反馈标为未采纳（可重复，或用逗号分隔）',
        'mark this staff feedback item rejected (repeat, or separate with commas)',
      ),
      collect,
      [],
    )
    .option('--sops <dir>', t('规程文件所在的文件夹', 'folder of SOP files'), 'sops')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (id: string, opts: Options) => {
      if (!(TYPES as readonly string[]).includes(opts.type))
        throw new UsageError(
          t(
            `--type 只能是 ${TYPES.join('、')} 之一，不能是 “${opts.type}”`,
            `--type must be one of ${TYPES.join(', ')}, not "${opts.type}"`,
          ),
        );
      const type = opts.type as ReviseType;
      if (opts.by.length === 0)
        throw new UsageError(t('--by 至少要有一个姓名', '--by needs at least one name'));
      if (!opts.summary.trim()) throw new UsageError(t('--summary 不能为空', '--summary must not be empty'));
      for (const key of DATE_OPTIONS) {
        const value = opts[key];
        if (value !== undefined && !parseIsoDate(value))
          throw new UsageError(
            t(
              `${OPTION_NAMES[key]} 须写成 YYYY-MM-DD 的日期，不能是 “${value}”`,
              `${OPTION_NAMES[key]} must be a date written YYYY-MM-DD, not "${value}"`,
            ),
          );
      }
      if (opts.unchanged && opts.version !== undefined)
        throw new UsageError(
          t(
            '--unchanged 不出新版本，不能同时给 --version',
            '--unchanged keeps the version; do not give --version',
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
        throw new UserError(
          t('规程有错误，修订前请先改正', 'the SOPs have errors; fix them before revising'),
        );
      }
      const set = loaded.set;
      const sop = set.sops.find((s) => s.id === id);
      if (!sop)
        throw new UserError(
          t(`${opts.sops} 中没有 id 为 “${id}” 的规程`, `no SOP with id "${id}" in ${opts.sops}`),
        );
      const abs = resolve(io.cwd, sop.file);
      const snapshots = snapshotsDirFor(sopsDir);

      const load = snapshotLoaderFor(sop.file, io.cwd);
      const chain = checkRevisionChain(sop, existsSync(snapshots) ? snapshots : undefined, load);
      if (hasErrors(chain)) {
        for (const d of chain) io.stderr(`${formatDiagnostic(d, lang, sop.source)}\n\n`);
        throw new UserError(
          t(
            '修订记录或保存的批准文本被改动过，不能在其上添加新的修订',
            'the revision history or a stored approved text was changed; a new revision cannot be added on top of it',
          ),
        );
      }

      const date = opts.date ?? todayIso(sop.site.utcOffsetMinutes);
      const last = sop.revisions[sop.revisions.length - 1];
      if (last && date < last.date)
        throw new UsageError(
          t(
            `修订日期 ${date} 早于上一次修订 ${last.date}`,
            `the date ${date} is before the last revision (${last.date})`,
          ),
        );
      if (opts.effective !== undefined && opts.effective < date)
        throw new UsageError(
          t(
            `生效日期 ${opts.effective} 早于批准日期 ${date}`,
            `the effective date ${opts.effective} is before the approval date ${date}`,
          ),
        );
      const unchanged = opts.unchanged === true;
      const version = unchanged ? sop.version : (opts.version ?? bumpVersion(sop.version));
      if (
        !unchanged &&
        (!/^[0-9]+(\.[0-9]+)*$/.test(version) || compareVersions(version, sop.version) <= 0)
      ) {
        throw new UsageError(
          t(
            `新版本号 ${version} 须大于当前版本 ${sop.version}`,
            `the new version ${version} must come after ${sop.version}`,
          ),
        );
      }

      // The previous approved text: the stored snapshot, else the text committed in git.
      const storedBefore = readSnapshot(snapshots, sop.id, sop.version);
      const previousText = storedBefore ?? gitHeadText(abs, sop.version);
      const companions = set.sops
        .filter((s) => s.id !== sop.id)
        .map((s) => ({ file: s.file, text: s.source }));
      const before =
        previousText === null
          ? null
          : loadVersion(`${sop.file}@${sop.version}`, previousText, companions).sop;
      // Recorded in Chinese, the language of the document; printed in the user's language.
      const ruleChanges: RuleChange[] = before ? diffSops(before, sop) : [];
      if (previousText !== null && !before)
        io.stderr(
          t(
            `注意：无法读取版本 ${sop.version} 的批准文本，未计算修改内容。\n`,
            `note: the approved text of version ${sop.version} does not load; changes were not computed.\n`,
          ),
        );
      else if (previousText === null && !unchanged)
        io.stderr(
          t(
            `注意：没有保存版本 ${sop.version} 的批准文本（也不在 git 中），未计算修改内容。\n`,
            `note: no approved text of version ${sop.version} is stored (nor committed in git); changes were not computed.\n`,
          ),
        );
      if (unchanged) {
        const draft = draftOf(sop, existsSync(snapshots) ? snapshots : undefined, load);
        const differs =
          draft !== null ||
          (previousText !== null && sourceDigest(previousText) !== sourceDigest(sop.source));
        if (differs) {
          const summary = draftSummary(draft?.changes ?? ruleChanges);
          throw new UsageError(
            t(
              `规程自批准的版本 ${sop.version} 以来有改动（${summary.zh}），不能记为未修改的复审；去掉 --unchanged 记录修订`,
              `the SOP changed since version ${sop.version} was approved (${summary.en}); it cannot be recorded as a review without changes: leave out --unchanged`,
            ),
          );
        }
      }

      const decisions: FeedbackDecision[] = [
        ...[...opts.accept, ...opts.closes].map((fid) => ({
          id: fid,
          status: 'accepted' as const,
          closedBy: version,
        })),
        ...opts.reject.map((fid) => ({ id: fid, status: 'rejected' as const, closedBy: version })),
      ];
      const unknown = decisions.filter((d) => !sop.feedback.some((f) => f.id === d.id)).map((d) => d.id);
      if (unknown.length > 0) {
        throw new UsageError(
          t(`没有这些反馈：${unknown.join('、')}`, `no feedback item ${unknown.join(', ')}`),
        );
      }
      const decided = sop.feedback.filter((f) => decisions.some((d) => d.id === f.id) && f.status !== 'open');
      if (decided.length > 0)
        throw new UsageError(
          t(
            `这些反馈已处理过：${decided.map((f) => `${f.id}（${f.closedBy ?? f.status}）`).join('、')}`,
            `these feedback items were already decided: ${decided.map((f) => `${f.id} (${f.closedBy ?? f.status})`).join(', ')}`,
          ),
        );

      const signoff = (name: string | undefined, day: string | undefined) =>
        name === undefined || !name.trim() ? null : { name: name.trim(), date: day ?? date };
      const revision: NewRevision = {
        version,
        date,
        type,
        by: opts.by,
        summary: opts.summary.trim(),
        changes: [...ruleChanges.map((c) => c.zh), ...(unchanged ? [] : chapterChanges(sop, set.sops, date))],
        ...(opts.effective !== undefined ? { effective: opts.effective } : {}),
        preparedBy: signoff(opts.preparedBy, opts.preparedDate),
        reviewedBy: signoff(opts.reviewedBy, opts.reviewedDate),
        approvedBy: signoff(opts.approvedBy, opts.approvedDate),
        unchanged,
        closes: decisions.map((d) => d.id),
      };
      // The previous version's entry, written before sopforge sealed texts, is sealed with its text now.
      const previousModel = before ? modelText(before) : null;
      const previousSeal =
        last && last.hash === null && previousText !== null && previousModel !== null
          ? { source: sourceDigest(previousText), model: sha256(previousModel) }
          : undefined;
      // The seals cover the text without its revisions, so a first pass gives them.
      const draftText = appendRevision(sop.source, sop.id, revision, previousSeal).text;
      const draftSop = loadVersion(sop.file, draftText, companions).sop;
      const newModel = draftSop ? modelText(draftSop) : null;
      const sealed: NewRevision = {
        ...revision,
        source: sourceDigest(draftText),
        ...(newModel !== null ? { model: sha256(newModel) } : {}),
      };
      const appended = appendRevision(sop.source, sop.id, sealed, previousSeal);
      const next = { text: decideFeedback(appended.text, decisions).text, hash: appended.hash };
      // Never write a file that would not load: check the result first.
      const check = loadVersion(sop.file, next.text, companions);
      const problems = check.sop ? checkRevisionChain(check.sop) : [];
      if (!check.sop || newModel === null || hasErrors(problems) || modelText(check.sop) !== newModel) {
        for (const d of [...check.diagnostics, ...problems])
          io.stderr(`${formatDiagnostic(d, lang, next.text)}\n\n`);
        throw new UserError(
          t('修订后的文件无法通过校验，未写入', 'the revised file does not validate; nothing was written'),
        );
      }

      // One atomic step (see src/history/journal.ts): the journal names every file, the YAML last.
      const modelFile = (v: string) => snapshotPath(snapshots, sop.id, v).replace(/\.yaml$/, '.model.json');
      const writes: { file: string; text: string }[] = [];
      if (storedBefore === null && previousText !== null)
        writes.push({ file: snapshotPath(snapshots, sop.id, sop.version), text: previousText });
      if (previousSeal && previousModel !== null)
        writes.push({ file: modelFile(sop.version), text: previousModel });
      if (!unchanged) {
        writes.push({ file: snapshotPath(snapshots, sop.id, version), text: next.text });
        writes.push({ file: modelFile(version), text: newModel });
      } else {
        if (previousText === null)
          writes.push({ file: snapshotPath(snapshots, sop.id, version), text: next.text });
        if (!existsSync(modelFile(version)) && !previousSeal)
          writes.push({ file: modelFile(version), text: newModel });
      }
      writes.push({ file: abs, text: next.text });
      const committed = commitRevision(sopsDir, { sop: sop.id, version, writes });
      if (committed.state === 'conflict')
        throw new UserError(
          t(
            `${committed.file} 在修订过程中被改动，未写入任何文件`,
            `${committed.file} changed while the revision was prepared; nothing was written`,
          ),
        );

      const kind = t('未修改', 'no changes');
      io.stdout(
        unchanged
          ? t(
              `${sop.title}：已记录复审（${reviewTypeText(type)}，${date}，${kind}），版本仍为 ${version}\n`,
              `${sop.title}: recorded the review (${reviewTypeText(type, 'en')}, ${date}, ${kind}); the version stays ${version}\n`,
            )
          : t(
              `${sop.title}：已记录修订 ${version}（${reviewTypeText(type)}，${date}）\n`,
              `${sop.title}: recorded revision ${version} (${reviewTypeText(type, 'en')}, ${date})\n`,
            ),
      );
      for (const d of decisions) {
        const zh = d.status === 'accepted' ? '已采纳' : '未采纳';
        io.stdout(
          t(
            `反馈 ${d.id}：${zh}（修订 ${version}）\n`,
            `feedback ${d.id}: ${d.status} (revision ${version})\n`,
          ),
        );
      }
      io.stdout(formatChanges(ruleChanges, lang));
      for (const c of unchanged ? [] : chapterChanges(sop, set.sops, date)) io.stdout(`- ${c}\n`);
      setExit(0);
    });
}
