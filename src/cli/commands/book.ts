import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { hasErrors, type Lang } from '../../diagnostics/types.js';
import { type LoadResult, loadSopSet } from '../../load/index.js';
import type { ProcedureSop } from '../../model/types.js';
import { renderBook } from '../../render/pdf/book.js';
import { prefetchFont } from '../../render/pdf/font.js';
import { MissingGlyphsError, RenderError } from '../../render/pdf/paint.js';
import { printableTextRule } from '../../render/pdf/rule.js';
import { isPaperSize, PAPER_SIZES, parseLength } from '../../render/pdf/units.js';
import { extraRules } from '../../validate/extra.js';
import type { SopRule } from '../../validate/rules/sop-rules.js';
import { type CliIo, parseLang, UsageError, UserError } from '../io.js';
import { checkOutputFile, INPUT, type OutputInput, writeOutputFile } from '../safe-write.js';
import { printDiagnostics } from './validate.js';

/**
 * Loads and validates the SOP `id` from `dir` and returns it; prints the diagnostics and returns `null`
 * (exit 1) when it has errors, throws `UsageError` for an unknown id.
 *
 * A SOP lives in `<dir>/<id>.yaml` (the loader checks that ids match file names), so that file is
 * loaded alone first: a book or roster needs only its own SOP. When that file does not exist or does
 * not validate alone (for instance a reference to another SOP of the folder), the whole folder is
 * loaded, so cross-references resolve and every diagnostic is reported as `validate` would.
 * `files` are the SOP files that were read (absolute), so the command never writes over one of them.
 */
export async function loadProcedure(
  io: CliIo,
  dir: string,
  id: string,
  lang: Lang,
  moreRules: readonly SopRule[] = [],
): Promise<{ sop: ProcedureSop; files: readonly string[] } | null> {
  const rules = extraRules(io.cwd);
  const options = { cwd: io.cwd, ...rules, sopRules: [...(rules.sopRules ?? []), ...moreRules] };
  let result: LoadResult | null = null;
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, `${id}${ext}`);
    const isFile = statSync(resolve(io.cwd, file), { throwIfNoEntry: false })?.isFile() ?? false;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !isFile) continue;
    const alone = await loadSopSet([file], options);
    if (alone.set && !hasErrors(alone.diagnostics) && alone.set.sops.some((s) => s.id === id)) result = alone;
    break;
  }
  result ??= await loadSopSet([dir], options);
  if (!result.set || hasErrors(result.diagnostics)) {
    await printDiagnostics(io, result.diagnostics, result.files.length, lang);
    return null;
  }
  const sop = result.set.sops.find((s) => s.id === id);
  if (!sop) {
    const ids = result.set.sops.map((s) => s.id).join(', ');
    throw new UsageError(`no SOP "${id}" in ${dir} (known: ${ids || 'none'})`);
  }
  if (sop.kind !== 'procedure') throw new UsageError(`${id} is a manual; it has no forms`);
  return { sop, files: result.files.map((f) => resolve(io.cwd, f)) };
}

/**
 * The inputs a form command must never write over: the SOP files it read and the site calendars the
 * loader read (`calendars/*.yaml` under the working directory), plus any the command adds.
 */
export function formInputs(
  io: CliIo,
  sopFiles: readonly string[],
  more: readonly OutputInput[] = [],
): OutputInput[] {
  const calendars = join(io.cwd, 'calendars');
  const names = existsSync(calendars) ? readdirSync(calendars).filter((n) => /\.ya?ml$/i.test(n)) : [];
  return [
    ...sopFiles.map((path) => ({ path, what: INPUT.sop })),
    ...names.map((n) => ({ path: join(calendars, n), what: INPUT.calendar })),
    ...more,
  ];
}

/**
 * Turns the renderer's user-facing failures into CLI errors (exit 1, no stack trace). Characters the print
 * font lacks are looked for in the SOP's YAML first: found there, they are reported at their
 * file:line:column like any diagnostic (`GLYPH_MISSING`, as `build` does) and this resolves to `null`
 * (exit 1); otherwise (a character from the form's own wording) the renderer's message is the error.
 */
export async function renderFailure(
  err: unknown,
  io: CliIo,
  dir: string,
  id: string,
  lang: Lang,
): Promise<null> {
  if (
    err instanceof MissingGlyphsError &&
    (await loadProcedure(io, dir, id, lang, [printableTextRule])) === null
  )
    return null;
  if (err instanceof MissingGlyphsError || err instanceof RenderError)
    throw new UserError(`sopforge: ${err.message}`);
  throw err;
}

/** `--force` of the commands that write one file. */
export const FORCE_HELP =
  'overwrite an existing file sopforge did not write (never a SOP, calendar, template or staff list)';

