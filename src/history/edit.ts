/**
 * Records a revision in a SOP's YAML text without disturbing the rest of it: the yaml Document API finds
 * the nodes, and the edits are spliced into the original text at their source ranges, so comments, flow
 * style, anchors and spacing stay exactly as written.
 */
import { Document, isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from '../deps/yaml.js';
import { expectedHashes, readRevisions, revisionHash } from './revisions.js';

export interface NewRevision {
  readonly version: string;
  readonly date: string;
  readonly type: 'annual' | 'semiannual' | 'feedback' | 'expert';
  readonly by: readonly string[];
  readonly summary: string;
  readonly changes: readonly string[];
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

export type FeedbackDecision = { readonly id: string; readonly status: 'accepted' | 'rejected' };

/**
 * The YAML text with the status of the listed feedback items (`review.feedback`) set. Returns the ids
 * that were not found.
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
  }
  return { text: splice(text, edits), missing };
}

/**
 * The YAML text with the revision appended to `review.revisions` (sealing earlier unsealed revisions with
 * their chain hashes), `version` set to the new version and `effective` to the revision date.
 *
 * @example
 * const next = appendRevision(text, { version: '1.1', date: '2026-12-01', type: 'annual', by: ['品质管理部'], summary: '年度复审', changes });
 */
export function appendRevision(text: string, rev: NewRevision): { text: string; hash: string } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`cannot edit a file with YAML errors: ${doc.errors[0]?.message ?? ''}`);
  const seq = doc.getIn(['review', 'revisions'], true);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0)
    throw new Error('review.revisions must be a non-empty block list');
  // Keep the file's line endings.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const records = readRevisions(text);
  const expected = expectedHashes(records);
  const edits: Edit[] = [];
  seq.items.forEach((item, i) => {
    const r = records[i];
    if (r && r.hash === null && expected[i]) edits.push(addKey(text, item as Node, 'hash', expected[i], eol));
  });
  const lastRecord = records[records.length - 1];
  const previous = lastRecord ? (lastRecord.hash ?? expected[expected.length - 1] ?? null) : null;
  const hash = revisionHash(previous, rev);

  const entry: Record<string, unknown> = {
    version: rev.version,
    date: rev.date,
    type: rev.type,
    by: [...rev.by],
    summary: rev.summary,
  };
  if (rev.changes.length > 0) entry.changes = [...rev.changes];
  entry.hash = hash;
  const single = new Document([entry]);
  // Reviewers on one line, as the bundled SOPs write them: by: [品质管理部, 张三].
  const by = single.getIn([0, 'by'], true);
  if (isSeq(by)) by.flow = true;
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

  const version = doc.get('version', true);
  if (isScalar(version)) edits.push(replaceScalar(version, rev.version));
  const effective = doc.get('effective', true);
  if (isScalar(effective)) edits.push(replaceScalar(effective, rev.date));
  return { text: splice(text, edits), hash };
}
