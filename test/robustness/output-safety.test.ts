import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers.js';
import { snapshot } from './helpers.js';

/** One procedure: a build of it is quick, and the refusals below happen before any build anyway. */
const SOP = 'sops/front-desk-reception.yaml';

let root: string;
let work: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('sopforge-outsafe-'));
  // The working directory is a folder inside `root`, so that refusing `..` can be checked byte for byte too.
  work = join(root, 'site');
  await mkdir(work);
  await cp(join(ROOT, 'sops'), join(work, 'sops'), { recursive: true });
  await writeFile(join(root, 'beside.txt'), 'a file beside the working directory\n');
});
afterEach(() => cleanup());

/** A folder that looks like a sopforge build: a manifest listing one file, and that file. */
async function fakeBuild(dir: string): Promise<void> {
  await mkdir(join(dir, 'front-desk-reception'), { recursive: true });
  const data = 'built\n';
  await writeFile(join(dir, 'front-desk-reception/model.json'), data);
  const manifest = {
    generator: 'sopforge',
    sources: [],
    files: [
      {
        path: 'front-desk-reception/model.json',
        sha256: createHash('sha256').update(data).digest('hex'),
        bytes: data.length,
      },
    ],
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

interface Refusal {
  readonly name: string;
  readonly setup?: () => Promise<void>;
  readonly args: readonly string[];
  readonly code: string;
  /** Text the English message must contain. */
  readonly says: readonly string[];
}

const refusals: readonly Refusal[] = [
  {
    name: 'a path that is a file',
    setup: () => writeFile(join(work, 'notes.txt'), 'my notes\n'),
    args: ['--out', 'notes.txt'],
    code: 'OUTPUT_IS_FILE',
    says: ['notes.txt is a file'],
  },
  {
    name: 'a folder holding files sopforge did not write',
    setup: async () => {
      await mkdir(join(work, 'mydocs/sub'), { recursive: true });
      for (const f of ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'sub/f.txt'])
        await writeFile(join(work, 'mydocs', f), `${f}\n`);
    },
    args: ['--out', 'mydocs'],
    code: 'OUTPUT_NOT_OWNED',
    says: [
      'mydocs was not made by sopforge',
      'holds 6 file(s): a.txt, b.txt, c.txt, d.txt, e.txt and 1 more',
    ],
  },
  {
    name: 'the working directory',
    args: ['--out', '.'],
    code: 'OUTPUT_IS_WORKDIR',
    says: ['The output folder . is the working directory'],
  },
  {
    name: 'a parent of the working directory',
    args: ['--out', '..'],
    code: 'OUTPUT_IS_WORKDIR',
    says: ['is the working directory or one of its parents'],
  },
  {
    name: 'the SOP folder',
    args: ['--out', 'sops'],
    code: 'OUTPUT_HOLDS_INPUT',
    says: ['The output folder sops contains sops'],
  },
  {
    name: 'a folder holding the SOP file built',
    args: [SOP, '--out', 'sops'],
    code: 'OUTPUT_HOLDS_INPUT',
    says: [`contains ${SOP}`],
  },
  {
    name: 'the calendars folder',
    setup: async () => {
      await mkdir(join(work, 'calendars'));
      await writeFile(join(work, 'calendars/README.md'), '# calendars\n');
    },
    args: ['--out', 'calendars'],
    code: 'OUTPUT_HOLDS_INPUT',
    says: ['contains calendars'],
  },
  {
    name: 'the template folder',
    setup: async () => {
      await mkdir(join(work, 'site/md'), { recursive: true });
      await writeFile(join(work, 'site/md/sop.hbs'), '# {{title}}\n');
    },
    args: ['--templates', 'site', '--out', 'site'],
    code: 'OUTPUT_HOLDS_INPUT',
    says: ['contains site'],
  },
  {
    name: 'a repository root',
    setup: async () => {
      await mkdir(join(work, 'repo/.git'), { recursive: true });
      await writeFile(join(work, 'repo/.git/HEAD'), 'ref: refs/heads/main\n');
    },
    args: ['--out', 'repo'],
    code: 'OUTPUT_IS_REPOSITORY',
    says: ['repo is the root of a git repository'],
  },
  {
    name: 'a sopforge build with a file the user put there',
    setup: async () => {
      await fakeBuild(join(work, 'out'));
      await writeFile(join(work, 'out/front-desk-reception/my-notes.md'), 'keep me\n');
    },
    args: ['--out', 'out'],
    code: 'OUTPUT_FOREIGN_FILES',
    says: ['holds 1 file(s) sopforge did not write', 'front-desk-reception/my-notes.md'],
  },
  {
    name: 'a dangling symbolic link',
    setup: () => symlink('gone', join(work, 'out')),
    args: [],
    code: 'OUTPUT_DANGLING_LINK',
    says: ['The output out is a symbolic link to gone, which does not exist'],
  },
  {
    name: 'a symbolic link to the working directory',
    setup: () => symlink('.', join(work, 'out')),
    args: [],
    code: 'OUTPUT_IS_WORKDIR',
    says: ['The output folder . is the working directory'],
  },
  {
    name: 'a symbolic link to a file',
    setup: () => symlink('../beside.txt', join(work, 'out')),
    args: [],
    code: 'OUTPUT_IS_FILE',
    says: ['The output out is a file'],
  },
  {
    name: 'a path through a file',
    setup: () => writeFile(join(work, 'notes.txt'), 'my notes\n'),
    args: ['--out', 'notes.txt/out'],
    code: 'OUTPUT_PATH_NOT_FOLDER',
    says: ['A part of the path notes.txt/out is a file, not a folder'],
  },
];

describe('build refuses an output folder it does not own, touching nothing', () => {
  it.each(refusals)('$name', async ({ setup, args, code, says }) => {
    await setup?.();
    const before = await snapshot(root);
    const r = await runCli(['build', ...(args.includes(SOP) ? [] : [SOP]), ...args, '--lang', 'en'], work);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error ${code}`);
    for (const s of says) expect(r.stderr).toContain(s);
    expect(r.stderr).toMatch(/\n {2}fix: \S/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(await snapshot(root)).toEqual(before);
  });

  it('says so in Chinese by default', async () => {
    await mkdir(join(work, 'mydocs'));
    await writeFile(join(work, 'mydocs/a.txt'), 'mine\n');
    const r = await runCli(['build', SOP, '--out', 'mydocs'], work);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('错误 OUTPUT_NOT_OWNED  输出文件夹 mydocs 不是 sopforge 生成的');
    expect(r.stderr).toContain('其中有 1 个文件：a.txt');
    expect(r.stderr).toContain('修改建议: ');
  });

  it('verify refuses a dangling link and a file too', async () => {
    await symlink('gone', join(work, 'out'));
    await writeFile(join(work, 'notes.txt'), 'my notes\n');
    const before = await snapshot(root);
    const dangling = await runCli(['verify', '--lang', 'en'], work);
    expect(dangling.code).toBe(1);
    expect(dangling.stderr).toContain('error OUTPUT_DANGLING_LINK');
    const file = await runCli(['verify', '--out', 'notes.txt', '--lang', 'en'], work);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('error OUTPUT_IS_FILE');
    expect(await snapshot(root)).toEqual(before);
  });
});

describe('build writes a folder it owns', () => {
  it('accepts a committed out/ holding only README.md and .gitkeep, and keeps both', async () => {
    await mkdir(join(work, 'out'));
    await writeFile(join(work, 'out/README.md'), '# out/\n\nBuild output.\n');
    await writeFile(join(work, 'out/.gitkeep'), '');
    const r = await runCli(['build', SOP, '--lang', 'en'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(work, 'out/README.md'), 'utf8')).toBe('# out/\n\nBuild output.\n');
    expect(await readFile(join(work, 'out/.gitkeep'), 'utf8')).toBe('');
    // They are not build output, and not extra files either.
    const verified = await runCli(['verify', SOP, '--lang', 'en'], work);
    expect(verified.code, verified.stderr).toBe(0);
    // Its own build is sopforge's: the next build replaces it without complaint.
    const again = await runCli(['build', SOP, '--lang', 'en'], work);
    expect(again.code, again.stderr).toBe(0);
    expect((await readdir(work)).filter((n) => n.startsWith('.out.'))).toEqual([]);
  });

  it('follows a symbolic link: the new build is written into its target and the link stays', async () => {
    await mkdir(join(root, 'builds/current'), { recursive: true });
    await symlink('../builds/current', join(work, 'out'));
    const r = await runCli(['build', SOP, '--lang', 'en'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('→ out/');
    expect((await lstat(join(work, 'out'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(work, 'out'))).toBe('../builds/current');
    const manifest = JSON.parse(await readFile(join(root, 'builds/current/manifest.json'), 'utf8')) as {
      files: { path: string }[];
    };
    expect(manifest.files.some((f) => f.path === 'front-desk-reception/model.json')).toBe(true);
    expect((await runCli(['verify', SOP, '--lang', 'en'], work)).code).toBe(0);
    // The swap happened beside the target, and left nothing behind there or here.
    expect((await readdir(join(root, 'builds'))).sort()).toEqual(['current']);
    expect((await readdir(work)).sort()).toEqual(['out', 'sops']);
  });
});

/** A process id that is not running: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn('node', ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid as number;
}

describe('one build at a time per output folder', () => {
  it('refuses while another live process holds the lock, naming it', async () => {
    await fakeBuild(join(work, 'out'));
    const holder = spawn('sleep', ['60']);
    try {
      await writeFile(join(work, '.out.lock'), `${holder.pid}\n`);
      const before = await snapshot(root);
      const zh = await runCli(['build', SOP], work);
      expect(zh.code).toBe(1);
      expect(zh.stderr).toContain(`另一个 sopforge build 正在写入 out（进程 ${holder.pid}）`);
      const en = await runCli(['build', SOP, '--lang', 'en'], work);
      expect(en.stderr).toContain(`Another sopforge build is writing out (process ${holder.pid})`);
      expect(en.stderr).toContain('delete .out.lock');
      expect(await snapshot(root)).toEqual(before);
      expect((await runCli(['verify', SOP, '--lang', 'en'], work)).stderr).toContain('error OUTPUT_LOCKED');
    } finally {
      holder.kill();
    }
  });

  it('recovers a lock whose process is gone', async () => {
    await writeFile(join(work, '.out.lock'), `${await deadPid()}\n`);
    const r = await runCli(['build', SOP, '--lang', 'en'], work);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(work)).sort()).toEqual(['out', 'sops']);
  });

  it('two builds started together into one out/: each succeeds or is refused by the lock, never a crash', async () => {
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn('node', [BIN, 'build', SOP, '--lang', 'en'], {
          cwd: work,
          env: { PATH: process.env.PATH, CI: 'true' },
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('exit', (code) => done({ code, stderr }));
      });
    const outcomes: string[] = [];
    for (let pair = 0; pair < 10; pair++) {
      const results = await Promise.all([run(), run()]);
      for (const r of results) {
        if (r.code !== 0) {
          expect(r.code, r.stderr).toBe(1);
          expect(r.stderr).toMatch(/^sopforge: error OUTPUT_LOCKED {2}Another sopforge build is writing out/);
        }
        outcomes.push(r.code === 0 ? 'built' : 'locked');
      }
      expect(results.some((r) => r.code === 0)).toBe(true);
      expect((await readdir(work)).sort()).toEqual(['out', 'sops']);
      expect((await runCli(['verify', SOP, '--lang', 'en'], work)).code).toBe(0);
    }
    console.info(`concurrent builds: ${outcomes.join(' ')}`);
  }, 240_000);
});
