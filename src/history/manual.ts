/**
 * The manual's version follows its chapters. Rule: a chapter revised (a new version, not a review
 * without changes) after the manual's own last revision makes the manual out of date — `validate` warns
 * at the manual's `version:` (MANUAL_BEHIND_CHAPTER) until the manual is revised too; `revise` of the
 * manual records, among its changes, each chapter revised since its previous version.
 */
import type { Revision, Sop } from '../model/types.js';
import type { SetRule } from '../validate/rules/set-rules.js';

/** The last revision that issued a version (not a review without changes). */
function lastIssue(sop: Sop): Revision | null {
  return [...sop.revisions].reverse().find((r) => !r.unchanged) ?? null;
}

/** The chapters of `manual` revised after its own last revision, with the revision that did it. */
export function chaptersRevisedSince(
  manual: Sop,
  sops: readonly Sop[],
): { readonly id: string; readonly title: string; readonly revision: Revision }[] {
  if (manual.kind !== 'manual') return [];
  const since = lastIssue(manual)?.date ?? manual.effective;
  return manual.chapters.flatMap((id) => {
    const chapter = sops.find((s) => s.id === id);
    const issue = chapter ? lastIssue(chapter) : null;
    return chapter && issue && issue.date > since && issue.type !== 'initial'
      ? [{ id, title: chapter.title, revision: issue }]
      : [];
  });
}

/**
 * The sentences `revise` records, on `date`, for the chapters revised since the manual's previous
 * version (up to that date).
 */
export function chapterChanges(manual: Sop, sops: readonly Sop[], date: string): string[] {
  return chaptersRevisedSince(manual, sops)
    .filter((c) => c.revision.date <= date)
    .map((c) => `章节《${c.title}》（${c.id}）修订为版本 ${c.revision.version}（${c.revision.date}）`);
}

/** A warning at the manual's `version:` for every chapter revised after the manual. */
export const manualFollowsChapters: SetRule = (entries) => {
  const sops = entries.map((e) => e.sop);
  for (const e of entries) {
    if (e.sop.kind !== 'manual') continue;
    const since = lastIssue(e.sop);
    for (const c of chaptersRevisedSince(e.sop, sops))
      e.report.at(['version'], 'MANUAL_BEHIND_CHAPTER', {
        id: c.id,
        version: c.revision.version,
        date: c.revision.date,
        manual: e.sop.id,
        manualVersion: e.sop.version,
        manualDate: since?.date ?? e.sop.effective,
      });
  }
};
