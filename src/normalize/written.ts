/**
 * The SOP as written in YAML, after the schema accepted it. Keys keep their YAML spelling; everything
 * optional here gets its default in `normalize`.
 */
/** A clause of the tree: an unnumbered line, or a clause with its number, title, text and children. */
export type WrittenClauseNode =
  | string
  | { clause?: string; title?: string; text?: string; clauses?: WrittenClauseNode[] };

/** A signatory of the document's header block (编制 / 审核 / 批准). */
export interface WrittenSignoff {
  name: string;
  date?: string;
}

export interface WrittenWindow {
  start: string;
  end: string;
}

export interface WrittenField {
  id: string;
  label: string;
  type?: string;
  options?: Record<string, string>;
  required?: boolean;
  width?: number;
}

export interface WrittenTransition {
  to?: string;
  label: string;
  role?: string;
  clause?: string;
  payload?: WrittenField[];
  when?: Record<string, unknown>[];
  refusal?: string;
  effects?: Record<string, unknown>[];
}

export interface WrittenStep {
  label: string;
  type?: 'normal' | 'final' | 'handoff';
  role?: string;
  clause?: string;
  sop?: string;
  on?: Record<string, WrittenTransition>;
  timers?: { 'before-window-end': string; to: string; label: string; clause?: string }[];
}

/** Where a clock starts: `{ enter: step }`, `{ event: EVENT }` or `{ field: recorded-field }`. */
export type WrittenClockStart = { enter?: string; event?: string; field?: string };

/** `within:` a duration, a duration per recorded choice (`{ by: priority, urgent: 30m, else: 2h }`), or a recorded time. */
export type WrittenWithin =
  | string
  | ({ by?: string; field?: string; before?: string; else?: string } & Record<string, string>);

export interface WrittenDeadline {
  id: string;
  label: string;
  clause?: string;
  within?: WrittenWithin;
  at?: string | { time: string; day?: 'same' | 'next' };
  by?: { day: number | 'last-working'; month?: 'this' | 'next' };
  from: WrittenClockStart;
  while?: string[];
  stop?: { event: string };
  basis?: 'calendar' | 'working' | 'working-hours';
  breach: 'overdue' | { go: string };
  notify?: string;
  reentry?: 'restart' | 'continue' | 'keep';
}

export interface WrittenRecurring {
  id: string;
  label?: string;
  clause?: string;
  every:
    | string
    | { weekly: string }
    | { monthly: number | 'last-working-day' }
    | { months: number[]; day?: number | 'last-working-day' };
  starting?: string;
  by?: { day: number | 'last-working'; month?: 'this' | 'next' };
  'late-after'?: string;
  basis?: 'calendar' | 'working' | 'working-hours';
}

export interface WrittenSop {
  sopforge: 2;
  kind: 'procedure' | 'manual';
  id: string;
  title: string;
  number?: string;
  department?: string;
  document?: {
    number?: string;
    controlled?: boolean;
    'prepared-by'?: WrittenSignoff;
    'reviewed-by'?: WrittenSignoff;
    'approved-by'?: WrittenSignoff;
  };
  version: string;
  effective: string;
  clauses: WrittenClauseNode[];
  site?: {
    'utc-offset'?: string;
    'extra-holidays'?: string[];
    'extra-workdays'?: string[];
    'working-hours'?: string[];
  };
  roles?: Record<string, { name: string; aliases?: string[] }>;
  schedule?: {
    window: WrittenWindow;
    'holiday-window'?: WrittenWindow;
    'arrive-early'?: string;
    'handover-prep'?: string;
    'answer-within-rings'?: number;
    'hotline-answer-only'?: boolean;
    clause?: string;
    roster?: {
      'prepared-by': string;
      'approved-by'?: string;
      due?: string;
      form?: string;
      'leave-approved-by'?: string;
      'private-swaps'?: 'forbidden' | 'allowed';
      clause?: string;
    };
  };
  checklists?: Record<
    string,
    {
      title: string;
      kind?: 'items' | 'round';
      clause?: string;
      items?: { id: string; name: string }[];
      points?: { id: string; place: string; check?: string; at?: string }[];
      'on-problem'?: string;
    }
  >;
  forms?: Record<
    string,
    {
      title: string;
      kind: 'roster' | 'log' | 'register';
      fields?: WrittenField[];
      columns?: WrittenField[];
      checklist?: string;
      rows?: number;
      signatures?: { label: string; role?: string }[];
    }
  >;
  references?: Record<string, { title: string; external?: boolean; note?: string }>;
  workflow?: {
    initial: string;
    context?: Record<string, 'value' | 'list' | { list: string } | { checklist: string }>;
    steps: Record<string, WrittenStep>;
  };
  escalations?: Record<
    string,
    {
      label?: string;
      basis?: 'calendar' | 'working';
      starts?: string;
      from?: WrittenClockStart;
      watch?: string[];
      while?: string[];
      levels: { after: string; role: string; step: string; clause?: string }[];
    }
  >;
  deadlines?: WrittenDeadline[];
  recurring?: WrittenRecurring[];
  audits?: {
    id: string;
    role: string;
    every: 'daily' | 'weekly' | 'monthly';
    on?: string | number;
    form?: string;
    action?: '检查' | '审核' | '抽查' | '复核';
    covers: string;
    signs?: boolean;
    clause?: string;
  }[];
  records?: {
    form: string;
    retention?: string;
    'min-retention'?: string;
    custodian?: string;
    rules?: ('no-torn-pages' | 'no-alterations')[];
    clause?: string;
  }[];
  chapters?: string[];
  'record-policy'?: { 'min-retention'?: string };
  review?: {
    policy?: {
      annual?: string;
      semiannual?: string;
      feedback?: boolean;
      expert?: boolean;
      'record-every-review'?: boolean;
    };
    revisions?: {
      version: string;
      date: string;
      type: 'initial' | 'annual' | 'semiannual' | 'feedback' | 'expert';
      by: string[];
      summary: string;
      changes?: string[];
      effective?: string;
      'prepared-by'?: WrittenSignoff;
      'reviewed-by'?: WrittenSignoff;
      'approved-by'?: WrittenSignoff;
      unchanged?: boolean;
      closes?: string[];
      source?: string;
      model?: string;
      hash?: string;
    }[];
    feedback?: {
      id: string;
      date: string;
      by: string;
      text: string;
      status?: 'open' | 'accepted' | 'rejected';
      'closed-by'?: string;
    }[];
  };
}
