import type * as fontkit from 'fontkit';
import type { Sop } from '../../model/types.js';
import { pdfBytes } from './bytes.js';
import { MissingGlyphsError } from './errors.js';
import { glyphInfo, loadFont, missingGlyphs } from './font.js';
import { PDFDocument } from './pdfkit.js';
import type { Op } from './sketch.js';
import { applyStandard, PDF_VERSION, type PdfStandard } from './standard.js';
import { desubroutinize } from './subset.js';

export const FONT = 'zh';

export { MissingGlyphsError, RenderError } from './errors.js';

/** Fails before anything is written when the font cannot draw every character of `text`. */
export function checkCoverage(text: string, what: string): void {
  const missing = missingGlyphs(text);
  if (missing.length > 0) throw new MissingGlyphsError(missing, what);
}

/** The fixed date of a SOP's PDFs: the later of its effective date and its latest revision date, at 00:00 UTC. */
export function sopDate(sop: Sop): Date {
  let latest = sop.effective;
  for (const r of sop.revisions) if (r.date > latest) latest = r.date;
  const d = new Date(`${latest}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

export interface DocInfo {
  readonly title: string;
  readonly subject: string;
  readonly keywords: string;
  readonly date: Date;
  /** The ISO subset the file conforms to (`standard.ts`); `null`: plain PDF 1.7 (the complete XMP packet all the same). */
  readonly standard: PdfStandard | null;
}

/**
 * fontkit's CFF subsetter copies the font's top dictionary with `Object.assign`, which decodes the
 * lazily read `charset` of all 30 000 glyphs only to replace it in the copy (≈ 130 ms, more than the
 * rest of the subset). A CID-keyed font never reads its charset (glyph names come from CIDs), so it is
 * set to `null` up front; the subset's bytes are the same.
 */
function skipCidCharset(font: fontkit.Font): void {
  const cff = (font as unknown as Record<string, unknown>)['CFF '] as
    | { isCIDFont?: boolean; topDict?: object }
    | undefined;
  if (!cff?.isCIDFont || !cff.topDict) return;
  const desc = Object.getOwnPropertyDescriptor(cff.topDict, 'charset');
  if (desc?.get)
    Object.defineProperty(cff.topDict, 'charset', {
      value: null,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

let plainFont: fontkit.Font | null = null;
/** Encoded font subsets by their glyph list: the encoding depends on nothing else. */
const subsetCache = new Map<string, Uint8Array>();

/**
 * The font as pdfkit sees it: the parsed fontkit font (shared with `loadFont`), with text laid out
 * straight from the character map instead of through OpenType shaping, and subsets written without
 * subroutines (`subset.ts`) and encoded once per glyph list. Chinese forms need no ligatures or contextual forms, and shaping every string (page
 * numbers on 366 pages) costs more than everything else on a page.
 */
function pdfFont(): fontkit.Font {
  if (plainFont) return plainFont;
  const font = loadFont('Regular');
  skipCidCharset(font);
  const layout = (text: string) => {
    const glyphs = [...text].map((ch) => glyphInfo(font, ch.codePointAt(0) ?? 0));
    const positions = glyphs.map((g) => ({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    return {
      glyphs,
      positions,
      // pdfkit scales the positions in place; the run's width has to follow them.
      get advanceWidth() {
        return positions.reduce((a, p) => a + p.xAdvance, 0);
      },
    };
  };
  const createSubset = () => {
    const subset = font.createSubset() as unknown as { glyphs: number[]; encode(): Uint8Array };
    desubroutinize(subset, font);
    const encode = subset.encode.bind(subset);
    subset.encode = () => {
      // Forms of the same SOP, and SOPs built together, often use exactly the same glyphs.
      const key = subset.glyphs.join(',');
      let bytes = subsetCache.get(key);
      if (!bytes) {
        bytes = encode();
        if (subsetCache.size >= 32) subsetCache.delete(subsetCache.keys().next().value ?? '');
        subsetCache.set(key, bytes);
      }
      return bytes;
    };
    return subset;
  };
  plainFont = new Proxy(font, {
    get(target, prop) {
      if (prop === 'layout') return layout;
      if (prop === 'createSubset') return createSubset;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return plainFont;
}

interface Ref {
  end(): void;
  data: Record<string, unknown>;
}

interface PageInternals {
  content: { compress: boolean; data: Record<string, unknown> };
  resources: { data: Record<string, unknown>; end(): void };
  dictionary: { data: Record<string, unknown> };
  xobjects: Record<string, unknown>;
}

interface DocInternals {
  ref(data: Record<string, unknown>): Ref;
  page: PageInternals;
  addContent(s: string): void;
}

export interface OpenDocument {
  readonly doc: PDFKit.PDFDocument;
  /**
   * Adds a page of `size` with its TrimBox and BleedBox (PDF coordinates). Every page shares one
   * resource dictionary (the font and the static page XObjects), which keeps a long book small.
   */
  addPage(
    size: readonly [number, number],
    boxes: { readonly trim: readonly number[]; readonly bleed: readonly number[] },
    opts?: { readonly compress?: boolean },
  ): void;
  finish(): Promise<Uint8Array>;
}

/**
 * A pdfkit document set up for deterministic output: the creation date goes into the constructor (the
 * trailer `/ID` is derived from `info`), and the Chinese font is registered as an already parsed fontkit
 * font so pdfkit never re-reads the 8 MB file. `finish()` resolves with the bytes.
 */
export function openDocument(info: DocInfo): OpenDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    font: null as unknown as string,
    compress: true,
    pdfVersion: info.standard ? PDF_VERSION[info.standard] : '1.7',
    info: {
      Title: info.title,
      Subject: info.subject,
      Keywords: info.keywords,
      Creator: CREATOR,
      Producer: PRODUCER,
      CreationDate: info.date,
      ModDate: info.date,
    },
  });
  doc.registerFont(FONT, pdfFont() as unknown as PDFKit.Mixins.PDFFontSource);
  // With `font: null` pdfkit does not parse Helvetica's metrics (a default no form uses); its resource
  // name F1 stays taken, so the Chinese font keeps the name F2 and files stay the same byte for byte.
  (doc as unknown as { _fontCount: number })._fontCount = 1;
  const endStandard = applyStandard(doc, info.standard, {
    title: info.title,
    subject: info.subject,
    keywords: info.keywords,
    creator: CREATOR,
    producer: PRODUCER,
    date: info.date,
  });
  // Digits and the letters of ids, versions and hashes go first into every subset, in a fixed order:
  // documents that differ only in such characters (a site's copy of a SOP, another month) then have
  // identical subsets, which are encoded once (see `subsetCache`).
  doc.font(FONT);
  (doc as unknown as { _font: FontInternals })._font.encode(PRELOAD);
  const d = doc as unknown as DocInternals;
  const shared = d.ref({ ProcSet: ['PDF', 'Text'] });
  // pdfkit ends a page's resources with the page; the shared dictionary must be written once, at the end.
  const endShared = shared.end.bind(shared);
  shared.end = () => {};
  const done = pdfBytes(doc);
  return {
    doc,
    addPage(size, boxes, opts = {}) {
      // A new page asks for its own resource dictionary (the only ref made with a bare ProcSet): hand it the shared one.
      const ref = d.ref;
      d.ref = (data) => (data && 'ProcSet' in data && !('Type' in data) ? shared : ref.call(d, data));
      try {
        doc.addPage({ size: [size[0], size[1]], margin: 0 });
      } finally {
        d.ref = ref;
      }
      const page = d.page;
      // A page that only places XObjects and a few words is smaller and faster written as is.
      if (opts.compress === false) {
        page.content.compress = false;
        delete page.content.data.Filter;
      }
      delete page.dictionary.data.UserUnit;
      // Every box rounded the same way as the MediaBox and kept inside it (PDF/X: Trim ⊆ Bleed ⊆ Media).
      const media = [0, 0, round(size[0]), round(size[1])];
      const inside = (box: readonly number[]) =>
        box.map((v, i) => Math.min(Math.max(round(v), media[i % 2] ?? 0), media[2 + (i % 2)] ?? 0));
      page.dictionary.data.MediaBox = media;
      page.dictionary.data.TrimBox = inside(boxes.trim);
      page.dictionary.data.BleedBox = inside(boxes.bleed);
    },
    finish() {
      doc.flushPages();
      endShared();
      endStandard();
      doc.end();
      return done;
    },
  };
}

/** Creator and Producer of every sopforge PDF (`safe-write.ts` recognises its own files by the producer). */
export const CREATOR = 'sopforge';
export const PRODUCER = 'sopforge (pdfkit)';

const PRELOAD = '0123456789abcdefghijklmnopqrstuvwxyz-.:';

const round = (n: number): number => Math.round(n * 1000) / 1000;

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

/** Paints sketch operations at offset (dx, dy) on the current page (or form XObject being drawn). */
export function paint(doc: PDFKit.PDFDocument, ops: readonly Op[], dx = 0, dy = 0): void {
  let lineWidth = -1;
  doc.font(FONT);
  for (const op of ops) {
    switch (op.kind) {
      case 'text':
        doc.fontSize(op.size).text(op.text, op.x + dx, op.y + dy, { lineBreak: false });
        break;
      case 'line':
        if (op.width !== lineWidth) {
          lineWidth = op.width;
          doc.lineWidth(lineWidth);
        }
        doc
          .moveTo(op.x1 + dx, op.y1 + dy)
          .lineTo(op.x2 + dx, op.y2 + dy)
          .stroke();
        break;
      case 'rect':
        if (op.width !== lineWidth) {
          lineWidth = op.width;
          doc.lineWidth(lineWidth);
        }
        doc.rect(op.x + dx, op.y + dy, op.w, op.h).stroke();
        break;
      case 'fill':
        doc
          .rect(op.x + dx, op.y + dy, op.w, op.h)
          .fillColor([0, 0, 0, Math.round(op.gray * 100)])
          .fill();
        // Back to pure black ink (K only): RGB black would print as four-colour rich black.
        doc.fillColor([0, 0, 0, 100]);
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown op ${String(never)}`);
      }
    }
  }
}

