/**
 * The Handlebars templates of the SOP document and the manual: `templates/<format>/{sop,manual}.hbs` and
 * their partials in `templates/<format>/partials/*.hbs`. A site can override any of these files with a
 * folder of the same layout (`--templates DIR`); every file read stays inside its folder (`templateFiles`). Each format gets its own isolated Handlebars instance:
 * Markdown without escaping, HTML with escaping; both strict (a missing field is an error) and limited to
 * known helpers. Errors name the template file and line.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { mdView } from './markdown.js';

export type DocFormat = 'md' | 'html';
export type DocTemplate = 'sop' | 'manual';

/** The built-in templates folder (`templates/` at the package root, beside `src/` and `dist/`). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../../templates/', import.meta.url));

/**
 * Why a template file was not read: a link leading out of its folder (`TEMPLATE_OUTSIDE`, with the place
 * it leads to), or not a regular file (`TEMPLATE_NOT_FILE`: a dangling link, a pipe).
 */
export interface TemplateRefusal {
  readonly code: 'TEMPLATE_OUTSIDE' | 'TEMPLATE_NOT_FILE';
  readonly params: Readonly<Record<string, string>>;
}

/** A template that failed to parse or to render, with the file and the 1-based line and column. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    /** Set when the file was refused before it was read. */
    readonly refusal?: TemplateRefusal,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

const HELPERS = {
  /** A table cell: one line. In Markdown the view's texts are already escaped, pipes included. */
  cell: (value: unknown) => String(value ?? '').replace(/[\r\n]+/g, ' '),
  /** Joins a list with a separator (default `；`). */
  join: (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : '；') : '',
} as const;

type Compiled = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

function toTemplateError(err: unknown, file: string): TemplateError {
  if (err instanceof TemplateError) return err;
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const message = String(e?.message ?? err);
  if (typeof e?.lineNumber === 'number') {
    // Handlebars appends " - line:column" to its own messages; the position is reported separately.
    return new TemplateError(file, e.lineNumber, (e.column ?? 0) + 1, message.replace(/ - \d+:\d+$/, ''));
  }
  const parse = /^Parse error on line (\d+):\n[^\n]*\n(-*)\^\n?([\s\S]*)$/.exec(message);
  if (parse)
    return new TemplateError(
      file,
      Number(parse[1]),
      (parse[2]?.length ?? 0) + 1,
      `parse error: ${parse[3]?.trim() ?? ''}`,
    );
  return new TemplateError(file, 1, 1, message);
}

const inside = (root: string, real: string) => real === root || real.startsWith(root + sep);

function refused(full: string, code: TemplateRefusal['code'], params: Record<string, string>): TemplateError {
  const reason =
    code === 'TEMPLATE_OUTSIDE'
      ? `a symbolic link leading outside the template folder (${params.target}); not read`
      : `not a regular file (${params.what}); not read`;
  return new TemplateError(displayPath(full), 1, 1, reason, { code, params });
}

/**
 * Files of one format, built-in first, then the site's overrides replacing them by relative path; each
 * maps to the real path to read. Every file and folder must stay inside its template folder once links are
 * followed: a link to another file of the folder is fine, a link leading out of it (to `/etc/passwd`, to
 * another project) is refused with a `TemplateError`, as is a `.hbs` that is not a regular file. Each real
 * folder is walked once, so a link cycle ends.
 */
