import type * as fontkit from 'fontkit';

/**
 * A faster font subset for CID-keyed CFF fonts such as Noto Sans Hans.
 *
 * fontkit's CFF subsetter keeps the font's subroutines: every glyph's charstring calls shared
 * subroutines, so it writes the full subroutine index of each font dictionary used (22 293 entries
 * for the ideographs) with only the used entries filled in. Encoding that index is most of the time
 * a Chinese PDF spends on its font. This subsetter writes charstrings that need no subroutines, so
 * there is nothing to index and the subset is smaller as well: each glyph's own charstring with every
 * subroutine call replaced by the subroutine's bytes (`inlineSubroutines`; width and hints unchanged),
 * or, for a charstring that uses something this does not follow, one written from the glyph's outline
 * (`charstringFromPath`, without hints).
 *
 * It replaces two methods of a fontkit `CFFSubset` instance; the rest of fontkit's encoder (top
 * dictionary, FDSelect, charset, strings) is used as is.
 */

interface PathCommand {
  readonly command: string;
  readonly args: readonly number[];
}

interface CffInternals {
  readonly isCIDFont: boolean;
  readonly topDict: {
    readonly FDArray?: readonly {
      readonly Private?: { readonly nominalWidthX?: number; readonly defaultWidthX?: number } | null;
    }[];
  };
  fdForGlyph(gid: number): number | null;
}

interface CffTables {
  readonly stream: { readonly buffer: Uint8Array };
  readonly globalSubrIndex?: IndexEntries;
  readonly topDict: {
    readonly CharStrings: IndexEntries;
    readonly FDArray?: readonly { readonly Private?: { readonly Subrs?: IndexEntries | null } | null }[];
  };
}

interface CffSubset {
  readonly glyphs: readonly number[];
  readonly cff: CffInternals;
  charstrings: Uint8Array[];
  gsubrs: Uint8Array[];
  subsetCharstrings(): void;
  subsetFontdict(topDict: Record<string, unknown>): void;
}

/** Type 2 charstring number encoding (integers in 1, 2 or 3 bytes; other values as 16.16 fixed). */
function pushNumber(out: number[], v: number): void {
  if (Number.isInteger(v) && v >= -107 && v <= 107) {
    out.push(v + 139);
  } else if (Number.isInteger(v) && v >= 108 && v <= 1131) {
    const w = v - 108;
    out.push((w >> 8) + 247, w & 0xff);
  } else if (Number.isInteger(v) && v >= -1131 && v <= -108) {
    const w = -v - 108;
    out.push((w >> 8) + 251, w & 0xff);
  } else if (Number.isInteger(v) && v >= -32768 && v <= 32767) {
    out.push(28, (v >> 8) & 0xff, v & 0xff);
  } else {
    const fixed = Math.round(v * 65536) | 0;
    out.push(255, (fixed >>> 24) & 0xff, (fixed >>> 16) & 0xff, (fixed >>> 8) & 0xff, fixed & 0xff);
  }
}

const RMOVETO = 21;
const RLINETO = 5;
const RRCURVETO = 8;
const ENDCHAR = 14;

/**
 * A glyph outline (absolute font units, y up) as a subroutine-free Type 2 charstring. `width` is the
 * width operand (advance − nominalWidthX), or `null` when the advance is the dictionary's default.
 */
export function charstringFromPath(
  commands: readonly PathCommand[],
  width: number | null = null,
): Uint8Array {
  const out: number[] = [];
  // The width, when given, is the first operand of the first stack-clearing operator.
  if (width !== null) pushNumber(out, width);
  let x = 0;
  let y = 0;
  const rel = (ax: number, ay: number): void => {
    pushNumber(out, ax - x);
    pushNumber(out, ay - y);
    x = ax;
    y = ay;
  };
  for (const { command, args } of commands) {
    const a = args.map((n) => Math.round(n * 1000) / 1000);
    switch (command) {
      case 'moveTo':
        rel(a[0] ?? 0, a[1] ?? 0);
        out.push(RMOVETO);
        break;
      case 'lineTo':
        rel(a[0] ?? 0, a[1] ?? 0);
        out.push(RLINETO);
        break;
      case 'bezierCurveTo':
        rel(a[0] ?? 0, a[1] ?? 0);
        rel(a[2] ?? 0, a[3] ?? 0);
        rel(a[4] ?? 0, a[5] ?? 0);
        out.push(RRCURVETO);
        break;
      case 'quadraticCurveTo': {
        // Not produced from CFF outlines; converted exactly to a cubic should it ever appear.
        const [qx, qy, ex, ey] = [a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0];
        const sx = x;
        const sy = y;
        rel(sx + (2 / 3) * (qx - sx), sy + (2 / 3) * (qy - sy));
        rel(ex + (2 / 3) * (qx - ex), ey + (2 / 3) * (qy - ey));
        rel(ex, ey);
        out.push(RRCURVETO);
        break;
      }
      default:
        // closePath: a Type 2 path closes itself at the next moveto or at endchar.
        break;
    }
  }
  out.push(ENDCHAR);
  return Uint8Array.from(out);
}

