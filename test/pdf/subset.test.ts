import { readFileSync } from 'node:fs';
import type * as Fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { fontPath, glyphInfo, loadFont } from '../../src/render/pdf/font.js';
import { fontkit } from '../../src/render/pdf/pdfkit.js';
import {
  charstringFromPath,
  desubroutinize,
  type IndexEntries,
  inlineSubroutines,
} from '../../src/render/pdf/subset.js';

/** Reads back the charstrings `charstringFromPath` writes: numbers and rmoveto/rlineto/rrcurveto/endchar. */
function decode(bytes: Uint8Array): {
  width: number | null;
  commands: { command: string; args: number[] }[];
} {
  const commands: { command: string; args: number[] }[] = [];
  let stack: number[] = [];
  let width: number | null = null;
  let first = true;
  let x = 0;
  let y = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b >= 32 && b <= 246) {
      stack.push(b - 139);
      i += 1;
    } else if (b >= 247 && b <= 250) {
      stack.push((b - 247) * 256 + (bytes[i + 1] ?? 0) + 108);
      i += 2;
    } else if (b >= 251 && b <= 254) {
      stack.push(-(b - 251) * 256 - (bytes[i + 1] ?? 0) - 108);
      i += 2;
    } else if (b === 28) {
      stack.push(((((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)) << 16) >> 16);
      i += 3;
    } else if (b === 255) {
      stack.push(new DataView(bytes.buffer, bytes.byteOffset + i + 1, 4).getInt32(0) / 65536);
      i += 5;
    } else {
      const arity = b === 21 ? 2 : b === 5 ? 2 : b === 8 ? 6 : 0;
      if (first && stack.length > arity) width = stack.shift() ?? null;
      first = false;
      const abs: number[] = [];
      for (let k = 0; k < stack.length; k += 2) {
        x += stack[k] ?? 0;
        y += stack[k + 1] ?? 0;
        abs.push(x, y);
      }
      if (b === 21) commands.push({ command: 'moveTo', args: abs });
      else if (b === 5) commands.push({ command: 'lineTo', args: abs });
      else if (b === 8) commands.push({ command: 'bezierCurveTo', args: abs });
      else if (b !== 14) throw new Error(`unexpected operator ${b}`);
      stack = [];
      i += 1;
    }
  }
  return { width, commands };
}

describe('subroutine-free charstrings', () => {
  it('encode numbers of every size and the width operand', () => {
    const cs = charstringFromPath(
      [
        { command: 'moveTo', args: [10, -20] },
        { command: 'lineTo', args: [500, 1200] },
        { command: 'lineTo', args: [-40000 / 2, 0.5] },
        { command: 'closePath', args: [] },
      ],
      -71,
    );
    const back = decode(cs);
    expect(back.width).toBe(-71);
    expect(back.commands).toEqual([
      { command: 'moveTo', args: [10, -20] },
      { command: 'lineTo', args: [500, 1200] },
      { command: 'lineTo', args: [-20000, 0.5] },
    ]);
    expect(cs[cs.length - 1]).toBe(14);
  });

  it('reproduce the outlines of real glyphs, Chinese and Latin', () => {
    const font = loadFont('Regular');
    for (const ch of ['值', '灭', '録', '0', 'a', 'W', '（', '：']) {
      const glyph = font.glyphForCodePoint(ch.codePointAt(0) ?? 0);
      const original = glyph.path.commands.filter((c) => c.command !== 'closePath');
      const back = decode(charstringFromPath(glyph.path.commands, 123));
      expect(back.width, ch).toBe(123);
      expect(back.commands.length, ch).toBe(original.length);
      back.commands.forEach((c, i) => {
        expect(c.command, ch).toBe(original[i]?.command);
        c.args.forEach((v, k) => {
          expect(v, ch).toBeCloseTo(original[i]?.args[k] ?? Number.NaN, 2);
        });
      });
    }
  });

  it('leave no glyph without its characters in the font shared with shaped documents', () => {
    const font = fontkit.create(readFileSync(fontPath('Regular'))) as Fontkit.Font;
    const subset = font.createSubset() as unknown as {
      includeGlyph(id: number): number;
      encode(): Uint8Array;
    };
    expect(desubroutinize(subset, font)).toBe(true);
    for (const ch of '值班记录') subset.includeGlyph(glyphInfo(font, ch.codePointAt(0) ?? 0).id);
    expect(subset.encode().length).toBeGreaterThan(1000);
    // A document laid out afterwards with the same font still maps each glyph back to its character.
    for (const ch of '值班记录')
      expect(font.glyphForCodePoint(ch.codePointAt(0) ?? 0).codePoints).toEqual([ch.codePointAt(0)]);
  });
});

