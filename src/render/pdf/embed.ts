import { createHash } from 'node:crypto';

/**
 * How an embedded font subset is named and mapped back to text, for files that go through a print
 * shop's pipeline.
 *
 * - **Subset tag from the subset's content.** pdfkit derives the six-letter tag (`XXXXXX+` before the
 *   font's name) from the font's resource id (`F1`, `F2` …), so every sopforge file had the same name
 *   for a different subset. RIPs and merging tools that cache fonts by name then draw one file's text
 *   with another file's glyphs. Here the tag is taken from a sha256 of the font's name, the subset's
 *   bytes and its ToUnicode map: the same subset always gets the same tag, a different one (almost
 *   surely) another.
 * - **ToUnicode as one `bfchar` entry per code.** pdfkit writes `bfrange` blocks of 256 codes with
 *   arrays of destinations, which Ghostscript's pdfwrite re-encodes into nonsense text. One-to-one
 *   entries, at most 100 a block (the CMap limit), survive it and every other reader.
 */

/** What this reads and replaces of pdfkit's `EmbeddedFont` (not exported by pdfkit). */
interface PdfRef {
  readonly data: Record<string, unknown>;
  end(chunk?: string | Uint8Array): void;
}

interface EmbeddedFontInternals {
  id: string;
  readonly font: { readonly postscriptName?: string | null };
  readonly subset: { encode(): Uint8Array };
  readonly unicode: readonly (readonly number[] | undefined)[];
  readonly document: { ref(data?: Record<string, unknown>): PdfRef };
  readonly dictionary?: PdfRef;
  embed(): void;
  toUnicodeCmap(): PdfRef;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** At most this many entries in one `beginbfchar` … `endbfchar` block (Adobe Technical Note #5411). */
const BFCHAR_BLOCK = 100;

/**
 * A ToUnicode CMap for a font whose code (CID) `i` draws the characters `unicode[i]`, one `bfchar`
 * entry per code with the characters in UTF-16BE. Code 0 (`.notdef`) and codes without characters get
 * no entry.
 *
 * @example toUnicodeCmap([[0], [0x503c], [0x66, 0x69]]) // … <0001> <503C> … <0002> <00660069> …
 */
export function toUnicodeCmap(unicode: readonly (readonly number[] | undefined)[]): string {
  const entries: string[] = [];
  for (let cid = 1; cid < unicode.length; cid++) {
    const codePoints = unicode[cid];
    if (!codePoints || codePoints.length === 0) continue;
    const units = String.fromCodePoint(...codePoints);
    let utf16 = '';
    for (let i = 0; i < units.length; i++) utf16 += hex4(units.charCodeAt(i));
    entries.push(`<${hex4(cid)}> <${utf16}>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += BFCHAR_BLOCK) {
    const block = entries.slice(i, i + BFCHAR_BLOCK);
    blocks.push(`${block.length} beginbfchar\n${block.join('\n')}\nendbfchar\n`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${blocks.join('')}endcmap
CMapName currentdict /CMap defineresource pop
end
end
`;
}

/**
 * Six uppercase letters from a sha256 of `parts`: the subset tag of a font subset whose name, font
 * program and ToUnicode map are `parts`.
 */
export function subsetTag(...parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    // Each part's length first, so that moving bytes from one part to the next changes the hash.
    hash.update(String(part.length)).update(':').update(part);
  }
  let n = hash.digest().readUIntBE(0, 6);
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag = String.fromCharCode(65 + (n % 26)) + tag;
    n = Math.floor(n / 26);
  }
  return tag;
}

/**
 * An id that makes pdfkit write `tag`: `EmbeddedFont.embed` turns characters 1–6 of the font's id into
 * the tag by adding 17 to each character code. The id is only read there once the font's resource
 * name has been written to the pages, so it can stand in for the length of `embed`.
 */
const idForTag = (id: string, tag: string): string =>
  (id[0] ?? 'F') + [...tag].map((c) => String.fromCharCode(c.charCodeAt(0) - 17)).join('');

function isEmbeddedFont(font: unknown): font is EmbeddedFontInternals {
  const f = font as Partial<EmbeddedFontInternals> | null;
  return (
    typeof f?.embed === 'function' &&
    typeof f.toUnicodeCmap === 'function' &&
    typeof f.subset?.encode === 'function' &&
    Array.isArray(f.unicode)
  );
}

const adopted = new WeakSet<object>();

/**
 * Gives pdfkit's embedded fonts content-derived subset tags and one-to-one ToUnicode maps, by replacing
 * `embed` and `toUnicodeCmap` on the class of `font` (pdfkit's `EmbeddedFont`, which pdfkit does not
 * export: the first font a document opens shows it). Other fonts, and a class already adopted, are left alone.
 */
export function adoptEmbeddedFont(font: unknown): void {
  if (!isEmbeddedFont(font)) return;
  const proto = Object.getPrototypeOf(font) as EmbeddedFontInternals | null;
  if (!proto || adopted.has(proto)) return;
  adopted.add(proto);
  const embed = proto.embed;
  proto.toUnicodeCmap = function (this: EmbeddedFontInternals): PdfRef {
    const cmap = this.document.ref();
    cmap.end(toUnicodeCmap(this.unicode));
    return cmap;
  };
  proto.embed = function (this: EmbeddedFontInternals): void {
    const subset = this.subset;
    const encode = subset.encode;
    const program = encode.call(subset);
    const name = this.font.postscriptName ?? '';
    const tag = subsetTag(name, program, toUnicodeCmap(this.unicode));
    const id = this.id;
    // pdfkit's embed encodes the subset itself: hand it the bytes just hashed.
    subset.encode = () => program;
    this.id = idForTag(id, tag);
    try {
      embed.call(this);
    } finally {
      this.id = id;
      subset.encode = encode;
    }
    const written = this.dictionary?.data.BaseFont;
    if (typeof written !== 'string' || !written.startsWith(`${tag}+`))
      throw new Error(`pdfkit named the font ${String(written)}, not ${tag}+…: its subset tag rule changed`);
  };
}
