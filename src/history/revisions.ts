/**
 * Revisions as written in the YAML (`review.revisions`), their chained sha256 hashes and the check that
 * no approved revision was edited afterwards.
 *
 * The hash of revision n is sha256 over a canonical JSON array: a format tag, the hash of revision n−1
 * (empty for the first), and revision n's version, date, type, reviewers, summary and recorded changes.
 * Editing any of these, or removing or reordering a revision, breaks the chain at that revision.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from '../deps/yaml.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Revision, Signoff, Sop, SourceSpan } from '../model/types.js';
import { reviewTypeText } from '../render/doc/words.js';
import { diffSops } from './diff.js';
import { sha256, sourceDigest } from './seal.js';

/**
 * A revision with the fields the hash covers, read from the source text: the model's revision, except
 * that its type is as written (checked elsewhere) and a record made in memory has no position.
 */
export type RevisionRecord = Omit<Revision, 'type' | 'span'> & {
  readonly type: string;
  readonly span: SourceSpan | null;
};

export type RevisionContent = Omit<RevisionRecord, 'hash' | 'span'>;

/** Format 1 (older sopforge): the revision's text only. Still accepted where it was written. */
const FORMAT_1 = 'sopforge-revision/1';
/** Format 2: also the SOP's id, the approvals, the seals of the approved text and model, and the feedback closed. */
const FORMAT_2 = 'sopforge-revision/2';

const signed = (s: Signoff | null) => (s ? [s.name, s.date ?? ''] : null);

/**
 * The chain hash of a revision: sha256 over a canonical JSON array of the format tag, the SOP's id, the
 * previous revision's hash (empty for the first) and every field of the revision, including the seals of
 * its approved text (`source`) and model (`model`).
 */
