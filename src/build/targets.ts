import { machineTarget } from '../compile/machine/index.js';
import { historyTarget } from '../history/index.js';
import { documentTarget } from '../render/doc/index.js';
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
