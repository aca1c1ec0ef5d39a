import { describe, expect, it } from 'vitest';
import { formsTarget } from '../../src/render/pdf/index.js';
import { bundled, MM, near, pageBoxes, parsePdf } from './helpers.js';

describe('formsTarget', () => {
  it('writes every form of every procedure as forms/<form-id>.pdf, one blank page each', async () => {
    const set = await bundled();
    let count = 0;
    for (const sop of set.sops) {
      const artifacts = await formsTarget.emit(sop, { set });
      if (sop.kind !== 'procedure') {
        expect(artifacts).toEqual([]);
        continue;
      }
      expect(artifacts.map((a) => a.path)).toEqual(sop.forms.map((f) => `forms/${f.id}.pdf`));
      for (const [i, a] of artifacts.entries()) {
        const form = sop.forms[i];
        if (!form || !(a.data instanceof Uint8Array)) throw new Error('bad artifact');
        const pdf = await parsePdf(a.data);
        expect(pdf.pages).toBe(1);
        const text = pdf.text[0] ?? '';
        expect(text).toContain(form.title);
        expect(text).toContain(`${sop.id} v${sop.version} · ${sop.sourceHash.slice(0, 8)}`);
        for (const c of form.columns) expect(text).toContain(c.label.split('（')[0]);
        for (const s of form.signatures) expect(text).toContain(s.label);
        if (form.kind === 'roster') expect(text).toContain('31 日');
        expect(pdf.fontsEmbedded).toBe(true);
        const [box] = pageBoxes(a.data);
        const landscape = (box?.trim[2] ?? 0) > (box?.trim[3] ?? 0);
        expect(near(Math.max(box?.trim[2] ?? 0, box?.trim[3] ?? 0), 297 * MM)).toBe(true);
        // the reception record's 12 columns are wider than a portrait page at their minimum widths
        expect(landscape).toBe(form.id === 'reception-record');
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(4);
  });

  it('is deterministic', async () => {
    const set = await bundled();
    const sop = set.sops.find((s) => s.id === 'front-desk-reception');
    if (!sop) throw new Error('missing SOP');
    const [a] = await formsTarget.emit(sop, { set });
    const [b] = await formsTarget.emit(sop, { set });
    expect(a?.data).toEqual(b?.data);
  });
});
