import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { loadSopSet, loadSopTexts } from '../../src/load/index.js';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { ROOT } from '../helpers.js';

let cached: Promise<SopSet> | null = null;

/** The bundled SOPs, through the real loader (validated and normalized). */
export function bundled(): Promise<SopSet> {
  cached ??= loadSopSet([join(ROOT, 'sops')]).then((r) => {
    if (!r.set)
      throw new Error(
        `bundled SOPs do not load: ${r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`).join(', ')}`,
      );
    return r.set;
  });
  return cached;
}

export async function procedure(id: string): Promise<ProcedureSop> {
  const sop = (await bundled()).sops.find((s) => s.id === id);
  if (sop?.kind !== 'procedure') throw new Error(`no procedure ${id}`);
  return sop;
}

/** A bundled SOP with its YAML edited, loaded through the loader from memory. */
export function editedSop(id: string, edit: (yaml: string) => string): ProcedureSop {
  const file = join('sops', `${id}.yaml`);
  const text = edit(readFileSync(join(ROOT, file), 'utf8'));
  const r = loadSopTexts([{ file, text }]);
  const sop = r.set?.sops.find((s) => s.id === id);
  if (sop?.kind !== 'procedure') {
    throw new Error(
      `edited ${id} does not load: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message.en}`).join('; ')}`,
    );
  }
  return sop;
}

export interface TextItem {
  readonly str: string;
  readonly x: number;
  readonly y: number;
}

export interface ParsedPdf {
  readonly pages: number;
  /** All text of each page, items joined. */
  readonly text: string[];
  readonly items: TextItem[][];
  /** MediaBox ([x0, y0, x1, y1]) of each page as pdfjs reads it. */
  readonly view: number[][];
  readonly fontNames: Set<string>;
  readonly fontsEmbedded: boolean;
  /** The document information dictionary's Title and CreationDate (`D:…`). */
  readonly title: string;
  readonly creationDate: string;
}

export async function parsePdf(bytes: Uint8Array): Promise<ParsedPdf> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const text: string[] = [];
  const items: TextItem[][] = [];
  const view: number[][] = [];
  const fontNames = new Set<string>();
  let fontsEmbedded = true;
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    view.push([...page.view]);
    const content = await page.getTextContent();
    const list: TextItem[] = [];
    for (const it of content.items) {
      if ('str' in it) list.push({ str: it.str, x: it.transform[4] ?? 0, y: it.transform[5] ?? 0 });
    }
    items.push(list);
    text.push(list.map((it) => it.str).join(''));
    await page.getOperatorList();
    for (const it of content.items) {
      if (!('fontName' in it)) continue;
      const font = page.commonObjs.get(it.fontName) as { name?: string; missingFile?: boolean };
      if (font.name) fontNames.add(font.name);
      if (font.missingFile) fontsEmbedded = false;
    }
  }
  const info = (await pdf.getMetadata()).info as { CreationDate?: string; Title?: string };
  await pdf.destroy();
  return {
    pages: pdf.numPages,
    text,
    items,
    view,
    fontNames,
    fontsEmbedded,
    title: info.Title ?? '',
    creationDate: info.CreationDate ?? '',
  };
}

/** The page dictionaries' boxes, read from the file (pdfkit writes page dictionaries uncompressed). */
export function pageBoxes(bytes: Uint8Array): { media: number[]; trim: number[]; bleed: number[] }[] {
  const text = Buffer.from(bytes).toString('latin1');
  const out: { media: number[]; trim: number[]; bleed: number[] }[] = [];
  const box = (dict: string, name: string): number[] => {
    const m = new RegExp(`/${name} \\[([^\\]]+)\\]`).exec(dict);
    return m?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  };
  for (const m of text.matchAll(/<<\n\/Type \/Page\n([\s\S]*?)>>/g)) {
    const dict = m[1] ?? '';
    out.push({ media: box(dict, 'MediaBox'), trim: box(dict, 'TrimBox'), bleed: box(dict, 'BleedBox') });
  }
  return out;
}

/** Decompressed content of the form XObject named by a page resource entry (e.g. `/Marks 12 0 R`). */
export function xobjectContent(bytes: Uint8Array, name: string): string {
  const text = Buffer.from(bytes).toString('latin1');
  const ref = new RegExp(`/${name} (\\d+) 0 R`).exec(text);
  if (!ref) throw new Error(`no XObject ${name}`);
  const start = text.indexOf(`\n${ref[1]} 0 obj\n`);
  const s = text.indexOf('stream\n', start) + 'stream\n'.length;
  const e = text.indexOf('\nendstream', s);
  const dict = text.slice(start, s);
  const raw = Buffer.from(bytes.subarray(s, e));
  return (dict.includes('FlateDecode') ? inflateSync(raw) : raw).toString('latin1');
}

export const MM = 72 / 25.4;

export function near(a: number, b: number, eps = 0.01): boolean {
  return Math.abs(a - b) <= eps;
}

/** The decompressed content stream of each page, in page order (pdfkit writes one `/Contents` per page). */
export function pageContents(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString('latin1');
  const out: string[] = [];
  for (const m of text.matchAll(/<<\n\/Type \/Page\n([\s\S]*?)>>/g)) {
    const ref = /\/Contents (\d+) 0 R/.exec(m[1] ?? '');
    if (!ref) continue;
    const start = text.indexOf(`\n${ref[1]} 0 obj\n`);
    const s = text.indexOf('stream\n', start) + 'stream\n'.length;
    const e = text.indexOf('\nendstream', s);
    const dict = text.slice(start, s);
    const raw = Buffer.from(bytes.subarray(s, e));
    out.push((dict.includes('FlateDecode') ? inflateSync(raw) : raw).toString('latin1'));
  }
  return out;
}

/** Book options of a plain A4 duty log (no duplex, bleed or crop marks); tests add `pages` and what they vary. */
export const PLAIN_BOOK = {
  form: 'duty-log',
  size: 'A4',
  duplex: false,
  gutter: 15 * MM,
  bleed: 0,
  cropMarks: false,
  firstSerial: 1,
} as const;
