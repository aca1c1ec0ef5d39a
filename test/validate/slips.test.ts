import { describe, expect, it } from 'vitest';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { Checklist, Form, ProcedureSop } from '../../src/model/types.js';
import { blankFormSheet, checklistCapacity, layoutTablePage } from '../../src/render/pdf/layout.js';
import { ROOT } from '../helpers.js';

/** The SOP with the form's checklist cut or padded to `n` items. */
function withItems(sop: ProcedureSop, form: Form, n: number): ProcedureSop {
  const resize = (c: Checklist): Checklist => ({
    ...c,
    items: Array.from({ length: n }, (_, i) => c.items[i] ?? { id: `extra-${i}`, name: `加项${i}` }),
  });
  return { ...sop, checklists: sop.checklists.map((c) => (c.id === form.checklist ? resize(c) : c)) };
}

const lays = (sop: ProcedureSop, form: Form) => () =>
  layoutTablePage(sop, form, blankFormSheet(form).content('recto'));

describe('checklistCapacity agrees with the layout that prints the form', () => {
  it('lays out a checklist of exactly that many items and refuses one more, for every bundled form', async () => {
    const { set: bundled } = await loadSopSet(['sops'], { cwd: ROOT });
    const procedures = (bundled?.sops ?? []).filter((s): s is ProcedureSop => s.kind === 'procedure');
    let checked = 0;
    for (const sop of procedures) {
      for (const form of sop.forms.filter((f) => f.kind !== 'roster' && f.checklist)) {
        const room = checklistCapacity(sop, form);
        expect(room, `${sop.id}/${form.id}`).toBeGreaterThan(0);
        expect(lays(withItems(sop, form, room), form)).not.toThrow();
        expect(lays(withItems(sop, form, room + 1), form)).toThrow(RangeError);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('reports CHECKLIST_TOO_LONG at the first item past the room, in both languages', async () => {
    const { diagnostics } = await loadSopSet(['test/fixtures/bad/checklist-too-long.yaml'], { cwd: ROOT });
    const d = diagnostics.find((x) => x.code === 'CHECKLIST_TOO_LONG');
    expect(d?.path).toEqual(['checklists', 'items', 'items', 35]);
    expect(d?.message.zh).toContain('最多只能印 35 项');
    expect(d?.message.en).toContain('room for 35 on the blank A4 form');
  });

  it('a form too full for its page is FORM_TOO_FULL, which the layout would throw on', async () => {
    const { diagnostics } = await loadSopSet(['test/fixtures/bad/form-too-full.yaml'], { cwd: ROOT });
    expect(diagnostics.map((d) => d.code)).toContain('FORM_TOO_FULL');
  });
});

describe('slip rules leave the bundled SOPs alone', () => {
  it('validate the bundled SOPs with no errors and no warnings', async () => {
    const { set, diagnostics } = await loadSopSet(['sops'], { cwd: ROOT });
    expect(diagnostics).toEqual([]);
    expect(set?.sops.length).toBeGreaterThan(0);
  });

  it('an escalation watching a final step is reported at the ladder, not as a final step with timers', () => {
    const text = `sopforge: 2
kind: procedure
id: esc
title: t
version: "1.0"
effective: 2026-01-01
clauses:
  - { clause: "1", title: 目的, text: p }
roles: { a: { name: 甲 } }
workflow:
  initial: open
  steps:
    open: { label: 开, role: a, on: { DONE: { to: done, label: 完 } } }
    done: { label: 完, type: final }
escalations:
  late:
    starts: open
    watch: [open, done]
    levels:
      - { after: 2d, role: a, step: open }
`;
    const { diagnostics } = loadSopTexts([{ file: 'esc.yaml', text }]);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line])).toEqual([['ESCALATION_FROM_END', 18]]);
  });
});