function templateFiles(
  format: DocFormat,
  overrideDir: string | undefined,
): Map<string, { readonly full: string; readonly real: string }> {
  const files = new Map<string, { readonly full: string; readonly real: string }>();
  const collect = (root: string) => {
    const base = join(root, format);
    if (!existsSync(base)) return;
    const realRoot = realpathSync(root);
    const seen = new Set<string>();
    const walk = (dir: string) => {
      const realDir = realpathSync(dir);
      if (!inside(realRoot, realDir)) throw refused(dir, 'TEMPLATE_OUTSIDE', { target: realDir });
      if (seen.has(realDir)) return;
      seen.add(realDir);
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        const info = statSync(full, { throwIfNoEntry: false });
        if (info?.isDirectory()) walk(full);
        else if (!name.endsWith('.hbs')) continue;
        else if (!info) {
          const target = readlinkSync(full);
          throw refused(full, 'TEMPLATE_NOT_FILE', {
            whatZh: `链接指向的 ${target} 不存在`,
            what: `a link to ${target}, which does not exist`,
          });
        } else if (!info.isFile())
          throw refused(full, 'TEMPLATE_NOT_FILE', { whatZh: '设备或管道', what: 'a device or a pipe' });
        else {
          const real = realpathSync(full);
          if (!inside(realRoot, real)) throw refused(full, 'TEMPLATE_OUTSIDE', { target: real });
          files.set(relative(base, full).split('\\').join('/'), { full, real });
        }
      }
    };
    walk(base);
  };
  collect(BUILTIN_TEMPLATES);
  if (overrideDir !== undefined) collect(overrideDir);
  return files;
}

/** A compiled template family for one format. */
export class DocTemplates {
  private readonly mains = new Map<string, Compiled>();

  private constructor(readonly format: DocFormat) {}

  /**
   * Compiles every template and partial of `format` (built-in plus `overrideDir`). Throws `TemplateError`
   * for a template that does not parse or uses an unknown helper.
   *
   * @example
   * const md = DocTemplates.load('md', 'site-templates');
   * const text = md.render('sop', procedureView(sop));
   */
  static load(format: DocFormat, overrideDir?: string): DocTemplates {
    const t = new DocTemplates(format);
    const hb = Handlebars.create();
    for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);
    const options: CompileOptions = {
      strict: true,
      knownHelpersOnly: true,
      knownHelpers: { cell: true, join: true },
      noEscape: format === 'md',
    };
    for (const [rel, { full, real }] of templateFiles(format, overrideDir)) {
      const shown = displayPath(full);
      const source = readFileSync(real, 'utf8');
      rejectUnescaped(source, shown);
      let fn: Compiled;
      try {
        // Compile eagerly so syntax errors surface now, with the file they come from.
        hb.precompile(source, options);
        const compiled = hb.compile(source, options);
        fn = (context, runtime) => {
          try {
            return compiled(context, runtime);
          } catch (err) {
            throw toTemplateError(err, shown);
          }
        };
      } catch (err) {
        throw toTemplateError(err, shown);
      }
      if (rel.startsWith('partials/'))
        hb.registerPartial(
          rel.slice('partials/'.length).replace(/\.hbs$/, ''),
          fn as unknown as Handlebars.Template,
        );
      else t.mains.set(rel.replace(/\.hbs$/, ''), fn);
    }
    return t;
  }

  render(name: DocTemplate, view: unknown): string {
    const fn = this.mains.get(name);
    if (!fn) throw new TemplateError(`${this.format}/${name}.hbs`, 1, 1, 'template not found');
    // Views are plain JSON data: a round trip drops class prototypes and undefined fields.
    const data: unknown = JSON.parse(JSON.stringify(view));
    // Markdown has no escaping of its own in Handlebars: texts are escaped in the data instead.
    return fn(this.format === 'md' ? mdView(data) : data);
  }
}

/**
 * `{{{x}}}` and `{{&x}}` print a value without escaping, which would let text from the YAML inject HTML or
 * Markdown; templates may not use them.
 */
function rejectUnescaped(source: string, file: string): void {
  const m = /\{\{\{|\{\{~?\s*&/.exec(source);
  if (!m) return;
  const before = source.slice(0, m.index).split('\n');
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  throw new TemplateError(
    file,
    line,
    column,
    'unescaped output ({{{…}}} or {{&…}}) is not allowed: texts come from the YAML',
  );
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

function displayPath(full: string): string {
  const rel = relative(process.cwd(), full);
  return rel.startsWith('..') ? full : rel.split('\\').join('/');
}
