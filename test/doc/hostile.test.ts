import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/build/artifact.js';
import { historyTarget } from '../../src/history/target.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { SopSet } from '../../src/model/types.js';
import { documentTarget } from '../../src/render/doc/index.js';
import { hostileSop } from '../hostile-sop.js';

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
    hostile = await outputs(load(hostileSop(HOSTILE)));
    benign = await outputs(load(hostileSop(BENIGN)));
  }, 60_000);
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
