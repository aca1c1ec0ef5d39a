/**
 * The normalized SOP model: what every phase after `normalize` sees.
 *
 * Everything is readonly and fully resolved: durations are numbers with an explicit unit basis,
 * times of day are minutes since midnight with an explicit next-day flag, role references point
 * at declared roles, and every node keeps the source position it came from so later phases can
 * report problems at the right line.
 */

import type { CalendarData } from '../calendar/index.js';

/** A position range in a source file: 1-based lines and columns, end exclusive. */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A duration as written (`15m`, `2d`, `1w`, `6mo`, `3y`) split into an exact part and a calendar part. */
export interface Duration {
  /** The spelling in the YAML, kept for messages and documents. */
  readonly text: string;
  readonly amount: number;
  readonly unit: DurationUnit;
  /** Length in minutes for exact units (m, h, d, w); `null` for months and years. */
  readonly minutes: number | null;
}

export type DurationUnit = 'm' | 'h' | 'd' | 'w' | 'mo' | 'y';

/** A time of day. `nextDay` is true for the end of a window that crosses midnight (次日08:30). */
export interface TimeOfDay {
  readonly text: string;
  /** Minutes since midnight, 0–1439. */
  readonly minutes: number;
  readonly nextDay: boolean;
}

/** A duty window. `lengthMinutes` is always > 0; 24 h windows have equal start and end with `nextDay`. */
export interface DutyWindow {
  readonly start: TimeOfDay;
  readonly end: TimeOfDay;
  readonly lengthMinutes: number;
  /** Chinese rendering such as `17:30–次日08:30`. */
  readonly label: string;
}

/** How days are counted by a threshold. */
export type DayBasis = 'calendar' | 'working';

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly span: SourceSpan;
}

/**
 * A clause of the approved text, as the source writes it. `number` is the source's spelling (`1.0`, `4.1.2`,
 * `一、`, `1、`, `（1）`, `a、`) or `null` for an unnumbered line or heading. `key` names the clause in citations
 * and diffs: a dotted number (`4.1.2`, `1.0`) is its own key; any other number is qualified by its parent's key
 * (`四、1、（2）`, `4.1.3/a)`); an unnumbered clause is `<parent key>#<index>` (`4.1.3#0`, `#2` at the top).
 */
export interface ClauseNode {
  readonly number: string | null;
  readonly key: string;
  readonly title: string | null;
  readonly text: string | null;
  readonly children: readonly ClauseNode[];
  readonly span: SourceSpan;
}

export interface Schedule {
  readonly window: DutyWindow;
  /** Window used on statutory holidays; `null` when holidays use the normal window. */
  readonly holidayWindow: DutyWindow | null;
  readonly arriveEarly: Duration | null;
  readonly handoverPrep: Duration | null;
  readonly answerWithinRings: number | null;
  /** The roster (值班安排表): who prepares it, by when, and which form it is. */
  readonly roster: RosterRule | null;
  /** `true` when the hotline may only answer calls, not dial out (值班热线原则上只允许接听). */
  readonly hotlineAnswerOnly: boolean;
  readonly clause: string | null;
}

export interface RosterRule {
  readonly preparedBy: string;
  readonly approvedBy: string | null;
  /** Days before the start of the rostered month by which it must be ready (0 = by month end); `null` when no deadline is written. */
  readonly dueDaysBeforeMonth: number | null;
  readonly form: string | null;
  /** Leave must be approved by this role, who arranges a substitute. */
  readonly leaveApprovedBy: string | null;
  /** `true` only when the YAML writes `private-swaps: forbidden`. */
  readonly privateSwapsForbidden: boolean;
  readonly clause: string | null;
}

/** An item counted at handover, or a point of a patrol round (its place as `name`). */
export interface ChecklistItem {
  readonly id: string;
  readonly name: string;
  /** A round's point: what to check there; `null` when not written (and for counted items). */
  readonly check: string | null;
  /** A round's point: the time to be there; `null` when not written (and for counted items). */
  readonly at: TimeOfDay | null;
}

/**
 * `items`: things counted one by one (good, damaged, missing); `round`: a patrol round, points reached one by
 * one, each with its arrival time, condition and signature.
 */
export type ChecklistKind = 'items' | 'round';

export interface Checklist {
  readonly id: string;
  readonly title: string;
  readonly kind: ChecklistKind;
  /** The items, or the round's points in the order they are reached. */
  readonly items: readonly ChecklistItem[];
  /** What to do when an item is damaged or missing. */
  readonly onProblem: string | null;
  readonly clause: string | null;
}

