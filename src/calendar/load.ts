/**
 * Site calendar files (`calendars/*.yaml`): one year's official holiday arrangement each, as the
 * State Council publishes it every winter, for years the bundled `chinese-days` data does not cover.
 *
 * ```yaml
 * calendar: 1
 * year: 2027
 * source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
 * holidays:
 *   - { name: 元旦, from: 2027-01-01, to: 2027-01-03 }
 *   - { name: 劳动节, date: 2027-05-01 }
 * workdays:
 *   - { name: 春节调休, date: 2027-02-20 }
 * ```
 *
 * Problems are returned as diagnostics with file:line:column; nothing throws for bad input.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from '../deps/yaml.js';
import type { Diagnostic, Message } from '../diagnostics/types.js';
import { type CalendarData, type CalendarEntry, isoFromDayNumber, parseIsoDate } from './index.js';

export interface CalendarFile {
  readonly file: string;
  readonly text: string;
}

export interface LoadCalendarsResult {
  readonly calendars: readonly CalendarData[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Diagnostic codes of this module. */
export type CalendarCode =
  | 'CALENDAR_YAML'
  | 'CALENDAR_SHAPE'
  | 'CALENDAR_DATE'
  | 'CALENDAR_YEAR'
  | 'CALENDAR_CONFLICT'
  | 'CALENDAR_DUPLICATE_YEAR'
  | 'CALENDAR_WEEKDAY_WORKDAY';

const messages: Record<CalendarCode, (p: string) => Message> = {
  CALENDAR_YAML: (p) => ({
    zh: `日历文件不是有效的 YAML：${p}`,
    en: `The calendar file is not valid YAML: ${p}`,
    hintZh: '检查缩进和引号。',
    hintEn: 'Check indentation and quotes.',
  }),
  CALENDAR_SHAPE: (p) => ({
    zh: `日历文件结构错误：${p}`,
    en: `Malformed calendar file: ${p}`,
    hintZh: '须写 calendar: 1、year、source、holidays 和 workdays；每项写 name 以及 date 或 from/to。',
    hintEn:
      'Write calendar: 1, year, source, holidays and workdays; each entry has name and date or from/to.',
  }),
  CALENDAR_DATE: (p) => ({
    zh: `日期无效：${p}`,
    en: `Invalid date: ${p}`,
    hintZh: '日期写成 YYYY-MM-DD，且须真实存在；from 不得晚于 to。',
    hintEn: 'Write dates as YYYY-MM-DD that exist; from must not be after to.',
  }),
  CALENDAR_YEAR: (p) => ({
    zh: `日期 ${p} 不在本文件的年份内。`,
    en: `Date ${p} is outside the year of this file.`,
    hintZh: '每个日历文件只写一年的安排。',
    hintEn: 'Each calendar file holds one year.',
  }),
  CALENDAR_CONFLICT: (p) => ({
    zh: `日期 ${p} 同时列为放假和调休上班，或重复列出。`,
    en: `Date ${p} is listed both as a holiday and a workday, or twice.`,
    hintZh: '每个日期只能出现一次。',
    hintEn: 'List each date once.',
  }),
  CALENDAR_DUPLICATE_YEAR: (p) => ({
    zh: `年份 ${p} 已在另一个日历文件中定义。`,
    en: `Year ${p} is already defined in another calendar file.`,
    hintZh: '每年只保留一个日历文件。',
    hintEn: 'Keep one calendar file per year.',
  }),
  CALENDAR_WEEKDAY_WORKDAY: (p) => ({
    zh: `调休上班日 ${p} 是工作日（周一至周五），本来就要上班。`,
    en: `Make-up workday ${p} is a weekday and a workday anyway.`,
    hintZh: '调休上班日通常是周六或周日；请核对通知原文。',
    hintEn: 'Make-up workdays are normally Saturdays or Sundays; check the notice.',
  }),
};

