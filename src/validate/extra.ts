import type { LoadOptions } from '../load/index.js';

/** Rules that live with other phases (e.g. the revision hash chain) and run as part of `validate`. */
export function extraRules(): Pick<LoadOptions, 'sopRules' | 'setRules'> {
  return { sopRules: [], setRules: [] };
}