/** A field of an event payload or a form column. */
export interface Field {
  readonly id: string;
  readonly label: string;
  readonly type: FieldType;
  /** For `enum` fields: allowed values with their labels. */
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly required: boolean;
  /** Relative width of a form column (1 = normal). */
  readonly width: number;
}

export type FieldType =
  | 'text'
  | 'date'
  | 'time'
  | 'datetime'
  | 'phone'
  | 'enum'
  | 'boolean'
  | 'signature'
  | 'number';

/** A guard condition, declarative so that it can be compiled, serialized and documented. */
export type Condition =
  /** Every item of the checklist kept in context field `field` has been checked. */
  | { readonly kind: 'checklist-complete'; readonly field: string }
  /**
   * No item recorded in the checklist kept in context field `field` has payload field `match.field` equal to
   * one of `match.values` (e.g. no inspected item has `status: fail`). Written `where:`; not `where` in the
   * model, a key the rule-level diff reserves for a clause's display name.
   */
  | {
      readonly kind: 'checklist-none';
      readonly field: string;
      readonly match: { readonly field: string; readonly values: readonly string[] };
    }
  /** No entry of list `field` has `flag` set (or the list is empty when `flag` is null). */
  | { readonly kind: 'none'; readonly field: string; readonly flag: string | null }
  /**
   * The event payload has non-empty values for these fields — unless payload field `unless.field` has one
   * of `unless.values` (e.g. a note is required unless the item's status is good).
   */
  | {
      readonly kind: 'payload-has';
      readonly fields: readonly string[];
      readonly unless: { readonly field: string; readonly values: readonly string[] } | null;
    }
  /** Payload field `field` equals `value`. */
  | { readonly kind: 'payload-equals'; readonly field: string; readonly value: string }
  /** The value recorded earlier in the case (context field `field`) is one of `values`. */
  | { readonly kind: 'context-in'; readonly field: string; readonly values: readonly string[] };

/** An effect of an event on the context. */
export type Effect =
  /** Record the payload (fields of the event) into context field `field` (a map keyed by checklist item). */
  | { readonly kind: 'check'; readonly field: string }
  /** Append the payload to list `field`. */
  | { readonly kind: 'append'; readonly field: string }
  /** Remove the entry whose `id` equals the payload's `id` from list `field`. */
  | { readonly kind: 'remove'; readonly field: string }
  /** Copy payload fields into context fields of the same name. */
  | { readonly kind: 'set'; readonly fields: readonly string[] }
  /** Empty what is recorded in checklist or list `field` (a checklist to no item checked, a list to no entry). */
  | { readonly kind: 'clear'; readonly field: string };

export interface Transition {
  readonly event: string;
  readonly label: string;
  /** Target step, or `null` for an event handled in place. */
  readonly target: string | null;
  /** Who performs it, when it differs from the step's role. */
  readonly role: string | null;
  readonly payload: readonly Field[];
  readonly conditions: readonly Condition[];
  /** Shown when a condition refuses the event. */
  readonly refusal: string | null;
  readonly effects: readonly Effect[];
  readonly clause: string | null;
  readonly span: SourceSpan;
}

/** A timed transition of a step. */
export type Timer =
  /** Fires `before` ahead of the end of the current duty window (e.g. prepare handover 15 min before). */
  | {
      readonly kind: 'before-window-end';
      readonly before: Duration;
      readonly target: string;
      readonly label: string;
      readonly clause: string | null;
      readonly span: SourceSpan;
    }
  /** Fires when escalation `ladder` reaches `level` (0-based) — generated from `escalations`. */
  | {
      readonly kind: 'escalation';
      readonly ladder: string;
      readonly level: number;
      readonly target: string;
      readonly label: string;
      readonly clause: string | null;
      readonly span: SourceSpan;
    };

export type StepKind = 'normal' | 'final' | 'handoff';

export interface Step {
  readonly id: string;
  readonly label: string;
  readonly kind: StepKind;
  readonly role: string | null;
  readonly clause: string | null;
  readonly transitions: readonly Transition[];
  readonly timers: readonly Timer[];
  /** For `handoff` steps: the SOP the case is handed to (a key of `references`). */
  readonly handoff: string | null;
  /** Starts the clock of these escalation ladders when entered. */
  readonly startsClocks: readonly string[];
  readonly span: SourceSpan;
}

