/**
 * A SOP for injection tests: every free text comes from `texts` (in turn, again from the start when they
 * run out), and ids that are also Object.prototype keys. Used with hostile texts and with harmless ones,
 * whose output has the structure the hostile one must keep.
 */
const q = (s: string) => JSON.stringify(s);

export function hostileSop(texts: readonly string[]): string {
  const t = (i: number) => q(texts[i % texts.length] as string);
  return `sopforge: 2
kind: procedure
id: hostile
title: ${t(0)}
number: ${t(1)}
department: ${t(2)}
version: "1.0"
effective: 2026-01-01
clauses:
  - { clause: "1.0", title: ${t(3)}, text: ${t(4)} }
  - clause: "3.0"
    title: ${t(0)}
    clauses:
      - { clause: "3.1", text: ${t(1)} }
      - { clause: "3.2", text: ${t(2)} }
  - clause: "4.0"
    title: ${t(5)}
    clauses:
      - clause: "4.1"
        text: ${t(6)}
        clauses: [${t(7)}, ${t(8)}]
      - { clause: "4.2", text: ${t(9)} }
      - ${t(10)}
roles:
  constructor:
    name: ${t(0)}
  boss:
    name: ${t(1)}
    aliases: [${t(5)}]
schedule:
  window: { start: "18:00", end: "22:00" }
  handover-prep: 15m
checklists:
  prototype:
    title: ${t(2)}
    items:
      - { id: radio, name: ${t(3)} }
      - { id: keys, name: ${t(4)} }
forms:
  constructor:
    title: ${t(5)}
    kind: register
    columns:
      - { id: date, label: ${t(6)}, type: date }
      - { id: note, label: ${t(7)} }
references:
  other:
    title: ${t(8)}
    external: true
    note: ${t(9)}
workflow:
  initial: constructor
  context:
    inventory: { checklist: prototype }
  steps:
    constructor:
      label: ${t(10)}
      role: constructor
      clause: "4.1"
      on:
        CHECK_ITEM:
          label: ${t(1)}
          payload:
            - { id: item, label: ${t(2)} }
            - { id: status, label: ${t(3)} }
          effects:
            - { check: inventory }
        DONE: { to: done, label: ${t(4)}, when: [{ checklist-complete: inventory }], refusal: ${t(5)} }
        PASS: { to: passed, label: ${t(6)} }
      timers:
        - { before-window-end: 15m, to: boss-step, label: ${t(7)} }
    boss-step:
      label: ${t(8)}
      role: boss
      on:
        DONE: { to: done, label: ${t(9)} }
    passed:
      label: ${t(10)}
      type: handoff
      sop: other
    done:
      label: ${t(0)}
      type: final
escalations:
  late:
    label: ${t(1)}
    starts: constructor
    levels:
      - { after: 2d, role: boss, step: boss-step }
audits:
  - { id: daily, role: boss, every: daily, form: constructor, covers: ${t(2)}, clause: "4.2", action: 检查 }
records:
  - { form: constructor, retention: 3y, custodian: ${t(3)}, rules: [no-torn-pages] }
review:
  revisions:
    - { version: "1.0", date: 2026-01-01, type: initial, by: [${t(4)}], summary: ${t(5)}, changes: [${t(6)}, ${t(7)}] }
  feedback:
    - { id: fb-1, date: 2026-02-01, by: ${t(8)}, text: ${t(9)} }
`;
}
