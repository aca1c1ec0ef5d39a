import type { Target } from './artifact.js';

/** `model.json`: the normalized model, without the source text (kept in the SOP file itself). */
export const modelTarget: Target = {
  name: 'model',
  emit(sop) {
    const { source: _source, ...model } = sop;
    return [{ path: 'model.json', data: `${JSON.stringify(model, null, 2)}\n` }];
  },
};
