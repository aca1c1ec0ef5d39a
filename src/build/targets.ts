import type { Target } from './artifact.js';
import { machineTarget } from '../compile/machine/index.js';
import { modelTarget } from './model-target.js';

/** Every target `sopforge build` runs, in order. */
export const targets: readonly Target[] = [modelTarget, machineTarget];
