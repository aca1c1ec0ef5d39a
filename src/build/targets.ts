import { machineTarget } from '../compile/machine/index.js';
import { historyTarget } from '../history/index.js';
import { createDocumentTarget, documentTarget } from '../render/doc/index.js';
import { formsTarget } from '../render/pdf/target.js';
import type { Target } from './artifact.js';
import { modelTarget } from './model-target.js';

/** Every target `sopforge build` runs, in order. */
export const targets: readonly Target[] = [
  modelTarget,
  machineTarget,
  formsTarget,
  documentTarget,
  historyTarget,
];

export interface TargetOptions {
  /** A site's template folder: its files replace the built-in templates of the same name. */
  readonly templatesDir?: string;
}

/** The build's targets, with site options applied (the default list when there are none). */
export function createTargets(options: TargetOptions = {}): readonly Target[] {
  if (!options.templatesDir) return targets;
  const document = createDocumentTarget({ templatesDir: options.templatesDir });
  return targets.map((t) => (t === documentTarget ? document : t));
}