function positiveInt(name: string, value: string, max = 1_000_000): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return Number(value);
}

function length(name: string, value: string, max: number): number {
  const pt = parseLength(value);
  if (pt === null || pt > max)
    throw new UsageError(
      `${name} must be a length such as 15mm, 1.5cm or 12pt (at most ${Math.round((max * 25.4) / 72)}mm), not "${value}"`,
    );
  return pt;
}

interface BookCliOptions {
  form?: string;
  pages?: string;
  size: string;
  duplex?: boolean;
  gutter: string;
  bleed: string;
  cropMarks?: boolean;
  firstSerial: string;
  year?: string;
  out?: string;
  force?: boolean;
  sops: string;
  lang: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('book')
    .description(
      'a numbered record book of one form for a print shop: cover, serials, page boxes, crop marks, gutter',
    )
    .argument('<sop-id>', 'id of the SOP')
    .option('--form <form-id>', 'the form to bind (required)')
    .option('--pages <n>', 'numbered pages in the book (required)')
    .option('--size <size>', `trim size: ${PAPER_SIZES.join(', ')}`, 'A4')
    .option('--duplex', 'printed on both sides: the gutter alternates and the cover gets a blank back')
    .option('--gutter <length>', 'binding gutter on the inside edge', '15mm')
    .option('--bleed <length>', 'bleed beyond the trim', '0mm')
    .option('--crop-marks', 'draw crop marks outside the trim (and bleed)')
    .option('--first-serial <n>', 'serial number of the first page (the book number follows from it)', '1')
    .option(
      '--year <yyyy>',
      'year the book is used in, for "保存至" (default: year of the SOP effective date)',
    )
    .option('--out <file>', 'output file (default: <sop-id>-<form-id>-book.pdf)')
    .option('--force', FORCE_HELP)
    .option('--sops <dir>', 'folder of SOP files', 'sops')
    .option('--lang <lang>', 'zh or en', 'zh')
    .action(async (id: string, opts: BookCliOptions) => {
      const lang = parseLang(opts.lang);
      if (opts.form === undefined) throw new UsageError('--form <form-id> is required');
      if (opts.pages === undefined) throw new UsageError('--pages <n> is required');
      const pages = positiveInt('--pages', opts.pages, 100_000);
      const size = opts.size.toUpperCase();
      if (!isPaperSize(size))
        throw new UsageError(`--size must be one of ${PAPER_SIZES.join(', ')}, not "${opts.size}"`);
      const gutter = length('--gutter', opts.gutter, 72 * 2);
      const bleed = length('--bleed', opts.bleed, 72 * 0.5);
      const firstSerial = positiveInt('--first-serial', opts.firstSerial, 99_999_999);
      const year = opts.year === undefined ? undefined : positiveInt('--year', opts.year, 9999);
      if (year !== undefined && year < 1900)
        throw new UsageError(`--year must be a year such as 2027, not "${opts.year}"`);
      const fontRead = prefetchFont('Regular');
      const loaded = await loadProcedure(io, opts.sops, id, lang);
      if (!loaded) {
        setExit(1);
        return;
      }
      const { sop } = loaded;
      await fontRead;
      const form = sop.forms.find((f) => f.id === opts.form);
      if (!form)
        throw new UsageError(
          `${id} has no form "${opts.form}" (its forms: ${sop.forms.map((f) => f.id).join(', ') || 'none'})`,
        );
      if (form.kind === 'roster')
        throw new UsageError(
          `${form.id} is a roster; print it with \`sopforge roster ${id} --month YYYY-MM\``,
        );
      const out = checkOutputFile(opts.out ?? `${id}-${form.id}-book.pdf`, {
        inputs: formInputs(io, loaded.files),
        force: opts.force === true,
        cwd: io.cwd,
        lang,
      });
      const bytes = await renderBook(sop, {
        form: form.id,
        pages,
        size,
        duplex: opts.duplex === true,
        gutter,
        bleed,
        cropMarks: opts.cropMarks === true,
        firstSerial,
        ...(year === undefined ? {} : { year }),
      }).catch((err: unknown) => renderFailure(err, io, opts.sops, id, lang));
      if (!bytes) {
        setExit(1);
        return;
      }
      writeOutputFile(out, bytes, io.cwd, lang);
      const rel = relative(io.cwd, out);
      const shown = rel === '' || rel.startsWith('..') ? out : rel;
      io.stdout(
        lang === 'zh'
          ? `已生成《${form.title}》记录本：封面 + ${pages} 页 → ${shown}（${bytes.length} 字节）\n`
          : `Wrote the ${form.id} book: cover + ${pages} pages → ${shown} (${bytes.length} bytes)\n`,
      );
      setExit(0);
    });
}
