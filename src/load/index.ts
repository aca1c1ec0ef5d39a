import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CalendarData } from '../calendar/index.js';
import { type CalendarFile, loadCalendars } from '../calendar/load.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../diagnostics/types.js';
import type { SopSet } from '../model/types.js';
import { normalize } from '../normalize/index.js';
import { inheritReviewPolicy } from '../normalize/review.js';
import type { WrittenSop } from '../normalize/written.js';
import { type SetRule, setRules } from '../validate/rules/set-rules.js';
import { type SopRule, type SopRuleContext, sopRules } from '../validate/rules/sop-rules.js';
import { validateSchema } from '../validate/schema.js';
import { type ParsedFile, parseSource } from './parse.js';
import { decodeSource, display, findSopFiles, readSource, type SourceText } from './read.js';

export interface LoadResult {
  /** The validated set, or `null` when any file has an error. */
  readonly set: SopSet | null;
  /** Errors and warnings of every file, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The files that were read, as shown to the user. */
  readonly files: readonly string[];
}

export interface LoadOptions {
  /** Paths are resolved against this folder and shown relative to it (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Extra rules, e.g. the revision-chain check; they run after the built-in ones. */
  readonly sopRules?: readonly SopRule[];
  readonly setRules?: readonly SetRule[];
  /** Folder of site calendar files (`*.yaml`), default `calendars` under `cwd`; a missing folder is fine. */
  readonly calendarsDir?: string;
  /** Calendar files held in memory (for `loadSopTexts`). */
  readonly calendarFiles?: readonly CalendarFile[];
}

/**
 * Loads, validates and normalizes every SOP under `paths` (files or folders) as one set.
 *
 * @example
 * const { set, diagnostics } = await loadSopSet(['sops/']);
 * if (!set) for (const d of diagnostics) console.log(`${d.file}:${d.line}:${d.column} ${d.code}`);
 */
export async function loadSopSet(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const found = await findSopFiles(paths, cwd);
  const sources: SourceText[] = [];
  const diagnostics: Diagnostic[] = [...found.diagnostics];
  for (const abs of found.files) {
    const read = await readSource(abs, cwd);
    diagnostics.push(...read.diagnostics);
    if (read.source) sources.push(read.source);
  }
  const calendarFiles = await readCalendarFiles(resolve(cwd, options.calendarsDir ?? 'calendars'), cwd);
  const checked = checkSources(sources, { ...options, calendarFiles });
  const all = sortDiagnostics([...diagnostics, ...checked.diagnostics]);
  return {
    set: hasErrors(all) ? null : checked.set,
    diagnostics: all,
    files: found.files.map((f) => display(cwd, f)),
  };
}

async function readCalendarFiles(dir: string, cwd: string): Promise<CalendarFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: CalendarFile[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/i.test(n)).sort()) {
    files.push({ file: display(cwd, join(dir, name)), text: await readFile(join(dir, name), 'utf8') });
  }
  return files;
}

/** Validates SOP texts held in memory (as if they were files of one set). */
export function loadSopTexts(
  files: readonly { file: string; text: string | Uint8Array }[],
  options: LoadOptions = {},
): LoadResult {
  const sources: SourceText[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const bytes = typeof f.text === 'string' ? new TextEncoder().encode(f.text) : f.text;
    const read = decodeSource(f.file, f.file, bytes);
    diagnostics.push(...read.diagnostics);
    if (read.source) sources.push(read.source);
  }
  const checked = checkSources(sources, options);
  const all = sortDiagnostics([...diagnostics, ...checked.diagnostics]);
  return { set: hasErrors(all) ? null : checked.set, diagnostics: all, files: files.map((f) => f.file) };
}

/**
 * A file of language version 1 is not read by the version 2 schema and normalizer: one error at its
 * `sopforge:` line, naming the command that rewrites it, instead of a page of schema errors.
 */
function oldLanguage(parsed: ParsedFile): Diagnostic | null {
  const v = (parsed.value as { sopforge?: unknown }).sopforge;
  if (v !== 1) return null;
  parsed.reporter.at(['sopforge'], 'LANGUAGE_VERSION_OLD', { version: 1, file: parsed.source.file });
  return parsed.reporter.diagnostics.pop() ?? null;
}

/** The id a file that could not be read states, else its file name without extension. */
function writtenId(parsed: ParsedFile, file: string): string {
  const id = (parsed.value as { id?: unknown }).id;
  return typeof id === 'string' ? id : fileStem(file);
}

function fileStem(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.ya?ml$/i, '');
}

/** parse → schema → normalize, for each file; what chapters take from their manual; the rules of each SOP; then the rules over the whole set. */
function checkSources(
  sources: readonly SourceText[],
  options: LoadOptions,
): { set: SopSet; diagnostics: Diagnostic[] } {
  const cal = loadCalendars(options.calendarFiles ?? []);
  const calendars: readonly CalendarData[] = cal.calendars;
  const diagnostics: Diagnostic[] = [...cal.diagnostics];
  const entries: SopRuleContext[] = [];
  const failed = new Set<string>();
  for (const source of sources) {
    const { parsed, diagnostics: parseDiags } = parseSource(source);
    diagnostics.push(...parseDiags);
    if (!parsed) {
      failed.add(fileStem(source.file));
      continue;
    }
    const old = oldLanguage(parsed);
    if (old) {
      diagnostics.push(old);
      failed.add(writtenId(parsed, source.file));
      continue;
    }
    const schemaDiags = validateSchema(parsed);
    diagnostics.push(...schemaDiags);
    if (hasErrors(schemaDiags)) {
      failed.add(writtenId(parsed, source.file));
      continue;
    }
    const { sop, diagnostics: normDiags } = normalize(parsed);
    diagnostics.push(...normDiags);
    entries.push({ written: parsed.value as unknown as WrittenSop, sop, report: parsed.reporter });
  }
  // The rules see each SOP as the set makes it: a chapter with the review rules of its manual.
  const inherited = inheritReviewPolicy(entries);
  entries.forEach((e, i) => {
    const review = inherited.get(e.sop.id);
    if (review) entries[i] = { ...e, sop: { ...e.sop, review } };
  });
  for (const ctx of entries) for (const rule of [...sopRules, ...(options.sopRules ?? [])]) rule(ctx);
  for (const rule of [...setRules, ...(options.setRules ?? [])]) rule(entries, { failed });
  for (const e of entries) diagnostics.push(...e.report.diagnostics.splice(0));
  return { set: { sops: entries.map((e) => e.sop), calendars }, diagnostics };
}