export type ContextField =
  | { readonly id: string; readonly kind: 'checklist'; readonly checklist: string }
  | { readonly id: string; readonly kind: 'list'; readonly flag: string | null }
  | { readonly id: string; readonly kind: 'value' };

export interface Workflow {
  readonly initial: string;
  readonly context: readonly ContextField[];
  readonly steps: readonly Step[];
}

export interface EscalationLevel {
  /** Elapsed since the clock started when this level is reached. */
  readonly after: Duration;
  readonly role: string;
  /** The step the case moves to. */
  readonly step: string;
  readonly clause: string | null;
  readonly span: SourceSpan;
}

export interface EscalationLadder {
  readonly id: string;
  readonly label: string;
  readonly basis: DayBasis;
  /** Where the clock starts (`starts: step` is `{ kind: 'enter', step }`). */
  readonly from: ClockStart;
  /** The step whose entry starts the clock; `null` when the clock starts at an event or a recorded time. */
  readonly startsAt: string | null;
  /** Steps watched before the first level is reached (`watch:` or `while:`). */
  readonly watch: readonly string[];
  readonly levels: readonly EscalationLevel[];
  readonly span: SourceSpan;
}

/** Where a clock starts: entering a step, an accepted event, or a time recorded in the case. */
export type ClockStart =
  | { readonly kind: 'enter'; readonly step: string }
  | { readonly kind: 'event'; readonly event: string }
  | { readonly kind: 'field'; readonly field: string };

/** How time is counted: calendar time, working days, or working hours on working days (`site.working-hours`). */
export type TimeBasis = 'calendar' | 'working' | 'working-hours';

/** What a deadline allows: a duration, a duration chosen by a recorded value, a recorded time, a time of day, a day of the month. */
export type DeadlineLimit =
  | { readonly kind: 'within'; readonly duration: Duration }
  | {
      readonly kind: 'within-by';
      /** The recorded choice field that selects the duration. */
      readonly field: string;
      readonly options: readonly { readonly value: string; readonly duration: Duration }[];
      readonly otherwise: Duration | null;
    }
  /** The time recorded in `field`; `otherwise` from the clock start when it is not recorded. */
  | {
      readonly kind: 'within-field';
      readonly field: string;
      /** Due this long before the recorded time (calendar time); `null`: at the recorded time. */
      readonly before: Duration | null;
      /** The limit when the time is not recorded; `null`: none then. */
      readonly otherwise: Duration | null;
    }
  /** A time of day: on the start's day (`same`), the next day (`next`), or the start's day unless passed (`auto`). */
  | { readonly kind: 'at'; readonly time: TimeOfDay; readonly day: 'auto' | 'same' | 'next' }
  /** The end of a day of the month (`day: 31` is the month's last day in a shorter month). */
  | {
      readonly kind: 'by';
      readonly day: number | 'last-working';
      readonly month: 'this' | 'next';
    }
  /** When the occurrence the case was opened for is due (`within: { occurrence: plan }`). */
  | { readonly kind: 'occurrence'; readonly plan: string };

/** A time limit (design §5): a clock, a span where it is live, and what a breach does. */
export interface Deadline {
  readonly id: string;
  readonly label: string;
  readonly clause: string | null;
  readonly limit: DeadlineLimit;
  readonly from: ClockStart;
  /** The steps where the limit is live (`while:`). */
  readonly during: readonly string[];
  /** The event that meets the limit; `null` when leaving the span meets it. */
  readonly stop: string | null;
  readonly basis: TimeBasis;
  /** `null`: non-interrupting (the case is marked overdue and stays); else the step the case moves to. */
  readonly go: string | null;
  readonly notify: string | null;
  /** What re-entering the span does, as written; `null` when the YAML does not say (the machine restarts). */
  readonly reentry: 'restart' | 'continue' | 'keep' | null;
  readonly span: SourceSpan;
}

/**
 * How often a recurring plan occurs (design §5.5). A monthly plan without a day (`day: null`) occurs
 * once in the month, the whole month being its window; `months` lists months of the year (1–12).
 */
export type Recurrence =
  | { readonly kind: 'every'; readonly duration: Duration }
  | { readonly kind: 'daily' }
  | { readonly kind: 'weekly'; readonly weekday: Weekday }
  | { readonly kind: 'monthly'; readonly day: number | 'last-working-day' | null }
  | {
      readonly kind: 'months';
      readonly months: readonly number[];
      readonly day: number | 'last-working-day' | null;
    };

