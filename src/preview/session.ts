/**
 * What the preview shows, computed from the SOP set on disk: the problems of every file, and for one SOP its
 * document, diagram, machine module, forms and the rule changes since its last approved revision. It uses the
 * build's own pipeline (`loadSopSet`, the targets, `diffSops`), so the page shows what `build` would write.
 * Nothing here writes to disk.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { emitMachineArtifacts } from '../compile/machine/index.js';
import { codeFrame } from '../diagnostics/format.js';
import type { Diagnostic, Lang } from '../diagnostics/types.js';
import { diffSops, type RuleChange } from '../history/diff.js';
import { gitHeadText, loadVersion, readSnapshot, snapshotsDirFor } from '../history/versions.js';
import { loadSopTexts } from '../load/index.js';
import { display } from '../load/read.js';
import type { Sop, SopSet } from '../model/types.js';
import { renderDocumentText } from '../render/doc/target.js';
import { DocTemplates } from '../render/doc/templates.js';
import { formsTarget } from '../render/pdf/target.js';
import { extraRules } from '../validate/extra.js';
import { loadSetOffThread } from './load-thread.js';

/** A problem as the page shows it: position, message and hint in the page's language, and its code frame. */
export interface PreviewProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly hint: string;
  readonly frame: string;
}

export interface PreviewSopInfo {
  readonly id: string;
  readonly title: string;
  readonly kind: Sop['kind'];
  readonly file: string;
  readonly version: string;
}

/** The state the page polls and is told about: one generation per reload of the set. */
export interface PreviewState {
  readonly generation: number;
  /** Generation of the last set without errors, whose renders are shown (0: none yet). */
  readonly goodGeneration: number;
  /** True when the set on disk has errors and the renders shown are those of `goodGeneration`. */
  readonly stale: boolean;
  readonly lang: Lang;
  readonly files: readonly string[];
  readonly sops: readonly PreviewSopInfo[];
  readonly problems: readonly PreviewProblem[];
  /** A failure of the preview itself (a bug), so the page says so instead of going blank. */
  readonly failure: string | null;
}

/** One SOP's renders, as the page loads them. */
export interface PreviewSop {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly kind: Sop['kind'];
  readonly file: string;
  /** The issued document as HTML (`sop.html` / `manual.html` of the build). */
  readonly html: string;
  /** `machine.mmd`, `machine.json` and `machine.js` of the build; `null` for a SOP without a workflow. */
  readonly machine: { readonly mermaid: string; readonly config: unknown; readonly module: string } | null;
  /** Form ids, titles and the sha256 of each PDF (served separately), so the page redraws only what changed. */
  readonly forms: readonly { readonly id: string; readonly title: string; readonly sha256: string }[];
  readonly diff: PreviewDiff;
}

export interface PreviewDiff {
  /** Where the text compared with came from. */
  readonly base: 'snapshot' | 'git' | 'opened' | 'none';
  /** Version of that text. */
  readonly baseVersion: string | null;
  readonly changes: readonly RuleChange[];
  /** Diagnostics of the base text when it no longer loads (an old language version, say). */
  readonly baseProblems: readonly string[];
}

interface Rendered {
  readonly sop: PreviewSop;
  readonly pdfs: ReadonlyMap<string, Uint8Array>;
}

export interface SessionOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly lang: Lang;
}

/** The site calendar files (`calendars/*.yaml` under `cwd`), as `loadSopSet` reads them. */
async function calendarTexts(cwd: string): Promise<{ file: string; text: string }[]> {
  const dir = join(cwd, 'calendars');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const out: { file: string; text: string }[] = [];
  for (const n of names)
    out.push({ file: display(cwd, join(dir, n)), text: await readFile(join(dir, n), 'utf8') });
  return out;
}

/** The version a SOP was last approved at: its last sealed revision, else its last recorded one. */
function approvedVersion(sop: Sop): string | null {
  const sealed = [...sop.revisions].reverse().find((r) => r.hash !== null);
  return sealed?.version ?? sop.revisions[sop.revisions.length - 1]?.version ?? null;
}

export class PreviewSession {
  private generation = 0;
  private good: { set: SopSet; generation: number } | null = null;
  private state: PreviewState;
  private readonly rendered = new Map<string, Promise<Rendered>>();
  /** The text of each file when the preview opened: the diff's base when no approved text is stored. */
  private readonly opened = new Map<string, string>();
  private templates: { md: DocTemplates; html: DocTemplates } | null = null;
  /** The problems of each SOP file, and of other files (calendars), as last read. */
  private byFile = new Map<string, PreviewProblem[]>();
  private other: PreviewProblem[] = [];
  /** The newest text of each file that loaded without errors. */
  private latest = new Map<string, Sop>();
  /** The SOP last asked for: rendered as soon as a new good set is read, before the page asks again. */
  private recent: string | null = null;

  constructor(private readonly options: SessionOptions) {
    this.state = {
      generation: 0,
      goodGeneration: 0,
      stale: false,
      lang: options.lang,
      files: [],
      sops: [],
      problems: [],
      failure: null,
    };
  }

