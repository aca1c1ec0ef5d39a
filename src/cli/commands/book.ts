import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { hasErrors, type Lang } from '../../diagnostics/types.js';
import { markDrafts } from '../../history/draft.js';
import { type LoadResult, loadSopSet } from '../../load/index.js';
import type { ProcedureSop } from '../../model/types.js';
import { type BookOptions, renderBook } from '../../render/pdf/book.js';
import { type BookPlan, planBook } from '../../render/pdf/book-plan.js';
import {
  type CoverOptions,
  type CoverPlan,
  DEFAULT_PAPER_GSM,
  planCover,
  renderCover,
} from '../../render/pdf/cover.js';
import { MissingGlyphsError, renderErrorText } from '../../render/pdf/errors.js';
import { prefetchFont } from '../../render/pdf/font.js';
import type { MeasuredSize } from '../../render/pdf/handwriting.js';
import type { ReflowRule } from '../../render/pdf/layout.js';
import { isPaperSize, MM, PAPER_SIZES, parseLength } from '../../render/pdf/units.js';
import { extraRules } from '../../validate/extra.js';
import { bookPrintSize, formsMeetHandwritingMinimums } from '../../validate/rules/handwriting.js';
import type { SopRule } from '../../validate/rules/sop-rules.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';
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
    const ids = result.set.sops.map((s) => s.id);
    throw new UsageError(
      lang === 'zh'
        ? `${dir} 中没有规程 “${id}”（已有：${ids.join('、') || '无'}）`
        : `no SOP "${id}" in ${dir} (known: ${ids.join(', ') || 'none'})`,
    );
  }
  if (sop.kind !== 'procedure')
    throw new UsageError(lang === 'zh' ? `${id} 是手册，没有表格` : `${id} is a manual; it has no forms`);
  // A SOP edited since its approval is a draft (src/history/draft.ts): its forms say so.
  const [marked] = markDrafts({ ...result.set, sops: [sop] }, io.cwd).sops;
  return { sop: (marked ?? sop) as ProcedureSop, files: result.files.map((f) => resolve(io.cwd, f)) };
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
  if (err instanceof MissingGlyphsError) {
    // The rule loads the font: only on this path.
    const { printableTextRule } = await import('../../render/pdf/rule.js');
    if ((await loadProcedure(io, dir, id, lang, [printableTextRule])) === null) return null;
  }
  const text = renderErrorText(err, lang);
  if (text !== null) throw new UserError(`sopforge: ${text}`);
  throw err;
}

/** `--force` of the commands that write one file. */
export function forceHelp(lang: Lang): string {
  return lang === 'zh'
    ? '替换一个不是 sopforge 写的已有文件（规程、节假日安排、模板和值班人员名单永远不会被替换）'
    : 'overwrite an existing file sopforge did not write (never a SOP, calendar, template or staff list)';
}

function positiveInt(lang: Lang, name: string, value: string, max = 1_000_000): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(
      lang === 'zh'
        ? `${name} 须是 1 到 ${max} 之间的整数，不能是 “${value}”`
        : `${name} must be a whole number from 1 to ${max}, not "${value}"`,
    );
  }
  return Number(value);
}

