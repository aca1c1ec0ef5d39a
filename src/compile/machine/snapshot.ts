/**
 * Versioned cases: every snapshot names the SOP, version and source hash it was made under
 * (`context._sop.sop`); `checkSnapshot` tells an app, before an actor starts, whether a stored
 * snapshot fits this machine, and `migrate` carries a case of another version of the same SOP over.
 *
 * Migration policy (also in the machine README): the step is kept by id (or mapped by the app);
 * a step that no longer exists is an error naming it; record fields the new version does not have
 * are dropped and new ones start empty (both reported); escalation clocks keep their start time and
 * every pending deadline is recomputed by the new version's rules when the case resumes, so a
 * changed threshold applies to open cases from their original start, and a deadline that the new
 * rules put in the past fires at once.
 */

/** Codes of `checkSnapshot` / `migrate` errors. */
export const SNAPSHOT_CODES = [
  'SNAPSHOT_INVALID',
  'SNAPSHOT_OTHER_SOP',
  'SNAPSHOT_OTHER_VERSION',
  'SNAPSHOT_UNKNOWN_STEP',
  'SNAPSHOT_STEP_REMOVED',
] as const;

/** machine.js only (uses the module's `config`, `SOP` and `INTERNAL` names). */
export const SNAPSHOT_RUNTIME = `
export const SNAPSHOT_CODES = ${JSON.stringify(SNAPSHOT_CODES)};

/** A stored snapshot that does not fit this machine (thrown by startActor, returned by checkSnapshot). */
export class SnapshotError extends Error {
  constructor(detail) {
    super(detail.message.en);
    this.name = 'SnapshotError';
    this.code = detail.code;
    this.detail = detail;
  }
}

function snapshotError(code, zh, en, extra = {}) {
  return { ok: false, error: { code, message: { zh, en }, ...extra } };
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The shape every persisted snapshot of a sopforge machine has, whatever its SOP. */
function shapeError(snapshot) {
  if (!isObject(snapshot)) return '快照不是对象';
  if (typeof snapshot.value !== 'string') return '快照没有当前步骤（value）';
  if (!['active', 'done', 'error', 'stopped'].includes(snapshot.status)) return '快照的状态（status）无效';
  if (!isObject(snapshot.context) || !isObject(snapshot.context._sop)) return '快照没有 context._sop';
  const s = snapshot.context._sop;
  for (const key of ['clocks', 'deadlines']) if (!isObject(s[key])) return '快照的 context._sop.' + key + ' 无效';
  if (!Array.isArray(s.escalations)) return '快照的 context._sop.escalations 无效';
  for (const at of Object.values(s.deadlines)) if (typeof at !== 'number' || !Number.isFinite(at)) return '快照的截止时间无效';
  return null;
}

/**
 * Whether a stored snapshot can be restored into this machine, before any actor starts.
 * @returns {{ ok: true } | { ok: false, error: { code: string, message: { zh: string, en: string } } }}
 */
export function checkSnapshot(snapshot) {
  const shape = shapeError(snapshot);
  if (shape !== null) return snapshotError('SNAPSHOT_INVALID', shape, 'The snapshot is damaged or not a snapshot of a sopforge machine');
  const made = snapshot.context._sop.sop;
  const here = { id: SOP.sop.id, version: SOP.sop.version, sourceHash: SOP.sop.sourceHash };
  const from = isObject(made) ? { id: made.id, version: made.version, sourceHash: made.sourceHash } : { id: null, version: null, sourceHash: null };
  if (from.id !== null && from.id !== here.id) {
    return snapshotError('SNAPSHOT_OTHER_SOP', '快照属于规程 ' + from.id + '，不是 ' + here.id, 'The snapshot belongs to the SOP ' + from.id + ', not ' + here.id, { from, to: here });
  }
  if (from.sourceHash !== here.sourceHash) {
    return snapshotError('SNAPSHOT_OTHER_VERSION',
      '快照来自 ' + here.id + ' 的另一版本（' + (from.version ?? '未标版本') + '），当前为 ' + here.version + '：先用 migrate() 迁移',
      'The snapshot comes from another version of ' + here.id + ' (' + (from.version ?? 'unversioned') + '), this is ' + here.version + ': migrate() it first',
      { from, to: here });
  }
  if (!Object.hasOwn(config.states, snapshot.value)) {
    return snapshotError('SNAPSHOT_UNKNOWN_STEP', '快照的步骤 ' + snapshot.value + ' 不在本规程中', 'The snapshot is in the step ' + snapshot.value + ', which this machine does not have', { step: snapshot.value });
  }
  return { ok: true };
}

/**
 * Carries a snapshot of another version of this SOP over to this one (see the policy in the README).
 * @param {unknown} snapshot
 * @param {{ steps?: Record<string, string> }} [options] steps renamed since (old id → new id)
 */
export function migrate(snapshot, options = {}) {
  const checked = checkSnapshot(snapshot);
  if (checked.ok) return { ok: true, snapshot, report: { changed: false, step: snapshot.value, removedFields: [], addedFields: [], droppedClocks: [], droppedDeadlines: [], recomputed: [] } };
  if (checked.error.code !== 'SNAPSHOT_OTHER_VERSION' && checked.error.code !== 'SNAPSHOT_UNKNOWN_STEP') return checked;
  const renamed = options.steps ?? {};
  const step = Object.hasOwn(renamed, snapshot.value) ? renamed[snapshot.value] : snapshot.value;
  if (!Object.hasOwn(config.states, step)) {
    return snapshotError('SNAPSHOT_STEP_REMOVED',
      '案件所在的步骤 ' + snapshot.value + ' 在 ' + SOP.sop.version + ' 版中已不存在：用 options.steps 指定它对应的新步骤',
      'The case is in the step ' + snapshot.value + ', which version ' + SOP.sop.version + ' no longer has: map it with options.steps',
      { removedSteps: [snapshot.value], steps: Object.keys(config.states) });
  }
  const old = snapshot.context;
  const fresh = JSON.parse(JSON.stringify(config.context));
  const context = {};
  const addedFields = [];
  for (const key of Object.keys(fresh)) {
    if (key === ${JSON.stringify('_sop')}) continue;
    if (Object.hasOwn(old, key)) context[key] = old[key];
    else { context[key] = fresh[key]; addedFields.push(key); }
  }
  const removedFields = Object.keys(old).filter((k) => k !== '_sop' && !Object.hasOwn(fresh, k)).sort();
  const ladders = new Set(SOP.ladders.map((l) => l.id));
  const clocks = {};
  const droppedClocks = [];
  for (const [ladder, at] of Object.entries(old._sop.clocks)) (ladders.has(ladder) ? (clocks[ladder] = at) : droppedClocks.push(ladder));
  const recomputed = Object.keys(old._sop.deadlines).filter((d) => Object.hasOwn(SOP.delays, d)).sort();
  const droppedDeadlines = Object.keys(old._sop.deadlines).filter((d) => !Object.hasOwn(SOP.delays, d)).sort();
  const from = isObject(old._sop.sop) ? old._sop.sop : { id: SOP.sop.id, version: null, sourceHash: null };
  context._sop = {
    ...fresh._sop,
    ...old._sop,
    sop: fresh._sop.sop,
    clocks,
    // Recomputed on resume by this version's rules, from the clocks' original start.
    deadlines: {},
    migrations: [...(old._sop.migrations ?? []), { version: from.version, sourceHash: from.sourceHash }],
  };
  const migrated = { ...snapshot, value: step, context };
  return { ok: true, snapshot: migrated, report: { changed: true, from: { version: from.version, sourceHash: from.sourceHash }, step, removedFields, addedFields, droppedClocks, droppedDeadlines, recomputed } };
}
`;