  current(): PreviewState {
    return this.state;
  }

  /**
   * Reads, validates and normalizes the whole set again. Never throws: a failure is kept in the state.
   * `stillCurrent`, checked once the set is read, lets the caller drop a result that newer edits overtook.
   */
  async reload(stillCurrent: () => boolean = () => true): Promise<PreviewState | null> {
    const { cwd } = this.options;
    try {
      const result = await loadSetOffThread(this.options.paths, cwd);
      const problems = await this.problems(result.diagnostics);
      if (!stillCurrent()) return null;
      this.byFile = new Map(result.files.map((f) => [f, problems.filter((p) => p.file === f)]));
      this.other = problems.filter((p) => !this.byFile.has(p.file));
      this.latest = new Map((result.set?.sops ?? []).map((sop) => [sop.file, sop]));
      if (result.set) this.accept(result.set);
      return this.publish(result.files);
    } catch (err) {
      return this.failed(err);
    }
  }

  /**
   * Reads only the files in `changed` (absolute paths) again, each with the SOPs it names from the last good
   * set: the quick answer to a save in a large set. The rules over the whole set (ids unique across files,
   * say) wait for the next `reload`, which the server runs right after. Returns `null` when the change is not
   * one this can answer (a file added or removed, a calendar, nothing read yet): then `reload`.
   */
  async reloadChanged(changed: readonly string[]): Promise<PreviewState | null> {
    const { cwd } = this.options;
    const good = this.good;
    // Editors' swap and backup files (`.x.yaml.swp`, `4913`, `x.yaml~`) change nothing the set reads.
    const files = [...new Set(changed.filter((p) => /\.ya?ml$/i.test(p)).map((abs) => display(cwd, abs)))];
    if (files.length === 0) return this.state;
    if (!good || files.some((f) => !this.byFile.has(f))) return null;
    try {
      const texts: { file: string; text: Uint8Array }[] = [];
      for (const f of files) {
        const bytes = await readFile(resolve(cwd, f)).catch(() => null);
        if (bytes === null) return null;
        texts.push({ file: f, text: bytes });
      }
      const named = new Set<string>();
      for (const f of files) {
        const before = good.set.sops.find((s) => s.file === f);
        if (before?.kind === 'manual') for (const s of good.set.sops) named.add(s.id);
        for (const r of before?.references ?? []) named.add(r.id);
      }
      const companions = good.set.sops
        .filter((s) => named.has(s.id) && !files.includes(s.file))
        .map((s) => ({ file: s.file, text: s.source }));
      const calendarFiles = await calendarTexts(cwd);
      const result = loadSopTexts([...companions, ...texts], { cwd, calendarFiles, ...extraRules(cwd) });
      const mine = result.diagnostics.filter((d) => files.includes(d.file));
      for (const f of files) {
        this.byFile.set(f, await this.problems(mine.filter((d) => d.file === f)));
        if (!mine.some((d) => d.file === f && d.severity === 'error')) {
          const sop = result.set?.sops.find((s) => s.file === f) ?? null;
          if (sop) this.latest.set(f, sop);
        } else this.latest.delete(f);
      }
      const clean = [...this.byFile.values(), this.other].every((ps) =>
        ps.every((p) => p.severity !== 'error'),
      );
      if (clean && [...this.byFile.keys()].every((f) => this.latest.has(f))) {
        const sops = good.set.sops.map((s) => this.latest.get(s.file) ?? s);
        this.accept({ sops, calendars: good.set.calendars });
      }
      return this.publish(this.state.files);
    } catch (err) {
      return this.failed(err);
    }
  }

  /** A set without errors becomes the one rendered. */
  private accept(set: SopSet): void {
    this.good = { set, generation: this.generation + 1 };
    this.rendered.clear();
    for (const sop of set.sops) if (!this.opened.has(sop.file)) this.opened.set(sop.file, sop.source);
    if (this.recent) void this.render(this.recent).catch(() => {});
  }

  private publish(files: readonly string[]): PreviewState {
    const generation = ++this.generation;
    const problems = [...files.flatMap((f) => this.byFile.get(f) ?? []), ...this.other];
    const shown = this.good?.set.sops ?? [];
    this.state = {
      generation,
      goodGeneration: this.good?.generation ?? 0,
      stale: problems.some((p) => p.severity === 'error') || this.good === null,
      lang: this.options.lang,
      files,
      sops: shown.map((s) => ({ id: s.id, title: s.title, kind: s.kind, file: s.file, version: s.version })),
      problems,
      failure: null,
    };
    return this.state;
  }

  private failed(err: unknown): PreviewState {
    const generation = ++this.generation;
    this.state = { ...this.state, generation, stale: true, failure: String((err as Error)?.stack ?? err) };
    return this.state;
  }

