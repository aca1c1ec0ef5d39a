import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glyphInfo, loadFont } from '../../src/render/pdf/font.js';
import { unitWidth } from '../../src/render/pdf/sketch.js';
import { ROOT } from '../helpers.js';

describe('the advance-width table text is measured with', () => {
  it('gives every character exactly the advance the font gives it, and .notdef’s to the ones it lacks', () => {
    const font = loadFont('Regular');
    const points = [...font.characterSet, 0x10ffff, 0xe000, 0x2fa1f, 0x1f600];
    let differ = 0;
    for (const cp of points) {
      const expected = glyphInfo(font, cp).advanceWidth / font.unitsPerEm;
      if (unitWidth(String.fromCodePoint(cp)) !== expected) differ++;
    }
    expect(points.length).toBeGreaterThan(30_000);
    expect(differ).toBe(0);
  });

  it('is what the script makes from the installed font', () => {
    const file = join(ROOT, 'src/render/pdf/advances.ts');
    const before = readFileSync(file, 'utf8');
    execFileSync(process.execPath, [join(ROOT, 'scripts/font-advances.mjs')], { cwd: ROOT });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
