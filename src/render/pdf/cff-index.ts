import { createRequire } from 'node:module';

/**
 * CFF INDEXes of plain byte strings (charstrings, subroutines), read on demand.
 *
 * When fontkit opens a CFF table it decodes every INDEX in full: an `{ offset, length }` object for each
 * of the 30 888 charstrings and some 25 000 local subroutines of Noto Sans Hans, through a generic
 * reader call per offset — about 25 ms, the largest single cost of a record book, which draws a few
 * hundred glyphs. Here such an INDEX becomes an array-like view that reads an entry's offsets the first
 * time the entry is asked for; everything fontkit does with these INDEXes (index, `length`, loops)
 * sees the same values. INDEXes of decoded structures (names, strings, dictionaries) are decoded as
 * before.
 *
 * fontkit's INDEX class is not exported. The first time fontkit decodes a pointer to one (restructure's
 * `Pointer`, shared with fontkit), its class's `decode` is wrapped; the hook on `Pointer` is then removed.
 */

interface DecodeStream {
  pos: number;
  readonly buffer: Uint8Array;
  readUInt8(): number;
  readUInt16BE(): number;
  readUInt32BE(): number;
}

interface CffIndex {
  type: unknown;
  getCFFVersion(parent: unknown): number;
  decode(stream: DecodeStream, parent: unknown): unknown;
}

interface Entry {
  readonly offset: number;
  readonly length: number;
}

const isIndexKey = (key: string | symbol, count: number): key is string => {
  if (typeof key !== 'string' || key === '' || key.length > 10) return false;
  const i = Number(key);
  return Number.isInteger(i) && i >= 0 && i < count && String(i) === key;
};

/** An array of `count` entries, each made by `make(i)` on first access. */
export function lazyEntries(count: number, make: (i: number) => Entry): Entry[] {
  const made: Entry[] = [];
  return new Proxy(made, {
    get(target, key, receiver) {
      if (key === 'length') return count;
      if (isIndexKey(key, count)) {
        const i = Number(key);
        let e = target[i];
        if (e === undefined) {
          e = make(i);
          target[i] = e;
        }
        return e;
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      return isIndexKey(key, count) || Reflect.has(target, key);
    },
  });
}

function lazyDecode(decode: CffIndex['decode']): CffIndex['decode'] {
  return function (this: CffIndex, stream: DecodeStream, parent: unknown): unknown {
    if (this.type !== null && this.type !== undefined) return decode.call(this, stream, parent);
    const begin = stream.pos;
    const count = this.getCFFVersion(parent) >= 2 ? stream.readUInt32BE() : stream.readUInt16BE();
    if (count === 0) return [];
    const offSize = stream.readUInt8();
    const bytes = stream.buffer;
    const first = stream.pos;
    const startPos = first + (count + 1) * offSize - 1;
    const offsetAt = (i: number): number => {
      let v = 0;
      for (let k = 0, p = first + i * offSize; k < offSize; k++) v = v * 256 + (bytes[p + k] ?? 0);
      return v;
    };
    // Anything unusual (a bad offset size, a table cut short) goes to fontkit's own reader and its errors.
    if (offSize < 1 || offSize > 4 || startPos + 1 > bytes.length) {
      stream.pos = begin;
      return decode.call(this, stream, parent);
    }
    const end = startPos + offsetAt(count);
    if (end > bytes.length) {
      stream.pos = begin;
      return decode.call(this, stream, parent);
    }
    stream.pos = end;
    return lazyEntries(count, (i) => {
      const from = offsetAt(i);
      return { offset: startPos + from, length: offsetAt(i + 1) - from };
    });
  };
}

let installed = false;

/** Makes fontkit (as `fontkitPath` resolves its restructure) read plain CFF INDEXes on demand. */
export function readCffIndexesOnDemand(fontkitPath: string): boolean {
  if (installed) return true;
  let Pointer: { prototype: { decode(this: { type?: unknown }, ...args: unknown[]): unknown } };
  try {
    ({ Pointer } = createRequire(fontkitPath)('restructure') as { Pointer: typeof Pointer });
  } catch {
    return false;
  }
  const proto = Pointer?.prototype;
  if (typeof proto?.decode !== 'function') return false;
  const decodePointer = proto.decode;
  proto.decode = function (this: { type?: unknown }, ...args: unknown[]): unknown {
    const index = this.type as Partial<CffIndex> | null | undefined;
    if (index && typeof index.getCFFVersion === 'function' && typeof index.decode === 'function') {
      const indexClass = Object.getPrototypeOf(index) as CffIndex;
      indexClass.decode = lazyDecode(indexClass.decode);
      proto.decode = decodePointer;
    }
    return decodePointer.apply(this, args);
  };
  installed = true;
  return true;
}