interface Ctx {
  readonly file: string;
  readonly lc: LineCounter;
  readonly out: Diagnostic[];
}

function report(
  ctx: Ctx,
  code: CalendarCode,
  node: Node | null | undefined,
  path: (string | number)[],
  param: string,
  severity: 'error' | 'warning' = 'error',
): void {
  const range = node?.range ?? [0, 0, 0];
  const start = ctx.lc.linePos(range[0]);
  const end = ctx.lc.linePos(range[1]);
  ctx.out.push({
    code,
    severity,
    file: ctx.file,
    line: start.line,
    column: start.col,
    endLine: end.line,
    endColumn: end.col,
    path,
    message: messages[code](param),
  });
}

function scalarText(node: unknown): string | null {
  if (!isScalar(node)) return null;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

function entries(
  ctx: Ctx,
  map: YAMLMap,
  key: 'holidays' | 'workdays',
  year: number,
  seen: Map<string, string>,
): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  const seq = map.get(key, true);
  if (seq === undefined) return out;
  if (!isSeq(seq)) {
    report(ctx, 'CALENDAR_SHAPE', seq as Node, [key], `${key} 须为列表 / ${key} must be a list`);
    return out;
  }
  seq.items.forEach((item, i) => {
    const path = [key, i];
    if (!isMap(item)) {
      report(ctx, 'CALENDAR_SHAPE', item as Node, path, `${key}[${i}]`);
      return;
    }
    for (const pair of item.items) {
      const k = scalarText(pair.key);
      if (k === null || !['name', 'date', 'from', 'to'].includes(k)) {
        report(ctx, 'CALENDAR_SHAPE', pair.key as Node, [...path, String(k)], `unknown key ${String(k)}`);
      }
    }
    const name = scalarText(item.get('name', true));
    if (name === null || name.trim() === '') {
      report(ctx, 'CALENDAR_SHAPE', item, [...path, 'name'], `${key}[${i}].name`);
      return;
    }
    const single = item.get('date', true) as Node | undefined;
    const fromNode = item.get('from', true) as Node | undefined;
    const toNode = item.get('to', true) as Node | undefined;
    if (
      (single === undefined) === (fromNode === undefined && toNode === undefined) ||
      (single === undefined && (fromNode === undefined || toNode === undefined))
    ) {
      report(ctx, 'CALENDAR_SHAPE', item, path, `${key}[${i}]: date | from+to`);
      return;
    }
    const dayOf = (node: Node | undefined, field: string): number | null => {
      const text = scalarText(node);
      const dn = text === null ? null : parseIsoDate(text);
      if (dn === null) {
        report(ctx, 'CALENDAR_DATE', node, [...path, field], String(text));
        return null;
      }
      if (Number(text?.slice(0, 4)) !== year) {
        report(ctx, 'CALENDAR_YEAR', node, [...path, field], String(text));
        return null;
      }
      return dn;
    };
    const from = dayOf(single ?? fromNode, single ? 'date' : 'from');
    const to = single ? from : dayOf(toNode, 'to');
    if (from === null || to === null) return;
    if (to < from) {
      report(
        ctx,
        'CALENDAR_DATE',
        toNode,
        [...path, 'to'],
        `${isoFromDayNumber(from)} > ${isoFromDayNumber(to)}`,
      );
      return;
    }
    for (let d = from; d <= to; d++) {
      const iso = isoFromDayNumber(d);
      if (seen.has(iso)) {
        report(ctx, 'CALENDAR_CONFLICT', single ?? fromNode, path, iso);
        continue;
      }
      seen.set(iso, key);
      const wd = (((d + 4) % 7) + 7) % 7;
      if (key === 'workdays' && wd !== 0 && wd !== 6) {
        report(ctx, 'CALENDAR_WEEKDAY_WORKDAY', single ?? fromNode, path, iso, 'warning');
      }
      out.push({ date: iso, name: name.trim() });
    }
  });
  return out;
}

