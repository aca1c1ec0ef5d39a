/**
 * Draft or issued: a SOP whose text differs from the approved text its last signed revision sealed is a
 * draft. `validate` warns (SOP_DRAFT, with the rule changes), `build` stamps its documents and forms
 * 草稿 / DRAFT, and `build --release` refuses it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { DraftState, Sop, SopSet } from '../model/types.js';
import { diffSops, type RuleChange } from './diff.js';
import { revisionsOf, type SnapshotLoader, snapshotPath } from './revisions.js';
import { sourceDigest } from './seal.js';
import { loadVersion } from './versions.js';

/** The other SOP files of a folder, as `{ file, text }` shown relative to `cwd` (a manual's chapters resolve). */
export function companionsOnDisk(
  folder: string,
  cwd: string,
  except: string,
): { file: string; text: string }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => resolve(folder, n))
    .filter((abs) => abs !== except)
    .map((abs) => ({ file: relative(cwd, abs).split('\\').join('/'), text: readFileSync(abs, 'utf8') }));
}

/** Loads stored texts of the SOP at `sopFile` (relative to `cwd`) beside the other SOPs of its folder. */
export function snapshotLoaderFor(sopFile: string, cwd: string): SnapshotLoader {
  const abs = resolve(cwd, sopFile);
  let others: { file: string; text: string }[] | null = null;
  return (file, text) => {
    others ??= companionsOnDisk(dirname(abs), cwd, abs);
    const shown = relative(cwd, file).split('\\').join('/');
    return loadVersion(shown, text, others).sop;
  };
}

/** The `.history` folder beside a SOP's file, when there is one. */
export function snapshotsBeside(sopFile: string, cwd: string): string | undefined {
  const dir = join(dirname(resolve(cwd, sopFile)), '.history');
  return existsSync(dir) ? dir : undefined;
}

/**
 * Whether `sop` is a draft: its text (revisions and feedback left out) differs from what its last signed
 * revision sealed. The rule changes against that approved text come with it; `null` when it is issued or
 * was never signed with a seal.
 */
export function draftOf(
  sop: Sop,
  snapshotsDir: string | undefined,
  load: SnapshotLoader,
): { state: DraftState; changes: RuleChange[] } | null {
  const sealed = [...revisionsOf(sop)].reverse().find((r) => r.hash !== null && r.source !== null);
  if (!sealed || sealed.source === null || sourceDigest(sop.source) === sealed.source) return null;
  let changes: RuleChange[] = [];
  const file = snapshotsDir === undefined ? null : snapshotPath(snapshotsDir, sop.id, sealed.version);
  if (file !== null && existsSync(file)) {
    const approved = load(file, readFileSync(file, 'utf8'));
    if (approved) changes = diffSops(approved, sop);
  }
  return { state: { approvedVersion: sealed.version, changes: changes.map((c) => c.zh) }, changes };
}

/** A short summary of the rule changes of a draft, in both languages (with the version, when it was changed). */
export function draftSummary(
  changes: readonly RuleChange[],
  versions?: { readonly approved: string; readonly now: string },
): { zh: string; en: string } {
  if (versions && versions.approved !== versions.now) {
    const rest = draftSummary(changes);
    return {
      zh: `版本 ${versions.approved} → ${versions.now}；${rest.zh}`,
      en: `version ${versions.approved} → ${versions.now}; ${rest.en}`,
    };
  }
  if (changes.length === 0)
    return {
      zh: '规则未变，改动的是文字、注释或格式',
      en: 'no rule changed; wording, comments or layout did',
    };
  const shown = changes.slice(0, 3);
  const more = changes.length - shown.length;
  return {
    zh: shown.map((c) => c.zh).join('；') + (more > 0 ? `；等共 ${changes.length} 处` : ''),
    en: shown.map((c) => c.en).join('; ') + (more > 0 ? `; ${changes.length} changes in all` : ''),
  };
}

/**
 * The set with each draft marked (`sop.draft`), for the targets: documents and forms print 草稿 / DRAFT.
 * The mark is part of the SOP's model, so an incremental build rebuilds a SOP when it becomes or stops
 * being a draft.
 */
export function markDrafts(set: SopSet, cwd: string): SopSet {
  return {
    ...set,
    sops: set.sops.map((sop) => {
      const draft = draftOf(sop, snapshotsBeside(sop.file, cwd), snapshotLoaderFor(sop.file, cwd));
      return draft ? { ...sop, draft: draft.state } : sop;
    }),
  };
}
