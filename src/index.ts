/**
 * sopforge as a library: load and validate SOPs, compile their workflows to XState machines, render their
 * forms and documents. The CLI (`sopforge`) is a thin layer over these functions.
 */

export {
  type CaseErrorCode,
  type CaseEvent,
  type CaseRecord,
  type CaseStore,
  CaseStoreError,
  type CaseStoreOptions,
  createCaseStore,
  openEmbeddedDatabase,
  type PgPoolLike,
  pgDatabase,
  type SendResult,
  type SopMachineEntry,
  type SopMachineModule,
  type SqlClient,
  type SqlDatabase,
  type SqlResult,
  type WorkerOptions,
} from './adapter/postgres.js';
export type { Artifact, EmitContext, Target } from './build/artifact.js';
export { buildSet } from './build/build.js';
export { type Calendar, type CalendarData, createCalendar, type DayInfo } from './calendar/index.js';
export { loadCalendars } from './calendar/load.js';
export {
  type CompileMachineOptions,
  compileMachine,
  createMachineTarget,
  emitMachineArtifacts,
  HANDOFF_EVENT,
  RESUME_EVENT,
} from './compile/machine/index.js';
export type { Code } from './diagnostics/catalog.js';
export { codeFrame, formatDiagnostic } from './diagnostics/format.js';
export { type Diagnostic, type DiagnosticJson, type Lang, toJson } from './diagnostics/types.js';
export { type LoadOptions, type LoadResult, loadSopSet, loadSopTexts } from './load/index.js';
export type * from './model/types.js';
