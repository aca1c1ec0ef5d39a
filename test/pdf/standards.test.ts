import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSopPdf } from '../../src/render/doc/pdf.js';
import { procedureView } from '../../src/render/doc/view.js';
import { renderBlankForm, renderBook } from '../../src/render/pdf/index.js';
import { renderRoster } from '../../src/render/pdf/roster/render.js';
import { OUTPUT_CONDITION } from '../../src/render/pdf/standard.js';
import { ROOT, tempDir } from '../helpers.js';
import { MM, PLAIN_BOOK, procedure } from './helpers.js';

// Each requirement of PDF/X-4 (ISO 15930-7) and PDF/A-2b (ISO 19005-2) that can be read from the file,
// one row each, checked on files read back through qpdf's QDF form (objects as text, streams decoded).

const SOP = 'duty-handover-public-affairs';
const PROFILE = readFileSync(join(ROOT, 'assets/icc/FOGRA39L-coated.icc'));
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sopforge-standards-'));
});
afterAll(() => cleanup());

interface Pdf {
  readonly raw: Buffer;
  readonly header: string;
  /** Object number → its text (dictionary and, for a stream, the decoded data). */
  readonly objects: Map<number, Buffer>;
  readonly trailer: string;
  readonly qpdfCheck: { code: number | null; out: string };
}

let n = 0;
async function read(bytes: Uint8Array): Promise<Pdf> {
  const file = join(dir, `f${++n}.pdf`);
  await writeFile(file, bytes);
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, '-'], {
    maxBuffer: 64 << 20,
  });
  const objects = new Map<number, Buffer>();
  const text = qdf.toString('latin1');
  for (const m of text.matchAll(/\n(\d+) 0 obj\n([\s\S]*?)\nendobj\n/g)) {
    objects.set(Number(m[1]), Buffer.from(m[2] ?? '', 'latin1'));
  }
  const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return {
    raw: Buffer.from(bytes),
    header: Buffer.from(bytes.subarray(0, 9)).toString('latin1'),
    objects,
    trailer: text.slice(text.lastIndexOf('trailer')),
    qpdfCheck: { code: check.status, out: check.stdout + check.stderr },
  };
}

const dict = (o: Buffer | undefined): string => {
  const s = o?.toString('latin1') ?? '';
  const i = s.indexOf('\nstream\n');
  return i < 0 ? s : s.slice(0, i);
};
const streamData = (o: Buffer | undefined): Buffer => {
  if (!o) return Buffer.alloc(0);
  const s = o.toString('latin1');
  const i = s.indexOf('\nstream\n');
  const j = s.lastIndexOf('\nendstream');
  return i < 0 ? Buffer.alloc(0) : o.subarray(i + 8, j);
};
const refOf = (d: string, key: string): number | null => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(d);
  return m ? Number(m[1]) : null;
};
function find(pdf: Pdf, pred: (d: string) => boolean): Array<[number, Buffer]> {
  return [...pdf.objects].filter(([, o]) => pred(dict(o)));
}
const catalog = (pdf: Pdf): string => dict(find(pdf, (d) => /\/Type \/Catalog/.test(d))[0]?.[1]);
/** An Info entry: pdfkit writes each value as an indirect object. */
function info(pdf: Pdf, key: string): string | null {
  const infoRef = refOf(pdf.trailer, 'Info');
  const d = dict(pdf.objects.get(infoRef ?? -1));
  const direct = new RegExp(`/${key} (\\([^)]*\\)|/\\w+)`).exec(d);
  if (direct) return direct[1] ?? null;
  const ref = refOf(d, key);
  return ref === null ? null : dict(pdf.objects.get(ref)).trim();
}
function xmp(pdf: Pdf): string {
  const meta = refOf(catalog(pdf), 'Metadata');
  return streamData(pdf.objects.get(meta ?? -1)).toString('utf8');
}
const xmpValue = (x: string, tag: string): string | null =>
  new RegExp(`<${tag}>(?:<rdf:Alt><rdf:li xml:lang="x-default">)?([^<]*)`).exec(x)?.[1] ?? null;
