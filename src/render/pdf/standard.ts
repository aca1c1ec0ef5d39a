import { readFileSync } from 'node:fs';

/**
 * The ISO subsets of PDF sopforge writes: PDF/X-4 (ISO 15930-7) for record books sent to a print shop,
 * PDF/A-2b (ISO 19005-2) for blank forms, rosters and SOP documents kept as records.
 *
 * pdfkit's own `subset: 'PDF/A-2b'` is not used: it adds an sRGB OutputIntent (wrong for files drawn in
 * DeviceCMYK, which PDF/A then forbids), writes the title into the XMP packet unescaped, and leaves
 * `xmp:ModifyDate` out while the Info dictionary has `ModDate` (the two must agree); it knows nothing of
 * PDF/X. Here every document gets one XMP packet that states each Info entry again (escaped), the
 * standard's identification (`pdfaid` or `pdfxid` and Info `GTS_PDFXVersion`), `Trapped` in both, the
 * `xmpMM` ids PDF/X-4 asks for, and an OutputIntent with the FOGRA39 CMYK profile of `assets/icc/`.
 */
export type PdfStandard = 'PDF/X-4' | 'PDF/A-2b';

/** The PDF version each standard allows: PDF/X-4 is based on PDF 1.6, PDF/A-2 on PDF 1.7 (ISO 32000-1). */
export const PDF_VERSION: Readonly<Record<PdfStandard, '1.6' | '1.7'>> = {
  'PDF/X-4': '1.6',
  'PDF/A-2b': '1.7',
};

/** The printing condition of the shipped profile, as the ICC registry names it. */
export const OUTPUT_CONDITION = {
  identifier: 'FOGRA39',
  registry: 'http://www.color.org',
  condition:
    'Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)',
  info: 'FOGRA39L coated offset (sopforge)',
} as const;

const PROFILE_URL = new URL('../../../assets/icc/FOGRA39L-coated.icc', import.meta.url);
let profile: Buffer | null = null;

/** The CMYK output profile embedded as every document's OutputIntent (`assets/icc/README.md`). */
export function outputProfile(): Buffer {
  profile ??= readFileSync(PROFILE_URL);
  return profile;
}

export interface StandardInfo {
  readonly title: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly creator: string;
  readonly producer: string;
  readonly date: Date;
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An XMP date: what pdfkit writes as the Info date `D:YYYYMMDDHHmmSSZ`, in ISO 8601. */
export const xmpDate = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/**
 * The `rdf:Description`s of a document's XMP packet: every Info entry again (`dc:title`,
 * `dc:description` = Subject, `pdf:Keywords`, `xmp:CreatorTool` = Creator, `pdf:Producer`, the dates,
 * `pdf:Trapped`), the standard's identification, and document ids taken from the file identifier.
 */
export function xmpDescriptions(standard: PdfStandard | null, info: StandardInfo, fileId: string): string {
  const date = xmpDate(info.date);
  const uuid = `uuid:${fileId.slice(0, 8)}-${fileId.slice(8, 12)}-${fileId.slice(12, 16)}-${fileId.slice(16, 20)}-${fileId.slice(20, 32)}`;
  const alt = (s: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xml(s)}</rdf:li></rdf:Alt>`;
  const parts = [
    `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>${date}</xmp:CreateDate>
<xmp:ModifyDate>${date}</xmp:ModifyDate>
<xmp:MetadataDate>${date}</xmp:MetadataDate>
<xmp:CreatorTool>${xml(info.creator)}</xmp:CreatorTool>
</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title>${alt(info.title)}</dc:title>${info.subject ? `\n<dc:description>${alt(info.subject)}</dc:description>` : ''}
</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>${xml(info.producer)}</pdf:Producer>${info.keywords ? `\n<pdf:Keywords>${xml(info.keywords)}</pdf:Keywords>` : ''}
<pdf:Trapped>False</pdf:Trapped>
</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
<xmpMM:DocumentID>${uuid}</xmpMM:DocumentID>
<xmpMM:InstanceID>${uuid}</xmpMM:InstanceID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
</rdf:Description>`,
  ];
  if (standard === 'PDF/X-4')
    parts.push(`<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
</rdf:Description>`);
  if (standard === 'PDF/A-2b')
    parts.push(`<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>`);
  return parts.join('\n');
}

/** A PDF name object for pdfkit's writer (a plain string in the Info dictionary becomes a text string). */
function pdfName(name: string): object {
  return { [Symbol.toStringTag]: 'PDFName', toString: () => `/${name}` };
}

interface Ref {
  data: Record<string, unknown>;
  write(chunk: Uint8Array): void;
  end(): void;
}

interface StandardDoc {
  info: Record<string, unknown>;
  _id: Uint8Array;
  _root: Ref;
  _addInfo(): void;
  appendXML(xml: string, newline?: boolean): void;
  ref(data?: Record<string, unknown>): Ref;
}

/**
 * Makes `doc` (just constructed with `info` and the standard's `PDF_VERSION`) a `standard` document, or
 * only gives it the complete XMP packet when `standard` is `null`. Returns what to call right before
 * `doc.end()`: it writes the OutputIntent.
 */
export function applyStandard(
  pdfDoc: PDFKit.PDFDocument,
  standard: PdfStandard | null,
  info: StandardInfo,
): () => void {
  const doc = pdfDoc as unknown as StandardDoc;
  // Trapped is a name; the trailer /ID was fixed by the constructor from the other entries.
  doc.info.Trapped = pdfName('False');
  if (standard === 'PDF/X-4') doc.info.GTS_PDFXVersion = 'PDF/X-4';
  const fileId = Buffer.from(doc._id).toString('hex');
  // pdfkit's `_addInfo` writes the XMP entries for the Info dictionary when the document ends.
  doc._addInfo = () => doc.appendXML(xmpDescriptions(standard, info, fileId));
  return () => {
    if (!standard) return;
    const icc = doc.ref({ N: 4 });
    icc.write(outputProfile());
    icc.end();
    const intent = doc.ref({
      Type: 'OutputIntent',
      S: standard === 'PDF/X-4' ? 'GTS_PDFX' : 'GTS_PDFA1',
      OutputConditionIdentifier: new String(OUTPUT_CONDITION.identifier),
      RegistryName: new String(OUTPUT_CONDITION.registry),
      OutputCondition: new String(OUTPUT_CONDITION.condition),
      Info: new String(OUTPUT_CONDITION.info),
      DestOutputProfile: icc,
    });
    intent.end();
    doc._root.data.OutputIntents = [intent];
  };
}
