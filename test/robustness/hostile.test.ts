import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { JSDOM } from 'jsdom';
import { marked } from 'marked';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSet, isSafeRelativePath } from '../../src/build/build.js';
import type { OutputFile } from '../../src/build/write.js';
import { loadSopTexts } from '../../src/load/index.js';
import type { SopSet } from '../../src/model/types.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { hostileSop } from '../hostile-sop.js';

const exec = promisify(execFile);

/** Texts that mean something in one of the output languages. Each must land as plain text. */
const HOSTILE = {
  script: '</script><script>globalThis.pwned = 1</script>',
  dq: '"; process.exit(1); "',
  sq: "'; process.exit(2); '",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal injection, as text
  tick: '`; process.exit(3); ${process.exit(4)}`',
  cdata: ']]><injected a="1"/><![CDATA[',
  comment: '--><injected/><!-- ',
  html: '<img src=x onerror="globalThis.pwned = 2"><b>bold</b>&amp;',
  mermaid: 'A-->B[x]; click A "javascript:alert(1)" %% {y} |z| (w) end',
  handlebars: '{{constructor.constructor "return process"}} {{#each this}}{{@key}}{{/each}}',
  markdown: '[link](javascript:alert(1)) **bold** | cell | # not a heading',
  separators: 'line\u2028separator\u2029and \\ backslash */ /* // end',
} as const;
const H = Object.values(HOSTILE);
const q = (s: string) => JSON.stringify(s);

/** The same SOP with harmless texts: its output has the structure the hostile one must keep. */
const BENIGN = H.map((_, i) => `plain text ${i}`);

