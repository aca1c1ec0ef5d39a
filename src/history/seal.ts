/**
 * What a revision seals: the approved source text and its normalized model, each content-addressed by a
 * sha256 that the revision records (`source:`, `model:`) and its chain hash covers.
 *
 * The stored text `.history/<id>/<version>.yaml` is the whole YAML as approved. Its seal leaves out the
 * revision list and the staff feedback log (`review.revisions`, `review.feedback`): they grow after the
 * approval (the entry that seals the text is itself in the text; feedback is added between reviews)
 * without changing what was approved. Everything else — every clause, rule, version and effective date,
 * comments included — is sealed byte for byte.
 *
 * The model (`.history/<id>/<version>.model.json`) is the normalized SOP without source positions, file
 * names, the revision list and the feedback log, so the same approved text gives the same bytes wherever
 * its file lies.
 */
import { createHash } from 'node:crypto';
import { isMap, isScalar, parseDocument } from '../deps/yaml.js';
import type { Sop } from '../model/types.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The keys of `review:` that are not sealed: the revision list and the feedback log. */
const UNSEALED: readonly string[] = ['revisions', 'feedback'];

/**
 * The source text with the revision list and the feedback log cut out: what an approval seals. In a
 * block `review:` mapping the whole lines of each entry go (key and value), so adding the first feedback
 * item, which adds the `feedback:` key, changes nothing sealed.
 */
export function sealedText(text: string): string {
  const doc = parseDocument(text, { prettyErrors: false });
  const review = doc.get('review', true);
  const cuts: [number, number][] = [];
  if (isMap(review))
    for (const pair of review.items) {
      const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      const value = pair.value as { range?: [number, number, number] } | null;
      const name = isScalar(key) ? String(key.value) : '';
      if (!UNSEALED.includes(name) || !value?.range) continue;
      if (review.flow || !key?.range) {
        cuts.push([value.range[0], value.range[1]]);
        continue;
      }
      const from = text.lastIndexOf('\n', key.range[0] - 1) + 1;
      const lineEnd = text.indexOf('\n', Math.max(from, value.range[1] - 1));
      cuts.push([from, lineEnd < 0 ? text.length : lineEnd + 1]);
    }
  cuts.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end] of cuts) out = out.slice(0, start) + out.slice(end);
  return out;
}

/** The seal of an approved text (`source:` of its revision). */
export function sourceDigest(text: string): string {
  return sha256(sealedText(text));
}

/** Never part of the stored model, wherever they are: positions, file names and texts. */
const NOT_MODEL: ReadonlySet<string> = new Set(['span', 'file', 'source', 'sourceHash']);
/** Not part of it at the top: the revision record, which grows after the approval. */
const NOT_MODEL_TOP: ReadonlySet<string> = new Set(['revisions', 'feedback', 'draft']);

/** The normalized model of an approved text, as stored in `.history/<id>/<version>.model.json`. */
export function modelText(sop: Sop): string {
  const json = JSON.stringify(
    sop,
    function (this: unknown, key: string, value: unknown) {
      if (NOT_MODEL.has(key)) return undefined;
      if (this === sop && NOT_MODEL_TOP.has(key)) return undefined;
      return value;
    },
    1,
  );
  return `${json}\n`;
}

/** The seal of a model (`model:` of its revision). */
export function modelDigest(sop: Sop): string {
  return sha256(modelText(sop));
}
