import { manualFollowsChapters } from '../history/manual.js';
import { revisionChainRule } from '../history/rule.js';
import type { LoadOptions } from '../load/index.js';

/** Rules that live with other phases and run as part of `validate` and `build`: the revision hash chain, drafts, and the manual's version following its chapters. */
export function extraRules(cwd: string): Pick<LoadOptions, 'sopRules' | 'setRules'> {
  return { sopRules: [revisionChainRule(cwd)], setRules: [manualFollowsChapters] };
}
