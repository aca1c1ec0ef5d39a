import { linkSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/deps/yaml.js';
import { loadSopTexts } from '../../src/load/index.js';
import { migrateV1 } from '../../src/migrate/v1-to-v2.js';
import { allClauses } from '../../src/normalize/clauses.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const V1 = join(ROOT, 'test/migrate/v1');
const v1 = (name: string) => readFileSync(join(V1, name), 'utf8');

/** Every prose text of a v1 file (the fields version 2 moves into the clause tree). */
function proseOf(text: string): string[] {
  const v = parse(text) as Record<string, unknown>;
  const out: string[] = [];
  const texts = (list: unknown) => {
    for (const c of Array.isArray(list) ? list : [])
      out.push(typeof c === 'string' ? c : String((c as { text: string }).text));
  };
  for (const k of ['purpose', 'scope', 'disclaimer']) if (typeof v[k] === 'string') out.push(v[k] as string);
  for (const k of ['main-duties', 'principles', 'discipline', 'rights', 'notes']) texts(v[k]);
  for (const r of Object.values((v.roles ?? {}) as Record<string, { duties?: unknown }>)) texts(r.duties);
  const steps = ((v.workflow as { steps?: object } | undefined)?.steps ?? {}) as Record<
    string,
    { tasks?: unknown }
  >;
  for (const s of Object.values(steps)) texts(s.tasks);
  const onCall = v['on-call'] as { rule?: { text: string } } | undefined;
  if (onCall?.rule) out.push(onCall.rule.text);
  texts((v.review as { policy?: { rules?: unknown } } | undefined)?.policy?.rules);
  for (const s of Object.values((v.sections ?? {}) as Record<string, { guide: string }>)) out.push(s.guide);
  return out;
}

describe('migrate: version 1 → version 2', () => {
  it.each([
    'duty-handover-public-affairs.yaml',
    'duty-handover-service-center.yaml',
    'service-centre-manual.yaml',
  ])('%s becomes a version 2 file that validates, keeping every text and every other line', (name) => {
    const before = v1(name);
    const result = migrateV1(before);
    expect(result.problem).toBeNull();
    const after = result.text ?? '';
    expect(after).toMatch(/^sopforge: 2$/m);
    expect(after).not.toMatch(/^sopforge: 1$/m);
    const files = [{ file: `sops/${name}`, text: after }];
    // The manual's chapters are other files of the set: give it the set's migrated procedures.
    if (name === 'service-centre-manual.yaml')
      for (const id of [
        'front-desk-reception',
        'duty-handover-customer-service',
        'duty-handover-public-affairs',
        'duty-handover-service-center',
      ])
        files.push({ file: `sops/${id}.yaml`, text: readFileSync(join(ROOT, 'sops', `${id}.yaml`), 'utf8') });
    const { set, diagnostics } = loadSopTexts(files);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line} ${d.code}`)).toEqual([]);
    const sop = set?.sops.find((s) => `sops/${name}` === s.file);
    const texts = [...allClauses(sop?.clauses ?? [])]
      .flatMap((c) => [c.title ?? '', c.text ?? ''])
      .join('\n');
    for (const t of proseOf(before)) expect(texts, t).toContain(t);
    // Comments and the keys of the rules stay as written.
    const PROSE =
      /^(sopforge|purpose|scope|main-duties|principles|discipline|rights|notes|on-call|sections|disclaimer):/;
    const lines = new Set(after.split('\n'));
    const kept = before.split('\n').filter((l) => /^#|^[a-z-]+:/.test(l) && !PROSE.test(l));
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.filter((l) => !lines.has(l))).toEqual([]);
    expect(after).toContain('# 待核对');
    // Clauses only a rule cites are there, so every citation resolves.
    expect(result.toCheck).toBeGreaterThan(0);
  });

  it('leaves a version 2 file alone and refuses text that is not a version 1 SOP', () => {
    const v2 = readFileSync(join(ROOT, 'sops/front-desk-reception.yaml'), 'utf8');
    expect(migrateV1(v2)).toMatchObject({ text: v2, unchanged: true });
    expect(migrateV1('- a list\n')).toMatchObject({ text: null });
  });
});

describe('sopforge migrate', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-migrate-'));
  });
  afterAll(() => cleanup());

  it('prints the result and leaves the file byte-identical without --write', async () => {
    const file = join(dir, 'duty-handover-public-affairs.yaml');
    await copyFile(join(V1, 'duty-handover-public-affairs.yaml'), file);
    const before = await readFile(file);
    const r = await runCli(['migrate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(migrateV1(before.toString('utf8')).text);
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('with --write replaces the file by a rename, touches no other file and leaves no temporary file', async () => {
    const file = join(dir, 'duty-handover-public-affairs.yaml');
    const other = join(dir, 'other.yaml');
    await writeFile(other, 'sopforge: 1\n');
    const before = await readFile(file);
    // A hard link keeps the old inode: a rename leaves it untouched, an in-place write would change it.
    linkSync(file, join(dir, 'link.yaml'));
    const r = await runCli(['migrate', '--write', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('已改写为第 2 版');
    const after = await readFile(file, 'utf8');
    expect(after).toBe(migrateV1(before.toString('utf8')).text);
    expect((await readFile(join(dir, 'link.yaml'))).equals(before)).toBe(true);
    expect(await readFile(other, 'utf8')).toBe('sopforge: 1\n');
    expect(readdirSync(dir).sort()).toEqual(['duty-handover-public-affairs.yaml', 'link.yaml', 'other.yaml']);
    const again = await runCli(['migrate', '--write', file]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('已是第 2 版');
    expect(await readFile(file, 'utf8')).toBe(after);
  });

  it('refuses a file that is not UTF-8 and leaves it as it was', async () => {
    const file = join(dir, 'gbk.yaml');
    await copyFile(join(ROOT, 'test/fixtures/bad/gbk-encoded.yaml'), file);
    const before = await readFile(file);
    const r = await runCli(['migrate', '--write', file]);
    expect(r.code).toBe(1);
    expect((await readFile(file)).equals(before)).toBe(true);
  });
});
