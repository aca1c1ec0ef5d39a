import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRevision } from '../../src/history/edit.js';
import {
  checkRevisionChain,
  expectedHashes,
  readRevisions,
  revisionHash,
} from '../../src/history/revisions.js';
import { revisionChainRule } from '../../src/history/rule.js';
import { loadSopSet } from '../../src/load/index.js';
import { bundledText, edit, loadText } from '../doc/helpers.js';
import { tempDir } from '../helpers.js';

const ID = 'front-desk-reception';
const BASE = bundledText(ID);

/** The bundled text with two recorded revisions (1.1 and 1.2) after the initial one. */
function revised(): string {
  const one = appendRevision(BASE, ID, {
    version: '1.1',
    date: '2026-07-01',
    type: 'semiannual',
    by: ['品质管理部'],
    summary: '半年调整。',
    changes: ['超过 2 天未处理 → 3 天 转客服主管'],
  });
  return appendRevision(one.text, ID, {
    version: '1.2',
    date: '2027-01-01',
    type: 'annual',
    by: ['品质管理部', '张三'],
    summary: '年度复审。',
    changes: [],
  }).text;
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle}`);
  return text.slice(0, at).split('\n').length;
}

describe('revision hash chain', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('accepts the bundled SOPs (not yet sealed) and a chain recorded by revise', () => {
    expect(checkRevisionChain(loadText(BASE))).toEqual([]);
    const text = revised();
    const records = readRevisions(text);
    expect(records.map((r) => r.version)).toEqual(['1.0', '1.1', '1.2']);
    expect(records.every((r) => r.hash !== null)).toBe(true);
    expect(records.map((r) => r.hash)).toEqual(expectedHashes(records, ID));
    expect(records[1]?.hash).toBe(
      revisionHash(records[0]?.hash ?? null, records[1] as (typeof records)[number], ID),
    );
    expect(checkRevisionChain(loadText(text))).toEqual([]);
  });

  it('keeps comments and the rest of the file as written', () => {
    const text = revised();
    const before = BASE.slice(0, BASE.indexOf('\nreview:'));
    expect(
      text.startsWith(
        edit(
          edit(before, 'version: "1.0"', 'version: "1.2"'),
          'effective: 2026-01-01',
          'effective: 2027-01-01',
        ),
      ),
    ).toBe(true);
    expect(text).toContain('# Fixes to the seed text:');
    // The hand-written first entry keeps its lines; its seal is added as one more key.
    expect(text).toContain(
      '    - version: "1.0"\n      date: 2026-01-01\n      type: initial\n      by:\n        - 品质管理部\n      summary: 首次发布。\n      hash: ',
    );
  });

  it('reports an edited revision at its position', () => {
    const text = edit(revised(), 'summary: 半年调整。', 'summary: 半年调整（已改）。');
    const sop = loadText(text, 'tampered.yaml');
    const diags = checkRevisionChain(sop);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({
      code: 'REVISION_EDITED',
      severity: 'error',
      file: 'tampered.yaml',
      path: ['review', 'revisions', 1],
    });
    expect(diags[0]?.line).toBe(lineOf(text, '- version: "1.1"'));
    expect(diags[0]?.message.zh).toContain('修订记录 1.1');
  });

  it('reports the next revision when the edited one was re-hashed', () => {
    const text = revised();
    const records = readRevisions(text);
    const r1 = records[1];
    if (!r1) throw new Error('no 1.1');
    const forged = revisionHash(records[0]?.hash ?? null, { ...r1, changes: [] }, ID);
    const tampered = edit(
      edit(text, '        - 超过 2 天未处理 → 3 天 转客服主管\n', ''),
      `hash: ${r1.hash}`,
      `hash: ${forged}`,
    ).replace(`      changes:\n      hash: ${forged}`, `      hash: ${forged}`);
    const diags = checkRevisionChain(loadText(tampered));
    expect(diags.map((d) => d.path)).toEqual([['review', 'revisions', 2]]);
    expect(diags[0]?.line).toBe(lineOf(tampered, '- version: "1.2"'));
  });

  it('reports a revision added by hand after sealed ones', () => {
    const text = `${revised()}    - { version: "1.3", date: 2027-02-01, type: feedback, by: [李四], summary: 手工添加。 }\n`;
    const sop = loadText(
      edit(
        edit(text, '\nversion: "1.2"\n', '\nversion: "1.3"\n'),
        '\neffective: 2027-01-01',
        '\neffective: 2027-02-01',
      ),
    );
    const diags = checkRevisionChain(sop);
    expect(diags).toHaveLength(1);
    expect(diags[0]?.path).toEqual(['review', 'revisions', 3]);
    expect(diags[0]).toMatchObject({ code: 'REVISION_UNSEALED' });
    expect(diags[0]?.message.en).toContain('is not signed, although revision 1.2 before it is signed');
  });

  it('compares the revisions with the stored approved texts', async () => {
    const text = revised();
    const snapshots = join(dir, '.history');
    await mkdir(join(snapshots, 'front-desk-reception'), { recursive: true });
    await writeFile(join(snapshots, 'front-desk-reception', '1.2.yaml'), text);
    expect(checkRevisionChain(loadText(text), snapshots)).toEqual([]);
    // Both the entry and every hash after it rewritten: only the stored text can tell.
    const records = readRevisions(text);
    const r0 = records[0];
    if (!r0) throw new Error('no 1.0');
    const changed = { ...r0, summary: '另写的摘要。' };
    const h0 = revisionHash(null, changed, ID);
    const h1 = revisionHash(h0, records[1] as (typeof records)[number], ID);
    const h2 = revisionHash(h1, records[2] as (typeof records)[number], ID);
    let forged = edit(text, 'summary: 首次发布。', 'summary: 另写的摘要。');
    forged = edit(forged, `hash: ${r0.hash}`, `hash: ${h0}`);
    forged = edit(forged, `hash: ${records[1]?.hash}`, `hash: ${h1}`);
    forged = edit(forged, `hash: ${records[2]?.hash}`, `hash: ${h2}`);
    const sop = loadText(forged);
    expect(checkRevisionChain(sop)).toEqual([]);
    const diags = checkRevisionChain(sop, snapshots);
    expect(diags.map((d) => d.path)).toEqual([['review', 'revisions', 0]]);
    expect(diags[0]?.code).toBe('REVISION_EDITED');
    expect(diags[0]?.message.zh).toContain('摘要由“首次发布。”改为“另写的摘要。”');
  });

  it('seals a hand-written block entry and keeps CRLF line endings', () => {
    // The bundled SOPs write their revisions as block entries.
    expect(BASE).toContain('    - version: "1.0"\n      date: 2026-01-01\n      type: initial\n');
    const block = BASE.replace(/\n/g, '\r\n');
    const next = appendRevision(block, ID, {
      version: '1.1',
      date: '2026-02-01',
      type: 'feedback',
      by: ['王五'],
      summary: '采纳反馈。',
      changes: [],
    }).text;
    expect(next.replace(/\r\n/g, '')).not.toContain('\n');
    const [first, second] = readRevisions(next);
    expect(next).toContain(
      `      summary: 首次发布。\r\n      hash: ${first?.hash}\r\n    - version: "1.1"\r\n`,
    );
    expect(second?.hash).toBe(revisionHash(first?.hash ?? null, second as NonNullable<typeof second>, ID));
    expect(checkRevisionChain(loadText(next))).toEqual([]);
  });

  it('runs as a validate rule, failing the set at the edited revision', async () => {
    const folder = join(dir, 'rule-sops');
    await mkdir(folder, { recursive: true });
    const text = edit(revised(), 'summary: 年度复审。', 'summary: 年度复审（补记）。');
    await writeFile(join(folder, 'front-desk-reception.yaml'), text);
    const plain = await loadSopSet(['rule-sops'], { cwd: dir });
    expect(plain.set).not.toBeNull();
    const checked = await loadSopSet(['rule-sops'], { cwd: dir, sopRules: [revisionChainRule(dir)] });
    expect(checked.set).toBeNull();
    expect(checked.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['REVISION_EDITED', 'rule-sops/front-desk-reception.yaml', lineOf(text, '- version: "1.2"')],
    ]);
  });
});
