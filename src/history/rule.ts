import { dirname, join, resolve } from 'node:path';
import { hasErrors } from '../diagnostics/types.js';
import type { SopRule } from '../validate/rules/sop-rules.js';
import { draftOf, draftSummary, snapshotLoaderFor, snapshotsBeside } from './draft.js';
import { JOURNAL_NAME, pendingRevisionFor } from './journal.js';
import { checkRevisionChain } from './revisions.js';

/**
 * The revision hash chain as a `validate` rule: each SOP is checked against the approved texts kept in the
 * `.history` folder beside its file, when there is one, and a SOP that differs from its last approved
 * text is reported as a draft (SOP_DRAFT, a warning with the rule changes). A revision journal still pending for the SOP (an
 * interrupted `revise` the commands could not complete, see `journal.ts`) is an error at its `version:`.
 *
 * @example
 * await loadSopSet(['sops'], { sopRules: [revisionChainRule(process.cwd())] });
 */
export function revisionChainRule(cwd: string): SopRule {
  return ({ sop, report }) => {
    const folder = dirname(resolve(cwd, sop.file));
    const snapshots = snapshotsBeside(sop.file, cwd);
    const load = snapshotLoaderFor(sop.file, cwd);
    const chain = checkRevisionChain(sop, snapshots, load);
    report.diagnostics.push(...chain);
    // A broken history is reported as such; whether the text is a draft is only asked of a sound one.
    const draft = hasErrors(chain) ? null : draftOf(sop, snapshots, load);
    if (draft) {
      const summary = draftSummary(draft.changes, {
        approved: draft.state.approvedVersion,
        now: sop.version,
      });
      report.at(['version'], 'SOP_DRAFT', {
        version: draft.state.approvedVersion,
        detailZh: summary.zh,
        detail: summary.en,
      });
    }
    const pending = pendingRevisionFor(folder, sop.id);
    if (pending) {
      // Shown relative to where the user runs sopforge, like the SOP's own file name.
      const shown = (name: string) => join(dirname(sop.file), name).split('\\').join('/');
      const file = pending.conflict === null ? sop.file : shown(pending.conflict);
      report.at(['version'], 'REVISION_INTERRUPTED', {
        version: pending.journal?.version ?? '?',
        file,
        journal: shown(JOURNAL_NAME),
        detailZh: pending.conflict
          ? `${file} 在中断后被改动过，无法自动补完`
          : '下一次 sopforge 命令会补完它',
        detail: pending.conflict
          ? `${file} was changed after the interruption, so it cannot be completed automatically`
          : 'the next sopforge command completes it',
      });
    }
  };
}