/** The declarations of the snapshot API in machine.d.ts. */
export const SNAPSHOT_DTS: readonly string[] = [
  `export type SnapshotCode = ${SNAPSHOT_CODES.map((c) => JSON.stringify(c)).join(' | ')};`,
  'export interface SnapshotProblem {',
  '  readonly code: SnapshotCode;',
  '  readonly message: { readonly zh: string; readonly en: string };',
  '  readonly from?: { readonly id: string | null; readonly version: string | null; readonly sourceHash: string | null };',
  '  readonly to?: { readonly id: string; readonly version: string; readonly sourceHash: string };',
  '  readonly step?: string;',
  '  readonly removedSteps?: readonly string[];',
  '  readonly steps?: readonly StateValue[];',
  '}',
  '/** Thrown by `startActor({ snapshot })` for a snapshot `checkSnapshot` refuses (synchronously, before the actor starts). */',
  'export declare class SnapshotError extends Error {',
  '  readonly code: SnapshotCode;',
  '  readonly detail: SnapshotProblem;',
  '}',
  'export declare const SNAPSHOT_CODES: readonly SnapshotCode[];',
  '/** Whether a stored snapshot fits this machine (same SOP, same source hash, a known step). */',
  'export declare function checkSnapshot(snapshot: unknown): { readonly ok: true } | { readonly ok: false; readonly error: SnapshotProblem };',
  'export interface MigrationReport {',
  '  readonly changed: boolean;',
  '  readonly from?: { readonly version: string | null; readonly sourceHash: string | null };',
  '  readonly step: StateValue;',
  '  /** Record fields the new version no longer has (dropped) and new ones (empty). */',
  '  readonly removedFields: readonly string[];',
  '  readonly addedFields: readonly string[];',
  '  readonly droppedClocks: readonly string[];',
  '  /** Pending deadlines: recomputed on resume by the new rules, or dropped (their timer is gone). */',
  '  readonly droppedDeadlines: readonly string[];',
  '  readonly recomputed: readonly string[];',
  '}',
  '/** Carries a snapshot of another version of this SOP over to this one; `steps` maps renamed steps. */',
  'export declare function migrate(',
  '  snapshot: unknown,',
  '  options?: { readonly steps?: { readonly [oldStep: string]: StateValue } },',
  '): { readonly ok: true; readonly snapshot: SopPersistedSnapshot; readonly report: MigrationReport } | { readonly ok: false; readonly error: SnapshotProblem };',
];