function length(lang: Lang, name: string, value: string, max: number): number {
  const pt = parseLength(value);
  const mm = Math.round((max * 25.4) / 72);
  if (pt === null || pt > max)
    throw new UsageError(
      lang === 'zh'
        ? `${name} 须是长度，如 15mm、1.5cm 或 12pt（最多 ${mm}mm），不能是 “${value}”`
        : `${name} must be a length such as 15mm, 1.5cm or 12pt (at most ${mm}mm), not "${value}"`,
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
  pdfx: boolean;
  slug?: boolean;
  dryRun?: boolean;
  cover?: boolean;
  paperGsm?: string;
  caliper?: string;
  draft?: boolean;
  firstSerial: string;
  year?: string;
  out?: string;
  force?: boolean;
  sops: string;
  lang: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('book')
    .description(
      t(
        '给印刷厂的编号记录本（一种表格装订成册）：封面、流水号、页面框、裁切线、装订边',
        'a numbered record book of one form for a print shop: cover, serials, page boxes, crop marks, gutter',
      ),
    )
    .argument('<sop-id>', t('规程的 id', 'id of the SOP'))
    .option('--form <form-id>', t('装订成册的表格（必填）', 'the form to bind (required)'))
    .option('--pages <n>', t('记录本的编号页数（必填）', 'numbered pages in the book (required)'))
    .option(
      '--size <size>',
      t(`成品尺寸：${PAPER_SIZES.join('、')}`, `trim size: ${PAPER_SIZES.join(', ')}`),
      'A4',
    )
    .option(
      '--duplex',
      t(
        '双面印刷：装订边左右交替，封面背面留空',
        'printed on both sides: the gutter alternates and the cover gets a blank back',
      ),
    )
    .option('--gutter <length>', t('内侧的装订边宽度', 'binding gutter on the inside edge'), '15mm')
    .option('--bleed <length>', t('超出成品尺寸的出血', 'bleed beyond the trim'), '0mm')
    .option(
      '--crop-marks',
      t('在成品尺寸（及出血）外画裁切线', 'draw crop marks outside the trim (and bleed)'),
    )
    .option(
      '--slug',
      t(
        '在裁切线旁印一行版面信息（规程编号与版本、日期、本号、页码），需要 --crop-marks',
        'print a slug line beside the crop marks (SOP id and version, date, book and page number); needs --crop-marks',
      ),
    )
    .option(
      '--dry-run',
      t(
        '不生成文件，只列出页数、每页书写行数和最小尺寸（与手写最低要求对照）',
        'write nothing; show the pages, writing rows per page and the smallest sizes beside the handwriting minimums',
      ),
    )
    .option(
      '--cover',
      t(
        '另写一个封面文件（封底、书脊、封面连成一张，带出血和裁切线），放在记录本旁：<记录本>.cover.pdf',
        'also write a separate cover (back, spine and front on one sheet, with bleed and crop marks) beside the book: <book>.cover.pdf',
      ),
    )
    .option(
      '--paper-gsm <g>',
      t(
        `内页纸的克重（g/m²），用来算书脊厚度（默认 ${DEFAULT_PAPER_GSM}：胶版纸每张约 0.1 mm）`,
        `weight of the text paper (g/m²), for the spine width (default ${DEFAULT_PAPER_GSM}: offset paper, about 0.1 mm a leaf)`,
      ),
    )
    .option(
      '--caliper <length>',
      t(
        '内页纸每张的厚度（如 0.1mm），给出时不按克重估算',
        'thickness of one leaf of the text paper (e.g. 0.1mm); when given, the paper weight is not used',
      ),
    )
    .option(
      '--no-pdfx',
      t(
        '写普通 PDF 1.7，而不是 PDF/X-4（默认 PDF/X-4：输出意图 FOGRA39、仅黑版文字、页面框齐全，可直接交印刷厂）',
        'write a plain PDF 1.7 instead of PDF/X-4 (default PDF/X-4: FOGRA39 output intent, K-only text, page boxes, ready for the press)',
      ),
    )
    .option(
      '--first-serial <n>',
      t(
        '第一页的流水号（本号由它推出）',
        'serial number of the first page (the book number follows from it)',
      ),
      '1',
    )
    .option(
      '--year <yyyy>',
      t(
        '记录本使用的年份，用于“保存至”（默认：规程生效日期的年份）',
        'year the book is used in, for the keep-until date on the cover (default: year of the SOP effective date)',
      ),
    )
    .option(
      '--out <file>',
      t(
        '输出文件（默认：<sop-id>-<form-id>-book.pdf）',
        'output file (default: <sop-id>-<form-id>-book.pdf)',
      ),
    )
    .option(
      '--draft',
      t(
        '规程是草稿（与批准的版本不同）时也装订，每页印“草稿 DRAFT”（只作样张；默认拒绝）',
        'bind a book of a draft SOP (one that differs from its approved version) too, with a DRAFT mark on every page (proofs only; refused by default)',
      ),
    )
    .option('--force', forceHelp(lang))
    .option('--sops <dir>', t('规程文件所在的文件夹', 'folder of SOP files'), 'sops')
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (id: string, opts: BookCliOptions) => {
      if (opts.form === undefined)
        throw new UsageError(t('必须给出 --form <form-id>', '--form <form-id> is required'));
      if (opts.pages === undefined)
        throw new UsageError(t('必须给出 --pages <n>', '--pages <n> is required'));
      const pages = positiveInt(lang, '--pages', opts.pages, 100_000);
      const size = opts.size.toUpperCase();
      if (!isPaperSize(size))
        throw new UsageError(
          t(
            `--size 只能是 ${PAPER_SIZES.join('、')} 之一，不能是 “${opts.size}”`,
            `--size must be one of ${PAPER_SIZES.join(', ')}, not "${opts.size}"`,
          ),
        );
      const gutter = length(lang, '--gutter', opts.gutter, 72 * 2);
      const bleed = length(lang, '--bleed', opts.bleed, 72 * 0.5);
      const firstSerial = positiveInt(lang, '--first-serial', opts.firstSerial, 99_999_999);
      const paperGsm =
        opts.paperGsm === undefined ? undefined : positiveInt(lang, '--paper-gsm', opts.paperGsm, 400);
      const caliper = opts.caliper === undefined ? undefined : length(lang, '--caliper', opts.caliper, MM);
      if (caliper !== undefined && caliper <= 0)
        throw new UsageError(t('--caliper 须大于 0', '--caliper must be more than 0'));
      const coverOptions: CoverOptions = {
        ...(paperGsm === undefined ? {} : { paperGsm }),
        ...(caliper === undefined ? {} : { caliper }),
      };
      const year = opts.year === undefined ? undefined : positiveInt(lang, '--year', opts.year, 9999);
      if (year !== undefined && year < 1900)
        throw new UsageError(
          t(
            `--year 须是年份，如 2027，不能是 “${opts.year}”`,
            `--year must be a year such as 2027, not "${opts.year}"`,
          ),
        );
      const makeBook = async (fontRead: Promise<void>): Promise<void> => {
        // `validate` only warns about a form that a book size has no room for; the size and gutter asked
        // for here make it an error, reported at its place in the YAML before anything is rendered.
        const moreRules = [formsMeetHandwritingMinimums(() => [bookPrintSize(size, gutter)])];
        const loaded = await loadProcedure(io, opts.sops, id, lang, moreRules);
        if (!loaded) {
          setExit(1);
          return;
        }
        const { sop } = loaded;
        const form = sop.forms.find((f) => f.id === opts.form);
        if (!form)
          throw new UsageError(
            t(
              `${id} 没有表格 “${opts.form}”（它的表格：${sop.forms.map((f) => f.id).join('、') || '无'}）`,
              `${id} has no form "${opts.form}" (its forms: ${sop.forms.map((f) => f.id).join(', ') || 'none'})`,
            ),
          );
        if (form.kind === 'roster')
          throw new UsageError(
            t(
              `${form.id} 是值班安排表，请用 \`sopforge roster ${id} --month YYYY-MM\` 生成`,
              `${form.id} is a roster; print it with \`sopforge roster ${id} --month YYYY-MM\``,
            ),
          );
        // A print shop never receives a draft unless asked for proofs.
        if (sop.draft && opts.draft !== true && !opts.dryRun)
          throw new UserError(
            t(
              `sopforge: ${id} 是草稿（改动后尚未批准，批准的版本是 ${sop.draft.approvedVersion}），不装订记录本。先用 sopforge revise 记录修订，或恢复批准的文本；只印样张时加 --draft。`,
              `sopforge: ${id} is a draft (edited since its approved version ${sop.draft.approvedVersion}); no book is bound. Record the revision with sopforge revise, or put back the approved text; for proofs add --draft.`,
            ),
          );
        const options: BookOptions = {
          form: form.id,
          pages,
          size,
          duplex: opts.duplex === true,
          gutter,
          bleed,
          cropMarks: opts.cropMarks === true,
          pdfx: opts.pdfx !== false,
          slug: opts.slug === true,
          firstSerial,
          ...(year === undefined ? {} : { year }),
        };
        if (opts.dryRun) {
          let plan: BookPlan;
          try {
            plan = planBook(sop, form, options);
          } catch (err) {
            const text = renderErrorText(err, lang);
            if (text !== null) throw new UserError(`sopforge: ${text}`);
            throw err;
          }
          io.stdout(dryRunText(form.title, options, plan, lang, form.kind === 'log'));
          if (opts.cover) io.stdout(coverText(planCover(plan, options, coverOptions), lang));
          setExit(0);
          return;
        }
        const out = checkOutputFile(opts.out ?? `${id}-${form.id}-book.pdf`, {
          inputs: formInputs(io, loaded.files),
          force: opts.force === true,
          cwd: io.cwd,
          lang,
        });
        const coverOut = opts.cover
          ? checkOutputFile(coverPath(out), {
              inputs: formInputs(io, loaded.files),
              force: opts.force === true,
              cwd: io.cwd,
              lang,
            })
          : null;
        await fontRead;
        const bytes = await renderBook(sop, options).catch((err: unknown) =>
          renderFailure(err, io, opts.sops, id, lang),
        );
        if (!bytes) {
          setExit(1);
          return;
        }
        writeOutputFile(out, bytes, io.cwd, lang);
        const shownPath = (p: string): string => {
          const rel = relative(io.cwd, p);
          return rel === '' || rel.startsWith('..') ? p : rel;
        };
        const shown = shownPath(out);
        io.stdout(
          lang === 'zh'
            ? `已生成《${form.title}》记录本：封面 + ${planBook(sop, form, options).pages} 页 → ${shown}（${bytes.length} 字节）\n`
            : `Wrote the ${form.id} book: cover + ${planBook(sop, form, options).pages} pages → ${shown} (${bytes.length} bytes)\n`,
        );
        if (coverOut) {
          const cover = await renderCover(sop, options, coverOptions).catch((err: unknown) =>
            renderFailure(err, io, opts.sops, id, lang),
          );
          if (!cover) {
            setExit(1);
            return;
          }
          writeOutputFile(coverOut, cover, io.cwd, lang);
          const c = planCover(planBook(sop, form, options), options, coverOptions);
          io.stdout(
            lang === 'zh'
              ? `已生成封面：书脊 ${(c.spine / MM).toFixed(1)} mm → ${shownPath(coverOut)}（${cover.length} 字节）\n`
              : `Wrote the cover: spine ${(c.spine / MM).toFixed(1)} mm → ${shownPath(coverOut)} (${cover.length} bytes)\n`,
          );
        }
        setExit(0);
      };
      if (opts.slug && !opts.cropMarks)
        throw new UsageError(t('--slug 需要同时给出 --crop-marks', '--slug needs --crop-marks'));
      // The font file is read on the thread pool while the SOP loads.
      await makeBook(prefetchFont('Regular'));
    });
}

