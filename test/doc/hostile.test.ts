import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/build/artifact.js';
import { historyTarget } from '../../src/history/target.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';

/** Texts that mean something in Markdown or HTML. Each must land as plain text. */
const HOSTILE = [
  '</script><script>globalThis.pwned = 1</script>',
  '<img src=x onerror="globalThis.pwned = 2"><b>bold</b>&amp;',
  '[link](javascript:alert(1)) **bold** | cell | # not a heading',
  '# heading at the start',
  '- a list item',
  '1. an ordered item',
  '> a quote',
  '{{constructor.constructor "return process"}} `code` ~~strike~~ _em_',
  'line\u2028separator\n\n## and a heading http://example.com www.example.com',
];

const q = (s: string) => JSON.stringify(s);

function sopText(texts: readonly string[]): string {
  const t = (i: number) => q(texts[i % texts.length] as string);
  return `sopforge: 1
kind: procedure
id: hostile
title: ${t(0)}
number: ${t(1)}
department: ${t(2)}
version: "1.0"
effective: 2026-01-01
purpose: ${t(3)}
scope: ${t(4)}
roles:
  clerk:
    name: ${t(5)}
    duties: [${t(6)}, ${t(7)}]
  boss:
    name: ${t(8)}
principles: [${t(0)}, ${t(1)}]
notes: [${t(2)}, ${t(3)}]
schedule:
  window: { start: "18:00", end: "22:00" }
checklists:
  kit:
    title: ${t(4)}
    items:
      - { id: radio, name: ${t(5)} }
    on-problem: ${t(6)}
forms:
  log:
    title: ${t(7)}
    kind: register
    columns:
      - { id: note, label: ${t(8)} }
references:
  other:
    title: ${t(0)}
    external: true
    note: ${t(1)}
workflow:
  initial: start
  context:
    inventory: { checklist: kit }
  steps:
    start:
      label: ${t(2)}
      role: clerk
      tasks: [${t(3)}]
      on:
        CHECK_ITEM:
          label: ${t(4)}
          payload:
            - { id: item, label: ${t(5)}, required: true }
            - { id: status, label: ${t(6)}, required: true }
          effects:
            - { check: inventory }
        DONE: { to: done, label: ${t(6)}, when: [{ checklist-complete: inventory }], refusal: ${t(7)} }
    boss-step:
      label: ${t(8)}
      role: boss
      on:
        DONE: { to: done, label: ${t(0)} }
    done:
      label: ${t(1)}
      type: final
escalations:
  late:
    label: ${t(2)}
    starts: start
    levels:
      - { after: 2d, role: boss, step: boss-step }
audits:
  - { id: daily, role: boss, every: daily, form: log, covers: ${t(3)} }
records:
  - { form: log, retention: 3y, custodian: ${t(4)}, rules: [no-torn-pages] }
review:
  revisions:
    - { version: "1.0", date: 2026-01-01, type: initial, by: [${t(5)}], summary: ${t(6)}, changes: [${t(7)}, ${t(8)}] }
  feedback:
    - { id: fb-1, date: 2026-02-01, by: ${t(0)}, text: ${t(1)} }
`;
}

const BENIGN = HOSTILE.map((_, i) => `plain text ${i}`);

function load(text: string): SopSet {
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/hostile.yaml', text }]);
  expect(
    diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line} ${d.code} ${d.message.en}`),
  ).toEqual([]);
  return set as SopSet;
}

async function outputs(set: SopSet): Promise<Artifact[]> {
  const sop = set.sops[0];
  if (!sop) throw new Error('no SOP');
  return [...(await documentTarget.emit(sop, { set })), ...(await historyTarget.emit(sop, { set }))];
}

const str = (a: Artifact) => (typeof a.data === 'string' ? a.data : Buffer.from(a.data).toString('utf8'));
const flat = (t: string) => t.replace(/[\s\u2028\u2029]+/g, ' ').trim();
/** The few DOM calls used here (jsdom ships no types). */
interface Dom {
  readonly localName: string;
  readonly textContent: string | null;
  readonly body: Dom;
  readonly documentElement: Dom;
  querySelectorAll(selector: string): ArrayLike<Dom> & Iterable<Dom>;
}
const jsdomName = 'jsdom';
const { JSDOM } = (await import(jsdomName)) as { JSDOM: new (html: string) => { window: { document: Dom } } };

const elements = (doc: Dom) => [...doc.querySelectorAll('*')].map((e) => e.localName);

/** Every hostile text whose harmless twin is shown must be shown, as written. */
function expectShown(path: string, shown: string, benignShown: string): void {
  for (const [i, h] of HOSTILE.entries()) {
    if (!benignShown.includes(`plain text ${i}`)) continue;
    expect.soft(flat(shown).includes(flat(h)), `${path} shows ${q(h)}`).toBe(true);
  }
}

describe('untrusted text in the documents', () => {
  let hostile: Artifact[];
  let benign: Artifact[];
  beforeAll(async () => {
    hostile = await outputs(load(sopText(HOSTILE)));
    benign = await outputs(load(sopText(BENIGN)));
  });
  const twin = (a: Artifact) => benign.find((b) => b.path === a.path) as Artifact;

  it('Markdown renders to the same elements as harmless text and shows every text as written', async () => {
    const render = async (a: Artifact) =>
      new JSDOM(await marked.parse(str(a), { async: true })).window.document;
    const md = hostile.filter((a) => a.path.endsWith('.md'));
    expect(md.map((a) => a.path)).toEqual(['sop.md', 'history.md']);
    for (const a of md) {
      const doc = await render(a);
      const other = await render(twin(a));
      expect.soft(elements(doc), a.path).toEqual(elements(other));
      expect.soft(doc.querySelectorAll('script, img, a[href^="javascript"]').length, a.path).toBe(0);
      expectShown(a.path, doc.body.textContent ?? '', other.body.textContent ?? '');
    }
  });

  it('HTML has the same elements as harmless text and shows every text as written', () => {
    const a = hostile.find((x) => x.path === 'sop.html') as Artifact;
    const doc = new JSDOM(str(a)).window.document;
    const other = new JSDOM(str(twin(a))).window.document;
    expect(elements(doc)).toEqual(elements(other));
    expect(doc.querySelectorAll('[onerror], img, b').length).toBe(0);
    expectShown(a.path, doc.documentElement.textContent ?? '', other.documentElement.textContent ?? '');
  });
});
