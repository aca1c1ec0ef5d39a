import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { CJK, ENGLISH_RUN, prose } from '../language.js';

const COMMANDS = ['validate', 'build', 'verify', 'roster', 'book', 'diff', 'revise', 'review', 'migrate'];

/**
 * Help without what is code in any language: the usage line, option flags, `<placeholders>` and
 * `[arguments...]`; then the fuzz test's prose filter. What is left is sentences, which must be Chinese.
 */
function helpProse(help: string): string {
  return prose(
    help
      .split('\n')
      .filter((l) => !/^(用法|Usage):/.test(l))
      .join('\n')
      .replace(/<[^>\n]*>|\[[^\]\n]*\]/g, ' ')
      .replace(/(^|\s)-{1,2}[a-z][a-z-]*/g, ' '),
  );
}

/** The first sentence of the wrong language in `text`, or undefined. */
function leak(text: string, lang: 'zh' | 'en'): string | undefined {
  const p = prose(text);
  return lang === 'zh' ? p.match(ENGLISH_RUN)?.[0] : p.split('\n').find((l) => CJK.test(l));
}

describe('help speaks the language of the run', () => {
  it('the leak checks can fail', () => {
    expect(helpProse('Options:\n  --out <dir>  output folder for the build')).toMatch(ENGLISH_RUN);
    expect(helpProse('用法: sopforge validate [options] [paths...]\n  --out <dir>  输出文件夹')).not.toMatch(
      ENGLISH_RUN,
    );
  });

  it.each([[[]], ...COMMANDS.map((c) => [[c]])])('sopforge %j --help in Chinese and English', async (cmd) => {
    const zh = await runCli([...cmd, '--help']);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/^用法: sopforge/);
    expect(zh.stdout).toContain('选项:');
    expect(zh.stdout).toContain('显示帮助');
    expect(helpProse(zh.stdout).match(ENGLISH_RUN)?.[0]).toBeUndefined();
    const en = await runCli([...cmd, '--help', '--lang', 'en']);
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/^Usage: sopforge/);
    expect(en.stdout).toContain('Options:');
    expect(en.stdout.split('\n').find((l) => CJK.test(l))).toBeUndefined();
  });

  it('titles every section in Chinese: arguments, commands, defaults', async () => {
    expect((await runCli([])).stderr).toContain('命令:');
    const validate = await runCli(['help', 'validate']);
    expect(validate.stdout).toContain('参数:');
    expect(validate.stdout).toContain('（默认："text"）');
    expect(validate.stdout).not.toMatch(/Usage|Options|Arguments|default:/);
  });

  it('reads --lang before parsing, wherever it is and however it is written', async () => {
    for (const argv of [
      ['--lang', 'en', '--help'],
      ['--lang=en', 'validate', '--help'],
      ['validate', '--lang=en', '--help'],
      ['help', 'build', '--lang', 'en'],
    ]) {
      const r = await runCli(argv);
      expect(r.stdout, argv.join(' ')).toMatch(/^Usage: sopforge/);
    }
    const bad = await runCli(['validate', '--lang', 'fr']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lang 只能是 zh 或 en');
  });

  it('keeps Chinese line breaks between characters, within the help width', async () => {
    const r = await runCli(['--help']);
    const wide = r.stdout
      .split('\n')
      .filter((l) => [...l].reduce((n, ch) => n + (CJK.test(ch) ? 2 : 1), 0) > 80);
    expect(wide).toEqual([]);
  });
});

