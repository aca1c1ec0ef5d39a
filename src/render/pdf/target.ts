import type { Artifact, Target } from '../../build/artifact.js';
import { renderBlankForm } from './forms.js';

/** Writes each procedure's blank forms to `forms/<form-id>.pdf`. */
export const formsTarget: Target = {
  name: 'forms',
  async emit(sop) {
    if (sop.kind !== 'procedure') return [];
    const out: Artifact[] = [];
    for (const form of sop.forms)
      out.push({ path: `forms/${form.id}.pdf`, data: await renderBlankForm(sop, form) });
    return out;
  },
};
