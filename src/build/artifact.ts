import type { Sop, SopSet } from '../model/types.js';

/** One generated file, relative to `out/<sop-id>/` (forward slashes, no `..`). */
export interface Artifact {
  readonly path: string;
  readonly data: string | Uint8Array;
}

export interface EmitContext {
  /** The whole validated set, for cross-references (manual chapters, hand-offs). */
  readonly set: SopSet;
}

/**
 * A build target: a pure function from one normalized SOP to files. Targets never touch the disk;
 * `build/write.ts` is the only module that writes.
 */
export interface Target {
  readonly name: string;
  emit(sop: Sop, ctx: EmitContext): Artifact[] | Promise<Artifact[]>;
  /**
   * Ids of the other SOPs of `ctx.set` whose content this target reads for `sop`, so an incremental build
   * rebuilds `sop` when one of them changes. Already assumed without saying: a manual reads every SOP of the
   * set (its chapters), a procedure reads the SOPs it references.
   */
  dependsOn?(sop: Sop, ctx: EmitContext): readonly string[];
}
