import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SopRule } from '../validate/rules/sop-rules.js';
import { checkRevisionChain } from './revisions.js';

/**
 * The revision hash chain as a `validate` rule: each SOP is checked against the approved texts kept in the
 * `.history` folder beside its file, when there is one.
 *
 * @example
 * await loadSopSet(['sops'], { sopRules: [revisionChainRule(process.cwd())] });
 */
export function revisionChainRule(cwd: string): SopRule {
  return ({ sop, report }) => {
    const snapshots = join(dirname(resolve(cwd, sop.file)), '.history');
    report.diagnostics.push(...checkRevisionChain(sop, existsSync(snapshots) ? snapshots : undefined));
  };
}