/** Parses and validates one calendar file. */
export function parseCalendar(
  file: string,
  text: string,
): { calendar: CalendarData | null; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const ctx: Ctx = { file, lc, out: [] };
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  for (const err of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lc.linePos(err.pos[0]);
    ctx.out.push({
      code: 'CALENDAR_YAML',
      severity: 'error',
      file,
      line,
      column: col,
      endLine: line,
      endColumn: col + 1,
      path: [],
      message: messages.CALENDAR_YAML(err.code),
    });
  }
  if (ctx.out.length > 0) return { calendar: null, diagnostics: ctx.out };
  const root = doc.contents;
  if (!isMap(root)) {
    report(ctx, 'CALENDAR_SHAPE', root as Node | null, [], '根节点须为映射 / the root must be a mapping');
    return { calendar: null, diagnostics: ctx.out };
  }
  for (const pair of root.items) {
    const k = scalarText(pair.key);
    if (k === null || !['calendar', 'year', 'source', 'holidays', 'workdays'].includes(k)) {
      report(ctx, 'CALENDAR_SHAPE', pair.key as Node, [String(k)], `unknown key ${String(k)}`);
    }
  }
  const version = root.get('calendar', true) as Node | undefined;
  if (scalarText(version) !== '1')
    report(ctx, 'CALENDAR_SHAPE', version ?? root, ['calendar'], 'calendar: 1');
  const yearNode = root.get('year', true) as Node | undefined;
  const yearText = scalarText(yearNode);
  const year = yearText !== null && /^\d{4}$/.test(yearText) ? Number(yearText) : null;
  if (year === null) {
    report(ctx, 'CALENDAR_SHAPE', yearNode ?? root, ['year'], 'year: YYYY');
    return { calendar: null, diagnostics: ctx.out };
  }
  const sourceNode = root.get('source', true) as Node | undefined;
  const source = scalarText(sourceNode);
  if (source === null || source.trim() === '')
    report(ctx, 'CALENDAR_SHAPE', sourceNode ?? root, ['source'], 'source');
  const seen = new Map<string, string>();
  const holidays = entries(ctx, root, 'holidays', year, seen);
  const workdays = entries(ctx, root, 'workdays', year, seen);
  const holidaySeq = root.get('holidays', true);
  if (!isSeq(holidaySeq) || holidaySeq.items.length === 0) {
    report(
      ctx,
      'CALENDAR_SHAPE',
      (holidaySeq as Node | undefined) ?? root,
      ['holidays'],
      'holidays 不得为空 / holidays must not be empty',
    );
  }
  const ok = !ctx.out.some((d) => d.severity === 'error');
  return { calendar: ok ? { year, holidays, workdays, source: file } : null, diagnostics: ctx.out };
}

/**
 * Parses a set of calendar files and checks them together (one file per year).
 *
 * @example
 * const { calendars, diagnostics } = loadCalendars([{ file: 'calendars/cn-2027.yaml', text }]);
 * const cal = createCalendar(sop.site, calendars);
 */
export function loadCalendars(files: readonly CalendarFile[]): LoadCalendarsResult {
  const calendars: CalendarData[] = [];
  const diagnostics: Diagnostic[] = [];
  const byYear = new Map<number, string>();
  for (const f of files) {
    const r = parseCalendar(f.file, f.text);
    diagnostics.push(...r.diagnostics);
    if (!r.calendar) continue;
    if (byYear.has(r.calendar.year)) {
      const lc = new LineCounter();
      const doc = parseDocument(f.text, { lineCounter: lc });
      report(
        { file: f.file, lc, out: diagnostics },
        'CALENDAR_DUPLICATE_YEAR',
        doc.get('year', true) as Node,
        ['year'],
        String(r.calendar.year),
      );
      continue;
    }
    byYear.set(r.calendar.year, f.file);
    calendars.push(r.calendar);
  }
  return { calendars, diagnostics };
}