/** Entries of a CFF INDEX as fontkit gives them: where each item's bytes are in the font. */
export interface IndexEntries {
  readonly length: number;
  readonly [i: number]: { readonly offset: number; readonly length: number } | undefined;
}

/** The number Type 2 charstrings add to a subroutine operand, by the number of subroutines. */
const subrBias = (count: number): number => (count < 1240 ? 107 : count < 33900 ? 1131 : 32768);

/** Path-building operators that only consume the operands before them. */
const PATH_OPERATORS = new Set([4, 5, 6, 7, 8, 21, 22, 24, 25, 26, 27, 30, 31]);
/** The flex operators (escape 12, then 34–37). */
const FLEX_OPERATORS = new Set([34, 35, 36, 37]);

/**
 * A Type 2 charstring with every subroutine call replaced by the subroutine's bytes, so that it needs
 * no subroutines. Everything else (width, hints, hint masks, outline) is copied as it is. `bytesOf`
 * gives an INDEX entry's bytes. Returns `null` for anything this does not follow — arithmetic or
 * storage operators, a computed subroutine number, an `endchar` that composes an accented glyph —
 * and the caller then writes the glyph from its outline instead.
 */
export function inlineSubroutines(
  charstring: Uint8Array,
  local: IndexEntries | null,
  global: IndexEntries,
  bytesOf: (entry: { readonly offset: number; readonly length: number }) => Uint8Array,
): Uint8Array | null {
  const out: number[] = [];
  let operands = 0; // on the argument stack
  let stems = 0; // declared so far: a hint mask has one bit per stem
  let lastNumber = 0;
  let lastStart = -1; // where the last operand starts in `out`, while it is the top of the stack
  let ended = false;
  const run = (bytes: Uint8Array, depth: number): boolean => {
    if (depth > 10) return false; // Type 2 allows 10 nested calls
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      if (b >= 32 || b === 28) {
        const b1 = bytes[i + 1] ?? 0;
        let size = 1;
        if (b === 28) {
          lastNumber = (((b1 << 8) | (bytes[i + 2] ?? 0)) << 16) >> 16;
          size = 3;
        } else if (b <= 246) {
          lastNumber = b - 139;
        } else if (b <= 250) {
          lastNumber = (b - 247) * 256 + b1 + 108;
          size = 2;
        } else if (b <= 254) {
          lastNumber = -(b - 251) * 256 - b1 - 108;
          size = 2;
        } else {
          lastNumber = Number.NaN; // 16.16 fixed: never a subroutine number
          size = 5;
        }
        if (i + size > bytes.length) return false;
        lastStart = out.length;
        for (let k = 0; k < size; k++) out.push(bytes[i + k] ?? 0);
        operands++;
        i += size;
        continue;
      }
      if (b === 10 || b === 29) {
        // callsubr / callgsubr: drop the subroutine number just written, copy the subroutine in its place.
        const subrs = b === 10 ? local : global;
        if (!subrs || lastStart < 0 || !Number.isInteger(lastNumber)) return false;
        const entry = subrs[lastNumber + subrBias(subrs.length)];
        if (!entry) return false;
        out.length = lastStart;
        operands--;
        lastStart = -1;
        if (!run(bytesOf(entry), depth + 1)) return false;
        if (ended) return true;
        i++;
        continue;
      }
      lastStart = -1;
      if (b === 11) return true; // return: the end of this subroutine
      if (b === 14) {
        if (operands >= 4) return false; // endchar with accent components (seac)
        out.push(14);
        ended = true;
        return true;
      }
      if (b === 1 || b === 3 || b === 18 || b === 23) {
        // hstem, vstem, hstemhm, vstemhm: operand pairs (an odd first operand is the width)
        stems += operands >> 1;
        out.push(b);
        operands = 0;
        i++;
        continue;
      }
      if (b === 19 || b === 20) {
        // hintmask, cntrmask: operands before it are vstems; then one bit per stem.
        stems += operands >> 1;
        const maskBytes = (stems + 7) >> 3;
        if (i + 1 + maskBytes > bytes.length) return false;
        for (let k = 0; k <= maskBytes; k++) out.push(bytes[i + k] ?? 0);
        operands = 0;
        i += 1 + maskBytes;
        continue;
      }
      if (b === 12) {
        const op = bytes[i + 1] ?? 0;
        if (!FLEX_OPERATORS.has(op)) return false;
        out.push(12, op);
        operands = 0;
        i += 2;
        continue;
      }
      if (!PATH_OPERATORS.has(b)) return false;
      out.push(b);
      operands = 0;
      i++;
    }
    return true;
  };
  if (!run(charstring, 0)) return null;
  if (!ended) out.push(14);
  return Uint8Array.from(out);
}