interface FontInternals {
  readonly id: string;
  readonly ascender: number;
  ref(): unknown;
  encode(text: string): [string[], unknown[]];
}

const glyphCodes = new WeakMap<object, Map<string, string>>();

/**
 * Writes text operations as one compact text object (the per-page values of a book: serial and page
 * number). Same placement as `paint`; glyphs go through pdfkit's font so they join the subset.
 */
export function paintText(doc: PDFKit.PDFDocument, ops: readonly Op[], dx = 0, dy = 0): void {
  const d = doc as unknown as DocInternals & {
    _font: FontInternals;
    page: { fonts: Record<string, unknown> };
  };
  doc.font(FONT);
  const font = d._font;
  d.page.fonts[font.id] ??= font.ref();
  let codes = glyphCodes.get(font);
  if (!codes) {
    codes = new Map();
    glyphCodes.set(font, codes);
  }
  let out = 'BT';
  let size = -1;
  for (const op of ops) {
    if (op.kind !== 'text') continue;
    let hex = '';
    for (const ch of op.text) {
      let code = codes.get(ch);
      // Encoding through pdfkit once per character adds the glyph to the subset and gives its code.
      if (code === undefined) {
        code = font.encode(ch)[0].join('');
        codes.set(ch, code);
      }
      hex += code;
    }
    if (op.size !== size) {
      size = op.size;
      out += ` /${font.id} ${num(size)} Tf`;
    }
    // The page space is flipped (y down); the text matrix flips glyphs back upright at the baseline.
    const baseline = op.y + dy + (font.ascender / 1000) * op.size;
    out += ` 1 0 0 -1 ${num(op.x + dx)} ${num(baseline)} Tm <${hex}> Tj`;
  }
  d.addContent(`${out} ET`);
}

