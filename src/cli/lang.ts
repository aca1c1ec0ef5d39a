import type { Argument, Command as CommandType, Help, Option } from 'commander';
import { Command } from '../deps/commander.js';
import { width } from '../diagnostics/format.js';
import type { Lang } from '../diagnostics/types.js';
import { suggest } from '../validate/suggest.js';
import { parseLang } from './io.js';

/** `t('中文', 'English')` in the language of the run. */
export type Say = (zh: string, en: string) => string;

export function sayer(lang: Lang): Say {
  return (zh, en) => (lang === 'zh' ? zh : en);
}

/**
 * The language asked for with `--lang en` or `--lang=en` anywhere before `--`, read before commander parses,
 * so that help, commander's own errors and the commands' usage errors are all in it. The last one wins.
 */
export function langFromArgv(argv: readonly string[]): Lang {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a === '--lang') value = argv[++i];
    else if (a.startsWith('--lang=')) value = a.slice('--lang='.length);
  }
  return parseLang(value);
}

/** The name of the command in `argv`: the first word that is neither an option nor the value of `--lang`. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--lang') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Commander's section titles, with the ASCII colon the other labels use (`修改建议: …`). */
const TITLES_ZH: Readonly<Record<string, string>> = {
  'Usage:': '用法:',
  'Options:': '选项:',
  'Global Options:': '全局选项:',
  'Commands:': '命令:',
  'Arguments:': '参数:',
};

const OPEN = '（“《「『';
const CLOSE = '，。、；：？！）”》」』';
/**
 * A piece of text a line may break after: one Chinese character (with the punctuation that must stay with
 * it, 《 before, ） after), or a run of other characters (an English word, an option, a path).
 */
const CHUNK = new RegExp(
  `\\s*[${OPEN}]*(?:[\\u3400-\\u9fff]|[^\\s\\u3400-\\u9fff${OPEN}${CLOSE}]+)[${CLOSE}]*|\\s*\\S`,
  'g',
);

/** Commander's `boxWrap` for Chinese: lines break between characters too, not only at spaces. */
function wrapChinese(str: string, columns: number): string {
  return str
    .split(/\r?\n/)
    .map((line) => {
      const lines: string[] = [];
      let current = '';
      for (const chunk of line.match(CHUNK) ?? []) {
        if (current !== '' && width(current) + width(chunk) > columns) {
          lines.push(current);
          current = chunk.trimStart();
        } else current += chunk;
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}

/** A default value as help shows it: `"text"`, `["sops"]`. */
function shownDefault(value: unknown, description: string | undefined): string {
  return description ?? JSON.stringify(value);
}

/**
 * The program, its sub-commands and help speaking `lang`: commander's section titles, the help option and
 * help command, "default:" in option help, and commander's own usage errors (unknown option or command,
 * missing argument or option value, too many arguments) with a did-you-mean from `suggest`.
 */
export function createProgram(lang: Lang): CommandType {
  const t = sayer(lang);
  const meant = (word: string, candidates: readonly string[]) => {
    const s = suggest(
      word,
      candidates.map((id) => ({ id })),
    );
    return s ? t(`（您是不是要写 ${s.id}？）`, `\n(Did you mean ${s.id}?)`) : '';
  };

  /**
   * Commander words its usage errors in these methods before calling `error()`, which only prints the
   * text; they are not in its typings, so test/cli/lang.test.ts runs every one of them in both languages
   * (a commander upgrade that renames one shows there as an English message in Chinese output).
   */
  class LocalCommand extends Command {
    override createCommand(name?: string): LocalCommand {
      return new LocalCommand(name);
    }

    unknownOption(flag: string): void {
      const flags: string[] = [];
      for (let c: CommandType | null = this; c; c = c.parent)
        for (const o of c.createHelp().visibleOptions(c)) if (o.long) flags.push(o.long);
      const hint = flag.startsWith('--') ? meant(flag, flags) : '';
      this.error(t(`错误：没有选项 '${flag}'${hint}`, `error: unknown option '${flag}'${hint}`), {
        code: 'commander.unknownOption',
      });
    }

    unknownCommand(): void {
      const name = String(this.args[0]);
      const names = this.createHelp()
        .visibleCommands(this)
        .map((c) => c.name());
      this.error(
        t(
          `错误：没有命令 '${name}'${meant(name, names)}`,
          `error: unknown command '${name}'${meant(name, names)}`,
        ),
        { code: 'commander.unknownCommand' },
      );
    }

    missingArgument(name: string): void {
      this.error(t(`错误：缺少参数 '${name}'`, `error: missing required argument '${name}'`), {
        code: 'commander.missingArgument',
      });
    }

    optionMissingArgument(option: Option): void {
      this.error(
        t(`错误：选项 '${option.flags}' 缺少值`, `error: option '${option.flags}' argument missing`),
        {
          code: 'commander.optionMissingArgument',
        },
      );
    }

    missingMandatoryOptionValue(option: Option): void {
      this.error(
        t(`错误：必须给出选项 '${option.flags}'`, `error: required option '${option.flags}' not specified`),
        { code: 'commander.missingMandatoryOptionValue' },
      );
    }

    _excessArguments(received: readonly string[]): void {
      const expected = this.registeredArguments.length;
      const what = this.parent ? this.name() : 'sopforge';
      this.error(
        t(
          `错误：${what} 的参数太多：应有 ${expected} 个，给了 ${received.length} 个`,
          `error: too many arguments for '${what}'. Expected ${expected} argument${expected === 1 ? '' : 's'} but got ${received.length}.`,
        ),
        { code: 'commander.excessArguments' },
      );
    }
  }

  const program = new LocalCommand('sopforge');
  if (lang === 'zh') {
    program.configureHelp({
      // Columns and wrapping count a Chinese character as two columns, as the terminal shows it (help is
      // never styled, so there are no colour codes to skip).
      displayWidth: (s: string) => width(s),
      boxWrap(this: Help, str: string, columns: number): string {
        return columns < this.minWidthToWrap ? str : wrapChinese(str, columns);
      },
      styleTitle: (title: string) => TITLES_ZH[title] ?? title,
      optionDescription(this: Help, option: Option): string {
        const shown =
          option.defaultValue !== undefined && (option.required || option.optional)
            ? `（默认：${shownDefault(option.defaultValue, option.defaultValueDescription)}）`
            : '';
        return `${option.description}${shown}`;
      },
      argumentDescription(this: Help, argument: Argument): string {
        const shown =
          argument.defaultValue !== undefined
            ? `（默认：${shownDefault(argument.defaultValue, argument.defaultValueDescription)}）`
            : '';
        return `${argument.description}${shown}`;
      },
    });
  }
  program.helpOption('-h, --help', t('显示帮助', 'display help for command'));
  program.helpCommand('help [command]', t('显示某个命令的帮助', 'display help for command'));
  return program;
}
