/**
 * `CHANGELOG.md` of a machine package: the rule changes between the SOP's approved versions, newest
 * first, worded as `sopforge diff` words them (the rule-level diff of `src/history/diff.ts`).
 *
 * The versions, dates, types and summaries are the SOP's revision record (`review.revisions`). The
 * changes come from the history store: for each pair of consecutive versions whose approved texts are
 * kept in `.history/<id>/<version>.yaml`, both texts are loaded and diffed. `markChangelogs` does that
 * reading before the targets run (as `markDrafts` does for drafts), so `emitChangelog` stays pure; a
 * pair whose texts are not stored is said to be so, with the changes its revision recorded.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Lang } from '../../diagnostics/types.js';
import { diffSops, flatClauses, keyFn, type RuleChange } from '../../history/diff.js';
import { snapshotLoaderFor, snapshotsBeside } from '../../history/draft.js';
import { snapshotPath } from '../../history/revisions.js';
import { isRecord } from '../../history/values.js';
import type { ApprovedChanges, ProcedureSop, Revision, Sop, SopSet } from '../../model/types.js';
import { mdText } from '../../render/doc/markdown.js';
import { reviewTypeText } from '../../render/doc/words.js';
import { banner } from './emit-js.js';

/** The item of a list a key names (`k`, or `k#2` for the second item with that key), if any. */
function itemOf(items: readonly unknown[], name: string): unknown {
  const key = keyFn(items);
  const m = /^(.*)#(\d+)$/.exec(name);
  const [base, nth] = m ? [m[1] ?? '', Number(m[2])] : [name, 1];
  const hits = items.filter((v) => key(v) === base);
  return hits[nth - 1];
}

/**
 * The values along a change's key in a model. A key is its path joined by dots, and item keys may hold
 * dots themselves (a clause key `4.2`), so each step takes the longest run of segments that names
 * something.
 */
function valuesAlong(root: unknown, key: string): unknown[] {
  const segs = key.split('.');
  const chain: unknown[] = [root];
  let cur = root;
  let i = 0;
  while (i < segs.length) {
    let next: unknown;
    let j = segs.length;
    for (; j > i; j--) {
      const name = segs.slice(i, j).join('.');
      next = Array.isArray(cur) ? itemOf(cur, name) : isRecord(cur) ? cur[name] : undefined;
      if (next !== undefined) break;
    }
    if (next === undefined) break;
    chain.push(next);
    cur = next;
    i = j;
  }
  return chain;
}

/** The model as the diff walks it: the clause tree as one list (`diff.ts` `withFlatClauses`). */
function asDiffed(sop: Sop): unknown {
  return { ...sop, clauses: flatClauses(sop.clauses) };
}

/** The clause a change is under: the nearest `clause` along its key (a clause's own number for the text). */
export function clauseOfChange(change: RuleChange, before: Sop, after: Sop): string | null {
  const sides = change.op === 'removed' ? [before] : [after, before];
  for (const sop of sides) {
    const chain = valuesAlong(asDiffed(sop), change.key);
    for (let i = chain.length - 1; i >= 1; i--) {
      const v = chain[i];
      if (!isRecord(v)) continue;
      if (typeof v.clause === 'string') return v.clause;
      if (i === 1 && change.key.startsWith('clauses.') && typeof v.number === 'string') return v.number;
    }
  }
  return null;
}

/** The versions of the revision record in order, each once (a review that changed nothing keeps its version). */
function versionsOf(revisions: readonly Revision[]): string[] {
  const out: string[] = [];
  for (const r of revisions) if (!r.unchanged && !out.includes(r.version)) out.push(r.version);
  return out;
}

/**
 * The rule changes between consecutive approved versions of one SOP, read from the `.history` folder
 * beside its file (`cwd` is where its file name is relative to).
 */
export function approvedChangesOf(sop: Sop, cwd: string): ApprovedChanges {
  const dir = snapshotsBeside(sop.file, cwd);
  const pairs: ApprovedChanges['pairs'][number][] = [];
  if (dir !== undefined) {
    const load = snapshotLoaderFor(sop.file, cwd);
    const loaded = new Map<string, Sop | null>();
    const approved = (version: string): Sop | null => {
      if (!loaded.has(version)) {
        const file = snapshotPath(dir, sop.id, version);
        loaded.set(version, existsSync(file) ? load(file, readFileSync(file, 'utf8')) : null);
      }
      return loaded.get(version) ?? null;
    };
    const versions = versionsOf(sop.revisions);
    for (let i = 1; i < versions.length; i++) {
      const from = versions[i - 1] ?? '';
      const to = versions[i] ?? '';
      const a = approved(from);
      const b = approved(to);
      if (!a || !b) continue;
      pairs.push({
        from,
        to,
        changes: diffSops(a, b).map((c) => ({ zh: c.zh, en: c.en, clause: clauseOfChange(c, a, b) })),
      });
    }
  }
  return { pairs };
}

/**
 * The set with each machine's approved changes attached (`sop.changelog`), for `CHANGELOG.md`. Left off
 * when there is nothing to attach (no stored pair, Chinese), so such a SOP's model is unchanged.
 */
export function markChangelogs(set: SopSet, cwd: string): SopSet {
  return {
    ...set,
    sops: set.sops.map((sop) => {
      if (sop.kind !== 'procedure' || sop.workflow === null) return sop;
      const changelog = approvedChangesOf(sop, cwd);
      return changelog.pairs.length > 0 ? { ...sop, changelog } : sop;
    }),
  };
}