/**
 * The Registration colour of crop marks: the Separation `/All`, which prints on every separation (PDF
 * 32000-1, 8.6.6.4); shown on screen as full CMYK (tint 1 → 1 1 1 1).
 */
const REGISTRATION = [
  'Separation',
  'All',
  'DeviceCMYK',
  { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [1, 1, 1, 1], N: 1 },
];

/** A static page part drawn once as a PDF form XObject. */
export interface FormXObject {
  readonly name: string;
  readonly ref: unknown;
}

const xobjectCounters = new WeakMap<object, number>();

/**
 * Draws `ops` once into a form XObject of the given size (pdfkit has no API for this: the current
 * page's content stream and resources are pointed at the form while pdfkit draws, then restored).
 * Needs a current page; place the result on any page with `placeXObject`.
 */
export function makeXObject(
  doc: PDFKit.PDFDocument,
  width: number,
  height: number,
  ops: readonly Op[],
  name?: string,
  ink: 'black' | 'registration' = 'black',
): FormXObject {
  const d = doc as unknown as DocInternals;
  const resources = d.ref(
    ink === 'registration'
      ? { ProcSet: ['PDF', 'Text'], ColorSpace: { Reg: REGISTRATION } }
      : { ProcSet: ['PDF', 'Text'] },
  );
  const form = d.ref({
    Type: 'XObject',
    Subtype: 'Form',
    FormType: 1,
    BBox: [-2, -2, width + 2, height + 2],
    Resources: resources,
  });
  const page = d.page;
  const saved = { content: page.content, resources: page.resources };
  page.content = form as unknown as PageInternals['content'];
  page.resources = resources;
  try {
    // Strokes in Registration colour print on every plate.
    if (ink === 'registration') d.addContent('/Reg CS 1 SCN');
    paint(doc, ops);
  } finally {
    page.content = saved.content;
    page.resources = saved.resources;
  }
  form.end();
  resources.end();
  // Names only need to be unique within a page's resources; a per-document counter keeps them stable.
  const n = (xobjectCounters.get(doc) ?? 0) + 1;
  xobjectCounters.set(doc, n);
  return { name: name ?? `Fx${n}`, ref: form };
}

/** Places a form XObject on the current page with its origin at (x, y) (top-left, y down). */
export function placeXObject(doc: PDFKit.PDFDocument, xo: FormXObject, x = 0, y = 0): void {
  const d = doc as unknown as DocInternals;
  d.page.xobjects[xo.name] = xo.ref;
  // The page's CTM is already flipped to pdfkit's y-down space, so a plain translation places it.
  d.addContent(`q 1 0 0 1 ${num(x)} ${num(y)} cm /${xo.name} Do Q`);
}
