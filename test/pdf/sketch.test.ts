import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth, unitWidth, wrap } from '../../src/render/pdf/sketch.js';

/** Wrapping as first written: every candidate line measured again from its start. */
function wrapByRemeasuring(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const tok of paragraph.match(/[A-Za-z0-9.,:;'"%/()\-–]+|\s+|./gsu) ?? []) {
      const next = line + tok;
      if (line !== '' && textWidth(next, size) > width) {
        lines.push(line.trimEnd());
        line = /^\s+$/.test(tok) ? '' : tok;
      } else {
        line = next;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

const RULES =
  '本记录保存 3 年，不得撕页，不得涂改；如需更正，划线后在旁边写明并签名。Keep for 3 years, no torn pages, no alterations.';

describe('wrap', () => {
  it('keeps every line within the width, Latin words whole, and loses no text', () => {
    const lines = wrap(RULES, 9, 120);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(textWidth(l, 9)).toBeLessThanOrEqual(120);
    expect(lines.join('').replace(/\s/g, '')).toBe(RULES.replace(/\s/g, ''));
    expect(lines.some((l) => /(^|\s)alterations\.$/.test(l))).toBe(true);
  });

  it('continues a line width exactly: unitWidth(b, unitWidth(a)) is unitWidth(a + b)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(unitWidth(b, unitWidth(a))).toBe(unitWidth(a + b));
      }),
    );
  });

  it('breaks exactly where measuring each line again from its start breaks', () => {
    const piece = fc.constantFrom(
      '值',
      '班',
      '记',
      '录',
      '，',
      ' ',
      'ab',
      'Keep',
      '12:30',
      '\n',
      '（签名）',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 8, max: 200 }), (parts, width) => {
        const text = parts.join('');
        expect(wrap(text, 9, width)).toEqual(wrapByRemeasuring(text, 9, width));
      }),
      { numRuns: 300 },
    );
  });
});

describe('noLoneLastChar', () => {
  it('gives a one-character last line the previous line’s last character', async () => {
    const { noLoneLastChar } = await import('../../src/render/pdf/sketch.js');
    expect(noLoneLastChar(['本记录保存 3 年，不得撕页（4.1.8', '）'])).toEqual([
      '本记录保存 3 年，不得撕页（4.1.',
      '8）',
    ]);
    expect(noLoneLastChar(['一行', '两字'])).toEqual(['一行', '两字']);
    expect(noLoneLastChar(['只有一行'])).toEqual(['只有一行']);
  });
});
