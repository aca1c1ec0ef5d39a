import { basename } from 'node:path';
import type { Artifact, Target } from '../build/artifact.js';
import type { Sop } from '../model/types.js';
import { mdText } from '../render/doc/markdown.js';
import { durationText, joinList, reviewTypeText } from '../render/doc/words.js';
import { checkRevisionChain, expectedHashes, revisionsOf } from './revisions.js';
import { plannedReviews, reviewInterval } from './schedule.js';

/** The JSON written to `history.json`: keys in a fixed order, no wall-clock dates. */
export function historyJson(sop: Sop): object {
  const records = revisionsOf(sop);
  const expected = expectedHashes(records);
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
      annual: reviewInterval(sop, 'annual').text,
      semiannual: reviewInterval(sop, 'semiannual').text,
      feedback: sop.review.feedback,
      expert: sop.review.expert,
      recordEveryReview: sop.review.recordEveryReview,
    },
    nextReviews: plannedReviews(sop).map((p) => ({
      kind: p.kind,
      interval: p.interval,
      from: p.from,
      next: p.next,
    })),
    feedback: sop.feedback.map((f) => ({ id: f.id, date: f.date, by: f.by, text: f.text, status: f.status })),
  };
}

export function historyMarkdown(sop: Sop): string {
  const m = mdText;
  const problems = checkRevisionChain(sop);
  const file = basename(sop.file).replace(/-{2,}|[<>]/g, '_');
  const lines: string[] = [];
  lines.push(`<!-- 由 sopforge 从 ${file}（版本 ${sop.version}）生成，请勿手工修改。 -->`);
  lines.push(`# ${m(sop.title)} — 修订记录`, '');
  lines.push(`当前版本 ${m(sop.version)}，生效日期 ${m(sop.effective)}。`, '');
  lines.push('| 版本 | 日期 | 类型 | 复审人 | 摘要 | 哈希 |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of sop.revisions) {
    const hash = r.hash ? `\`${r.hash.slice(0, 12)}\`` : '（未签署）';
    lines.push(
      `| ${m(r.version)} | ${m(r.date)} | ${reviewTypeText(r.type)} | ${m(joinList(r.by))} | ${m(r.summary)} | ${hash} |`,
    );
  }
  lines.push('');
  for (const r of sop.revisions) {
    if (r.changes.length === 0) continue;
    lines.push(`## ${m(r.version)}（${m(r.date)}）修改内容`, '');
    for (const c of r.changes) lines.push(`- ${m(c)}`);
    lines.push('');
  }
  lines.push('## 哈希链', '');
  if (problems.length === 0) {
    lines.push(
      sop.revisions.every((r) => r.hash)
        ? '修订记录哈希链完整。'
        : '修订记录哈希链完整（首次修订前的记录将在下次修订时签署）。',
    );
  }
  for (const d of problems) lines.push(`- 第 ${d.line} 行：${m(d.message.zh)}`);
  lines.push('', '## 复审计划', '');
  for (const p of plannedReviews(sop)) {
    const name = p.kind === 'annual' ? '年度复审' : '半年调整';
    const from = p.from
      ? `自 ${m(p.from.date)}（${reviewTypeText(p.from.type)}，版本 ${m(p.from.version)}）起`
      : '';
    lines.push(`- ${name}：每 ${durationText(reviewInterval(sop, p.kind))}，${from}下次于 ${p.next} 前`);
  }
  const open = sop.feedback.filter((f) => f.status === 'open');
  lines.push('', '## 待处理的员工反馈', '');
  if (open.length === 0) lines.push('无。');
  for (const f of open) lines.push(`- ${m(f.date)} ${m(f.by)}（${m(f.id)}）：${m(f.text)}`);
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