/**
 * Planned occurrences an app opens a case for (a patrol every 2 h, an audit on the last working day,
 * a cleaning in May and November, a plan due by the 25th).
 */
export interface RecurringPlan {
  readonly id: string;
  readonly label: string;
  readonly clause: string | null;
  readonly every: Recurrence;
  /**
   * The time of day of each occurrence (for `every: 2h`, the first of each run of occurrences); `null`
   * when the YAML states none: the occurrence is the whole day, or the whole month for a month without a day.
   */
  readonly starting: TimeOfDay | null;
  /** The occurrence is due by the end of this day of its month (`by:`); `null` when not stated. */
  readonly by: { readonly day: number | 'last-working'; readonly month: 'this' | 'next' } | null;
  readonly lateAfter: Duration | null;
  readonly basis: TimeBasis;
  readonly span: SourceSpan;
}

export type AuditFrequency =
  | { readonly kind: 'daily' }
  | { readonly kind: 'weekly'; readonly weekday: Weekday }
  | { readonly kind: 'monthly'; readonly day: number | 'last-working-day' };

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export type AuditAction = '检查' | '审核' | '抽查' | '复核';

export interface Audit {
  readonly id: string;
  readonly role: string;
  readonly frequency: AuditFrequency;
  readonly form: string | null;
  /** The verb the SOP uses (审核, 检查, 抽查, 复核), `null` when the YAML does not state it. */
  readonly action: AuditAction | null;
  /** What is audited, e.g. 上周本部门记录. */
  readonly covers: string;
  /** The auditor signs (only when the YAML says so). */
  readonly signs: boolean;
  readonly clause: string | null;
}

export type RecordRule = 'no-torn-pages' | 'no-alterations';

export interface RecordSpec {
  readonly form: string;
  readonly retention: Duration | null;
  readonly minRetention: Duration | null;
  readonly custodian: string | null;
  readonly rules: readonly RecordRule[];
  readonly clause: string | null;
  readonly span: SourceSpan;
}

export type FormKind = 'roster' | 'log' | 'register';

export interface Form {
  readonly id: string;
  readonly title: string;
  readonly kind: FormKind;
  /** Header fields filled once per page (date, duty window, people on duty …). */
  readonly fields: readonly Field[];
  /** Table columns, one row per entry. */
  readonly columns: readonly Field[];
  /** Checklist printed on the form, if any. */
  readonly checklist: string | null;
  /** Signature blocks, each naming the signing role or a label. */
  readonly signatures: readonly { readonly label: string; readonly role: string | null }[];
  /** Rows per page for table forms. */
  readonly rows: number;
}

export interface Reference {
  readonly id: string;
  readonly title: string;
  /** `true` when the referenced SOP is not part of this set (it is then not resolved). */
  readonly external: boolean;
  readonly note: string | null;
  readonly span: SourceSpan;
}

export type ReviewType = 'annual' | 'semiannual' | 'feedback' | 'expert';

/**
 * The review rules (复审规定) as written: an interval that is not written is `null` (no such review is
 * scheduled), a rule that is not written is `false`.
 */
export interface ReviewPolicy {
  readonly annual: Duration | null;
  readonly semiannual: Duration | null;
  readonly feedback: boolean;
  readonly expert: boolean;
  readonly recordEveryReview: boolean;
  /** The manual whose rules these are, when the SOP writes none and is one of its chapters; else `null`. */
  readonly inheritedFrom: string | null;
}

export interface Revision {
  readonly version: string;
  readonly date: string;
  readonly type: ReviewType | 'initial';
  readonly by: readonly string[];
  readonly summary: string;
  /** The rule-level changes against the previous revision, as recorded. */
  readonly changes: readonly string[];
  /** The date the revision takes effect, when written apart from its approval date `date`. */
  readonly effective: string | null;
  /** 编制, 审核, 批准 of this revision, as recorded by `revise`. */
  readonly preparedBy: Signoff | null;
  readonly reviewedBy: Signoff | null;
  readonly approvedBy: Signoff | null;
  /** A review that changed nothing: recorded without a new version. */
  readonly unchanged: boolean;
  /** Ids of the staff feedback this revision answers. */
  readonly closes: readonly string[];
  /** sha256 of the approved text kept in `.history` (revisions and feedback left out), and of its model. */
  readonly source: string | null;
  readonly model: string | null;
  /** Chain hash: sha256 over the SOP id, the previous hash and this revision's content and seals. */
  readonly hash: string | null;
  readonly span: SourceSpan;
}

