import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CalendarData, createCalendar } from '../../calendar/index.js';
import { loadCalendars } from '../../calendar/load.js';
import { makeDiagnostic } from '../../diagnostics/report.js';
import type { Lang } from '../../diagnostics/types.js';
import { hasErrors } from '../../diagnostics/types.js';
import { display, fileStart, MAX_FILE_BYTES } from '../../load/read.js';
import {
  parseMonth,
  parseStaff,
  planRoster,
  prefetchFont,
  renderRoster,
  rosterNotes,
} from '../../render/pdf/index.js';
import { type CliIo, UsageError } from '../io.js';
import { sayer } from '../lang.js';
import { checkOutputFile, INPUT, writeOutputFile } from '../safe-write.js';
import { forceHelp, formInputs, loadProcedure, renderFailure } from './book.js';
import { printDiagnostics } from './validate.js';

interface RosterCliOptions {
  month?: string;
  staff?: string;
  form?: string;
  out?: string;
  force?: boolean;
  sops: string;
  calendars: string;
  lang: string;
}

/** Reads `calendars/*.yaml` (official arrangements for years the bundled data lacks); a missing folder is fine. */
async function readCalendars(dir: string): Promise<{ files: { file: string; text: string }[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: { file: string; text: string }[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    files.push({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') });
  }
  return { files };
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('roster')
    .description(
      t(
        '生成某月的值班安排表：按值班人员名单公平轮换排班，或留空',
        'the duty roster of a month, filled from a staff list with a fair rotation, or blank',
      ),
    )
    .argument('<sop-id>', t('规程的 id', 'id of the SOP'))
    .option('--month <yyyy-mm>', t('月份，如 2026-12（必填）', 'the month, e.g. 2026-12 (required)'))
    .option(
      '--staff <file>',
      t(
        '值班人员名单（YAML：staff: [{ name, leave: [日期或 {from, to}] }]）；不给出时姓名留空',
        'staff list (YAML: staff: [{ name, leave: [dates or {from, to}] }]); without it the names are left blank',
      ),
    )
    .option(
      '--form <form-id>',
      t(
        '值班安排表的表格（默认：规程 schedule 中指定的那张）',
        'roster form (default: the one the SOP schedule names)',
      ),
    )
    .option(
      '--out <file>',
      t(
        '输出文件（默认：<sop-id>-<form-id>-<yyyy-mm>.pdf）',
        'output file (default: <sop-id>-<form-id>-<yyyy-mm>.pdf)',
      ),
    )
    .option('--force', forceHelp(lang))
    .option('--sops <dir>', t('规程文件所在的文件夹', 'folder of SOP files'), 'sops')
    .option(
      '--calendars <dir>',
      t(
        '官方节假日安排所在的文件夹（calendars/*.yaml）',
        'folder of official holiday arrangements (calendars/*.yaml)',
      ),
      'calendars',
    )
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (id: string, opts: RosterCliOptions) => {
      if (opts.month === undefined)
        throw new UsageError(
          t(
            '必须给出 --month <yyyy-mm>，如 --month 2026-12',
            '--month <yyyy-mm> is required, e.g. --month 2026-12',
          ),
        );
      const ym = parseMonth(opts.month);
      if (!ym || ym.year < 1900)
        throw new UsageError(
          t(
            `--month 须写成 YYYY-MM 的月份，如 2026-12，不能是 “${opts.month}”`,
            `--month must be a month written YYYY-MM, e.g. 2026-12, not "${opts.month}"`,
          ),
        );

      let staffText: string | null = null;
      const staffFile = opts.staff === undefined ? null : resolve(io.cwd, opts.staff);
      if (staffFile !== null) {
        // The user names this file: a symbolic link is followed, but it must lead to a regular file.
        const info = statSync(staffFile, { throwIfNoEntry: false });
        if (info && (!info.isFile() || info.size > MAX_FILE_BYTES)) {
          const what = info.isDirectory()
            ? { whatZh: '是文件夹', what: 'a folder' }
            : info.isFile()
              ? { whatZh: `${info.size} 字节，过大`, what: `${info.size} bytes, too large` }
              : { whatZh: '是设备或管道', what: 'a device or a pipe' };
          const d = makeDiagnostic('STAFF_NOT_FILE', fileStart(display(io.cwd, staffFile)), [], what);
          await printDiagnostics(io, [d], 1, lang);
          setExit(1);
          return;
        }
        staffText = info ? await readFile(staffFile, 'utf8').catch(() => null) : null;
        if (staffText === null)
          throw new UsageError(
            t(`无法读取值班人员名单 ${opts.staff}`, `cannot read the staff list ${opts.staff}`),
          );
      }
      const fontRead = prefetchFont('Regular');
      const loaded = await loadProcedure(io, opts.sops, id, lang);
      if (!loaded) {
        setExit(1);
        return;
      }
      const { sop } = loaded;
      await fontRead;
      if (!sop.schedule)
        throw new UsageError(
          t(
            `${id} 没有值班安排（schedule），因此没有值班安排表`,
            `${id} has no duty schedule, so it has no roster`,
          ),
        );
      const rosters = sop.forms.filter((f) => f.kind === 'roster');
      const formId = opts.form ?? sop.schedule.roster?.form ?? rosters[0]?.id;
      const form = rosters.find((f) => f.id === formId);
      if (!form) {
        throw new UsageError(
          opts.form === undefined
            ? t(`${id} 没有值班安排表的表格`, `${id} has no roster form`)
            : t(
                `${id} 没有值班安排表 “${opts.form}”（它的值班安排表：${rosters.map((f) => f.id).join('、') || '无'}）`,
                `${id} has no roster form "${opts.form}" (its roster forms: ${rosters.map((f) => f.id).join(', ') || 'none'})`,
              ),
        );
      }

      let staff = null;
      if (staffText !== null && opts.staff !== undefined) {
        const parsed = parseStaff(opts.staff, staffText);
        if (!parsed.staff) {
          await printDiagnostics(io, parsed.diagnostics, 1, lang);
          setExit(1);
          return;
        }
        staff = parsed.staff;
      }

      const calDir = resolve(io.cwd, opts.calendars);
      const { files } = await readCalendars(calDir);
      const cals = loadCalendars(
        files.map((f) => ({ file: relative(io.cwd, f.file) || f.file, text: f.text })),
      );
      if (hasErrors(cals.diagnostics)) {
        await printDiagnostics(io, cals.diagnostics, files.length, lang);
        setExit(1);
        return;
      }
      const out = checkOutputFile(opts.out ?? `${id}-${form.id}-${opts.month}.pdf`, {
        inputs: formInputs(io, loaded.files, [
          ...files.map((f) => ({ path: f.file, what: INPUT.calendar })),
          ...(staffFile === null ? [] : [{ path: staffFile, what: INPUT.staff }]),
        ]),
        force: opts.force === true,
        cwd: io.cwd,
        lang,
      });
      const calendars: readonly CalendarData[] = cals.calendars;
      const plan = planRoster(sop, opts.month, createCalendar(sop.site, calendars), staff);
      const notes = rosterNotes(sop, plan, form.id);
      if (notes.warning) {
        io.stderr(
          lang === 'zh'
            ? `sopforge: 警告：没有 ${ym.year} 年的法定节假日数据，值班时间只按周末区分；表上已注明，请人工核对。可在 ${opts.calendars}/ 中加入当年的安排。\n`
            : `sopforge: warning: no statutory holiday data for ${ym.year}; duty windows only follow weekends. The sheet says so; check holidays and make-up workdays by hand, or add ${opts.calendars}/ data for ${ym.year}.\n`,
        );
      }
      if (plan.uncovered.length > 0) {
        io.stderr(
          lang === 'zh'
            ? `sopforge: 警告：以下日期所有人都在请假，无人可排：${plan.uncovered.join('、')}\n`
            : `sopforge: warning: everyone is on leave on ${plan.uncovered.join(', ')}; nobody is rostered\n`,
        );
      }
      const bytes = await renderRoster(sop, form.id, plan).catch((err: unknown) =>
        renderFailure(err, io, opts.sops, id, lang),
      );
      if (!bytes) {
        setExit(1);
        return;
      }
      writeOutputFile(out, bytes, io.cwd, lang);
      const rel = relative(io.cwd, out);
      const shown = rel === '' || rel.startsWith('..') ? out : rel;
      const who = staff
        ? plan.counts.map((c) => `${c.name} ${c.shifts}`).join('，')
        : lang === 'zh'
          ? '空白（未排人）'
          : 'blank (no names)';
      io.stdout(
        lang === 'zh'
          ? `已生成 ${opts.month}《${form.title}》→ ${shown}；班次：${who}\n`
          : `Wrote the ${opts.month} ${form.id} → ${shown}; shifts: ${who}\n`,
      );
      setExit(0);
    });
}
