import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/format.js';
import type { Lang } from '../../diagnostics/types.js';
import { diffSops, formatChanges } from '../../history/diff.js';
import { readRevisions, snapshotPath } from '../../history/revisions.js';
import { loadVersion, peekIdentity, snapshotsDirFor } from '../../history/versions.js';
import type { Sop } from '../../model/types.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
import { recoverRevisions } from '../recover.js';

interface Options {
  rev?: string[] | true;
  format: string;
  lang: string;
  history?: string;
}

async function readText(
  io: CliIo,
  path: string,
  what: string,
): Promise<{ file: string; abs: string; text: string }> {
  const abs = resolve(io.cwd, path);
  const text = await readFile(abs, 'utf8').catch(() => null);
  if (text === null) throw new UserError(what);
  const rel = relative(io.cwd, abs);
  return { file: rel.startsWith('..') ? abs : rel.split('\\').join('/'), abs, text };
}

/** The other SOPs of the folder a file is in, so a manual's chapters resolve. */
async function companions(abs: string, cwd: string): Promise<{ file: string; text: string }[]> {
  const dir = dirname(abs);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const out: { file: string; text: string }[] = [];
  for (const n of names) {
    const full = resolve(dir, n);
    if (full === abs) continue;
    const text = await readFile(full, 'utf8').catch(() => null);
    if (text !== null) out.push({ file: relative(cwd, full).split('\\').join('/'), text });
  }
  return out;
}

function loadOrFail(
  io: CliIo,
  lang: Lang,
  file: string,
  text: string,
  others: { file: string; text: string }[],
): Sop {
  const { sop, diagnostics } = loadVersion(file, text, others);
  if (!sop) {
    for (const d of diagnostics) io.stderr(`${formatDiagnostic(d, lang, text)}\n\n`);
    throw new UserError(lang === 'zh' ? `${file} 有错误，无法比较` : `${file} has errors; cannot compare`);
  }
  return sop;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('diff')
    .description(
      t(
        '以规则的形式列出规程两个版本之间的改动（两个文件，或一个文件与保存的某次修订）',
        'list what changed between two versions of a SOP, as rules (two files, or a file against a stored revision)',
      ),
    )
    .argument(
      '<old>',
      t('较早的规程文件（用 --rev 时为规程文件）', 'the earlier SOP file (or the SOP file, with --rev)'),
    )
    .argument('[new]', t('较新的规程文件', 'the later SOP file'))
    .option(
      '--rev [version...]',
      t(
        '与保存的这次修订的批准文本比较（不写版本：最后一次批准的；给两次：比较两次保存的修订）',
        'compare against the stored approved text of this revision (no version: the last approved one; twice: two stored revisions)',
      ),
    )
    .option(
      '--history <dir>',
      t(
        '保存批准文本的文件夹（默认：文件旁的 .history）',
        'folder of stored approved texts (default: .history beside the file)',
      ),
    )
    .option('--format <format>', t('text（文字）或 json', 'text or json'), 'text')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (oldPath: string, newPath: string | undefined, opts: Options) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(
          t(
            `--format 只能是 text 或 json，不能是 “${opts.format}”`,
            `--format must be text or json, not "${opts.format}"`,
          ),
        );
      const lastApproved = opts.rev === true;
      const revs = opts.rev === true ? [''] : (opts.rev ?? []);
      if (revs.length > 2)
        throw new UsageError(t('--rev 只能给一个或两个版本', '--rev takes one or two versions'));
      if (revs.length === 0 && newPath === undefined)
        throw new UsageError(
          t('请给出两个文件，或一个文件加 --rev 版本号', 'give two files, or one file and --rev VERSION'),
        );
      if (revs.length > 0 && newPath !== undefined)
        throw new UsageError(t('用 --rev 时只给出规程文件', 'with --rev, give only the SOP file'));

      recoverRevisions(io, lang, newPath === undefined ? [oldPath] : [oldPath, newPath]);
      let before: { file: string; text: string; abs: string };
      let after: { file: string; text: string; abs: string };
      if (revs.length === 0) {
        before = await readText(
          io,
          oldPath,
          lang === 'zh' ? `无法读取 ${oldPath}` : `cannot read ${oldPath}`,
        );
        after = await readText(
          io,
          newPath ?? '',
          lang === 'zh' ? `无法读取 ${newPath}` : `cannot read ${newPath}`,
        );
      } else {
        const current = await readText(
          io,
          oldPath,
          lang === 'zh' ? `无法读取 ${oldPath}` : `cannot read ${oldPath}`,
        );
        const id = peekIdentity(current.text).id ?? '';
        const dir = opts.history ? resolve(io.cwd, opts.history) : snapshotsDirFor(dirname(current.abs));
        const shownDir = relative(io.cwd, join(dir, id)) || '.';
        if (lastApproved) {
          const signed = readRevisions(current.text).filter((r) => r.hash !== null && !r.unchanged);
          const approved = [...signed].reverse().find((r) => existsSync(snapshotPath(dir, id, r.version)));
          if (!approved)
            throw new UserError(
              t(
                `${current.file} 没有保存的批准文本（${shownDir} 中没有）：它还没有用 sopforge revise 记录过修订，无从比较`,
                `${current.file} has no stored approved text (none in ${shownDir}): no revision was recorded with sopforge revise, so there is nothing to compare with`,
              ),
            );
          revs[0] = approved.version;
        }
        // Never the file against itself: a revision is compared only with its stored approved text.
        const stored = (v: string) => {
          const path = snapshotPath(dir, id, v);
          return readText(
            io,
            path,
            t(
              `没有保存修订 ${v} 的批准文本（${relative(io.cwd, path)}）：这个版本没有用 sopforge revise 记录过，无从比较${peekIdentity(current.text).version === v ? `；${current.file} 自己就是 ${v}，但它可能在批准后被改过` : ''}`,
              `no approved text of revision ${v} is stored (${relative(io.cwd, path)}): that version was never recorded with sopforge revise, so there is nothing to compare with${peekIdentity(current.text).version === v ? `; ${current.file} says it is ${v}, but it may have been edited since` : ''}`,
            ),
          );
        };
        before = await stored(revs[0] ?? '');
        after = revs[1] !== undefined ? await stored(revs[1]) : current;
      }
      const others = await companions(after.abs, io.cwd);
      const a = loadOrFail(io, lang, before.file, before.text, others);
      const b = loadOrFail(io, lang, after.file, after.text, others);
      if (a.id !== b.id) {
        io.stderr(
          lang === 'zh'
            ? `注意：比较的是两份不同的规程（${a.id} 与 ${b.id}）\n`
            : `note: comparing two different SOPs (${a.id} and ${b.id})\n`,
        );
      }
      const changes = diffSops(a, b);
      if (opts.format === 'json') {
        const side = (s: Sop, file: string) => ({
          id: s.id,
          version: s.version,
          effective: s.effective,
          file,
        });
        io.stdout(
          `${JSON.stringify({ from: side(a, before.file), to: side(b, after.file), changes }, null, 2)}\n`,
        );
      } else {
        // Version and effective date are the revision record, not rules: the heading states both sides.
        const when =
          a.effective === b.effective
            ? ''
            : lang === 'zh'
              ? `（生效日期 ${a.effective} → ${b.effective}）`
              : ` (effective ${a.effective} → ${b.effective})`;
        const head =
          lang === 'zh'
            ? `${a.title}：${a.version} → ${b.version}${when}\n`
            : `${a.title}: ${a.version} → ${b.version}${when}\n`;
        io.stdout(head + formatChanges(changes, lang));
      }
      setExit(0);
    });
}
