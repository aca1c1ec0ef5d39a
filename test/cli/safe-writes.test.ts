import { cp, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSopforgePdf, writeError, writeOutputFile } from '../../src/cli/safe-write.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const SOP = 'duty-handover-public-affairs';
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-safe-writes-'));
  await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
});
afterEach(() => cleanup());

const roster = (...extra: string[]) => runCli(['roster', SOP, '--month', '2026-12', ...extra], dir);
const book = (...extra: string[]) =>
  runCli(['book', SOP, '--form', 'duty-log', '--pages', '2', ...extra], dir);

/** Runs `run`, expecting exit 1 with `code`, and checks `file` is byte for byte what it was. */
async function refused(
  file: string,
  code: string,
  run: () => Promise<{ code: number; stdout: string; stderr: string }>,
): Promise<string> {
  const before = await readFile(join(dir, file));
  const r = await run();
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(code);
  expect(r.stderr).not.toMatch(/\n\s+at |ENOENT/);
  expect(Buffer.compare(before, await readFile(join(dir, file)))).toBe(0);
  return r.stderr;
}

describe('the one file roster and book write', () => {
  it('never writes a PDF over a SOP source, not even with --force', async () => {
    const stderr = await refused('sops/front-desk-reception.yaml', 'OUT_IS_SOURCE', () =>
      roster('--out', 'sops/front-desk-reception.yaml'),
    );
    expect(stderr).toContain('sops/front-desk-reception.yaml:1:1');
    expect(stderr).toContain('修改建议');
    const en = await refused('sops/front-desk-reception.yaml', 'OUT_IS_SOURCE', () =>
      roster('--out', 'sops/front-desk-reception.yaml', '--force', '--lang', 'en'),
    );
    expect(en).toContain('not even with --force');
    // the command's own SOP is named as its input
    await refused(`sops/${SOP}.yaml`, 'OUT_IS_INPUT', () => book('--out', `sops/${SOP}.yaml`, '--force'));
    await refused('sops/service-centre-manual.yaml', 'OUT_IS_SOURCE', () =>
      book('--out', 'sops/service-centre-manual.yaml', '--force'),
    );
  });

  it('never writes over a calendar, a template or the staff list it reads, not even with --force', async () => {
    await mkdir(join(dir, 'calendars'));
    const cal = 'calendars/cn-2027.yaml';
    await writeFile(
      join(dir, cal),
      'calendar: 1\nyear: 2027\nsource: test arrangement\nholidays:\n  - { name: 国庆节, from: 2027-10-01, to: 2027-10-07 }\nworkdays:\n  - { name: 国庆节调休, date: 2027-10-09 }\n',
    );
    expect(await refused(cal, 'OUT_IS_INPUT', () => roster('--out', cal, '--force'))).toContain('日历文件');
    await mkdir(join(dir, 'site/md'), { recursive: true });
    await writeFile(join(dir, 'site/md/sop.hbs'), '# {{heading}}\n');
    await refused('site/md/sop.hbs', 'OUT_IS_SOURCE', () => book('--out', 'site/md/sop.hbs', '--force'));
    // A staff list with no YAML extension is protected because it is this command's input.
    await writeFile(join(dir, 'staff.txt'), 'staff:\n  - name: 张伟\n  - name: 李娜\n');
    const stderr = await refused('staff.txt', 'OUT_IS_INPUT', () =>
      roster('--staff', 'staff.txt', '--out', 'staff.txt', '--force'),
    );
    expect(stderr).toContain('值班人员名单');
  });

  it('finds an input behind a link: the real SOP file is never overwritten', async () => {
    await mkdir(join(dir, 'store'));
    await cp(join(dir, 'sops', `${SOP}.yaml`), join(dir, 'store/duty.txt'));
    await rm(join(dir, 'sops', `${SOP}.yaml`));
    await symlink('../store/duty.txt', join(dir, 'sops', `${SOP}.yaml`));
    await refused('store/duty.txt', 'OUT_IS_INPUT', () => roster('--out', 'store/duty.txt', '--force'));
    // and a link at --out leading to it is refused too
    await symlink('store/duty.txt', join(dir, 'link.pdf'));
    await refused('store/duty.txt', 'OUT_IS_INPUT', () => roster('--out', 'link.pdf', '--force'));
  });

  it('refuses a foreign file without --force and replaces it with --force', async () => {
    await writeFile(join(dir, 'notes.txt'), '交班备忘\n');
    const stderr = await refused('notes.txt', 'OUT_NOT_OURS', () => roster('--out', 'notes.txt'));
    expect(stderr).toContain('--force');
    const r = await roster('--out', 'notes.txt', '--force');
    expect(r.code, r.stderr).toBe(0);
    const bytes = await readFile(join(dir, 'notes.txt'));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // now sopforge wrote it: no --force needed any more
    expect((await book('--out', 'notes.txt')).code).toBe(0);
  });

  it('tells its own PDFs from another producer’s by the Info dictionary, not by any mention of sopforge', async () => {
    expect((await roster('--out', 'own.pdf')).code).toBe(0);
    const own = await readFile(join(dir, 'own.pdf'));
    expect(isSopforgePdf(join(dir, 'own.pdf'))).toBe(true);
    // Same bytes with another producer in Info; "sopforge" still appears in the XMP metadata.
    const text = own.toString('latin1');
    const marker = '(sopforge \\(pdfkit\\))';
    expect(text.split(marker).length).toBe(2);
    await writeFile(
      join(dir, 'other.pdf'),
      Buffer.from(text.replace(marker, '(acrobats \\(pdfkit\\))'), 'latin1'),
    );
    expect((await readFile(join(dir, 'other.pdf'))).toString('latin1')).toContain('sopforge');
    expect(isSopforgePdf(join(dir, 'other.pdf'))).toBe(false);
    await refused('other.pdf', 'OUT_NOT_OURS', () => roster('--out', 'other.pdf'));
    await writeFile(join(dir, 'empty.pdf'), '');
    await refused('empty.pdf', 'OUT_NOT_OURS', () => roster('--out', 'empty.pdf'));
  });

  it('rewrites its own earlier output without --force, a long book included', async () => {
    expect((await roster('--out', 'same.pdf')).code).toBe(0);
    const again = await roster('--out', 'same.pdf');
    expect(again.code, again.stderr).toBe(0);
    // A long book puts the Info dictionary far from both ends of the file.
    const long = () => runCli(['book', SOP, '--form', 'duty-log', '--pages', '400', '--out', 'log.pdf'], dir);
    expect((await long()).code).toBe(0);
    expect(isSopforgePdf(join(dir, 'log.pdf'))).toBe(true);
    const second = await long();
    expect(second.code, second.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['log.pdf', 'same.pdf', 'sops']);
  });

  it('refuses a folder and a missing parent folder with a clear message', async () => {
    for (const out of ['sops', 'sops/', 'new-folder/']) {
      const r = await roster('--out', out, '--force');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('OUT_IS_FOLDER');
    }
    const r = await book('--out', 'no/such/folder/book.pdf', '--lang', 'en');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('OUT_NO_FOLDER');
    expect(r.stderr).toContain('The folder of --out, no/such/folder, does not exist');
    expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /);
    expect((await readdir(dir)).sort()).toEqual(['sops']);
  });

  it('reports a failed write as a user error and leaves no temporary file', async () => {
    // A folder appearing at the name between the check and the rename makes the rename fail.
    await mkdir(join(dir, 'taken.pdf'));
    await writeFile(join(dir, 'taken.pdf/keep'), 'x');
    expect(() => writeOutputFile(join(dir, 'taken.pdf'), new Uint8Array([1, 2]), dir, 'en')).toThrow(
      /OUT_WRITE_FAILED/,
    );
    expect((await readdir(dir)).sort()).toEqual(['sops', 'taken.pdf']);
    const full = writeError(
      Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }),
      'a.pdf',
      dir,
      'zh',
    );
    expect(full.message).toContain('磁盘已满');
    expect(full.message).toContain('OUT_WRITE_FAILED');
    const ro = writeError(
      Object.assign(new Error('read-only file system'), { code: 'EROFS' }),
      'a.pdf',
      dir,
      'en',
    );
    expect(ro.message).toContain('read-only');
    const denied = writeError(
      Object.assign(new Error('permission denied'), { code: 'EACCES' }),
      'a.pdf',
      dir,
      'en',
    );
    expect(denied.message).toContain('permission denied');
    expect(denied.message).toContain('The previous file, if any, is unchanged.');
  });

  it('refuses a staff list that is not a regular file, and follows a link to one', async () => {
    await mkdir(join(dir, 'staff-folder'));
    const r = await roster('--staff', 'staff-folder', '--out', 'r.pdf');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('STAFF_NOT_FILE');
    const dev = await roster('--staff', '/dev/zero', '--out', 'r.pdf');
    expect(dev.code).toBe(1);
    expect(dev.stderr).toContain('STAFF_NOT_FILE');
    await writeFile(join(dir, 'staff.yaml'), 'staff:\n  - name: 张伟\n  - name: 李娜\n');
    await symlink('staff.yaml', join(dir, 'staff-link.yaml'));
    const ok = await roster('--staff', 'staff-link.yaml', '--out', 'r.pdf');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('张伟');
  });
});