export function revisionHash(previous: string | null, r: RevisionContent, sopId: string): string {
  const canonical = JSON.stringify([
    FORMAT_2,
    sopId,
    previous ?? '',
    r.version,
    r.date,
    r.type,
    [...r.by],
    r.summary,
    [...r.changes],
    r.effective ?? '',
    signed(r.preparedBy),
    signed(r.reviewedBy),
    signed(r.approvedBy),
    r.unchanged,
    [...r.closes],
    r.source ?? '',
    r.model ?? '',
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** The hash older sopforge wrote (format 1): no SOP id, approvals or seals. */
export function revisionHashV1(previous: string | null, r: RevisionContent): string {
  const canonical = JSON.stringify([
    FORMAT_1,
    previous ?? '',
    r.version,
    r.date,
    r.type,
    [...r.by],
    r.summary,
    [...r.changes],
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Whether `hash` seals `r` after `previous` for SOP `sopId`, in either format. */
export function hashMatches(
  hash: string,
  previous: string | null,
  r: RevisionContent,
  sopId: string,
): boolean {
  return hash === revisionHash(previous, r, sopId) || (isFormat1(r) && hash === revisionHashV1(previous, r));
}

/** A revision format 1 could describe: none of the fields format 2 added. */
function isFormat1(r: RevisionContent): boolean {
  return (
    r.effective === null &&
    !r.preparedBy &&
    !r.reviewedBy &&
    !r.approvedBy &&
    !r.unchanged &&
    r.closes.length === 0 &&
    r.source === null &&
    r.model === null
  );
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function isoDate(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : str(v);
}

function signoffOf(v: unknown): Signoff | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  return { name: str(o.name), date: o.date === undefined ? null : isoDate(o.date) };
}

/** The revisions of a loaded SOP as records (the loader has parsed them already, with their positions). */
export function revisionsOf(sop: Sop): RevisionRecord[] {
  return sop.revisions.map((r) => ({
    version: r.version,
    date: r.date,
    type: r.type,
    by: [...r.by],
    summary: r.summary,
    changes: [...r.changes],
    effective: r.effective,
    preparedBy: r.preparedBy,
    reviewedBy: r.reviewedBy,
    approvedBy: r.approvedBy,
    unchanged: r.unchanged,
    closes: [...r.closes],
    source: r.source,
    model: r.model,
    hash: r.hash,
    span: r.span,
  }));
}

/** Reads `review.revisions` from a YAML text. Unparseable input gives an empty list (the loader reports it). */
export function readRevisions(source: string, file = ''): RevisionRecord[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const seq = doc.getIn(['review', 'revisions'], true);
  if (!isSeq(seq)) return [];
  return seq.items.map((item) => {
    const js: Record<string, unknown> = isMap(item) ? (item.toJS(doc) as Record<string, unknown>) : {};
    let span: SourceSpan | null = null;
    const range = (item as { range?: [number, number, number] }).range;
    if (range) {
      const s = lineCounter.linePos(range[0]);
      const e = lineCounter.linePos(range[1]);
      span = { file, line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
    }
    return {
      version: str(js.version),
      date: isoDate(js.date),
      type: str(js.type),
      by: Array.isArray(js.by) ? js.by.map(str) : [],
      summary: str(js.summary),
      changes: Array.isArray(js.changes) ? js.changes.map(str) : [],
      effective: js.effective === undefined ? null : isoDate(js.effective),
      preparedBy: signoffOf(js['prepared-by']),
      reviewedBy: signoffOf(js['reviewed-by']),
      approvedBy: signoffOf(js['approved-by']),
      unchanged: js.unchanged === true,
      closes: Array.isArray(js.closes) ? js.closes.map(str) : [],
      source: typeof js.source === 'string' ? js.source : null,
      model: typeof js.model === 'string' ? js.model : null,
      hash: typeof js.hash === 'string' ? js.hash : null,
      span,
    };
  });
}

/**
 * The hashes every revision should carry, in order (stored hashes of earlier revisions are chained as
 * written): a stored hash that matches in format 1 is expected as it is, any other in format 2.
 */
export function expectedHashes(records: readonly RevisionRecord[], sopId: string): string[] {
  const out: string[] = [];
  let previous: string | null = null;
  for (const r of records) {
    const h: string =
      r.hash !== null && isFormat1(r) && r.hash === revisionHashV1(previous, r)
        ? r.hash
        : revisionHash(previous, r, sopId);
    out.push(h);
    previous = r.hash ?? h;
  }
  return out;
}

/** Dotted versions compared numerically: 1.10 > 1.9. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The next version: the last number goes up by one (1.0 → 1.1, 1.9 → 1.10). */
export function bumpVersion(version: string): string {
  const parts = version.split('.');
  const last = Number(parts.pop() ?? '0');
  return [...parts, String(last + 1)].join('.');
}

/** Where the approved text of `version` of SOP `id` is kept. */
export function snapshotPath(snapshotsDir: string, id: string, version: string): string {
  return join(snapshotsDir, id, `${version}.yaml`);
}

function spanOf(sop: Sop, index: number, record: RevisionRecord | undefined): SourceSpan {
  const model: Revision | undefined = sop.revisions[index];
  return model?.span ?? record?.span ?? sop.span;
}

type Detail = { readonly zh: string; readonly en: string };

/** The fields of a revision in plain words, in the order a reader meets them. */
const FIELDS: readonly [keyof RevisionContent | 'hash', string, string][] = [
  ['version', '版本', 'version'],
  ['date', '日期', 'date'],
  ['effective', '生效日期', 'effective date'],
  ['type', '类型', 'type'],
  ['by', '复审人', 'reviewers'],
  ['preparedBy', '编制', 'prepared by'],
  ['reviewedBy', '审核', 'reviewed by'],
  ['approvedBy', '批准', 'approved by'],
  ['summary', '摘要', 'summary'],
  ['changes', '修改内容', 'changes'],
  ['unchanged', '未修改', 'unchanged'],
  ['closes', '答复的反馈', 'feedback answered'],
  ['source', '批准文本的封存记录', "the approved text's seal"],
  ['model', '批准模型的封存记录', "the approved model's seal"],
  ['hash', '签署记录', 'signature record'],
];

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（无）';
  if (Array.isArray(v)) return v.length === 0 ? '（无）' : v.map(String).join('、');
  if (typeof v === 'object') {
    const s = v as Signoff;
    return s.date ? `${s.name} ${s.date}` : s.name;
  }
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return v.slice(0, 12);
  return String(v);
}

/** “日期由 2026-12-20 改为 2026-12-01；摘要由 … 改为 …”: every field that differs between two records. */
function fieldChanges(before: RevisionRecord, after: RevisionRecord): Detail | null {
  const zh: string[] = [];
  const en: string[] = [];
  for (const [key, nameZh, nameEn] of FIELDS) {
    const a = shown(before[key]);
    const b = shown(after[key]);
    if (a === b) continue;
    zh.push(`${nameZh}由“${a}”改为“${b}”`);
    en.push(`${nameEn} changed from "${a}" to "${b}"`);
  }
  return zh.length === 0 ? null : { zh: zh.join('；'), en: en.join('; ') };
}

function revisionWords(r: RevisionRecord): Detail {
  const by = r.approvedBy ? `，批准 ${r.approvedBy.name}` : '';
  const byEn = r.approvedBy ? `, approved by ${r.approvedBy.name}` : '';
  const type = r.type as Revision['type'];
  return {
    zh: `${r.date}，${reviewTypeText(type)}${by}`,
    en: `${r.date}, ${reviewTypeText(type, 'en')}${byEn}`,
  };
}

function diag(
  code: Parameters<typeof makeDiagnostic>[0],
  span: SourceSpan,
  path: readonly (string | number)[],
  version: string,
  detail: Detail,
  extra: Record<string, string> = {},
): Diagnostic {
  return makeDiagnostic(code, span, path, { version, detailZh: detail.zh, detail: detail.en, ...extra });
}

/** A stored approved text: its version, file, text and the revisions it lists. */
interface Stored {
  readonly version: string;
  readonly file: string;
  readonly text: string;
  readonly revisions: readonly RevisionRecord[];
}

function storedTexts(snapshotsDir: string, id: string): Stored[] {
  const dir = join(snapshotsDir, id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n.endsWith('.yaml'))
    .map((n) => n.slice(0, -'.yaml'.length))
    .sort(compareVersions)
    .map((version) => {
      const file = snapshotPath(snapshotsDir, id, version);
      const text = readFileSync(file, 'utf8');
      return { version, file, text, revisions: readRevisions(text, file) };
    });
}

/** Ids of the other SOPs that keep approved texts beside this one (to recognise a copied revision). */
function otherIds(snapshotsDir: string, id: string): string[] {
  return existsSync(snapshotsDir)
    ? readdirSync(snapshotsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== id && !e.name.startsWith('.'))
        .map((e) => e.name)
    : [];
}

/** How a stored text is named in messages: relative to the SOP folder. */
const shownFile = (id: string, version: string, ext = 'yaml') => `.history/${id}/${version}.${ext}`;

/** Loads a stored text as a SOP beside the other SOP files of its folder (a manual needs its chapters). */
export type SnapshotLoader = (file: string, text: string) => Sop | null;

/**
 * Checks the revision history of `sop`: every sealed revision matches its chain hash (over the SOP's id
 * and the revision before it), versions increase, the file's version is not set back behind a sealed
 * revision; with `snapshotsDir`, every sealed revision's approved text and model are stored unchanged,
 * are this SOP's, and no sealed revision kept there was deleted from the file. Each problem is reported
 * at the revision at fault (or at `version:`), naming what changed: the field with its old and new value,
 * or the rules that differ from the approved model.
 *
 * @example
 * const diagnostics = checkRevisionChain(sop, 'sops/.history');
 */
export function checkRevisionChain(sop: Sop, snapshotsDir?: string, load?: SnapshotLoader): Diagnostic[] {
  const out: Diagnostic[] = [];
  const records = revisionsOf(sop);
  const stored = snapshotsDir !== undefined ? storedTexts(snapshotsDir, sop.id) : [];
  const others = snapshotsDir !== undefined ? otherIds(snapshotsDir, sop.id) : [];
  // The copy of each sealed revision in the stored texts (the newest text that lists it), by its key.
  const copies = new Map<string, RevisionRecord>();
  for (const s of stored) {
    const ks = keysOf(s.revisions);
    s.revisions.forEach((r, j) => {
      if (r.hash !== null) copies.set(ks[j] ?? '', r);
    });
  }
  const versions = new Set(records.map((r) => r.version));
  const deleted = [...copies.values()].filter((c) => !c.unchanged && !versions.has(c.version));
  const keys = keysOf(records);
  let rehashed = false;
  // Revisions already reported; their stored texts are not checked on top.
  const faulty = new Set<number>();

  let sealedBefore: string | null = null;
  records.forEach((r, i) => {
    const before = out.length;
    check(r, i);
    if (out.length > before) faulty.add(i);
  });
  function check(r: RevisionRecord, i: number): void {
    const path = ['review', 'revisions', i];
    const span = spanOf(sop, i, r);
    const prev = records[i - 1];
    if (prev) {
      const wrong = r.unchanged ? r.version !== prev.version : compareVersions(r.version, prev.version) <= 0;
      if (wrong)
        out.push(
          diag('REVISION_ORDER', span, [...path, 'version'], r.version, {
            zh: r.unchanged
              ? `它记录的是未修改的复审，版本却不是上一条的 ${prev.version}`
              : `它排在修订 ${prev.version} 之后，版本号却没有增大`,
            en: r.unchanged
              ? `it records a review without changes, but its version is not the previous ${prev.version}`
              : `it comes after revision ${prev.version} but its version is not higher`,
          }),
        );
    }
    if (r.hash === null) {
      if (sealedBefore !== null)
        out.push(
          diag('REVISION_UNSEALED', span, path, r.version, {
            zh: `之前的修订 ${sealedBefore} 已签署`,
            en: `revision ${sealedBefore} before it is signed`,
          }),
        );
      return;
    }
    sealedBefore = r.version;
    const copy = copies.get(keys[i] ?? '');
    // Changed against the copy kept in .history: named field by field, whether or not it was re-hashed.
    const edited = copy ? fieldChanges({ ...copy, hash: null }, { ...r, hash: null }) : null;
    if (edited) {
      out.push(diag('REVISION_EDITED', span, path, r.version, edited));
      rehashed = true;
      return;
    }
    const previousHash = prev
      ? (prev.hash ?? expectedHashes(records.slice(0, i), sop.id)[i - 1] ?? null)
      : null;
    if (hashMatches(r.hash, previousHash, r, sop.id)) {
      // Only its signature rewritten (after an earlier revision was edited and the chain recomputed).
      if (copy && copy.hash !== r.hash && !rehashed) {
        rehashed = true;
        out.push(
          diag('REVISION_EDITED', span, path, r.version, {
            zh: `它的签署记录被重新计算过，与 ${shownFile(sop.id, copy.version)} 等保存的批准文本中的不同（之前的修订可能被改过）`,
            en: `its signature was recomputed and differs from the one kept in the approved texts such as ${shownFile(sop.id, copy.version)} (a revision before it may have been changed)`,
          }),
        );
      }
      return;
    }
    const gone = deleted.filter(
      (d) =>
        (!prev || compareVersions(d.version, prev.version) > 0) && compareVersions(d.version, r.version) < 0,
    );
    const copiedFrom = others.find((id) => hashMatches(r.hash as string, previousHash, r, id));
    if (gone.length > 0)
      for (const d of gone)
        out.push(
          diag('REVISION_DELETED', span, path, d.version, {
            zh: `它原在修订 ${r.version} 之前（${revisionWords(d).zh}），${shownFile(sop.id, d.version)} 中仍保存着它`,
            en: `it came before revision ${r.version} (${revisionWords(d).en}); ${shownFile(sop.id, d.version)} still keeps it`,
          }),
        );
    else if (copiedFrom !== undefined)
      out.push(
        diag('REVISION_COPIED', span, path, r.version, {
          zh: `它是为规程 ${copiedFrom} 签署的，不是本规程（${sop.id}）的`,
          en: `it was signed for the SOP ${copiedFrom}, not for this one (${sop.id})`,
        }),
      );
    else
      out.push(
        diag('REVISION_EDITED', span, path, r.version, {
          zh: '它或它之前的修订在签署后被改动过；.history 中没有它的副本，无法指出改动的字段',
          en: 'it or the revision before it was changed after signing; .history keeps no copy of it to name the field',
        }),
      );
  }

  const last = records[records.length - 1];
  const lastSealed = [...records].reverse().find((r) => r.hash !== null);
  if (lastSealed && compareVersions(sop.version, lastSealed.version) < 0)
    out.push(
      diag('REVISION_VERSION_SET_BACK', versionSpan(sop), ['version'], sop.version, {
        zh: `最后一次签署的修订是 ${lastSealed.version}`,
        en: `the last signed revision is ${lastSealed.version}`,
      }),
    );
  if (snapshotsDir === undefined) return out;

  // Sealed revisions deleted from the end of the list: the file is behind its stored texts.
  const lastVersion = last?.version ?? sop.version;
  for (const s of stored) {
    if (compareVersions(s.version, lastVersion) <= 0 || versions.has(s.version)) continue;
    const own = s.revisions.find((r) => r.version === s.version);
    out.push(
      makeDiagnostic('REVISION_SNAPSHOT_AHEAD', versionSpan(sop), ['version'], {
        version: sop.version,
        stored: s.version,
        snapshot: shownFile(sop.id, s.version),
        detailZh: own
          ? `修订 ${s.version}（${revisionWords(own).zh}）不在本文件的修订记录中：被删除了，或本文件是从旧副本恢复的`
          : `本文件的修订记录中没有 ${s.version}`,
        detail: own
          ? `revision ${s.version} (${revisionWords(own).en}) is not in this file's revisions: it was deleted, or the file was put back from an older copy`
          : `this file's revisions list no ${s.version}`,
      }),
    );
  }
  out.push(...checkSeals(sop, records, snapshotsDir, load, faulty));
  return out;
}

/**
 * Revisions by a key that survives deletions elsewhere in the list: the version, and for reviews without
 * changes (which keep the version) their ordinal among that version's reviews.
 */
function keysOf(records: readonly RevisionRecord[]): string[] {
  const reviews = new Map<string, number>();
  return records.map((r) => {
    if (!r.unchanged) return r.version;
    const n = (reviews.get(r.version) ?? 0) + 1;
    reviews.set(r.version, n);
    return `${r.version}#${n}`;
  });
}

/** Where `version:` is written in the SOP's source (the model keeps no span for it). */
function versionSpan(sop: Sop): SourceSpan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(sop.source, { lineCounter, prettyErrors: false });
  const node = doc.get('version', true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return sop.span;
  const s = lineCounter.linePos(node.range[0]);
  const e = lineCounter.linePos(node.range[1]);
  return { file: sop.file, line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
}

/** The rules that differ between two models, as one sentence each, or a note that only wording or comments differ. */
function changesBetween(before: Sop, after: Sop): Detail {
  const changes = diffSops(before, after);
  if (changes.length === 0)
    return { zh: '规则未变，改动的是注释或格式', en: 'no rule changed; comments or layout did' };
  const more = changes.length > 5 ? changes.length - 5 : 0;
  const list = changes.slice(0, 5);
  return {
    zh: list.map((c) => c.zh).join('；') + (more ? `；另有 ${more} 处` : ''),
    en: list.map((c) => c.en).join('; ') + (more ? `; and ${more} more` : ''),
  };
}

/** The stored model of a version, as a SOP the rule diff can read (it reads no positions or texts). */
function storedModel(snapshotsDir: string, id: string, version: string): { text: string; sop: Sop } | null {
  const file = join(snapshotsDir, id, `${version}.model.json`);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  try {
    return { text, sop: JSON.parse(text) as Sop };
  } catch {
    return null;
  }
}

/**
 * Each sealed revision's stored approved text and model must be the ones it sealed, and this SOP's. A
 * revision of older sopforge (no seal) needs its text stored when it is the current version.
 */
function checkSeals(
  sop: Sop,
  records: readonly RevisionRecord[],
  snapshotsDir: string,
  load: SnapshotLoader | undefined,
  faulty: ReadonlySet<number>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  records.forEach((r, i) => {
    if (r.hash === null || r.unchanged || faulty.has(i)) return;
    const sealed = r.source !== null;
    if (!sealed && (i !== records.length - 1 || r.version !== sop.version)) return;
    const file = snapshotPath(snapshotsDir, sop.id, r.version);
    const span = spanOf(sop, i, r);
    const path = ['review', 'revisions', i];
    const name = shownFile(sop.id, r.version);
    if (!existsSync(file)) {
      out.push(
        makeDiagnostic('REVISION_SNAPSHOT_MISSING', span, path, { version: r.version, snapshot: name }),
      );
      return;
    }
    if (!sealed) return;
    const text = readFileSync(file, 'utf8');
    const owner = peekId(text);
    if (owner !== null && owner !== sop.id) {
      out.push(
        diag('REVISION_COPIED', span, path, r.version, {
          zh: `保存的批准文本 ${name} 是规程 ${owner} 的，不是本规程的`,
          en: `the stored approved text ${name} is the SOP ${owner}'s, not this one's`,
        }),
      );
      return;
    }
    const model = storedModel(snapshotsDir, sop.id, r.version);
    const modelOk = model !== null && sha256(model.text) === r.model;
    if (sourceDigest(text) !== r.source) {
      // Name the change against the approved model; if that was changed too, against the file itself
      // when it is still the approved text.
      const now = load?.(file, text) ?? null;
      const reference = modelOk ? model.sop : sourceDigest(sop.source) === r.source ? sop : null;
      const detail: Detail =
        now && reference
          ? changesBetween(reference, now)
          : {
              zh: '与批准时的文本不同（保存的模型也被改动，无法比对出规则）',
              en: 'it differs from the text approved (its stored model was changed too, so the rules cannot be compared)',
            };
      out.push(diag('REVISION_SNAPSHOT_EDITED', span, path, r.version, detail, { snapshot: name }));
    } else if (!modelOk) {
      const now = load?.(file, text) ?? null;
      const detail: Detail =
        model === null
          ? {
              zh: `${shownFile(sop.id, r.version, 'model.json')} 不见了`,
              en: `${shownFile(sop.id, r.version, 'model.json')} is missing`,
            }
          : now
            ? changesBetween(now, model.sop)
            : { zh: '与批准时的模型不同', en: 'it differs from the model approved' };
      out.push(
        diag('REVISION_SNAPSHOT_EDITED', span, path, r.version, detail, {
          snapshot: shownFile(sop.id, r.version, 'model.json'),
        }),
      );
    }
  });
  return out;
}

function peekId(text: string): string | null {
  const m = /^id:\s*["']?([a-z0-9-]+)["']?\s*(#.*)?$/m.exec(text);
  return m?.[1] ?? null;
}