/** The cover file beside a book: `log.pdf` → `log.cover.pdf`. */
export function coverPath(book: string): string {
  return book.toLowerCase().endsWith('.pdf') ? `${book.slice(0, -4)}.cover.pdf` : `${book}.cover.pdf`;
}

/** What `book --dry-run --cover` adds: the cover sheet's size and its spine. */
export function coverText(c: CoverPlan, lang: Lang): string {
  const mm = (v: number) => (v / MM).toFixed(1);
  return lang === 'zh'
    ? `封面：封底 + 书脊 + 封面 = ${mm(c.panelWidth)} + ${mm(c.spine)} + ${mm(c.panelWidth)} = ${mm(c.trimWidth)} × ${mm(c.height)} mm，出血 ${mm(c.bleed)} mm；书脊按 ${c.leaves} 张、每张 ${(c.caliper / MM).toFixed(3)} mm 计\n`
    : `cover: back + spine + front = ${mm(c.panelWidth)} + ${mm(c.spine)} + ${mm(c.panelWidth)} = ${mm(c.trimWidth)} × ${mm(c.height)} mm, bleed ${mm(c.bleed)} mm; spine from ${c.leaves} leaves of ${(c.caliper / MM).toFixed(3)} mm\n`;
}

const SIZE_NAMES: Record<MeasuredSize['what'], { zh: string; en: string }> = {
  writingRow: { zh: '书写行高', en: 'writing row' },
  checkBox: { zh: '勾选框', en: 'check box' },
  labelText: { zh: '标签字号', en: 'label text' },
  smallestText: { zh: '最小字号', en: 'smallest text' },
  signatureLine: { zh: '签名线长', en: 'signature line' },
  column: { zh: '最紧的栏', en: 'tightest column' },
};