/** A bare CFF table in the smallest OpenType container fontkit opens (an 'OTTO' directory of one table). */
function otfWithCff(cff: Uint8Array): Buffer {
  const head = Buffer.alloc(12 + 16);
  head.write('OTTO', 0, 'latin1');
  head.writeUInt16BE(1, 4); // numTables
  head.writeUInt16BE(16, 6); // searchRange
  head.write('CFF ', 12, 'latin1');
  head.writeUInt32BE(0, 16); // checksum (not checked)
  head.writeUInt32BE(head.length, 20); // offset
  head.writeUInt32BE(cff.length, 24); // length
  return Buffer.concat([head, Buffer.from(cff)]);
}

/** An INDEX over byte strings laid out one after another in `bytes`. */
function indexOf(parts: number[][]): {
  entries: IndexEntries;
  bytesOf: (e: { offset: number; length: number }) => Uint8Array;
} {
  const bytes = Uint8Array.from(parts.flat());
  const entries: { offset: number; length: number }[] = [];
  let at = 0;
  for (const p of parts) {
    entries.push({ offset: at, length: p.length });
    at += p.length;
  }
  return { entries, bytesOf: (e) => bytes.subarray(e.offset, e.offset + e.length) };
}

describe('subroutines inlined into charstrings', () => {
  it('give a subset that draws every sampled glyph exactly as the font does, read back by fontkit', () => {
    const font = fontkit.create(readFileSync(fontPath('Regular'))) as Fontkit.Font;
    const reference = fontkit.create(readFileSync(fontPath('Regular'))) as Fontkit.Font;
    const subset = font.createSubset() as unknown as {
      glyphs: number[];
      includeGlyph(id: number): number;
      encode(): Uint8Array;
    };
    expect(desubroutinize(subset, font)).toBe(true);
    const gids = new Set<number>();
    for (let g = 1; g < reference.numGlyphs; g += 53) gids.add(g);
    for (const ch of '值班与交接班记录灭火器对讲机第页共（）：、。aWg0123456789') {
      gids.add(reference.glyphForCodePoint(ch.codePointAt(0) ?? 0).id);
    }
    for (const g of gids) subset.includeGlyph(g);
    const back = fontkit.create(otfWithCff(subset.encode())) as Fontkit.Font;
    expect(subset.glyphs.length).toBeGreaterThan(600);
    subset.glyphs.forEach((gid, i) => {
      expect(back.getGlyph(i).path.toSVG(), `glyph ${gid}`).toBe(reference.getGlyph(gid).path.toSVG());
    });
  });

  it('replace a call by the subroutine, with the bias, and count stems for hint masks', () => {
    // local subroutine 0 (operand -107 with bias 107): 50 50 rmoveto return
    const local = indexOf([[189, 189, 21, 11]]);
    // width 100, two hstems, hintmask (one mask byte), callsubr 0, 10 0 rlineto, endchar
    const cs = Uint8Array.from([239, 139, 149, 159, 169, 1, 19, 0xc0, 32, 10, 149, 139, 5, 14]);
    const out = inlineSubroutines(cs, local.entries, [], local.bytesOf);
    expect(out && [...out]).toEqual([239, 139, 149, 159, 169, 1, 19, 0xc0, 189, 189, 21, 149, 139, 5, 14]);
  });

  it('give up, for the outline to be used instead, on what they do not follow', () => {
    const none = indexOf([]);
    // 1 2 add (escape 12 10): arithmetic
    expect(inlineSubroutines(Uint8Array.from([140, 141, 12, 10, 14]), null, [], none.bytesOf)).toBeNull();
    // endchar with four operands composes an accented glyph (seac)
    expect(inlineSubroutines(Uint8Array.from([139, 139, 139, 139, 14]), null, [], none.bytesOf)).toBeNull();
    // a call to a subroutine that is not there
    expect(inlineSubroutines(Uint8Array.from([139, 10, 14]), none.entries, [], none.bytesOf)).toBeNull();
  });
});
