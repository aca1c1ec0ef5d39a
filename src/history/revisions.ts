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
import type { Revision, Sop, SourceSpan } from '../model/types.js';

/** A revision with the fields the hash covers, read from the source text. */
export interface RevisionRecord {
  readonly version: string;
  readonly date: string;
  readonly type: string;
  readonly by: readonly string[];
  readonly summary: string;
  readonly changes: readonly string[];
  readonly hash: string | null;
  readonly span: SourceSpan | null;
}

const FORMAT = 'sopforge-revision/1';

export function revisionHash(previous: string | null, r: Omit<RevisionRecord, 'hash' | 'span'>): string {
  const canonical = JSON.stringify([
    FORMAT,
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

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
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
      date: js.date instanceof Date ? js.date.toISOString().slice(0, 10) : str(js.date),
      type: str(js.type),
      by: Array.isArray(js.by) ? js.by.map(str) : [],
      summary: str(js.summary),
      changes: Array.isArray(js.changes) ? js.changes.map(str) : [],
      hash: typeof js.hash === 'string' ? js.hash : null,
      span,
    };
  });
}

/** The hashes every revision should carry, in order (stored hashes of earlier revisions are chained as written). */
export function expectedHashes(records: readonly RevisionRecord[]): string[] {
  const out: string[] = [];
  let previous: string | null = null;
  for (const r of records) {
    const h = revisionHash(previous, r);
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

const DETAILS = {
  mismatch: (i: number): Detail => ({
    zh: `第 ${i} 条修订记录的内容与其哈希不符，该修订或其前一条修订在记录后被改动过`,
    en: `entry ${i} does not match its hash; it or the entry before it was changed after it was recorded`,
  }),
  unsealed: (previous: string): Detail => ({
    zh: `没有哈希，而之前的修订 ${previous} 已签署；修订须用 sopforge revise 记录`,
    en: `it has no hash although revision ${previous} before it is sealed; revisions must be recorded with sopforge revise`,
  }),
  snapshot: (file: string): Detail => ({
    zh: `与保存的批准文本 ${file} 中的记录不一致`,
    en: `it differs from the approved text kept in ${file}`,
  }),
};

function broken(
  sop: Sop,
  index: number,
  record: RevisionRecord | undefined,
  path: readonly (string | number)[],
  detail: Detail,
): Diagnostic {
  return makeDiagnostic('REVISION_CHAIN_BROKEN', spanOf(sop, index, record), path, {
    version: record?.version ?? '',
    detailZh: detail.zh,
    detail: detail.en,
  });
}

/**
 * Checks the hash chain of the revision history of `sop`: every hash matches its revision and the hash
 * before it, and no revision after a sealed one is left unsealed; with `snapshotsDir`, every stored
 * approved text (`<dir>/<sop-id>/<version>.yaml`) must hold the same revisions as the file today.
 * Revisions written before the first sealed one may have no hash (`sopforge revise` seals them).
 * Each problem is reported at the revision at fault (`REVISION_CHAIN_BROKEN`).
 *
 * @example
 * const diagnostics = checkRevisionChain(sop, 'sops/.history');
 */
export function checkRevisionChain(sop: Sop, snapshotsDir?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const records = revisionsOf(sop);
  const expected = expectedHashes(records);
  let sealedBefore: string | null = null;
  records.forEach((r, i) => {
    const path = ['review', 'revisions', i];
    if (r.hash === null) {
      if (sealedBefore !== null) out.push(broken(sop, i, r, path, DETAILS.unsealed(sealedBefore)));
    } else {
      if (r.hash !== expected[i]) out.push(broken(sop, i, r, [...path, 'hash'], DETAILS.mismatch(i + 1)));
      sealedBefore = r.version;
    }
  });
  if (snapshotsDir !== undefined)
    out.push(
      ...checkStoredVersions(sop, records, snapshotsDir),
      ...checkSnapshots(sop, records, snapshotsDir),
    );
  return out;
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

/**
 * The stored approved texts must match the file's version: a revision sealed by `sopforge revise` always
 * has its text stored, and no stored text may be newer than the file. Either mismatch is what a `revise`
 * of an older sopforge left when killed between its writes, or a file put back from an older copy; the
 * comparison of rules against it (`diff --rev`, the next `revise`) would otherwise silently go wrong.
 */
function checkStoredVersions(
  sop: Sop,
  records: readonly RevisionRecord[],
  snapshotsDir: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const last = records.length - 1;
  const record = records[last];
  const shown = (v: string) => `.history/${sop.id}/${v}.yaml`;
  if (
    record &&
    record.hash !== null &&
    record.version === sop.version &&
    !existsSync(snapshotPath(snapshotsDir, sop.id, sop.version))
  ) {
    out.push(
      makeDiagnostic('REVISION_SNAPSHOT_MISSING', spanOf(sop, last, record), ['review', 'revisions', last], {
        version: sop.version,
        snapshot: shown(sop.version),
      }),
    );
  }
  const dir = join(snapshotsDir, sop.id);
  const stored = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => !n.startsWith('.') && n.endsWith('.yaml'))
        .map((n) => n.slice(0, -'.yaml'.length))
    : [];
  const ahead = stored.filter((v) => compareVersions(v, sop.version) > 0).sort(compareVersions);
  const newest = ahead[ahead.length - 1];
  if (newest !== undefined)
    out.push(
      makeDiagnostic('REVISION_SNAPSHOT_AHEAD', versionSpan(sop), ['version'], {
        version: sop.version,
        stored: newest,
        snapshot: shown(newest),
      }),
    );
  return out;
}

/**
 * Each stored approved text must contain the same revisions as the file today. An entry whose content
 * differs is at fault; when only hashes differ (the chain was recomputed), the first such entry is.
 */
function checkSnapshots(sop: Sop, records: readonly RevisionRecord[], snapshotsDir: string): Diagnostic[] {
  const content = new Map<number, string>();
  const hashOnly = new Map<number, string>();
  for (const r of records) {
    const file = snapshotPath(snapshotsDir, sop.id, r.version);
    if (!existsSync(file)) continue;
    const shown = `${sop.id}/${r.version}.yaml`;
    readRevisions(readFileSync(file, 'utf8'), file).forEach((s, j) => {
      const now = records[j];
      if (!now || revisionHash(null, s) !== revisionHash(null, now)) {
        if (!content.has(j)) content.set(j, shown);
      } else if (s.hash !== null && s.hash !== now.hash && !hashOnly.has(j)) {
        hashOnly.set(j, shown);
      }
    });
  }
  const faults = content.size > 0 ? content : new Map([...hashOnly].sort((a, b) => a[0] - b[0]).slice(0, 1));
  return [...faults]
    .sort((a, b) => a[0] - b[0])
    .map(([j, shown]) => broken(sop, j, records[j], ['review', 'revisions', j], DETAILS.snapshot(shown)));
}