/** How `book --dry-run` names a `ReflowRule`; a log's unit is a shift (班), a register's a sheet (张). */
const RULES: Record<ReflowRule, { zh: string; en: string }> = {
  'one-page': { zh: '每{班}一页', en: 'one page a {shift}' },
  continuation: {
    zh: '每{班}两页：第一页印不下的部分接续到第二页（续页）',
    en: 'two pages a {shift}: what does not fit on the first page goes on over a continuation page',
  },
  spread: {
    zh: '每张两页：栏目太多，分在左右两页（跨页），两页印同样的行和序号',
    en: 'two pages a sheet: the columns split over a two-page spread, both pages with the same rows and row numbers',
  },
};

/** What `book --dry-run` prints: the pages, the writing rows of a page and its sizes beside the minimums. */
export function dryRunText(title: string, o: BookOptions, plan: BookPlan, lang: Lang, log = true): string {
  const zh = lang === 'zh';
  const parts = zh
    ? [
        '封面',
        ...(o.duplex ? ['封二'] : []),
        ...(plan.lead ? ['空白页'] : []),
        `${plan.pages} 页表格`,
        ...(plan.padded ? ['末页空白'] : []),
      ]
    : [
        'cover',
        ...(o.duplex ? ['its blank back'] : []),
        ...(plan.lead ? ['a blank lead page'] : []),
        `${plan.pages} form pages`,
        ...(plan.padded ? ['a blank last page'] : []),
      ];
  const kind = o.pdfx === false ? 'PDF 1.7' : 'PDF/X-4';
  const orientation = plan.sheet.trimWidth > plan.sheet.trimHeight;
  const rows = plan.recto.pages.map((p) => p.writingRows);
  const lines = [
    zh
      ? `《${title}》记录本（${o.size}${orientation ? ' 横向' : ''}，${o.duplex ? '双面' : '单面'}，${kind}）：共 ${plan.physicalPages} 页（${parts.join('、')}）`
      : `${title} book (${o.size}${orientation ? ' landscape' : ''}, ${o.duplex ? 'duplex' : 'simplex'}, ${kind}): ${plan.physicalPages} pages (${parts.join(', ')})`,
    zh
      ? `版式：${RULES[plan.rule].zh.replace('{班}', log ? '班' : '张')}`
      : `layout: ${RULES[plan.rule].en.replace('{shift}', log ? 'shift' : 'sheet')}`,
  ];
  if (plan.pages !== o.pages)
    lines.push(
      zh
        ? `要求 ${o.pages} 页，凑成整${log ? '班' : '张'}为 ${plan.pages} 页`
        : `${o.pages} pages asked for, ${plan.pages} to make whole ${log ? 'shifts' : 'sheets'}`,
    );
  if (plan.lead)
    lines.push(
      zh
        ? `双面：第 1 页前留一空白页，使每${log ? '班' : '张'}两页左右相对`
        : `duplex: a blank page before page 1, so the two pages of each ${log ? 'shift' : 'sheet'} face each other`,
    );
  lines.push(
    zh
      ? `每页书写行：${rows.map((r) => `${r} 行`).join(' + ')}`
      : `writing rows per page: ${rows.join(' + ')}`,
  );
  for (const m of plan.sizes) {
    const name = SIZE_NAMES[m.what][zh ? 'zh' : 'en'];
    const value =
      (m.value === null ? (zh ? '无' : 'none') : `${m.value.toFixed(1)} ${m.unit}`) +
      (m.label ? (zh ? `（${m.label.replace(/\n/g, '')}）` : ` (${m.label.replace(/\n/g, '')})`) : '');
    const verdict = m.ok ? (zh ? '合格' : 'ok') : zh ? '低于手写最低要求' : 'below the handwriting minimum';
    lines.push(
      zh
        ? `  ${name}：${value}（至少 ${m.minimum} ${m.unit}）${verdict}`
        : `  ${name}: ${value} (at least ${m.minimum} ${m.unit}) ${verdict}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
