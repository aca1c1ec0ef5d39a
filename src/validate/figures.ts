/**
 * Figures stated in Chinese text: an amount and a unit (`2天`, `两天`, `1 周内`, `十五分钟`, `24 小时`, `3年`,
 * `铃响三声`). The consistency rules compare them with the durations and counts the rules state.
 *
 * A figure is a numeral (Arabic digits, full-width digits or Chinese numerals 零〇一二两三…十百千万, or 半)
 * followed, after optional spaces and an optional 个, by a unit. What is not a duration is left alone:
 * times of day (`8:30`, `8点30分`), dates (`2026年1月1日`), ordinals (`第一天`), weekdays (`周一`, `星期一`,
 * where the numeral follows the unit),
 * `十分` meaning "very" (`十分重要`), and fractions and percentages (`百分之五`, `十分之一`).
 */
import type { DurationUnit } from '../model/types.js';

/** A unit a figure can have: a duration unit, or rings of a telephone (声). */
export type FigureUnit = DurationUnit | 'ring';

export interface Figure {
  readonly amount: number;
  readonly unit: FigureUnit;
  /** The figure as written (`两天`, `24 小时`). */
  readonly text: string;
  /** Offset of the figure in the text. */
  readonly index: number;
}

/** Unit words, longest first so that 分钟 wins over 分 and 星期 over 期. */
const UNITS: readonly (readonly [string, FigureUnit])[] = [
  ['分钟', 'm'],
  ['小时', 'h'],
  ['钟头', 'h'],
  ['星期', 'w'],
  ['礼拜', 'w'],
  ['分', 'm'],
  ['天', 'd'],
  ['日', 'd'],
  ['周', 'w'],
  ['月', 'mo'],
  ['年', 'y'],
  ['声', 'ring'],
];

const DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const MULTIPLIERS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

const NUMERAL = /[0-9０-９]+|[零〇一二两三四五六七八九十百千万]+|半/gu;

/**
 * The value of a Chinese numeral (`十五` 15, `二十四` 24, `一百零五` 105, `两` 2), or `null` when it is not one.
 *
 * @example
 * chineseNumber('二十四'); // 24
 */
export function chineseNumber(text: string): number | null {
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    const d = DIGITS[ch];
    if (d !== undefined) {
      // Two digits in a row (`一二`) is a list of digits, not a number this parser reads.
      if (digit !== null && digit !== 0) return null;
      digit = d;
      continue;
    }
    const mult = MULTIPLIERS[ch];
    if (mult === undefined) return null;
    if (mult === 10000) {
      total += (section + (digit ?? 0)) * 10000;
      section = 0;
    } else section += (digit ?? 1) * mult;
    digit = null;
  }
  return total + section + (digit ?? 0);
}

function numberValue(text: string): number | null {
  if (text === '半') return 0.5;
  if (/^[0-9０-９]+$/u.test(text)) {
    // Full-width digits (０–９) are read as their ASCII forms.
    return Number([...text].map((c) => (c >= '０' ? String((c.codePointAt(0) ?? 0) - 0xff10) : c)).join(''));
  }
  return chineseNumber(text);
}

/**
 * Every figure of `text`, in order.
 *
 * @example
 * extractFigures('如果在2天内未能处理完毕，1 周内转由经理处理'); // [{ amount: 2, unit: 'd' }, { amount: 1, unit: 'w' }]
 */
export function extractFigures(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.matchAll(NUMERAL)) {
    const numeral = m[0];
    const at = m.index;
    const before = text[at - 1] ?? '';
    // An ordinal (第一天), or the tail of a time of day or decimal (8:30, 8点30分, 1.5).
    if (before === '第' || /[0-9:：.．点时]/u.test(before)) continue;
    let rest = text.slice(at + numeral.length);
    const spaces = /^[ \u3000]*/u.exec(rest)?.[0] ?? '';
    rest = rest.slice(spaces.length);
    const ge = rest.startsWith('个') ? '个' : '';
    rest = rest.slice(ge.length);
    const unit = UNITS.find(([word]) => rest.startsWith(word));
    if (!unit) continue;
    const [word, kind] = unit;
    const after = rest.slice(word.length);
    // Parts of a date (2026年1月1日, 1月1日) are not durations: a 年, 月 or 日 followed by a numeral, or a
    // numeral after 年 or 月.
    if (
      !ge &&
      (word === '年' || word === '月' || word === '日') &&
      (/^[0-9０-９一二两三四五六七八九十]/u.test(after) || before === '年' || before === '月')
    )
      continue;
    if (word === '分') {
      // 十分重要 (very), 百分之五 and 十分之一 (fractions) are not minutes.
      if (after.startsWith('之') || numeral === '十') continue;
    }
    const amount = numberValue(numeral);
    if (amount === null) continue;
    // 半年 is six months (a year is not an exact length to halve).
    const halfYear = numeral === '半' && kind === 'y';
    out.push({
      amount: halfYear ? 6 : amount,
      unit: halfYear ? 'mo' : kind,
      text: text.slice(at, at + numeral.length + spaces.length + ge.length + word.length),
      index: at,
    });
  }
  return out;
}

const EXACT_MINUTES: Partial<Record<FigureUnit, number>> = { m: 1, h: 60, d: 1440, w: 10080 };
const MONTHS: Partial<Record<FigureUnit, number>> = { mo: 1, y: 12 };

/**
 * Whether two figures state the same length: equal minutes for minutes … weeks (2 天 = 48 小时), equal
 * months for months and years (1 年 = 12 个月), equal counts of rings.
 */
export function sameFigure(
  a: { amount: number; unit: FigureUnit },
  b: { amount: number; unit: FigureUnit },
): boolean {
  for (const scale of [EXACT_MINUTES, MONTHS]) {
    const x = scale[a.unit];
    const y = scale[b.unit];
    if (x !== undefined && y !== undefined) return a.amount * x === b.amount * y;
  }
  return a.unit === b.unit && a.amount === b.amount;
}