const WORDS = {
  zh: {
    title: '规则变更记录',
    intro: (name: string) =>
      `${name} 的状态机由规程的批准版本生成。以下是各版本的修订记录和版本之间的规则变更（规则级比较，与 \`sopforge diff\` 相同），最新的在前。`,
    draft: (v: string, n: number) =>
      `**草稿**：本包由与批准的版本 ${v} 不同的文本生成，尚未批准（${n} 处规则变更）。`,
    unsigned: '，未签署',
    unchanged: '复审未修改规则，版本不变。',
    changes: (from: string) => `与 ${from} 相比的规则变更：`,
    none: (from: string) => `与 ${from} 相比规则未变，改动的是文字、注释或格式。`,
    first: '这是本规程的第一个版本，没有更早的版本可比较。',
    missing: (from: string, to: string) =>
      `没有保存 ${from} 与 ${to} 的批准文本（.history），无法比较规则；修订时记录的规则变更：`,
    missingNone: (from: string, to: string) =>
      `没有保存 ${from} 与 ${to} 的批准文本（.history），无法比较规则；修订时未记录规则变更。`,
    clause: (c: string) => `第 ${c} 条：`,
    clauseIn: (c: string) => `第 ${c} 条`,
    noRevisions: (v: string) => `当前版本 ${v}；规程没有修订记录（review.revisions）。`,
  },
  en: {
    title: 'Rule changes',
    intro: (name: string) =>
      `The machine of ${name} is generated from the SOP's approved versions. Below are the revisions and the rule changes between versions (the rule-level diff, as \`sopforge diff\` prints it), newest first.`,
    draft: (v: string, n: number) =>
      `**Draft**: this package is built from a text that differs from approved version ${v} and is not approved (${n} rule changes).`,
    unsigned: ', not signed',
    unchanged: 'Reviewed without changing a rule; the version stays.',
    changes: (from: string) => `Rule changes since ${from}:`,
    none: (from: string) => `No rule changed since ${from}; wording, comments or layout did.`,
    first: 'This is the first version of the SOP: there is no earlier version to compare with.',
    missing: (from: string, to: string) =>
      `The approved texts of ${from} and ${to} are not stored (.history), so the rules cannot be compared; the changes recorded with the revision (in Chinese):`,
    missingNone: (from: string, to: string) =>
      `The approved texts of ${from} and ${to} are not stored (.history), so the rules cannot be compared; the revision recorded no rule changes.`,
    clause: (c: string) => `Clause ${c}: `,
    clauseIn: (c: string) => `clause ${c}`,
    noRevisions: (v: string) => `Current version ${v}; the SOP records no revisions (review.revisions).`,
  },
} as const;

/** A change as a list item, after its clause unless its sentence names the clause already. */
function changeLine(text: string, clause: string | null, lang: Lang): string {
  const w = WORDS[lang];
  const prefix = clause === null || text.includes(w.clauseIn(clause)) ? '' : w.clause(clause);
  return `- ${mdText(prefix + text)}`;
}

/**
 * `CHANGELOG.md` (Chinese) or `CHANGELOG.en.md` (English) of the SOP's machine package; pure: the changes
 * come attached to the model, in both languages, so the build's `--lang` changes no output.
 */
export function emitChangelog(sop: ProcedureSop, lang: Lang = 'zh'): string {
  const w = WORDS[lang];
  const pairs = sop.changelog?.pairs ?? [];
  const m = mdText;
  const lines: string[] = [
    banner(sop, `${sop.title} — CHANGELOG`)
      .split('\n')
      .map((l) => `<!-- ${l.replace(/^\/\/ /, '').replace(/-{2,}|[<>]/g, '_')} -->`)
      .join('\n'),
    '',
    `# ${m(sop.title)} — ${w.title}`,
    '',
    w.intro(`\`sop-${sop.id}\``),
    '',
  ];
  if (sop.draft) lines.push(w.draft(m(sop.draft.approvedVersion), sop.draft.changes.length), '');
  const versions = versionsOf(sop.revisions);
  if (sop.revisions.length === 0) lines.push(w.noRevisions(m(sop.version)), '');
  for (const r of [...sop.revisions].reverse()) {
    const type = reviewTypeText(r.type, lang);
    const sealed = r.hash === null ? w.unsigned : '';
    const what = lang === 'zh' ? `（${type}${sealed}）` : ` (${type}${sealed})`;
    lines.push(`## ${m(r.version)} — ${m(r.date)}${what}`, '');
    lines.push(m(r.summary), '');
    if (r.unchanged) {
      lines.push(w.unchanged, '');
      continue;
    }
    const at = versions.indexOf(r.version);
    const from = at > 0 ? (versions[at - 1] ?? null) : null;
    if (from === null) {
      lines.push(w.first, '');
      continue;
    }
    const pair = pairs.find((p) => p.from === from && p.to === r.version);
    if (pair) {
      if (pair.changes.length === 0) lines.push(w.none(m(from)), '');
      else
        lines.push(
          w.changes(m(from)),
          '',
          ...pair.changes.map((c) => changeLine(c[lang], c.clause, lang)),
          '',
        );
    } else if (r.changes.length > 0) {
      lines.push(w.missing(m(from), m(r.version)), '', ...r.changes.map((c) => `- ${m(c)}`), '');
    } else lines.push(w.missingNone(m(from), m(r.version)), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