describe("commander's usage errors exit 2 in the language of the run", () => {
  const cases: { argv: string[]; zh: string; en: string }[] = [
    { argv: ['validate', '--bogus'], zh: "错误：没有选项 '--bogus'", en: "error: unknown option '--bogus'" },
    {
      argv: ['validate', '--fromat', 'json'],
      zh: '（您是不是要写 --format？）',
      en: '(Did you mean --format?)',
    },
    { argv: ['roster'], zh: "错误：缺少参数 'sop-id'", en: "error: missing required argument 'sop-id'" },
    {
      argv: ['valdate'],
      zh: "错误：没有命令 'valdate'（您是不是要写 validate？）",
      en: "error: unknown command 'valdate'",
    },
    {
      argv: ['diff', 'a', 'b', 'c'],
      zh: '错误：diff 的参数太多：应有 2 个，给了 3 个',
      en: "error: too many arguments for 'diff'",
    },
    {
      argv: ['build', '--out'],
      zh: "错误：选项 '--out <dir>' 缺少值",
      en: "error: option '--out <dir>' argument missing",
    },
    {
      argv: ['revise', 'x', '--by', 'a', '--summary', 'b'],
      zh: "错误：必须给出选项 '--type <type>'",
      en: "error: required option '--type <type>' not specified",
    },
  ];
  it.each(cases)('$argv', async ({ argv, zh, en }) => {
    const z = await runCli(argv);
    expect(z.code).toBe(2);
    expect(z.stderr).toContain(zh);
    expect(helpProse(z.stderr).match(ENGLISH_RUN)?.[0]).toBeUndefined();
    // Right after the command's name, so no option takes it for its value (`--out --lang`).
    const e = await runCli([argv[0] as string, '--lang', 'en', ...argv.slice(1)]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(en);
    expect(e.stderr.split('\n').find((l) => CJK.test(l))).toBeUndefined();
  });
});

describe("the commands' own usage errors and messages in the language of the run", () => {
  const cases: { argv: string[]; zh: string; en: string }[] = [
    {
      argv: ['build', '--jobs', '0'],
      zh: '--jobs 须是不小于 1 的整数或 auto，不能是 “0”',
      en: '--jobs must be a whole number ≥ 1 or auto, not "0"',
    },
    {
      argv: ['validate', '--format', 'xml'],
      zh: '--format 只能是 text 或 json，不能是 “xml”',
      en: '--format must be text or json, not "xml"',
    },
    {
      argv: ['revise', 'x', '--type', 'bogus', '--by', 'a', '--summary', 'b'],
      zh: '--type 只能是 annual、semiannual、feedback、expert 之一',
      en: '--type must be one of annual, semiannual, feedback, expert',
    },
    {
      argv: ['roster', 'no-such-sop', '--month', '2026-12'],
      zh: 'sops 中没有规程 “no-such-sop”（已有：duty-handover-customer-service、',
      en: 'no SOP "no-such-sop" in sops (known: duty-handover-customer-service, ',
    },
    { argv: ['roster', 'x'], zh: '必须给出 --month <yyyy-mm>', en: '--month <yyyy-mm> is required' },
  ];
  it.each(cases)('$argv', async ({ argv, zh, en }) => {
    const z = await runCli(argv);
    expect(z.code).toBe(2);
    expect(z.stderr).toContain(zh);
    expect(leak(z.stderr, 'zh')).toBeUndefined();
    const e = await runCli([...argv, '--lang', 'en']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(en);
    expect(leak(e.stderr, 'en')).toBeUndefined();
  });

  it('a book of a manual is refused in one language, without a stack trace', async () => {
    const argv = ['book', 'service-centre-manual', '--form', 'x', '--pages', '2', '--out', 'never.pdf'];
    const z = await runCli(argv);
    expect(z.code).toBe(2);
    expect(z.stderr).toContain('service-centre-manual 是手册，没有表格');
    expect(leak(z.stderr, 'zh')).toBeUndefined();
    const e = await runCli([...argv, '--lang', 'en']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('service-centre-manual is a manual; it has no forms');
    expect(leak(e.stderr, 'en')).toBeUndefined();
    expect(`${z.stderr}${e.stderr}`).not.toMatch(/at .*\.js:\d+/);
  });

  it('migrate says why a file cannot be migrated in one language', async () => {
    const { dir, cleanup } = await tempDir('sopforge-lang-');
    try {
      await writeFile(join(dir, 'x.yaml'), 'kind: procedure\nid: x\n');
      const z = await runCli(['migrate', 'x.yaml'], dir);
      expect(z.code).toBe(1);
      expect(z.stderr).toBe('x.yaml：无法改写（顶层没有 “sopforge: 1”）\n');
      const e = await runCli(['migrate', 'x.yaml', '--lang', 'en'], dir);
      expect(e.stderr).toBe('x.yaml: cannot be migrated (no "sopforge: 1" at the top level)\n');
    } finally {
      await cleanup();
    }
  });
});
