import { readFileSync } from 'node:fs';
import { types } from 'node:util';
// fontkit's ES module build: a separate copy with its own restructure, reading CFF the original way.
import * as reference from 'fontkit';
import { describe, expect, it } from 'vitest';
import { lazyEntries } from '../../src/render/pdf/cff-index.js';
import { fontPath } from '../../src/render/pdf/font.js';
// The PDF code's fontkit first, so its CFF reading is set up before anything else loads fontkit.
import { fontkit } from '../../src/render/pdf/pdfkit.js';

interface Entry {
  offset: number;
  length: number;
}
interface Cff {
  globalSubrIndex: Entry[];
  topDict: { CharStrings: Entry[]; FDArray: { Private?: { Subrs?: Entry[] | null } | null }[] };
  getCharString(gid: number): Uint8Array;
}

const bytes = readFileSync(fontPath('Regular'));
const ours = fontkit.create(bytes) as reference.Font;
const theirs = reference.create(bytes) as reference.Font;
const cffOf = (f: reference.Font) => (f as unknown as Record<string, Cff>)['CFF '] as Cff;

/** Every 997th index, the first three and the last. */
function sample(length: number): number[] {
  const out = new Set([0, 1, 2, length - 1]);
  for (let i = 0; i < length; i += 997) out.add(i);
  return [...out].filter((i) => i >= 0 && i < length);
}

describe('CFF INDEXes read on demand', () => {
  it('are in use for the charstrings and subroutines of the print font', () => {
    const cff = cffOf(ours);
    expect(types.isProxy(cff.topDict.CharStrings)).toBe(true);
    expect(types.isProxy(cff.globalSubrIndex)).toBe(true);
    expect(types.isProxy(cffOf(theirs).topDict.CharStrings)).toBe(false);
  });

  it('give the entries fontkit reads, for charstrings, global and local subroutines', () => {
    const a = cffOf(ours);
    const b = cffOf(theirs);
    const pairs: [Entry[], Entry[]][] = [
      [a.topDict.CharStrings, b.topDict.CharStrings],
      [a.globalSubrIndex, b.globalSubrIndex],
      ...a.topDict.FDArray.map(
        (fd, i) =>
          [fd.Private?.Subrs ?? [], b.topDict.FDArray[i]?.Private?.Subrs ?? []] as [Entry[], Entry[]],
      ),
    ];
    expect(a.topDict.FDArray.length).toBe(b.topDict.FDArray.length);
    for (const [x, y] of pairs) {
      expect(x.length).toBe(y.length);
      for (const i of sample(y.length)) expect({ ...x[i] }).toEqual({ ...y[i] });
      expect(x[y.length]).toBeUndefined();
    }
    expect(a.topDict.CharStrings.length).toBe(30888);
  });

  it('give the same charstrings and outlines, Chinese and Latin', () => {
    const gids = [
      ...sample(30888),
      ...[...'值班与交接班記録灭火器aWg0（：'].map((c) => theirs.glyphForCodePoint(c.codePointAt(0) ?? 0).id),
    ];
    for (const gid of gids) {
      expect(Buffer.from(cffOf(ours).getCharString(gid))).toEqual(
        Buffer.from(cffOf(theirs).getCharString(gid)),
      );
      expect(ours.getGlyph(gid).path.toSVG(), String(gid)).toBe(theirs.getGlyph(gid).path.toSVG());
    }
  });

  it("still serve fontkit's own subsetter, which copies subroutines in a loop", () => {
    const encode = (font: reference.Font) => {
      const subset = font.createSubset() as unknown as {
        includeGlyph(g: number): number;
        encode(): Uint8Array;
      };
      for (const c of '值班记录aW0') subset.includeGlyph(theirs.glyphForCodePoint(c.codePointAt(0) ?? 0).id);
      return Buffer.from(subset.encode());
    };
    const mine = encode(ours);
    expect(mine.length).toBeGreaterThan(10_000);
    expect(mine.equals(encode(theirs))).toBe(true);
  });

  it('behave as arrays: holes are never seen, loops and copies see every entry', () => {
    let made = 0;
    const list = lazyEntries(5, (i) => {
      made++;
      return { offset: i * 10, length: 10 };
    });
    expect(made).toBe(0);
    expect(list.length).toBe(5);
    expect(list[3]).toEqual({ offset: 30, length: 10 });
    expect(list[3]).toBe(list[3]);
    expect(made).toBe(1);
    expect(2 in list).toBe(true);
    expect(5 in list).toBe(false);
    expect(list[5]).toBeUndefined();
    expect(list.map((e) => e.offset)).toEqual([0, 10, 20, 30, 40]);
    expect([...list].length).toBe(5);
    expect(list.slice(1, 3)).toEqual([
      { offset: 10, length: 10 },
      { offset: 20, length: 10 },
    ]);
    expect(Array.isArray(list)).toBe(true);
  });
});
