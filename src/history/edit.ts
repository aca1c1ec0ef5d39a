/**
 * Records a revision in a SOP's YAML text without disturbing the rest of it: the yaml Document API finds
 * the nodes, and the edits are spliced into the original text at their source ranges, so comments, flow
 * style, anchors and spacing stay exactly as written.
 */
import { Document, isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from '../deps/yaml.js';
import type { Signoff } from '../model/types.js';
import { expectedHashes, type RevisionContent, readRevisions, revisionHash } from './revisions.js';

export interface NewRevision {
  readonly version: string;
  readonly date: string;
  readonly type: 'annual' | 'semiannual' | 'feedback' | 'expert';
  readonly by: readonly string[];
  readonly summary: string;
  readonly changes: readonly string[];
  /** The date it takes effect; the approval date `date` when left out. */
  readonly effective?: string;
  readonly preparedBy?: Signoff | null;
  readonly reviewedBy?: Signoff | null;
  readonly approvedBy?: Signoff | null;
  /** A review that changed nothing: the version stays. */
  readonly unchanged?: boolean;
  readonly closes?: readonly string[];
  /** The seals of the approved text and its model. */
  readonly source?: string | null;
  readonly model?: string | null;
}

interface Edit {
  readonly at: number;
  readonly end: number;
  readonly text: string;
}

function splice(text: string, edits: readonly Edit[]): string {
  let out = text;
  // From the end backwards; of two insertions at one offset the earlier-listed one must end up first,
  // so it is applied last.
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.at - a.e.at || b.i - a.i);
  for (const { e } of order) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Replaces a scalar's value, keeping its quote style. */
function replaceScalar(node: Scalar, value: string): Edit {
  const [start, end] = node.range ?? [0, 0];
  const q =
    node.type === 'QUOTE_DOUBLE'
      ? '"'
      : node.type === 'QUOTE_SINGLE'
        ? "'"
        : /^[\d.]+$/.test(value) && value.includes('.')
          ? '"'
          : '';
  return { at: start, end, text: `${q}${value}${q}` };
}

/** Adds `key: value` to a map, in its own style (inside `{ … }` or as a new block line). */
function addKey(text: string, item: Node, key: string, value: string, eol: string): Edit {
  const [start, valueEnd] = item.range ?? [0, 0];
  if (isMap(item) && item.flow) {
    const close = text.lastIndexOf('}', valueEnd);
    let at = close;
    while (at > start && text[at - 1] === ' ') at--;
    return { at, end: at, text: `, ${key}: ${value}` };
  }
  const indent = ' '.repeat(columnOf(text, start));
  let at = valueEnd;
  while (at > start && /\s/.test(text[at - 1] ?? '')) at--;
  return { at, end: at, text: `${eol}${indent}${key}: ${value}` };
}

export type FeedbackDecision = {
  readonly id: string;
  readonly status: 'accepted' | 'rejected';
  /** The version of the revision that decided it. */
  readonly closedBy: string;
};

/**
 * The YAML text with the status of the listed feedback items (`review.feedback`) set, and the revision
 * that decided each (`closed-by`). Returns the ids that were not found.
 */
export function decideFeedback(
  text: string,
  decisions: readonly FeedbackDecision[],
): { text: string; missing: string[] } {
  const doc = parseDocument(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const seq = doc.getIn(['review', 'feedback'], true);
  const items = isSeq(seq) ? seq.items.filter(isMap) : [];
  const edits: Edit[] = [];
  const missing: string[] = [];
  for (const d of decisions) {
    const item = items.find((m) => String(m.get('id')) === d.id);
    if (!item) {
      missing.push(d.id);
      continue;
    }
    const status = item.get('status', true);
    edits.push(
      isScalar(status) ? replaceScalar(status, d.status) : addKey(text, item, 'status', d.status, eol),
    );
    const closed = item.get('closed-by', true);
    const version = `"${d.closedBy}"`;
    edits.push(
      isScalar(closed) ? replaceScalar(closed, d.closedBy) : addKey(text, item, 'closed-by', version, eol),
    );
  }
  return { text: splice(text, edits), missing };
}

/**
 * The YAML text with a staff feedback item appended to `review.feedback` (created after the revisions
 * when the SOP has none yet).
 */
export function appendFeedback(
  text: string,
  item: { readonly id: string; readonly date: string; readonly by: string; readonly text: string },
): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`cannot edit a file with YAML errors: ${doc.errors[0]?.message ?? ''}`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const entry = new Document({ id: item.id, date: item.date, by: item.by, text: item.text, status: 'open' });
  const map = entry.contents;
  if (isMap(map)) map.flow = true;
  const line = entry.toString({ lineWidth: 0, flowCollectionPadding: true }).trimEnd();
  const seq = doc.getIn(['review', 'feedback'], true);
  if (isSeq(seq) && !seq.flow && seq.items.length > 0) {
    const last = seq.items[seq.items.length - 1] as Node;
    const [start, end] = last.range ?? [0, 0];
    const indent = ' '.repeat(Math.max(0, columnOf(text, start) - 2));
    let at = end;
    while (at > start && /\s/.test(text[at - 1] ?? '')) at--;
    return splice(text, [{ at, end: at, text: `${eol}${indent}- ${line}` }]);
  }
  if (seq !== undefined && seq !== null) throw new Error('review.feedback must be a block list to add to it');
  const revisions = doc.getIn(['review', 'revisions'], true) as Node | undefined;
  const review = doc.get('review', true) as Node | undefined;
  if (!revisions?.range || !isMap(review) || review.flow)
    throw new Error('review.revisions must be a block list');
  const keyColumn = columnOf(text, (review.items[0]?.key as Node | undefined)?.range?.[0] ?? 0);
  const pad = ' '.repeat(keyColumn);
  let at = review.range?.[1] ?? revisions.range[1];
  while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
  return splice(text, [{ at, end: at, text: `${eol}${pad}feedback:${eol}${pad}  - ${line}` }]);
}

/** The record a new revision becomes, with every field the chain hash covers. */
export function recordOf(rev: NewRevision): RevisionContent {
  return {
    version: rev.version,
    date: rev.date,
    type: rev.type,
    by: [...rev.by],
    summary: rev.summary,
    changes: [...rev.changes],
    effective: rev.unchanged ? null : (rev.effective ?? rev.date),
    preparedBy: rev.preparedBy ?? null,
    reviewedBy: rev.reviewedBy ?? null,
    approvedBy: rev.approvedBy ?? null,
    unchanged: rev.unchanged ?? false,
    closes: [...(rev.closes ?? [])],
    source: rev.source ?? null,
    model: rev.model ?? null,
  };
}

const signoffJs = (s: Signoff | null) =>
  s ? (s.date ? { name: s.name, date: s.date } : { name: s.name }) : null;

/**
 * The YAML text with the revision appended to `review.revisions` (sealing earlier unsealed revisions with
 * their chain hashes; the last of them, the previous version, also with the seals of its approved text
 * when `previousSeal` is given), `version` set to the new version and `effective` to its effective date.
 * A review without changes (`unchanged`) keeps both.
 *
 * @example
 * const next = appendRevision(text, 'front-desk-reception', { version: '1.1', date: '2026-12-01', type: 'annual', by: ['品质管理部'], summary: '年度复审', changes });
 */
export function appendRevision(
  text: string,
  sopId: string,
  rev: NewRevision,
  previousSeal?: { readonly source: string; readonly model: string },
): { text: string; hash: string } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`cannot edit a file with YAML errors: ${doc.errors[0]?.message ?? ''}`);
  const seq = doc.getIn(['review', 'revisions'], true);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0)
    throw new Error('review.revisions must be a non-empty block list');
  // Keep the file's line endings.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const written = readRevisions(text);
  const lastIndex = written.length - 1;
  const records = written.map((r, i) =>
    i === lastIndex && r.hash === null && previousSeal ? { ...r, ...previousSeal } : r,
  );
  const expected = expectedHashes(records, sopId);
  const edits: Edit[] = [];
  seq.items.forEach((item, i) => {
    const r = records[i];
    if (!r || r.hash !== null || !expected[i]) return;
    if (i === lastIndex && previousSeal) {
      edits.push(addKey(text, item as Node, 'source', previousSeal.source, eol));
      edits.push(addKey(text, item as Node, 'model', previousSeal.model, eol));
    }
    edits.push(addKey(text, item as Node, 'hash', expected[i], eol));
  });
  const lastRecord = records[lastIndex];
  const previous = lastRecord ? (lastRecord.hash ?? expected[lastIndex] ?? null) : null;
  const record = recordOf(rev);
  const hash = revisionHash(previous, record, sopId);

  const entry: Record<string, unknown> = { version: record.version, date: record.date };
  if (record.effective !== null) entry.effective = record.effective;
  entry.type = record.type;
  if (record.unchanged) entry.unchanged = true;
  entry.by = [...record.by];
  for (const [key, s] of [
    ['prepared-by', record.preparedBy],
    ['reviewed-by', record.reviewedBy],
    ['approved-by', record.approvedBy],
  ] as const)
    if (s) entry[key] = signoffJs(s);
  entry.summary = record.summary;
  if (record.changes.length > 0) entry.changes = [...record.changes];
  if (record.closes.length > 0) entry.closes = [...record.closes];
  if (record.source !== null) entry.source = record.source;
  if (record.model !== null) entry.model = record.model;
  entry.hash = hash;
  const single = new Document([entry]);
  // Short lists and signatures on one line, as the bundled SOPs write them: by: [品质管理部, 张三].
  for (const key of ['by', 'closes', 'prepared-by', 'reviewed-by', 'approved-by']) {
    const node = single.getIn([0, key], true);
    if (isSeq(node) || isMap(node)) node.flow = true;
  }
  const block = single.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
  const lastItem = seq.items[seq.items.length - 1] as Node;
  const [itemStart, itemEnd] = lastItem.range ?? [0, 0];
  // The "- " of the last item starts two columns before the item's map.
  const dashColumn = Math.max(0, columnOf(text, itemStart) - 2);
  const indent = ' '.repeat(dashColumn);
  let at = itemEnd;
  while (at > itemStart && /\s/.test(text[at - 1] ?? '')) at--;
  const lines = block
    .trimEnd()
    .split('\n')
    .map((l) => `${indent}${l}`);
  edits.push({ at, end: at, text: `${eol}${lines.join(eol)}` });

  if (!record.unchanged) {
    const version = doc.get('version', true);
    if (isScalar(version)) edits.push(replaceScalar(version, rev.version));
    const effective = doc.get('effective', true);
    if (isScalar(effective)) edits.push(replaceScalar(effective, record.effective ?? rev.date));
  }
  return { text: splice(text, edits), hash };
}
