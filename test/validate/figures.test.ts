import { describe, expect, it } from 'vitest';
import { chineseNumber, extractFigures, sameFigure } from '../../src/validate/figures.js';

/** Phrases and the figures they state, as `amount unit` (`ring` for 声). */
const phrases: readonly (readonly [string, readonly string[]])[] = [
  ['两天', ['2 d']],
  ['二天', ['2 d']],
  ['三声', ['3 ring']],
  ['铃响三声', ['3 ring']],
  ['值班人员应在电话铃响三声内接听电话；', ['3 ring']],
  ['十五分钟', ['15 m']],
  ['交班前15分钟将公物摆放整齐', ['15 m']],
  ['一周', ['1 w']],
  ['1 周内', ['1 w']],
  ['一个星期', ['1 w']],
  ['两个星期', ['2 w']],
  ['24 小时', ['24 h']],
  ['节假日24小时值班。', ['24 h']],
  ['二十四小时', ['24 h']],
  ['3年', ['3 y']],
  ['保存期3年。', ['3 y']],
  ['保存期三年', ['3 y']],
  ['提前5分钟', ['5 m']],
  ['提前 5 分钟', ['5 m']],
  ['提前５分钟', ['5 m']],
  ['6个月', ['6 mo']],
  ['六个月', ['6 mo']],
  ['半年', ['6 mo']],
  ['半小时', ['0.5 h']],
  ['一百天', ['100 d']],
  ['一百零五天', ['105 d']],
  ['30分', ['30 m']],
  ['三十分', ['30 m']],
  ['48 小时', ['48 h']],
  ['5日内', ['5 d']],
  ['如果在2天内未能处理完毕的情况，转由客服主管负责处理。如果能在1周内处理完毕的', ['2 d', '1 w']],
  // not figures
  ['每天', []],
  ['每日', []],
  ['每周一须对上周本部门记录进行审核', []],
  ['星期一', []],
  ['第一天', []],
  ['统一接待业主的流程', []],
  ['十分重要', []],
  ['百分之五', []],
  ['十分之一', []],
  ['正常的值班时间为：17:30-次日8:30', []],
  ['晚6:00-10:00', []],
  ['8点30分', []],
  ['每月底前', []],
  ['2026年1月1日起执行', []],
  ['每年1月检查', []],
  ['每月5日前', []],
  ['两年零三个月', ['2 y', '3 mo']],
  ['一般情况下', []],
];

describe('extractFigures', () => {
  it.each(phrases)('%s → %o', (text, want) => {
    expect(extractFigures(text).map((f) => `${f.amount} ${f.unit}`)).toEqual(want);
  });

  it('keeps the spelling and offset of each figure', () => {
    expect(extractFigures('提前 5 分钟赶到，铃响三声内接听')).toEqual([
      { amount: 5, unit: 'm', text: '5 分钟', index: 3 },
      { amount: 3, unit: 'ring', text: '三声', index: 12 },
    ]);
  });
});

describe('chineseNumber', () => {
  it.each([
    ['一', 1],
    ['两', 2],
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['二十四', 24],
    ['一百', 100],
    ['一百零五', 105],
    ['两千', 2000],
    ['一万', 10000],
  ] as const)('%s = %d', (text, n) => {
    expect(chineseNumber(text)).toBe(n);
  });

  it('refuses digits in a row, which are not a number', () => {
    expect(chineseNumber('一二')).toBeNull();
  });
});

describe('sameFigure', () => {
  it('compares exact lengths in minutes, months with years, and rings only with rings', () => {
    expect(sameFigure({ amount: 2, unit: 'd' }, { amount: 48, unit: 'h' })).toBe(true);
    expect(sameFigure({ amount: 1, unit: 'w' }, { amount: 7, unit: 'd' })).toBe(true);
    expect(sameFigure({ amount: 2, unit: 'd' }, { amount: 3, unit: 'd' })).toBe(false);
    expect(sameFigure({ amount: 1, unit: 'y' }, { amount: 12, unit: 'mo' })).toBe(true);
    expect(sameFigure({ amount: 1, unit: 'y' }, { amount: 365, unit: 'd' })).toBe(false);
    expect(sameFigure({ amount: 3, unit: 'ring' }, { amount: 3, unit: 'm' })).toBe(false);
  });
});