describe('template folders', () => {
  const build = () => runCli(['build', '--templates', 'site'], dir);

  it('refuses a template linking to /etc/passwd or to a file outside, building nothing', async () => {
    await mkdir(join(dir, 'site/md'), { recursive: true });
    await symlink('/etc/passwd', join(dir, 'site/md/sop.hbs'));
    const r = await build();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/site\/md\/sop\.hbs:1:1 +错误 TEMPLATE_OUTSIDE/);
    expect(r.stderr).not.toContain('root:');
    expect(await readdir(dir)).not.toContain('out');

    const elsewhere = await tempDir('sopforge-elsewhere-');
    try {
      await writeFile(join(elsewhere.dir, 'evil.hbs'), 'SECRET-TEMPLATE {{heading}}\n');
      await symlink(join(elsewhere.dir, 'evil.hbs'), join(dir, 'site/md/partials.hbs'));
      await rm(join(dir, 'site/md/sop.hbs'));
      const outside = await runCli(['build', '--templates', 'site', '--lang', 'en'], dir);
      expect(outside.code).toBe(1);
      expect(outside.stderr).toContain('site/md/partials.hbs:1:1');
      expect(outside.stderr).toContain('TEMPLATE_OUTSIDE');
      expect(outside.stderr).not.toContain('SECRET-TEMPLATE');
      // a linked folder leading outside is refused the same way
      await rm(join(dir, 'site/md/partials.hbs'));
      await symlink(elsewhere.dir, join(dir, 'site/md/partials'));
      const folder = await build();
      expect(folder.code).toBe(1);
      expect(folder.stderr).toContain('TEMPLATE_OUTSIDE');
      expect(await readdir(dir)).not.toContain('out');
    } finally {
      await elsewhere.cleanup();
    }
  });

  it('reports a dangling template link', async () => {
    await mkdir(join(dir, 'site/md'), { recursive: true });
    await symlink('gone.hbs', join(dir, 'site/md/sop.hbs'));
    const r = await build();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('site/md/sop.hbs:1:1');
    expect(r.stderr).toContain('TEMPLATE_NOT_FILE');
    expect(await readdir(dir)).not.toContain('out');
  });

  it('follows a link to another file of the folder, and a link cycle ends', async () => {
    await mkdir(join(dir, 'site/md'), { recursive: true });
    const builtIn = await readFile(join(ROOT, 'templates/md/sop.hbs'), 'utf8');
    await mkdir(join(dir, 'site/shared'));
    await writeFile(join(dir, 'site/shared/sop.hbs'), `站点页眉\n${builtIn}`);
    await symlink('../shared/sop.hbs', join(dir, 'site/md/sop.hbs'));
    await symlink('..', join(dir, 'site/md/loop'));
    const r = await build();
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'out/front-desk-reception/sop.md'), 'utf8')).toMatch(/^站点页眉\n/);
  });
});