interface OutlineGlyph {
  readonly path: { readonly commands: readonly PathCommand[] };
  readonly advanceWidth: number;
}

/**
 * The outline of glyph `gid`, without leaving the glyph in fontkit's per-font cache. fontkit caches a
 * glyph with the characters it was first asked for; one built here from its id alone would have none,
 * and a later document laid out with the same font (shaped text, `doc/pdf.ts`) would get it from the
 * cache and write no ToUnicode entry for it — its text would then depend on what was rendered before.
 */
function uncachedGlyph(font: fontkit.Font, gid: number): OutlineGlyph {
  const cache = (font as unknown as { _glyphs?: Record<number, unknown> })._glyphs;
  const cached = cache === undefined || cache[gid] !== undefined;
  const glyph = font.getGlyph(gid) as unknown as OutlineGlyph;
  const outline = { path: glyph.path, advanceWidth: glyph.advanceWidth };
  if (!cached) delete cache[gid];
  return outline;
}

/**
 * Makes `subset` (a fontkit CFF subset of a CID-keyed font) write subroutine-free charstrings.
 * Returns `false`, changing nothing, for fonts it does not handle.
 */
export function desubroutinize(subset: unknown, font: fontkit.Font): boolean {
  const s = subset as Partial<CffSubset>;
  const cff = s.cff;
  if (!cff?.isCIDFont || typeof s.subsetCharstrings !== 'function' || typeof s.subsetFontdict !== 'function')
    return false;
  const target = s as CffSubset;
  target.subsetCharstrings = function (this: CffSubset): void {
    const cff = this.cff as CffInternals & CffTables;
    const bytes = cff.stream.buffer;
    const bytesOf = (e: { readonly offset: number; readonly length: number }) =>
      bytes.subarray(e.offset, e.offset + e.length);
    this.charstrings = this.glyphs.map((gid) => {
      const fdIndex = cff.fdForGlyph(gid);
      const local = fdIndex === null ? null : (cff.topDict.FDArray?.[fdIndex]?.Private?.Subrs ?? null);
      const own = cff.topDict.CharStrings[gid];
      const inlined = own ? inlineSubroutines(bytesOf(own), local, cff.globalSubrIndex ?? [], bytesOf) : null;
      if (inlined) return inlined;
      const glyph = uncachedGlyph(font, gid);
      // Keep the font program's widths equal to the PDF's /W widths (preflight checks compare them).
      const fd = this.cff.fdForGlyph(gid);
      const priv = fd === null || fd === undefined ? null : this.cff.topDict.FDArray?.[fd]?.Private;
      const nominal = priv?.nominalWidthX ?? 0;
      const fallback = priv?.defaultWidthX ?? 0;
      const width = glyph.advanceWidth === fallback ? null : glyph.advanceWidth - nominal;
      return charstringFromPath(glyph.path.commands, width);
    });
    this.gsubrs = [];
  };
  target.subsetFontdict = function (this: CffSubset, topDict: Record<string, unknown>): void {
    const fdArray: Record<string, unknown>[] = [];
    const fds: number[] = [];
    const index = new Map<number, number>();
    for (const gid of this.glyphs) {
      const fd = this.cff.fdForGlyph(gid);
      if (fd === null || fd === undefined) continue;
      let i = index.get(fd);
      if (i === undefined) {
        const dict: Record<string, unknown> = { ...(this.cff.topDict.FDArray?.[fd] ?? {}) };
        delete dict.FontName;
        if (dict.Private && typeof dict.Private === 'object')
          dict.Private = { ...(dict.Private as object), Subrs: null };
        fdArray.push(dict);
        i = fdArray.length - 1;
        index.set(fd, i);
      }
      fds.push(i);
    }
    topDict.FDArray = fdArray;
    topDict.FDSelect = { version: 0, fds };
  };
  return true;
}
