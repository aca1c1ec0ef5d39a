import { approxMonths } from '../../normalize/units.js';
import { suggest, suggestionParams } from '../suggest.js';
import type { SopRuleContext } from './sop-rules.js';

/**
 * What a set rule knows beside the SOPs that were read: the ids of files of the set that could not be
 * read (a syntax or schema error, reported in that file). A reference to one of them is not reported again.
 */
export interface SetContext {
  readonly failed: ReadonlySet<string>;
}

/** A rule over the whole set being validated: cross-file references and uniqueness. */
export type SetRule = (entries: readonly SopRuleContext[], set: SetContext) => void;

/** SOP ids are unique in the set (they name the output folders). */
export const idsAreUnique: SetRule = (entries) => {
  const first = new Map<string, SopRuleContext>();
  for (const e of entries) {
    const prev = first.get(e.sop.id);
    if (prev) e.report.at(['id'], 'DUPLICATE_ID', { id: e.sop.id, other: prev.sop.file });
    else first.set(e.sop.id, e);
  }
};

/** A reference not marked external names an SOP of the set. */
export const referencesResolve: SetRule = (entries, set) => {
  const ids = new Set(entries.map((e) => e.sop.id));
  const candidates = entries.map((e) => ({ id: e.sop.id, names: [e.sop.title] }));
  for (const e of entries) {
    for (const ref of e.sop.references) {
      if (!ref.external && !ids.has(ref.id) && !set.failed.has(ref.id))
        e.report.at(
          ['references', ref.id],
          'REFERENCE_UNRESOLVED',
          { id: ref.id, ...suggestionParams(suggest(ref.id, candidates)) },
          { key: true },
        );
    }
  }
};

/** A manual's chapters are SOPs of the set. */
export const chaptersResolve: SetRule = (entries, set) => {
  const ids = new Set(entries.map((e) => e.sop.id));
  const candidates = entries.map((e) => ({ id: e.sop.id, names: [e.sop.title] }));
  for (const e of entries) {
    if (e.sop.kind !== 'manual') continue;
    e.sop.chapters.forEach((c, i) => {
      if (!ids.has(c) && !set.failed.has(c))
        e.report.at(['chapters', i], 'CHAPTER_UNRESOLVED', {
          id: c,
          ...suggestionParams(suggest(c, candidates)),
        });
    });
  }
};

/** Every record of the set is kept at least as long as a manual's record policy requires. */
export const retentionMeetsManualMinimum: SetRule = (entries) => {
  for (const m of entries) {
    if (m.sop.kind !== 'manual' || !m.sop.minRetention) continue;
    const min = m.sop.minRetention;
    for (const e of entries) {
      if (e.sop.kind !== 'procedure') continue;
      e.sop.records.forEach((rec, i) => {
        if (!rec.retention) e.report.at(['records', i], 'RETENTION_MISSING', { minimum: min.text });
        else if (approxMonths(rec.retention) < approxMonths(min)) {
          e.report.at(['records', i, 'retention'], 'RETENTION_TOO_SHORT', {
            retention: rec.retention.text,
            minimum: min.text,
          });
        }
      });
    }
  }
};

export const setRules: readonly SetRule[] = [
  idsAreUnique,
  referencesResolve,
  chaptersResolve,
  retentionMeetsManualMinimum,
];
