/**
 * `revise` as one atomic step, through a write-ahead journal.
 *
 * A revision changes several files: the SOP's YAML (the new revision entry, `version`, `effective`, the
 * decisions on staff feedback), the stored approved text of the new version in `.history/`, and, for a
 * SOP whose previous text came from git, the stored text of the previous version. `revise` never writes
 * them one after the other directly. It first writes one journal file, `<sops>/.sopforge-revise.json`,
 * holding each target's complete new text and the sha256 of what the target held before (or that it did
 * not exist). Writing the journal (temporary file, fsync, rename, fsync of the folder) is the commit
 * point. Then the journal is applied — each target written the same durable way, the YAML last — and
 * removed.
 *
 * Why a kill at any moment leaves the old or the new state, never half:
 * - Before the journal's rename nothing but a temporary file exists (the next command removes it), so
 *   the YAML and `.history/` are exactly as they were.
 * - After it, the journal describes the whole new state, and applying it is idempotent: a target that
 *   already holds its new text is skipped, one that still holds its old text is written. Every command
 *   that reads the SOPs or their history (`validate`, `build`, `revise`, `diff`, `review`) first applies
 *   a journal it finds and removes it; a kill during that replay is recovered the same way again.
 * - A target holding neither its old nor its new text (edited by hand after the kill) is never
 *   overwritten: the journal stays and `validate` reports REVISION_INTERRUPTED at the SOP's `version:`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { removeFileDurable, tempOwner, writeFileDurable } from './durable.js';

const FORMAT = 'sopforge-revise-journal/1';
/** The journal's name in the SOP folder (a dot-file: the loader skips it). */
export const JOURNAL_NAME = '.sopforge-revise.json';

/** One file a revision writes: its path relative to the SOP folder, its old sha256 (null: absent), its new text. */
export interface JournalTarget {
  readonly path: string;
  readonly before: string | null;
  readonly text: string;
}

export interface RevisionJournal {
  readonly format: typeof FORMAT;
  /** The SOP's id and the version being recorded, for messages. */
  readonly sop: string;
  readonly version: string;
  /** Applied in this order; the YAML comes last. */
  readonly targets: readonly JournalTarget[];
}

export type Recovery =
  | { readonly state: 'none' }
  | { readonly state: 'completed'; readonly journal: RevisionJournal }
  /** The journal could not be applied: `file` (relative to the SOP folder) changed since, or the journal is unreadable. */
  | { readonly state: 'conflict'; readonly journal: RevisionJournal | null; readonly file: string };

export function journalPathFor(sopsDir: string): string {
  return join(sopsDir, JOURNAL_NAME);
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function hashOf(file: string): string | null {
  return existsSync(file) ? sha256(readFileSync(file)) : null;
}

/** The absolute path of a target, or null when the journal points outside the SOP folder. */
function targetPath(sopsDir: string, path: string): string | null {
  const abs = resolve(sopsDir, path);
  const rel = relative(sopsDir, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? null : abs;
}

function isJournal(v: unknown): v is RevisionJournal {
  if (typeof v !== 'object' || v === null) return false;
  const j = v as Record<string, unknown>;
  return (
    j.format === FORMAT &&
    typeof j.sop === 'string' &&
    typeof j.version === 'string' &&
    Array.isArray(j.targets) &&
    j.targets.every((t: unknown) => {
      const x = t as Record<string, unknown> | null;
      return (
        typeof x === 'object' &&
        x !== null &&
        typeof x.path === 'string' &&
        typeof x.text === 'string' &&
        (x.before === null || typeof x.before === 'string')
      );
    })
  );
}

/** The pending journal of a SOP folder: null when there is none, 'invalid' when it cannot be read. */
export function readJournal(sopsDir: string): RevisionJournal | 'invalid' | null {
  const file = journalPathFor(sopsDir);
  if (!existsSync(file)) return null;
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isJournal(v) || v.targets.some((t) => targetPath(sopsDir, t.path) === null)) return 'invalid';
    return v;
  } catch {
    return 'invalid';
  }
}

