export { renderManualPdf, renderSopPdf } from './pdf.js';
export {
  checkTemplates,
  createDocumentTarget,
  type DocumentOptions,
  documentTarget,
  renderDocumentPdf,
  renderDocumentText,
  templateDiagnostic,
} from './target.js';
export { BUILTIN_TEMPLATES, type DocFormat, DocTemplates, TemplateError } from './templates.js';
export {
  type Appendix,
  type DocBlock,
  type DocClause,
  documentDate,
  type ManualView,
  manualChapters,
  manualView,
  procedureView,
  type SopView,
} from './view.js';
