import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Artifact, Target } from '../../build/artifact.js';
import { makeDiagnostic } from '../../diagnostics/report.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { fileStart } from '../../load/read.js';
import type { Sop, SopSet } from '../../model/types.js';
import { renderManualPdf, renderSopPdf } from './pdf.js';
import { DocTemplates, TemplateError } from './templates.js';
import { manualView, procedureView } from './view.js';

export interface DocumentOptions {
  /** A folder of site templates overriding the built-in ones (same layout as `templates/`). */
  readonly templatesDir?: string;
}

/** Markdown and HTML of one SOP (or of the manual), as strings. Throws `TemplateError` for a bad template. */
export function renderDocumentText(
  sop: Sop,
  set: SopSet,
  templates: { md: DocTemplates; html: DocTemplates },
): { md: string; html: string } {
  const view = sop.kind === 'procedure' ? procedureView(sop) : manualView(sop, set);
  const name = sop.kind === 'procedure' ? 'sop' : 'manual';
  return { md: templates.md.render(name, view), html: templates.html.render(name, view) };
}

export async function renderDocumentPdf(sop: Sop, set: SopSet): Promise<Uint8Array> {
  return sop.kind === 'procedure' ? renderSopPdf(procedureView(sop)) : renderManualPdf(manualView(sop, set));
}

/**
 * The document target: `sop.md`, `sop.html` and `sop.pdf` for a procedure, `manual.md|html|pdf` for the
 * manual. Templates are compiled once per target.
 *
 * @example
 * const target = createDocumentTarget({ templatesDir: 'site/templates' });
 */
export function createDocumentTarget(options: DocumentOptions = {}): Target {
  let templates: { md: DocTemplates; html: DocTemplates } | null = null;
  return {
    // The name enters the incremental-build key: site templates change it when their files change.
    name: options.templatesDir ? `document+${folderHash(options.templatesDir)}` : 'document',
    async emit(sop, ctx): Promise<Artifact[]> {
      templates ??= {
        md: DocTemplates.load('md', options.templatesDir),
        html: DocTemplates.load('html', options.templatesDir),
      };
      const base = sop.kind === 'procedure' ? 'sop' : 'manual';
      const text = renderDocumentText(sop, ctx.set, templates);
      return [
        { path: `${base}.md`, data: text.md },
        { path: `${base}.html`, data: text.html },
        { path: `${base}.pdf`, data: await renderDocumentPdf(sop, ctx.set) },
      ];
    },
  };
}

/** The document target with the built-in templates. */
export const documentTarget: Target = createDocumentTarget();

/** A template error as a diagnostic, positioned in the template file. */
export function templateDiagnostic(err: TemplateError): Diagnostic {
  if (err.refusal) return makeDiagnostic(err.refusal.code, fileStart(err.file), [], err.refusal.params);
  return {
    code: 'TEMPLATE_ERROR',
    severity: 'error',
    file: err.file,
    line: err.line,
    column: err.column,
    endLine: err.line,
    endColumn: err.column + 1,
    path: [],
    message: {
      zh: `模板错误：${err.reason}`,
      en: `template error: ${err.reason}`,
      hintZh: '检查模板的 Handlebars 语法和字段名（模板只能使用 cell、join 两个辅助函数）',
      hintEn:
        'check the template’s Handlebars syntax and field names (templates may use only the cell and join helpers)',
    },
  };
}

/**
 * Compiles the templates (built-in plus `templatesDir`) and renders them against every SOP of `set`,
 * returning template errors as diagnostics instead of throwing.
 */
export function checkTemplates(set: SopSet, templatesDir?: string): Diagnostic[] {
  try {
    const templates = {
      md: DocTemplates.load('md', templatesDir),
      html: DocTemplates.load('html', templatesDir),
    };
    for (const sop of set.sops) renderDocumentText(sop, set, templates);
    return [];
  } catch (err) {
    if (err instanceof TemplateError) return [templateDiagnostic(err)];
    throw err;
  }
}

/**
 * sha256 over the relative paths and contents of every file below `dir` (empty folder: hash of nothing).
 * Links are followed as the template loader follows them, within the folder and each real folder once, so
 * editing the file a template links to rebuilds; a link leading outside is left to the loader to refuse.
 */
function folderHash(dir: string): string {
  const h = createHash('sha256');
  if (!existsSync(dir)) return h.digest('hex').slice(0, 16);
  const root = realpathSync(dir);
  const within = (real: string) => real === root || real.startsWith(root + sep);
  const seen = new Set<string>();
  const walk = (sub: string): void => {
    const real = realpathSync(join(dir, sub));
    if (!within(real) || seen.has(real)) return;
    seen.add(real);
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      const info = statSync(join(dir, rel), { throwIfNoEntry: false });
      if (info?.isDirectory()) walk(rel);
      else if (info?.isFile() && within(realpathSync(join(dir, rel))))
        h.update(`${rel}\0`)
          .update(readFileSync(join(dir, rel)))
          .update('\0');
    }
  };
  walk('');
  return h.digest('hex').slice(0, 16);
}