export interface FeedbackItem {
  readonly id: string;
  readonly date: string;
  readonly by: string;
  readonly text: string;
  readonly status: 'open' | 'accepted' | 'rejected';
  /** The version of the revision that answered it. */
  readonly closedBy: string | null;
}

/** Who signed the document (编制, 审核 or 批准) and, when written, the date. */
export interface Signoff {
  readonly name: string;
  readonly date: string | null;
}

/**
 * The issuable header block (`document:`), exactly as written: an omitted entry is `null` (and `controlled`
 * is `false`), and nothing of it is printed.
 */
export interface DocumentControl {
  /** 文件编号. */
  readonly number: string | null;
  /** 受控: every page of the PDF carries the mark. */
  readonly controlled: boolean;
  readonly preparedBy: Signoff | null;
  readonly reviewedBy: Signoff | null;
  readonly approvedBy: Signoff | null;
}

export interface SopIdentity {
  readonly id: string;
  readonly title: string;
  readonly number: string | null;
  readonly department: string | null;
  /** The header block; `null` when the SOP has no `document:`. */
  readonly document: DocumentControl | null;
  readonly version: string;
  readonly effective: string;
}

interface SopBase extends SopIdentity {
  readonly file: string;
  readonly source: string;
  /** sha256 of the source text, hex. */
  readonly sourceHash: string;
  readonly site: SiteSettings;
  /** The approved text: the tree of the SOP's clauses, in the source's order. */
  readonly clauses: readonly ClauseNode[];
  readonly roles: readonly Role[];
  readonly references: readonly Reference[];
  readonly review: ReviewPolicy;
  readonly revisions: readonly Revision[];
  readonly feedback: readonly FeedbackItem[];
  readonly span: SourceSpan;
  /**
   * Set when the SOP differs from its last approved revision kept in `.history` (a draft): added after
   * loading, by `markDrafts` (`src/history/draft.ts`), never by the normalizer.
   */
  readonly draft?: DraftState;
  /**
   * The rule changes between consecutive approved versions kept in `.history`, for the machine package's
   * `CHANGELOG.md`: added after loading by `markChangelogs` (`src/compile/machine/changelog.ts`), never
   * by the normalizer.
   */
  readonly changelog?: ApprovedChanges;
}

/** The rule changes between the approved versions of a SOP, worded in both languages. */
export interface ApprovedChanges {
  /** One per pair of consecutive versions whose approved texts are both stored, oldest first. */
  readonly pairs: readonly {
    readonly from: string;
    readonly to: string;
    readonly changes: readonly { readonly zh: string; readonly en: string; readonly clause: string | null }[];
  }[];
}

/** A SOP edited since its last approval: the approved version and the rule changes since (in Chinese). */
export interface DraftState {
  readonly approvedVersion: string;
  readonly changes: readonly string[];
}

export interface SiteSettings {
  /** UTC offset of the site in minutes (China: 480). Deadlines are computed in site time. */
  readonly utcOffsetMinutes: number;
  /** Extra holidays and make-up workdays for this site, ISO dates. */
  readonly extraHolidays: readonly string[];
  readonly extraWorkdays: readonly string[];
  /** Working hours on working days (`site.working-hours`), minutes since midnight, in order. */
  readonly workingHours: readonly { readonly start: number; readonly end: number; readonly text: string }[];
}

export interface ProcedureSop extends SopBase {
  readonly kind: 'procedure';
  readonly schedule: Schedule | null;
  readonly checklists: readonly Checklist[];
  readonly workflow: Workflow | null;
  readonly escalations: readonly EscalationLadder[];
  /** Time limits (`deadlines:`). */
  readonly deadlines: readonly Deadline[];
  /** Recurring plans (`recurring:`). */
  readonly recurring: readonly RecurringPlan[];
  readonly audits: readonly Audit[];
  readonly records: readonly RecordSpec[];
  readonly forms: readonly Form[];
}

export interface ManualSop extends SopBase {
  readonly kind: 'manual';
  /** SOP ids included as chapters, in order. */
  readonly chapters: readonly string[];
  /** Minimum retention every record of the set must meet. */
  readonly minRetention: Duration | null;
}

export type Sop = ProcedureSop | ManualSop;

/** A validated, normalized set of SOPs (the unit `build` works on). */
export interface SopSet {
  readonly sops: readonly Sop[];
  /** Official holiday arrangements from `calendars/*.yaml`, for years the bundled data does not cover. */
  readonly calendars: readonly CalendarData[];
}
