import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { pageBoxes, parsePdf } from './helpers.js';

const SOP = 'duty-handover-public-affairs';
let dir = '';
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-pdf-cli-'));
});
afterAll(() => cleanup());

describe('sopforge book', () => {
  it('writes the book to --out and nothing else', async () => {
    const out = join(dir, 'book', 'log.pdf');
    await mkdir(join(dir, 'book'));
    const args = [
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '4',
      '--size',
      'B5',
      '--duplex',
      '--gutter',
      '12mm',
      '--bleed',
      '3mm',
      '--crop-marks',
      '--first-serial',
      '9',
      '--out',
      out,
    ];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 页');
    const bytes = await readFile(out);
    const pdf = await parsePdf(bytes);
    // B5 takes two pages a shift; in duplex a blank page after the cover's back makes them face each other,
    // and a blank last page makes whole sheets: cover, back, lead, 4 pages, blank.
    expect(pdf.pages).toBe(8);
    expect(pdf.text[2]).not.toContain('编号');
    expect(pdf.text[3]).toContain('编号 000009');
    expect(pdf.text[6]).toContain('第 4 页 共 4 页');
    expect(pageBoxes(bytes)[0]?.bleed.length).toBe(4);
    expect(await readdir(join(dir, 'book'))).toEqual(['log.pdf']);
    // the same command twice gives the same bytes
    await runCli(args);
    expect(Buffer.compare(bytes, await readFile(out))).toBe(0);
  });

  it.each([
    [['--form', 'duty-log', '--pages', '0'], /--pages must be a whole number/],
    [['--form', 'duty-log', '--pages', 'ten'], /--pages/],
    [['--form', 'duty-log'], /--pages <n> is required/],
    [['--pages', '3'], /--form <form-id> is required/],
    [['--form', 'duty-log', '--pages', '3', '--size', 'A3'], /--size must be one of A4, A5, B5/],
    [['--form', 'duty-log', '--pages', '3', '--gutter', 'wide'], /--gutter must be a length/],
    [['--form', 'duty-log', '--pages', '3', '--bleed', '-3mm'], /--bleed must be a length/],
    [['--form', 'duty-log', '--pages', '3', '--first-serial', '0'], /--first-serial/],
    [['--form', 'nope', '--pages', '3'], /has no form "nope" \(its forms: duty-roster, duty-log\)/],
    [['--form', 'duty-roster', '--pages', '3'], /is a roster/],
  ])('exits 2 with a clear message for %j', async (extra, message) => {
    // The English wording is asserted; the Chinese one is in test/cli/lang.test.ts.
    const r = await runCli(['book', SOP, ...extra, '--lang', 'en', '--out', join(dir, 'never.pdf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(readFile(join(dir, 'never.pdf'))).rejects.toThrow();
  });

  it('exits 2 for an unknown SOP id and 1 with diagnostics for an invalid SOP folder', async () => {
    const unknown = await runCli(['book', 'no-such-sop', '--form', 'x', '--pages', '1', '--lang', 'en']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no SOP "no-such-sop"');
    const bad = join(dir, 'bad-sops');
    await runCli(['book', SOP, '--form', 'duty-log', '--pages', '1', '--sops', bad]).then((r) =>
      expect(r.code).not.toBe(0),
    );
    await mkdir(bad, { recursive: true });
    await writeFile(
      join(bad, `${SOP}.yaml`),
      'sopforge: 2\nkind: procedure\nid: duty-handover-public-affairs\n',
    );
    const r = await runCli([
      'book',
      SOP,
      '--form',
      'duty-log',
      '--pages',
      '1',
      '--sops',
      bad,
      '--out',
      join(dir, 'bad.pdf'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/duty-handover-public-affairs\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming the characters the font lacks and where they are in the YAML, writing nothing', async () => {
    const sops = join(dir, 'glyph-sops');
    await mkdir(sops, { recursive: true });
    const yaml = await readFile(join(ROOT, 'sops', `${SOP}.yaml`), 'utf8');
    await writeFile(join(sops, `${SOP}.yaml`), yaml.replace('title: 值班记录\n', 'title: 值班记录𪚥\n'));
    const line = yaml.slice(0, yaml.indexOf('title: 值班记录\n')).split('\n').length;
    const column = yaml.split('\n')[line - 1]?.indexOf('值班记录') ?? -1;
    const out = join(dir, 'glyph.pdf');
    const r = await runCli(['book', SOP, '--form', 'duty-log', '--pages', '2', '--sops', sops, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('𪚥');
    expect(r.stderr).toContain('U+2A6A5');
    expect(r.stderr).toContain(`${SOP}.yaml:${line}:${column + 1}`);
    expect(r.stderr).toContain('GLYPH_MISSING');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(readFile(out)).rejects.toThrow();
  });
});

describe('sopforge roster', () => {
  it('fills the month from a staff list', async () => {
    const staff = join(dir, 'staff.yaml');
    await writeFile(
      staff,
      'staff:\n  - name: 张伟\n  - name: 李娜\n    leave: [2026-12-24]\n  - name: 王强\n',
    );
    const out = join(dir, 'roster-2026-12.pdf');
    const r = await runCli(['roster', SOP, '--month', '2026-12', '--staff', staff, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pdf = await parsePdf(await readFile(out));
    for (const s of ['2026 年 12 月', '12月31日', '张伟', '李娜', '王强', '须于 2026-11-30 前完成'])
      expect(pdf.text[0]).toContain(s);
  });

  it('prints it blank without --staff', async () => {
    const out = join(dir, 'blank.pdf');
    const r = await runCli(['roster', SOP, '--month', '2026-11', '--out', out]);
    expect(r.code).toBe(0);
    const pdf = await parsePdf(await readFile(out));
    expect(pdf.text[0]).toContain('11月30日');
    expect(pdf.text[0]).not.toContain('12月1日');
    expect(pdf.text[0]).not.toContain('张伟');
  });

  it('warns on stderr and on the sheet for a month without holiday data', async () => {
    const out = join(dir, 'r2027.pdf');
    const r = await runCli(['roster', SOP, '--month', '2027-05', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('没有 2027 年的法定节假日数据');
    const en = await runCli(['roster', SOP, '--month', '2027-05', '--out', out, '--lang', 'en']);
    expect(en.stderr).toContain('no statutory holiday data for 2027');
    const pdf = await parsePdf(await readFile(out));
    expect(pdf.text[0]).toContain('日历中没有 2027 年的法定节假日及调休安排');
  });

  it('uses calendars/*.yaml for a year the bundled data lacks', async () => {
    const cal = join(dir, 'calendars');
    await mkdir(cal, { recursive: true });
    await writeFile(
      join(cal, 'cn-2027.yaml'),
      'calendar: 1\nyear: 2027\nsource: test arrangement\nholidays:\n  - { name: 国庆节, from: 2027-10-01, to: 2027-10-07 }\nworkdays:\n  - { name: 国庆节调休, date: 2027-10-09 }\n',
    );
    const out = join(dir, 'r2027-10.pdf');
    const r = await runCli(['roster', SOP, '--month', '2027-10', '--calendars', cal, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = (await parsePdf(await readFile(out))).text[0] ?? '';
    expect(text).toContain('国庆节');
    expect(text).toContain('调休上班');
    expect(text).not.toContain('日历中没有');
  });

  it('reports staff list mistakes with file:line:column and exits 1', async () => {
    const staff = join(dir, 'bad-staff.yaml');
    await writeFile(staff, 'staff:\n  - name: 张伟\n    leave: [2026-02-30]\n');
    const r = await runCli([
      'roster',
      SOP,
      '--month',
      '2026-12',
      '--staff',
      staff,
      '--out',
      join(dir, 'x.pdf'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad-staff\.yaml:3:13/);
    expect(r.stderr).toContain('STAFF_DATE');
  });

  it.each([
    [['--month', '2026-13'], /--month must be a month written YYYY-MM/],
    [['--month', 'december'], /--month/],
    [[], /--month <yyyy-mm> is required/],
    [['--month', '2026-12', '--staff', '/no/such/staff.yaml'], /cannot read the staff list/],
    [['--month', '2026-12', '--form', 'duty-log'], /no roster form "duty-log"/],
  ])('exits 2 with a clear message for %j', async (extra, message) => {
    const r = await runCli(['roster', SOP, ...extra, '--lang', 'en', '--out', join(dir, 'never.pdf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