function load(text: string): SopSet {
  const { set, diagnostics } = loadSopTexts([{ file: 'sops/hostile.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return set as SopSet;
}

const str = (f: OutputFile) => (typeof f.data === 'string' ? f.data : Buffer.from(f.data).toString('utf8'));
const ext = (p: string) =>
  /\.([a-z.]+)$/.exec(
    p
      .replace(/\.d\.ts$/, '.dts')
      .replace(/\.d\.cts$/, '.dcts')
      .replace(/\.en\.md$/, '.md'),
  )?.[1] ?? '';

/** The hostile texts whose harmless twin (`plain text i`) shows up in `shown`: those must show up intact. */
function expectShown(path: string, hostileShown: string, benignShown: string): void {
  // Line and paragraph separators may become spaces, and runs of white space collapse.
  const flat = (t: string) => t.replace(/[\s\u2028\u2029]+/g, ' ');
  // Inside code (a JSON string in an attribute or a script), a text is its JSON form with <, > and & as \\u escapes.
  const json = (t: string) =>
    JSON.stringify(t).slice(1, -1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  const shown = flat(hostileShown);
  for (const [i, h] of H.entries()) {
    if (!benignShown.includes(`plain text ${i}`)) continue;
    const found =
      shown.includes(flat(h)) ||
      hostileShown.includes(json(h)) ||
      hostileShown.includes(JSON.stringify(h).slice(1, -1));
    expect.soft(found, `${path} shows ${JSON.stringify(h)} as text`).toBe(true);
  }
}

/** Element names of an HTML or XML document, in order: injected markup would add to them. */
function elements(doc: Document): string[] {
  return [...doc.querySelectorAll('*')].map((e) => e.localName);
}

describe('untrusted text never escapes where it lands', () => {
  let hostile: OutputFile[];
  let benign: OutputFile[];
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    hostile = (await buildSet(load(hostileSop(H)))).files;
    benign = (await buildSet(load(hostileSop(BENIGN)))).files;
    ({ dir, cleanup } = await tempDir('sopforge-hostile-'));
    // Generated modules import xstate: give them the project's node_modules.
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    for (const f of hostile) {
      await mkdir(join(dir, 'out', f.path, '..'), { recursive: true });
      await writeFile(join(dir, 'out', f.path), f.data);
    }
  }, 120_000);
  afterAll(() => cleanup());

  it('produces the same files for hostile and harmless text', () => {
    expect(hostile.map((f) => f.path)).toEqual(benign.map((f) => f.path));
    for (const f of hostile) expect(isSafeRelativePath(f.path), f.path).toBe(true);
  });

  it('JSON keeps every text as a string value', () => {
    for (const f of hostile.filter((x) => ext(x.path) === 'json')) {
      const text = str(f);
      const found = JSON.stringify(JSON.parse(text));
      expect(found.length).toBeGreaterThan(0);
      for (const h of [HOSTILE.script, HOSTILE.dq]) {
        if (f.path.endsWith('model.json')) expect(text, f.path).toContain(q(h).slice(1, -1));
      }
    }
  });

  it('generated JavaScript and declarations parse, import and run without executing any text', async () => {
    // The ES module and the CommonJS build of the same machine, and their declarations.
    const modules = hostile.filter((f) => ext(f.path) === 'js' || ext(f.path) === 'cjs');
    for (const f of [...modules, ...hostile.filter((x) => ext(x.path) === 'dts' || ext(x.path) === 'dcts')]) {
      // Syntax only: a declaration file is checked as the module it declares.
      const out = ts.transpileModule(str(f), {
        reportDiagnostics: true,
        fileName: f.path.replace(/(\.d)?\.cts$|\.cjs$/, '.cts').replace(/(\.d)?\.ts$|\.js$/, '.mts'),
      });
      expect
        .soft(out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? [], f.path)
        .toEqual([]);
    }
    for (const f of modules) {
      const url = pathToFileURL(join(dir, 'out', f.path)).href;
      const probe = `const m = await import(${q(url)}); process.stdout.write(JSON.stringify({ pwned: globalThis.pwned ?? null, exports: Object.keys(m).length, text: JSON.stringify(Object.values(m), (k, v) => typeof v === 'function' ? undefined : v) }));`;
      const { stdout } = await exec('node', ['--input-type=module', '-e', probe], { cwd: dir });
      const result = JSON.parse(stdout) as { pwned: unknown; exports: number; text: string };
      expect.soft(result.pwned, f.path).toBeNull();
      expect.soft(result.exports).toBeGreaterThan(0);
      // The texts are still there, as data.
      expect.soft(result.text, f.path).toContain(q(HOSTILE.dq).slice(1, -1));
    }
  });

  it('SCXML and other XML parse, with the same elements as for harmless text', () => {
    const xml = (f: OutputFile) =>
      new new JSDOM('').window.DOMParser().parseFromString(str(f), 'application/xml');
    // Text and attribute values; a <script> element's content is code, where texts are JSON strings.
    const shown = (doc: Document) =>
      [...doc.querySelectorAll('*')]
        .flatMap((e) => [
          ...[...e.childNodes]
            .filter((n) => n.nodeType === 3 && e.localName !== 'script')
            .map((n) => n.nodeValue ?? ''),
          ...[...e.attributes].map((a) => a.value),
        ])
        .join(' ');
    for (const f of hostile.filter((x) => ['scxml', 'xml', 'svg'].includes(ext(x.path)))) {
      const doc = xml(f);
      expect.soft(doc.getElementsByTagName('parsererror').length, f.path).toBe(0);
      const twin = xml(benign.find((b) => b.path === f.path) as OutputFile);
      expect.soft(elements(doc), f.path).toEqual(elements(twin));
      expectShown(f.path, shown(doc), shown(twin));
    }
  });

  it('HTML has no injected elements or handlers, and shows the texts', () => {
    for (const f of hostile.filter((x) => ext(x.path) === 'html')) {
      const doc = new JSDOM(str(f)).window.document;
      const twin = new JSDOM(str(benign.find((b) => b.path === f.path) as OutputFile)).window.document;
      expect.soft(elements(doc), f.path).toEqual(elements(twin));
      expect.soft(doc.querySelectorAll('[onerror], injected, img').length, f.path).toBe(0);
      expectShown(f.path, doc.documentElement.textContent ?? '', twin.documentElement.textContent ?? '');
    }
  });

  it('Markdown renders to the same structure as harmless text, with no raw HTML or links', async () => {
    const render = async (f: OutputFile) =>
      new JSDOM(await marked.parse(str(f), { async: true })).window.document;
    for (const f of hostile.filter((x) => ext(x.path) === 'md')) {
      const doc = await render(f);
      const twin = await render(benign.find((b) => b.path === f.path) as OutputFile);
      expect.soft(elements(doc), f.path).toEqual(elements(twin));
      expect
        .soft(doc.querySelectorAll('script, img, injected, a[href^="javascript"]').length, f.path)
        .toBe(0);
      expectShown(f.path, doc.body.textContent ?? '', twin.body.textContent ?? '');
    }
  });

  it('Mermaid parses, and no text adds a statement: texts stay inside quotes or entity-escaped labels', async () => {
    const dom = new JSDOM('<!doctype html><body></body>', { pretendToBeVisual: true });
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const { default: mermaid } = await import('mermaid');
    /** A diagram's statements with their texts blanked: what a text must never change. */
    const skeleton = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(/"[^"\n]*"/g, '""').replace(/ : .*$/, ' : …'))
        .join('\n');
    const raw = /[";]|%%|-->|[[\]{}|<>]/;
    for (const f of hostile.filter((x) => ext(x.path) === 'mmd')) {
      const text = str(f);
      await expect.soft(mermaid.parse(text), f.path).resolves.toBeTruthy();
      expect
        .soft(skeleton(text), f.path)
        .toBe(skeleton(str(benign.find((b) => b.path === f.path) as OutputFile)));
      for (const line of text.split('\n')) {
        const label = / : (.*)$/.exec(line.replace(/"[^"\n]*"/g, '""'))?.[1]?.replace(/#(\d+|[a-z]+);/g, '');
        if (label !== undefined)
          expect.soft(raw.test(label), `${f.path}: raw Mermaid syntax in label ${label}`).toBe(false);
      }
    }
  }, 60_000);

  it('PDFs are complete documents (texts are drawn as glyphs, never interpreted)', () => {
    for (const f of hostile.filter((x) => ext(x.path) === 'pdf')) {
      const bytes = Buffer.from(f.data as Uint8Array);
      expect.soft(bytes.subarray(0, 5).toString('latin1'), f.path).toBe('%PDF-');
      expect.soft(bytes.subarray(-8).toString('latin1'), f.path).toContain('%%EOF');
    }
  });

  it('checks every kind of file the build produces', () => {
    const checked = new Set([
      'json',
      'js',
      'cjs',
      'dts',
      'dcts',
      'scxml',
      'xml',
      'svg',
      'html',
      'md',
      'mmd',
      'pdf',
    ]);
    for (const f of hostile) expect(checked.has(ext(f.path)), `no escaping check for ${f.path}`).toBe(true);
  });
});

describe('SOP ids and output paths stay inside out/', () => {
  const base = readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8');

  it.each(['../escape', '/etc/passwd', 'a/b', '.hidden', 'C:', 'x\\y', '..', 'Con', 'a b', ''])(
    'refuses the id %j',
    (id) => {
      const { set, diagnostics } = loadSopTexts([
        { file: 'base.yaml', text: base.replace('id: base', `id: ${q(id)}`) },
      ]);
      expect(set).toBeNull();
      expect(diagnostics.map((d) => d.code)).toContain('SCHEMA_ID');
    },
  );

  it.each(['con', 'nul', 'com1', 'lpt9', 'aux', 'prn'])(
    'refuses the reserved name %s as SOP id and as form id',
    (name) => {
      const asSop = loadSopTexts([{ file: `${name}.yaml`, text: base.replace('id: base', `id: ${name}`) }]);
      expect(asSop.set).toBeNull();
      expect(asSop.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'ID_RESERVED', line: 4, column: 5 }),
      );
      const asForm = loadSopTexts([{ file: 'base.yaml', text: base.replace(/\blog\b/g, name) }]);
      expect(asForm.set).toBeNull();
      expect(asForm.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'ID_RESERVED', line: 24, column: 3 }),
      );
    },
  );

  it('builds nothing for a reserved id, through the CLI', async () => {
    const { dir, cleanup } = await tempDir('sopforge-reserved-');
    try {
      await mkdir(join(dir, 'sops'));
      writeFileSync(join(dir, 'sops', 'nul.yaml'), base.replace('id: base', 'id: nul'));
      const r = await runCli(['build', '--lang', 'en'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('sops/nul.yaml:4:5');
      expect(r.stderr).toContain('ID_RESERVED');
    } finally {
      await cleanup();
    }
  });

  it('isSafeRelativePath refuses every way out of the folder', () => {
    for (const p of [
      '../x',
      'a/../../x',
      '/abs',
      'a//b',
      './a',
      'a/./b',
      'a\\b',
      'nul',
      'forms/CON.pdf',
      'com1.txt',
      'a\0b',
      '',
    ])
      expect(isSafeRelativePath(p), p).toBe(false);
    for (const p of ['a', 'a/b.json', 'forms/log.pdf', 'console', 'con-room/x', 'null.json'])
      expect(isSafeRelativePath(p), p).toBe(true);
  });

  it('ids that are Object.prototype keys are ids like any other', () => {
    const text = base
      .replace(/\bclerk\b/g, 'constructor')
      .replace(
        'DONE: { to: done, label: 完成, when: [{ checklist-complete: inventory }] }',
        'DONE: { to: done, label: 完成, when: [{ checklist-complete: constructor }] }',
      );
    // `constructor` was never declared as a context field: Object.prototype.constructor must not stand in for it.
    const { set, diagnostics } = loadSopTexts([{ file: 'base.yaml', text }]);
    expect(set).toBeNull();
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'CONTEXT_UNDECLARED', line: 49, column: 67 }),
    ]);
    const proto = loadSopTexts([
      {
        file: 'base.yaml',
        text: base.replace(
          'when: [{ checklist-complete: inventory }]',
          'when: [{ payload-equals: { __proto__: x } }]',
        ),
      },
    ]);
    expect(proto.set).toBeNull();
    expect(proto.diagnostics.map((d) => d.code)).toEqual(['PAYLOAD_FIELD_UNDECLARED']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
