import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SopRule } from '../validate/rules/sop-rules.js';
import { JOURNAL_NAME, pendingRevisionFor } from './journal.js';
import { checkRevisionChain } from './revisions.js';

/**
 * The revision hash chain as a `validate` rule: each SOP is checked against the approved texts kept in the
 * `.history` folder beside its file, when there is one. A revision journal still pending for the SOP (an
 * interrupted `revise` the commands could not complete, see `journal.ts`) is an error at its `version:`.
 *
 * @example
 * await loadSopSet(['sops'], { sopRules: [revisionChainRule(process.cwd())] });
 */
export function revisionChainRule(cwd: string): SopRule {
  return ({ sop, report }) => {
    const folder = dirname(resolve(cwd, sop.file));
    const snapshots = join(folder, '.history');
    report.diagnostics.push(...checkRevisionChain(sop, existsSync(snapshots) ? snapshots : undefined));
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