  private async problems(diagnostics: readonly Diagnostic[]): Promise<PreviewProblem[]> {
    const { cwd, lang } = this.options;
    const sources = new Map<string, string | null>();
    for (const d of diagnostics)
      if (!sources.has(d.file))
        sources.set(d.file, await readFile(resolve(cwd, d.file), 'utf8').catch(() => null));
    return diagnostics.map((d) => {
      const source = sources.get(d.file) ?? null;
      return {
        file: d.file,
        line: d.line,
        column: d.column,
        code: d.code,
        severity: d.severity,
        message: lang === 'zh' ? d.message.zh : d.message.en,
        hint: lang === 'zh' ? d.message.hintZh : d.message.hintEn,
        frame: source ? codeFrame(source, d) : '',
      };
    });
  }

  /** The renders of one SOP of the last good set, made once per generation; `null` for an unknown id. */
  async sop(id: string): Promise<PreviewSop | null> {
    return (await this.render(id))?.sop ?? null;
  }

  async formPdf(id: string, form: string): Promise<Uint8Array | null> {
    return (await this.render(id))?.pdfs.get(form) ?? null;
  }

  /** The source text of a file of the set, for the code view; `null` for any other path. */
  async source(file: string): Promise<string | null> {
    if (!this.state.files.includes(file)) return null;
    return readFile(resolve(this.options.cwd, file), 'utf8').catch(() => null);
  }

  private render(id: string): Promise<Rendered | null> {
    this.recent = id;
    const good = this.good;
    const sop = good?.set.sops.find((s) => s.id === id);
    if (!good || !sop) return Promise.resolve(null);
    let pending = this.rendered.get(id);
    if (!pending) {
      pending = this.renderSop(sop, good.set);
      this.rendered.set(id, pending);
      // A failed render is tried again on the next request rather than cached.
      pending.catch(() => this.rendered.delete(id));
    }
    return pending;
  }

  private async renderSop(sop: Sop, set: SopSet): Promise<Rendered> {
    this.templates ??= { md: DocTemplates.load('md'), html: DocTemplates.load('html') };
    const { html } = renderDocumentText(sop, set, this.templates);
    const calendars = set.calendars.length > 0 ? { calendars: set.calendars } : {};
    const machineFiles = new Map(emitMachineArtifacts(sop, calendars).map((a) => [a.path, a.data]));
    const text = (path: string) => String(machineFiles.get(path) ?? '');
    const machine = machineFiles.has('machine.js')
      ? {
          mermaid: text('machine.mmd'),
          config: JSON.parse(text('machine.json')) as unknown,
          module: text('machine.js'),
        }
      : null;
    const pdfs = new Map<string, Uint8Array>();
    for (const a of await formsTarget.emit(sop, { set })) {
      const m = /^forms\/(.+)\.pdf$/.exec(a.path);
      if (m?.[1] && typeof a.data !== 'string') pdfs.set(m[1], a.data);
    }
    const sha256 = (data: Uint8Array | undefined) =>
      data ? createHash('sha256').update(data).digest('hex') : '';
    const forms =
      sop.kind === 'procedure'
        ? sop.forms.map((f) => ({ id: f.id, title: f.title, sha256: sha256(pdfs.get(f.id)) }))
        : [];
    return {
      sop: {
        id: sop.id,
        title: sop.title,
        version: sop.version,
        kind: sop.kind,
        file: sop.file,
        html,
        machine,
        forms,
        diff: await this.diff(sop, set),
      },
      pdfs,
    };
  }

  /**
   * The rule changes since the last approved revision: its stored text (`.history/<id>/<version>.yaml`),
   * else the file at git HEAD when it has that version, else the text the file had when the preview opened.
   */
  private async diff(sop: Sop, set: SopSet): Promise<PreviewDiff> {
    const abs = resolve(this.options.cwd, sop.file);
    const version = approvedVersion(sop);
    let base: PreviewDiff['base'] = 'none';
    let text: string | null = null;
    if (version !== null) {
      text = readSnapshot(snapshotsDirFor(dirname(abs)), sop.id, version);
      if (text !== null) base = 'snapshot';
      else {
        text = gitHeadText(abs, version);
        if (text !== null) base = 'git';
      }
    }
    if (text === null) {
      text = this.opened.get(sop.file) ?? null;
      if (text !== null) base = 'opened';
    }
    if (text === null) return { base: 'none', baseVersion: null, changes: [], baseProblems: [] };
    // The SOPs the text can name: every other one for a manual (its chapters), the referenced ones otherwise.
    const named = new Set(
      sop.kind === 'manual' ? set.sops.map((s) => s.id) : sop.references.map((r) => r.id),
    );
    const companions = set.sops
      .filter((s) => s.id !== sop.id && named.has(s.id))
      .map((s) => ({ file: s.file, text: s.source }));
    const before = loadVersion(sop.file, text, companions);
    if (!before.sop) {
      const lang = this.options.lang;
      return {
        base,
        baseVersion: version,
        changes: [],
        baseProblems: before.diagnostics.map(
          (d) => `${d.file}:${d.line}:${d.column} ${d.code} ${lang === 'zh' ? d.message.zh : d.message.en}`,
        ),
      };
    }
    return { base, baseVersion: before.sop.version, changes: diffSops(before.sop, sop), baseProblems: [] };
  }
}
