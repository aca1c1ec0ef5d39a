import { basename } from 'node:path';
import type { Artifact, Target } from '../build/artifact.js';
import type { FeedbackItem, Signoff, Sop } from '../model/types.js';
import { mdText } from '../render/doc/markdown.js';
import { joinList, reviewTypeText } from '../render/doc/words.js';
import { checkRevisionChain, expectedHashes, revisionsOf } from './revisions.js';
import { plannedReviews, reviewInterval } from './schedule.js';

/** The JSON written to `history.json`: keys in a fixed order, no wall-clock dates. */
export function historyJson(sop: Sop): object {
  const records = revisionsOf(sop);
  const expected = expectedHashes(records, sop.id);
  const problems = checkRevisionChain(sop);
  return {
    id: sop.id,
    title: sop.title,
    version: sop.version,
    effective: sop.effective,
    source: basename(sop.file),
    chain: {
      valid: !problems.some((d) => d.severity === 'error'),
      sealed: records.length > 0 && records.every((r) => r.hash !== null),
      problems: problems.map((d) => ({
        code: d.code,
        severity: d.severity,
        line: d.line,
        message: d.message.en,
      })),
    },
    // The record as it is (its source position left out), and the hash the chain expects there.
    revisions: records.map(({ span: _span, ...r }, i) => ({ ...r, expectedHash: expected[i] ?? null })),
    policy: {
      annual: reviewInterval(sop, 'annual')?.text ?? null,
      semiannual: reviewInterval(sop, 'semiannual')?.text ?? null,
      feedback: sop.review.feedback,
      expert: sop.review.expert,
      recordEveryReview: sop.review.recordEveryReview,
    },
    draft: sop.draft ?? null,
    nextReviews: plannedReviews(sop).map((p) => ({
      kind: p.kind,
      interval: p.interval,
      period: p.period.zh,
      from: p.from,
      next: p.next,
    })),
    feedback: sop.feedback.map((f) => ({
      id: f.id,
      date: f.date,
      by: f.by,
      text: f.text,
      status: f.status,
      closedBy: f.closedBy,
    })),
  };
}

const signoffText = (s: Signoff | null) => (s ? (s.date ? `${s.name} ${s.date}` : s.name) : '—');

const FEEDBACK_STATUS: Record<FeedbackItem['status'], string> = {
  open: '待处理',
  accepted: '已采纳',
  rejected: '未采纳',
};

export function historyMarkdown(sop: Sop): string {
  const m = mdText;
  const problems = checkRevisionChain(sop);
  const file = basename(sop.file).replace(/-{2,}|[<>]/g, '_');
  const lines: string[] = [];
  lines.push(`<!-- 由 sopforge 从 ${file}（版本 ${sop.version}）生成，请勿手工修改。 -->`);
  lines.push(`# ${m(sop.title)} — 修订记录`, '');
  lines.push(`当前版本 ${m(sop.version)}，生效日期 ${m(sop.effective)}。`, '');
  if (sop.draft)
    lines.push(
      `**草稿 / DRAFT**：本文件与批准的版本 ${m(sop.draft.approvedVersion)} 不同，尚未批准。`,
      '',
      ...sop.draft.changes.map((c) => `- ${m(c)}`),
      ...(sop.draft.changes.length > 0 ? [''] : []),
    );
  lines.push(
    '| 版本 | 日期 | 生效日期 | 类型 | 复审人 | 编制 | 审核 | 批准 | 摘要 | 哈希 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of sop.revisions) {
    const hash = r.hash ? `\`${r.hash.slice(0, 12)}\`` : '（未签署）';
    const type = `${reviewTypeText(r.type)}${r.unchanged ? '（未修改）' : ''}`;
    lines.push(
      `| ${m(r.version)} | ${m(r.date)} | ${m(r.effective ?? '—')} | ${type} | ${m(joinList(r.by))} | ${m(signoffText(r.preparedBy))} | ${m(signoffText(r.reviewedBy))} | ${m(signoffText(r.approvedBy))} | ${m(r.summary)} | ${hash} |`,
    );
  }
  lines.push('');
  for (const r of sop.revisions) {
    if (r.changes.length === 0 && r.closes.length === 0) continue;
    lines.push(`## ${m(r.version)}（${m(r.date)}）修改内容`, '');
    for (const c of r.changes) lines.push(`- ${m(c)}`);
    for (const id of r.closes) {
      const f = sop.feedback.find((x) => x.id === id);
      lines.push(`- 答复员工反馈 ${m(id)}${f ? `（${m(f.date)} ${m(f.by)}：${m(f.text)}）` : ''}`);
    }
    lines.push('');
  }
  lines.push('## 签署', '');
  if (problems.length === 0) {
    lines.push(
      sop.revisions.every((r) => r.hash)
        ? '修订记录完整，每条修订都已签署。'
        : '修订记录完整（首次修订前的记录将在下次修订时签署）。',
    );
  }
  for (const d of problems) lines.push(`- 第 ${d.line} 行：${m(d.message.zh)}`);
  lines.push('', '## 复审计划', '');
  for (const p of plannedReviews(sop)) {
    const name = p.kind === 'annual' ? '年度复审' : '半年调整';
    const from = p.from
      ? `自 ${m(p.from.date)}（${reviewTypeText(p.from.type)}，版本 ${m(p.from.version)}）起`
      : '';
    lines.push(`- ${name}：${p.period.zh}，${from}下次于 ${p.next} 前`);
  }
  if (sop.review.expert) {
    const last = [...sop.revisions].reverse().find((r) => r.type === 'expert');
    lines.push(`- 专家评审：复审规定要求，未规定间隔；${last ? `上次 ${m(last.date)}` : '尚无记录'}`);
  }
  lines.push('', '## 员工反馈', '');
  if (sop.feedback.length === 0) lines.push('无。');
  else {
    lines.push(
      '| 编号 | 日期 | 提出人 | 内容 | 状态 | 答复的修订 |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const f of sop.feedback)
      lines.push(
        `| ${m(f.id)} | ${m(f.date)} | ${m(f.by)} | ${m(f.text)} | ${FEEDBACK_STATUS[f.status]} | ${m(f.closedBy ?? '—')} |`,
      );
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes `history.json` and `history.md` for every SOP. */
export const historyTarget: Target = {
  name: 'history',
  emit(sop): Artifact[] {
    return [
      { path: 'history.json', data: `${JSON.stringify(historyJson(sop), null, 2)}\n` },
      { path: 'history.md', data: historyMarkdown(sop) },
    ];
  },
};
