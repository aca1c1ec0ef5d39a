import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveOutput } from '../../build/guard.js';
import { lockOutput } from '../../build/lock.js';
import { isClean, type VerifyReport, verifyOutput } from '../../build/verify.js';
import { recoverOutput } from '../../build/write.js';
import type { Lang } from '../../diagnostics/types.js';
import { type CliIo, UsageError } from '../io.js';
import { sayer } from '../lang.js';
import { outputUserError } from '../output-error.js';

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('verify')
    .description(
      t(
        '按 manifest.json 和规程源文件（默认 sops/）重新核对 out/ 的校验值；有任何不符时退出码为 1',
        're-hash out/ against manifest.json and the SOP sources (default: sops/); exit 1 on any difference',
      ),
    )
    .argument(
      '[paths...]',
      t('生成时所用的规程文件或文件夹', 'SOP files or folders the build was made from'),
      ['sops'],
    )
    .option('--out <dir>', t('输出文件夹', 'output folder'), 'out')
    .option('--format <format>', t('text（文字）或 json', 'text or json'), 'text')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (paths: string[], opts: { out: string; format: string; lang: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(
          t(
            `--format 只能是 text 或 json，不能是 “${opts.format}”`,
            `--format must be text or json, not "${opts.format}"`,
          ),
        );
      const out = resolve(io.cwd, opts.out);
      const report = await readOutput(out).then(
        (real) => verifyOutput(real, paths, io.cwd),
        (err: unknown) => {
          throw outputUserError(err, out, lang, io.cwd);
        },
      );
      if (opts.format === 'json')
        io.stdout(`${JSON.stringify({ clean: isClean(report), ...report }, null, 2)}\n`);
      else printReport(io, report, opts.out, lang);
      setExit(isClean(report) ? 0 : 1);
    });
}

/**
 * The folder to verify (the target of a symbolic link), with an interrupted build put back first: under the
 * output's lock, so a build that is writing it is not disturbed (that is refused). On a read-only disk, where
 * no lock can be taken, nothing can have been interrupted there either: the folder is read as it is.
 */
async function readOutput(out: string): Promise<string> {
  const real = await resolveOutput(out);
  const release = await lockOutput(real).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') return null;
    throw err;
  });
  if (release) await recoverOutput(real).finally(release);
  return real;
}

function printReport(io: CliIo, r: VerifyReport, out: string, lang: Lang): void {
  const zh = lang === 'zh';
  const lines: string[] = [];
  if (r.manifest === 'missing')
    lines.push(
      zh
        ? `${out}/manifest.json 不存在：先运行 sopforge build`
        : `${out}/manifest.json is missing: run sopforge build first`,
    );
  if (r.manifest === 'invalid')
    lines.push(zh ? `${out}/manifest.json 已损坏或被改动` : `${out}/manifest.json is damaged or was edited`);
  for (const f of r.changed)
    lines.push(
      zh
        ? `已改动：${out}/${f}（与 manifest.json 中的校验值不符）`
        : `changed: ${out}/${f} (does not match its sha256 in manifest.json)`,
    );
  for (const f of r.missing) lines.push(zh ? `缺失：${out}/${f}` : `missing: ${out}/${f}`);
  for (const f of r.extra)
    lines.push(
      zh ? `多余：${out}/${f}（manifest.json 中没有）` : `extra: ${out}/${f} (not in manifest.json)`,
    );
  for (const s of r.sources) {
    if (s.problem === 'changed')
      lines.push(
        zh
          ? `规程已改动：${s.file}（${s.id}）与生成时的版本 ${s.version} 不一致，需重新生成`
          : `source changed: ${s.file} (${s.id}) differs from the built version ${s.version}; rebuild`,
      );
    else if (s.problem === 'missing')
      lines.push(
        zh ? `规程缺失：${s.file}（${s.id}）已不存在` : `source missing: ${s.file} (${s.id}) is gone`,
      );
    else
      lines.push(
        zh ? `未生成：${s.file} 不在这次生成的结果中` : `not built: ${s.file} is not part of this build`,
      );
  }
  if (isClean(r)) {
    io.stdout(
      zh
        ? `${out}/ 与 manifest.json 及规程源文件一致。\n`
        : `${out}/ matches manifest.json and the SOP sources.\n`,
    );
  } else {
    io.stderr(`${lines.join('\n')}\n`);
    io.stderr(
      zh
        ? `发现 ${lines.length} 处问题。\n`
        : `${lines.length} problem${lines.length === 1 ? '' : 's'} found.\n`,
    );
  }
}
