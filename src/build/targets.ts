import type { Target } from './artifact.js';
import { modelTarget } from './model-target.js';

/** Every target `sopforge build` runs, in order. */
export const targets: readonly Target[] = [modelTarget];