describe('symbolic links in a SOP folder', () => {
  const validate = async () => {
    const r = await runCli(['validate', '--format', 'json'], dir);
    const { diagnostics } = JSON.parse(r.stdout) as {
      diagnostics: { file: string; line: number; code: string; severity: string }[];
    };
    return { code: r.code, diagnostics };
  };

  it('validates a linked SOP inside the project, reporting its errors at the link', async () => {
    await mkdir(join(dir, 'store'));
    const text = (await readFile(join(dir, 'sops/front-desk-reception.yaml'), 'utf8'))
      .replace('id: front-desk-reception', 'id: linked-reception')
      .replace('after: 2d', 'after: 2 days');
    expect(text).toContain('after: 2 days');
    await writeFile(join(dir, 'store/reception.yaml'), text);
    await symlink('../store/reception.yaml', join(dir, 'sops/linked-reception.yaml'));
    const line = text.split('\n').findIndex((l) => l.includes('after: 2 days')) + 1;
    const { code, diagnostics } = await validate();
    expect(code).toBe(1);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const d of errors) {
      expect(d.file).toBe('sops/linked-reception.yaml');
      expect(d.line).toBe(line);
    }
  });

  it('reports a link leading outside the project and a dangling link, without reading them', async () => {
    const elsewhere = await tempDir('sopforge-elsewhere-');
    try {
      await writeFile(join(elsewhere.dir, 'x.yaml'), 'SECRET: [unclosed\n');
      await symlink(join(elsewhere.dir, 'x.yaml'), join(dir, 'sops/outside.yaml'));
      await symlink(elsewhere.dir, join(dir, 'sops/outside-folder'));
      await symlink('nothing-here.yaml', join(dir, 'sops/dangling.yaml'));
      const { code, diagnostics } = await validate();
      expect(code).toBe(1);
      expect(diagnostics.map((d) => [d.file, d.code])).toEqual([
        ['sops/dangling.yaml', 'SOP_LINK_BROKEN'],
        ['sops/outside-folder', 'SOP_LINK_OUTSIDE'],
        ['sops/outside.yaml', 'SOP_LINK_OUTSIDE'],
      ]);
      const text = await runCli(['validate'], dir);
      expect(text.stderr).toContain('sops/outside.yaml:1:1');
      expect(text.stderr).not.toContain('SECRET');
    } finally {
      await elsewhere.cleanup();
    }
  });

  it('follows a linked folder, walks each folder once and reads a file reached twice once', async () => {
    await mkdir(join(dir, 'shared'));
    await rename(join(dir, 'sops/front-desk-reception.yaml'), join(dir, 'shared/front-desk-reception.yaml'));
    await symlink('../shared', join(dir, 'sops/shared'));
    await symlink('.', join(dir, 'sops/again'));
    await symlink('../shared/front-desk-reception.yaml', join(dir, 'sops/reception-alias.yaml'));
    const { code, diagnostics } = await validate();
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
    const r = await runCli(['validate'], dir);
    expect(r.stdout).toContain('5 个文件，0 个错误，0 个警告');
  });
});