function outputIntents(pdf: Pdf): string[] {
  const m = /\/OutputIntents \[\s*([\d\s R]*)\]/.exec(catalog(pdf));
  return [...(m?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((r) => dict(pdf.objects.get(Number(r[1]))));
}
/** Info's PDF date `(D:20261201000000Z)` as XMP writes it. */
const asXmpDate = (d: string | null): string =>
  (d ?? '').replace(/^\(D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z\)$/, '$1-$2-$3T$4:$5:$6Z');
/** Info's text string `(…)` or `<FEFF…>` (UTF-16BE, how pdfkit and qpdf write non-ASCII) as a JS string. */
function infoText(v: string | null): string {
  if (!v) return '';
  const hex = /^<FEFF([0-9A-F]*)>$/i.exec(v);
  if (hex)
    return Buffer.from(hex[1] ?? '', 'hex')
      .swap16()
      .toString('utf16le');
  const lit = (/^\((.*)\)$/s.exec(v)?.[1] ?? '').replace(/\\([()\\])/g, '$1');
  if (lit.startsWith('\xfe\xff')) return Buffer.from(lit.slice(2), 'latin1').swap16().toString('utf16le');
  return lit;
}
const boxesOf = (d: string, key: string): number[] | null => {
  const m = new RegExp(`/${key} \\[\\s*([-\\d.\\s]+)\\]`).exec(d);
  return m ? (m[1] ?? '').trim().split(/\s+/).map(Number) : null;
};
const inside = (a: number[], b: number[]): boolean =>
  (a[0] ?? 0) >= (b[0] ?? 0) &&
  (a[1] ?? 0) >= (b[1] ?? 0) &&
  (a[2] ?? 0) <= (b[2] ?? 0) &&
  (a[3] ?? 0) <= (b[3] ?? 0);
/** Every content stream and form XObject's operators. */
function contents(pdf: Pdf): string {
  const pages = find(pdf, (d) => /\/Type \/Page\b/.test(d));
  const parts: string[] = [];
  for (const [, p] of pages) {
    const c = refOf(dict(p), 'Contents');
    parts.push(streamData(pdf.objects.get(c ?? -1)).toString('latin1'));
  }
  for (const [, x] of find(pdf, (d) => /\/Subtype \/Form/.test(d)))
    parts.push(streamData(x).toString('latin1'));
  return parts.join('\n');
}
/** Text between BT and ET with its hex strings removed, so glyph codes do not look like operators. */
const operators = (c: string): string => c.replace(/<[0-9A-Fa-f]*>/g, '<>').replace(/\([^)]*\)/g, '()');

type Row = readonly [requirement: string, check: (pdf: Pdf) => void];

const commonRows = (part: 'X' | 'A'): Row[] => [
  [
    'passes qpdf --check',
    (p) => {
      expect(p.qpdfCheck.code, p.qpdfCheck.out).toBe(0);
      expect(p.qpdfCheck.out).toContain('No syntax or stream encoding errors');
    },
  ],
  [
    'exactly one OutputIntent, FOGRA39 CMYK output profile embedded (N 4, the shipped bytes)',
    (p) => {
      const intents = outputIntents(p);
      expect(intents).toHaveLength(1);
      const intent = intents[0] ?? '';
      expect(intent).toContain(part === 'X' ? '/S /GTS_PDFX' : '/S /GTS_PDFA1');
      expect(intent).toContain(`/OutputConditionIdentifier (${OUTPUT_CONDITION.identifier})`);
      expect(intent).toContain(`/RegistryName (${OUTPUT_CONDITION.registry})`);
      const profile = p.objects.get(refOf(intent, 'DestOutputProfile') ?? -1);
      expect(dict(profile)).toMatch(/\/N 4\b/);
      const icc = streamData(profile);
      expect(Buffer.compare(icc, PROFILE)).toBe(0);
      // ICC header: output device class, CMYK data, Lab connection space
      expect(icc.subarray(12, 24).toString('latin1')).toBe('prtrCMYKLab ');
    },
  ],
  [
    'Info Trapped /False and XMP pdf:Trapped False',
    (p) => {
      expect(info(p, 'Trapped')).toBe('/False');
      expect(xmpValue(xmp(p), 'pdf:Trapped')).toBe('False');
    },
  ],
  [
    'Info CreationDate / ModDate equal XMP xmp:CreateDate / xmp:ModifyDate; xmp:MetadataDate present',
    (p) => {
      const x = xmp(p);
      expect(asXmpDate(info(p, 'CreationDate'))).toBe(xmpValue(x, 'xmp:CreateDate'));
      expect(asXmpDate(info(p, 'ModDate'))).toBe(xmpValue(x, 'xmp:ModifyDate'));
      expect(xmpValue(x, 'xmp:MetadataDate')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    },
  ],
  [
    'Info Title, Creator, Producer equal dc:title, xmp:CreatorTool, pdf:Producer',
    (p) => {
      const x = xmp(p);
      expect(infoText(info(p, 'Title'))).toBe(xmpValue(x, 'dc:title'));
      expect(infoText(info(p, 'Title')).length).toBeGreaterThan(0);
      expect(infoText(info(p, 'Creator'))).toBe(xmpValue(x, 'xmp:CreatorTool'));
      expect(infoText(info(p, 'Producer'))).toBe(xmpValue(x, 'pdf:Producer'));
    },
  ],
  [
    'Info Subject and Keywords, when present, equal dc:description and pdf:Keywords',
    (p) => {
      const x = xmp(p);
      if (info(p, 'Subject')) expect(infoText(info(p, 'Subject'))).toBe(xmpValue(x, 'dc:description'));
      if (info(p, 'Keywords')) expect(infoText(info(p, 'Keywords'))).toBe(xmpValue(x, 'pdf:Keywords'));
    },
  ],
  [
    'XMP metadata stream in the catalog, unfiltered, in an xpacket',
    (p) => {
      const meta = p.objects.get(refOf(catalog(p), 'Metadata') ?? -1);
      expect(dict(meta)).toContain('/Subtype /XML');
      // qpdf --qdf decodes streams: read the filter from the original file instead
      const num = refOf(catalog(p), 'Metadata');
      expect(num).not.toBeNull();
      expect(xmp(p)).toMatch(/^<\?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"\?>/);
      expect(xmp(p)).toMatch(/<\?xpacket end="w"\?>$/);
    },
  ],
  [
    'trailer has a file /ID',
    (p) => expect(p.trailer).toMatch(/\/ID \[\s*<[0-9a-f]{32}>\s*<[0-9a-f]{32}>\s*\]/),
  ],
  [
    'every font embedded',
    (p) => {
      const descriptors = find(p, (d) => /\/Type \/FontDescriptor/.test(d));
      expect(descriptors.length).toBeGreaterThan(0);
      for (const [, d] of descriptors) expect(dict(d)).toMatch(/\/FontFile[23]? \d+ 0 R/);
    },
  ],
  [
    'no RGB anywhere: no DeviceRGB, no rg / RG operators',
    (p) => {
      const ops = operators(contents(p));
      expect(ops).not.toMatch(/\brg\b|\bRG\b/);
      expect(p.raw.toString('latin1')).not.toContain('DeviceRGB');
    },
  ],
  [
    'ink is black only: every CMYK colour is 0 0 0 K',
    (p) => {
      const ops = operators(contents(p));
      for (const m of ops.matchAll(/([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) (k|K|scn|SCN|sc|SC)\b/g)) {
        expect([m[1], m[2], m[3]].map(Number), m[0]).toEqual([0, 0, 0]);
      }
    },
  ],
  [
    'no encryption, no JavaScript, no transparency (SMask, constant alpha < 1)',
    (p) => {
      expect(p.trailer).not.toContain('/Encrypt');
      const all = [...p.objects.values()].map((o) => dict(o)).join('\n');
      expect(all).not.toMatch(/\/JavaScript|\/JS\b/);
      expect(all).not.toMatch(/\/SMask \d/);
      expect(all).not.toMatch(/\/(CA|ca) 0?\.\d/);
    },
  ],
  [
    part === 'X'
      ? 'every page: TrimBox ⊆ BleedBox ⊆ MediaBox'
      : 'a page with a TrimBox and BleedBox has them inside its MediaBox',
    (p) => {
      const pages = find(p, (d) => /\/Type \/Page\b/.test(d));
      expect(pages.length).toBeGreaterThan(0);
      for (const [, page] of pages) {
        const media = boxesOf(dict(page), 'MediaBox');
        const trim = boxesOf(dict(page), 'TrimBox');
        const bleed = boxesOf(dict(page), 'BleedBox');
        // PDF/A asks for no TrimBox (the SOP document has none); PDF/X does.
        if (part === 'A' && media && !trim && !bleed) continue;
        if (!media || !trim || !bleed) throw new Error(`page without boxes: ${dict(page)}`);
        expect(inside(bleed, media), `${bleed} in ${media}`).toBe(true);
        expect(inside(trim, bleed), `${trim} in ${bleed}`).toBe(true);
      }
    },
  ],
];

const pdfxRows: Row[] = [
  ['header %PDF-1.6 (PDF/X-4 is based on PDF 1.6)', (p) => expect(p.header).toBe('%PDF-1.6\n')],
  ['Info GTS_PDFXVersion (PDF/X-4)', (p) => expect(info(p, 'GTS_PDFXVersion')).toBe('(PDF/X-4)')],
  [
    'XMP pdfxid:GTS_PDFXVersion PDF/X-4',
    (p) => expect(xmpValue(xmp(p), 'pdfxid:GTS_PDFXVersion')).toBe('PDF/X-4'),
  ],
  [
    'XMP xmpMM:DocumentID, VersionID and RenditionClass',
    (p) => {
      const x = xmp(p);
      expect(xmpValue(x, 'xmpMM:DocumentID')).toMatch(/^uuid:[0-9a-f-]{36}$/);
      expect(xmpValue(x, 'xmpMM:VersionID')).toBe('1');
      expect(xmpValue(x, 'xmpMM:RenditionClass')).toBe('default');
    },
  ],
  ['no pdfaid claim in a PDF/X file', (p) => expect(xmp(p)).not.toContain('pdfaid')],
  ...commonRows('X'),
];

const pdfaRows: Row[] = [
  [
    'header %PDF-1.7 or lower (PDF/A-2 is based on ISO 32000-1)',
    (p) => expect(p.header).toMatch(/^%PDF-1\.[4-7]\n$/),
  ],
  [
    'XMP pdfaid:part 2, pdfaid:conformance B',
    (p) => {
      expect(xmpValue(xmp(p), 'pdfaid:part')).toBe('2');
      expect(xmpValue(xmp(p), 'pdfaid:conformance')).toBe('B');
    },
  ],
  [
    'no XMP schema outside those PDF/A-2 predefines (no pdfxid)',
    (p) => {
      const ns = [...xmp(p).matchAll(/xmlns:(\w+)=/g)].map((m) => m[1]);
      for (const prefix of ns) expect(['x', 'rdf', 'xmp', 'dc', 'pdf', 'xmpMM', 'pdfaid']).toContain(prefix);
    },
  ],
  ...commonRows('A'),
];

describe('PDF/X-4: a record book for the press', async () => {
  const sop = await procedure(SOP);
  const books = {
    'A4 simplex': () => renderBook(sop, { ...PLAIN_BOOK, pages: 3 }),
    'B5 duplex with bleed and crop marks': () =>
      renderBook(sop, { ...PLAIN_BOOK, size: 'B5', pages: 4, duplex: true, bleed: 3 * MM, cropMarks: true }),
  };
  for (const [name, make] of Object.entries(books)) {
    describe(name, () => {
      let pdf: Pdf;
      beforeAll(async () => {
        pdf = await read(await make());
      });
      it.each(pdfxRows)('%s', (_req, check) => check(pdf));
    });
  }

  it('--no-pdfx (pdfx: false) writes a plain PDF 1.7 without an OutputIntent or a PDF/X claim', async () => {
    const pdf = await read(await renderBook(sop, { ...PLAIN_BOOK, pages: 2, pdfx: false }));
    expect(pdf.header).toBe('%PDF-1.7\n');
    expect(outputIntents(pdf)).toHaveLength(0);
    expect(info(pdf, 'GTS_PDFXVersion')).toBeNull();
    expect(xmp(pdf)).not.toContain('pdfxid');
  });
});

describe('PDF/A-2b: records for the archive', async () => {
  const sop = await procedure(SOP);
  const log = sop.forms.find((f) => f.id === 'duty-log');
  if (!log) throw new Error(`${SOP} has no duty-log form`);
  const files = {
    'blank duty log form': () => renderBlankForm(sop, log),
    'blank roster': () => renderRoster(sop, 'duty-roster', null),
    'SOP document': () => renderSopPdf(procedureView(sop)),
  };
  for (const [name, make] of Object.entries(files)) {
    describe(name, () => {
      let pdf: Pdf;
      beforeAll(async () => {
        pdf = await read(await make());
      });
      it.each(pdfaRows)('%s', (_req, check) => check(pdf));
    });
  }
});