/** The targets still to write, or the first one that holds neither its old nor its new text. */
function plan(sopsDir: string, journal: RevisionJournal): { todo: JournalTarget[]; conflict: string | null } {
  const todo: JournalTarget[] = [];
  for (const t of journal.targets) {
    const abs = targetPath(sopsDir, t.path);
    const now = abs === null ? 'outside' : hashOf(abs);
    if (now === sha256(t.text)) continue;
    if (now !== t.before) return { todo: [], conflict: t.path };
    todo.push(t);
  }
  return { todo, conflict: null };
}

function apply(sopsDir: string, journal: RevisionJournal): Recovery {
  const { todo, conflict } = plan(sopsDir, journal);
  if (conflict !== null) return { state: 'conflict', journal, file: conflict };
  for (const t of todo) writeFileDurable(resolve(sopsDir, t.path), t.text);
  removeFileDurable(journalPathFor(sopsDir));
  return { state: 'completed', journal };
}

/** Whether a process with this id is running (a temporary file of a running process is left alone). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files that killed writes left in the SOP folder and its snapshot folders. */
function removeLeftovers(sopsDir: string): void {
  const history = join(sopsDir, '.history');
  const dirs = [sopsDir];
  if (existsSync(history))
    for (const name of readdirSync(history)) {
      const dir = join(history, name);
      if (statSync(dir).isDirectory()) dirs.push(dir);
    }
  for (const dir of dirs)
    for (const name of readdirSync(dir)) {
      const pid = /\.(ya?ml|json)\.\d+\.tmp$/.test(name) ? tempOwner(name) : null;
      if (pid !== null && (pid === process.pid || !running(pid))) removeFileDurable(join(dir, name));
    }
}

/**
 * Completes a revision that an interrupted `revise` committed in `sopsDir`, and removes what killed writes
 * left behind. Safe to call at any time; a no-op when nothing is pending.
 *
 * @example
 * const r = recoverRevision('sops');
 * if (r.state === 'conflict') console.error(`cannot complete the revision: ${r.file} changed`);
 */
export function recoverRevision(sopsDir: string): Recovery {
  if (!existsSync(sopsDir) || !statSync(sopsDir).isDirectory()) return { state: 'none' };
  removeLeftovers(sopsDir);
  const journal = readJournal(sopsDir);
  if (journal === null) return { state: 'none' };
  if (journal === 'invalid') return { state: 'conflict', journal: null, file: JOURNAL_NAME };
  return apply(sopsDir, journal);
}

/** `recoverRevision` for every folder under the files or folders a command was given. */
export function recoverRevisionsUnder(paths: readonly string[], cwd: string): Recovery[] {
  const dirs = new Set<string>();
  const walk = (dir: string): void => {
    dirs.add(dir);
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(join(dir, e.name));
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = existsSync(abs) ? statSync(abs) : null;
    if (info?.isDirectory()) walk(abs);
    else if (info) dirs.add(resolve(abs, '..'));
  }
  return [...dirs].map((d) => recoverRevision(d));
}

/**
 * Records a revision: writes the journal durably (the commit point), then applies it. Returns
 * `completed`, or `conflict` when a target changed while the revision was being prepared (then the
 * journal is withdrawn and nothing was written).
 */
export function commitRevision(
  sopsDir: string,
  revision: {
    sop: string;
    version: string;
    writes: readonly { file: string; text: string }[];
  },
): Recovery {
  const targets = revision.writes.map((w) => ({
    path: relative(sopsDir, w.file).split(sep).join('/'),
    before: hashOf(w.file),
    text: w.text,
  }));
  const journal: RevisionJournal = { format: FORMAT, sop: revision.sop, version: revision.version, targets };
  writeFileDurable(journalPathFor(sopsDir), `${JSON.stringify(journal, null, 1)}\n`);
  const r = apply(sopsDir, journal);
  if (r.state === 'conflict') removeFileDurable(journalPathFor(sopsDir));
  return r;
}

/** The journal a SOP folder holds for SOP `id`, with the target that stops it from being applied, if any. */
export function pendingRevisionFor(
  sopsDir: string,
  id: string,
): { journal: RevisionJournal | null; conflict: string | null } | null {
  const journal = readJournal(sopsDir);
  if (journal === null) return null;
  if (journal === 'invalid') return { journal: null, conflict: JOURNAL_NAME };
  if (journal.sop !== id) return null;
  return { journal, conflict: plan(sopsDir, journal).conflict };
}
