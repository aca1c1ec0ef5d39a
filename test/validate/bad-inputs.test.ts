import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import { BIN, ROOT } from '../helpers.js';

const run = promisify(execFile);
const BAD = 'test/fixtures/bad';

/**
 * One fixture per mistake: the error it must produce, where (1-based line and column). A row marked
 * `warning` is a slip that still builds: it must be its file's first warning, and the set still loads.
 */
const table: Record<string, { code: string; line: number; column: number; warning?: true }> = {
  // files
  'empty.yaml': { code: 'FILE_EMPTY', line: 1, column: 1 },
  'comments-only.yaml': { code: 'FILE_EMPTY', line: 1, column: 1 },
  'binary.yaml': { code: 'FILE_BINARY', line: 3, column: 1 },
  'invalid-utf8.yaml': { code: 'FILE_ENCODING', line: 5, column: 10 },
  'gbk-encoded.yaml': { code: 'FILE_ENCODING', line: 4, column: 8 },
  // YAML
  'duplicate-key.yaml': { code: 'YAML_DUPLICATE_KEY', line: 10, column: 1 },
  'tab-indent.yaml': { code: 'YAML_TAB', line: 12, column: 1 },
  'unknown-tag.yaml': { code: 'YAML_UNKNOWN_TAG', line: 8, column: 45 },
  'not-mapping.yaml': { code: 'YAML_NOT_MAPPING', line: 1, column: 1 },
  'multiple-documents.yaml': { code: 'YAML_MULTIPLE_DOCUMENTS', line: 77, column: 1 },
  // An unclosed quote is reported where it opens, not where the parser gave up (5:13).
  'syntax-error.yaml': { code: 'YAML_QUOTE_UNCLOSED', line: 5, column: 8 },
  'stray-quote.yaml': { code: 'YAML_QUOTE_RUNAWAY', line: 1, column: 1 },
  'unclosed-bracket.yaml': { code: 'YAML_BRACKET_UNCLOSED', line: 22, column: 9 },
  'missing-colon.yaml': { code: 'YAML_SYNTAX', line: 8, column: 1 },
  'alias-bomb.yaml': { code: 'YAML_ALIAS_LIMIT', line: 2, column: 8 },
  // schema
  'missing-required.yaml': { code: 'SCHEMA_REQUIRED', line: 2, column: 1 },
  'unknown-key.yaml': { code: 'SCHEMA_UNKNOWN_KEY', line: 8, column: 1 },
  'wrong-type.yaml': { code: 'SCHEMA_TYPE', line: 12, column: 11 },
  'bad-enum.yaml': { code: 'SCHEMA_ENUM', line: 26, column: 11 },
  'bad-time.yaml': { code: 'TIME_INVALID', line: 16, column: 20 },
  'bad-duration.yaml': { code: 'DURATION_INVALID', line: 17, column: 18 },
  'bad-date.yaml': { code: 'DATE_INVALID', line: 7, column: 12 },
  'bad-id.yaml': { code: 'SCHEMA_ID', line: 4, column: 5 },
  'reserved-id.yaml': { code: 'ID_RESERVED', line: 4, column: 5 },
  'bad-event-name.yaml': { code: 'SCHEMA_EVENT', line: 50, column: 9 },
  'version-number.yaml': { code: 'VERSION_INVALID', line: 6, column: 10 },
  // semantics
  'role-undeclared.yaml': { code: 'ROLE_UNDECLARED', line: 55, column: 13 },
  'step-undeclared.yaml': { code: 'STEP_UNDECLARED', line: 50, column: 21 },
  'thresholds-not-increasing.yaml': { code: 'THRESHOLD_NOT_INCREASING', line: 70, column: 18 },
  'working-threshold-unit.yaml': { code: 'THRESHOLD_UNIT', line: 70, column: 18 },
  'window-zero.yaml': { code: 'WINDOW_ZERO', line: 16, column: 34 },
  'window-end-before-start.yaml': { code: 'WINDOW_END_BEFORE_START', line: 16, column: 34 },
  'window-too-long.yaml': { code: 'WINDOW_TOO_LONG', line: 16, column: 34 },
  'lead-too-long.yaml': { code: 'LEAD_TOO_LONG', line: 17, column: 18 },
  'reference-unresolved.yaml': { code: 'REFERENCE_UNRESOLVED', line: 30, column: 3 },
  'retention-too-short.yaml': { code: 'RETENTION_TOO_SHORT', line: 73, column: 29 },
  'weekly-without-day.yaml': { code: 'WEEKDAY_MISSING', line: 71, column: 5 },
  'handoff-without-sop.yaml': { code: 'HANDOFF_WITHOUT_SOP', line: 58, column: 5 },
  'final-with-transitions.yaml': { code: 'FINAL_WITH_TRANSITIONS', line: 62, column: 5 },
  'no-final-step.yaml': { code: 'NO_FINAL_STEP', line: 37, column: 3 },
  'dead-end-step.yaml': { code: 'STEP_DEAD_END', line: 53, column: 5 },
  'checklist-undeclared.yaml': { code: 'CHECKLIST_UNDECLARED', line: 36, column: 29 },
  'form-undeclared.yaml': { code: 'FORM_UNDECLARED', line: 73, column: 13 },
  'context-undeclared.yaml': { code: 'CONTEXT_UNDECLARED', line: 48, column: 24 },
  'payload-field-undeclared.yaml': { code: 'PAYLOAD_FIELD_UNDECLARED', line: 49, column: 96 },
  'duplicate-item.yaml': { code: 'DUPLICATE_ITEM', line: 23, column: 15 },
  'manual-key-in-procedure.yaml': { code: 'MANUAL_ONLY', line: 10, column: 1 },
  'clause-unknown.yaml': { code: 'CLAUSE_UNKNOWN', line: 71, column: 75 },
  'clause-duplicate.yaml': { code: 'CLAUSE_DUPLICATE', line: 9, column: 13 },
  'clause-number-invalid.yaml': { code: 'CLAUSE_NUMBER_INVALID', line: 9, column: 13 },
  'language-version-old.yaml': { code: 'LANGUAGE_VERSION_OLD', line: 2, column: 11 },
  'revisions-out-of-order.yaml': { code: 'REVISIONS_OUT_OF_ORDER', line: 77, column: 31 },
  // slips: accepted by the schema, and the output would quietly behave otherwise (src/validate/rules/slips.ts)
  'guard-flag-undeclared.yaml': { code: 'GUARD_FLAG_UNDECLARED', line: 50, column: 106 },
  'list-flag-never-set.yaml': { code: 'LIST_FLAG_NEVER_SET', line: 37, column: 25, warning: true },
  'guard-value-not-option.yaml': { code: 'GUARD_VALUE_NOT_OPTION', line: 49, column: 43 },
  'guard-field-unrecorded.yaml': { code: 'GUARD_FIELD_UNRECORDED', line: 49, column: 24 },
  // checklist-none + where: the checklist, the field its check events record, the field's options
  'checklist-none-undeclared.yaml': { code: 'CONTEXT_UNDECLARED', line: 49, column: 63 },
  'checklist-where-undeclared.yaml': { code: 'GUARD_CHECKED_FIELD_UNDECLARED', line: 49, column: 83 },
  'checklist-where-not-option.yaml': { code: 'GUARD_VALUE_NOT_OPTION', line: 49, column: 101 },
  'clear-undeclared.yaml': { code: 'CLEAR_FIELD_UNDECLARED', line: 50, column: 52 },
  'timer-lead-too-long.yaml': { code: 'LEAD_TOO_LONG', line: 52, column: 32 },
  'holiday-lead-too-long.yaml': { code: 'LEAD_TOO_LONG', line: 18, column: 18 },
  'escalation-from-final.yaml': { code: 'ESCALATION_FROM_END', line: 67, column: 13 },
  'record-duplicate.yaml': { code: 'RECORD_DUPLICATE', line: 74, column: 13 },
  'retention-minutes.yaml': { code: 'RETENTION_UNIT', line: 73, column: 29 },
  'review-periods.yaml': { code: 'REVIEW_PERIODS', line: 77, column: 17 },
  'checklist-too-long.yaml': { code: 'CHECKLIST_TOO_LONG', line: 57, column: 9 },
  'form-too-full.yaml': { code: 'FORM_TOO_FULL', line: 27, column: 11 },
  // patrol rounds (checklists of kind: round): at the list that does not belong, the missing points, the point
  'round-with-items.yaml': { code: 'CHECKLIST_ROUND_ITEMS', line: 24, column: 5 },
  'round-points-not-round.yaml': { code: 'CHECKLIST_POINTS_NOT_ROUND', line: 23, column: 5 },
  'round-without-points.yaml': { code: 'SCHEMA_REQUIRED', line: 19, column: 3 },
  'round-point-duplicate.yaml': { code: 'DUPLICATE_ITEM', line: 24, column: 15 },
  'round-point-bad-time.yaml': { code: 'TIME_INVALID', line: 23, column: 47 },
  // time rules (src/validate/rules/deadlines.ts)
  'deadline-step-unknown.yaml': { code: 'STEP_UNDECLARED', line: 67, column: 13 },
  'deadline-go-unknown.yaml': { code: 'STEP_UNDECLARED', line: 68, column: 19 },
  'deadline-event-unknown.yaml': { code: 'EVENT_UNDECLARED', line: 66, column: 20 },
  'deadline-field-unknown.yaml': { code: 'FIELD_UNRECORDED', line: 65, column: 19 },
  'deadline-role-unknown.yaml': { code: 'ROLE_UNDECLARED', line: 69, column: 13 },
  'deadline-choice-uncovered.yaml': { code: 'DEADLINE_CHOICE_UNCOVERED', line: 65, column: 13 },
  'deadline-choice-unknown.yaml': { code: 'DEADLINE_CHOICE_UNKNOWN', line: 65, column: 59 },
  'deadline-working-unit.yaml': { code: 'DEADLINE_UNIT', line: 65, column: 37 },
  'deadline-before-working.yaml': { code: 'DEADLINE_BEFORE', line: 65, column: 38 },
  'deadline-duplicate.yaml': { code: 'DEADLINE_DUPLICATE', line: 70, column: 9 },
  'deadline-two-limits.yaml': { code: 'DEADLINE_LIMIT', line: 66, column: 9 },
  'deadline-in-end.yaml': { code: 'DEADLINE_IN_END', line: 67, column: 22 },
  'deadline-span-missing.yaml': { code: 'DEADLINE_SPAN_MISSING', line: 66, column: 11 },
  'deadline-reentry-fixed.yaml': { code: 'DEADLINE_REENTRY_FIXED', line: 68, column: 14 },
  'working-hours-missing.yaml': { code: 'WORKING_HOURS_MISSING', line: 66, column: 12 },
  'working-hours-invalid.yaml': { code: 'WORKING_HOURS_INVALID', line: 13, column: 34 },
  'recurring-unit.yaml': { code: 'RECURRING_UNIT', line: 71, column: 37 },
  'ladder-from-final.yaml': { code: 'ESCALATION_FROM_END', line: 81, column: 20 },
  'ladder-keys-conflict.yaml': { code: 'LADDER_KEYS_CONFLICT', line: 82, column: 11 },
  // the text and the rules citing it disagree (src/validate/rules/consistency.ts): at the clause's text
  'clause-figure-mismatch.yaml': { code: 'CLAUSE_FIGURE_MISMATCH', line: 10, column: 37, warning: true },
  'clause-role-missing.yaml': { code: 'CLAUSE_ROLE_MISSING', line: 10, column: 37, warning: true },
  'clause-frequency-mismatch.yaml': {
    code: 'CLAUSE_FREQUENCY_MISMATCH',
    line: 10,
    column: 37,
    warning: true,
  },
  'clause-action-mismatch.yaml': { code: 'CLAUSE_ACTION_MISMATCH', line: 10, column: 37, warning: true },
  // an audit without its verb: at the audit, with the cited clause's verb in the hint (checked below)
  'audit-action-missing.yaml': { code: 'AUDIT_ACTION_MISSING', line: 72, column: 5, warning: true },
  // did-you-mean and spelling hints (the hint text is checked below)
  'role-typo.yaml': { code: 'ROLE_UNDECLARED', line: 55, column: 13 },
  'role-chinese-name.yaml': { code: 'SCHEMA_ID', line: 55, column: 13 },
  'duration-chinese.yaml': { code: 'DURATION_INVALID', line: 69, column: 18 },
  'time-fullwidth-colon.yaml': { code: 'TIME_INVALID', line: 16, column: 20 },
};

/** Mistakes that only show across files: each folder is validated as one set. */
const sets: Record<string, { file: string; code: string; line: number; column: number }> = {
  'duplicate-id': { file: 'copy.yaml', code: 'DUPLICATE_ID', line: 4, column: 5 },
  'chapter-unresolved': { file: 'manual.yaml', code: 'CHAPTER_UNRESOLVED', line: 9, column: 18 },
  'manual-minimum': { file: 'base.yaml', code: 'RETENTION_TOO_SHORT', line: 73, column: 29 },
  'chapter-duplicate': { file: 'manual.yaml', code: 'CHAPTER_DUPLICATE', line: 9, column: 18 },
  // A chapter with an error of its own is reported there, once: the manual does not call it missing.
  'chapter-invalid': { file: 'base.yaml', code: 'SCHEMA_UNKNOWN_KEY', line: 6, column: 1 },
};

describe('every bad-input fixture has a row in the table', () => {
  it('has no orphaned fixtures and no missing ones', () => {
    expect(readdirSync(join(ROOT, BAD)).sort()).toEqual(Object.keys(table).sort());
  });
});

describe('bad inputs are reported with code, line and column', () => {
  it('accepts the good base fixture without errors', async () => {
    const { set, diagnostics } = await loadSopSet(['test/fixtures/good/base.yaml'], { cwd: ROOT });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(set?.sops).toHaveLength(1);
  });

  it.each(Object.entries(table))('%s → %o', async (file, { warning, ...want }) => {
    const { set, diagnostics } = await loadSopSet([`${BAD}/${file}`], { cwd: ROOT });
    const severity = warning ? 'warning' : 'error';
    // The fixtures are copies of base.yaml under another name: ID_FILE_MISMATCH is expected beside the slip.
    const found = diagnostics.filter((d) => d.severity === severity && d.code !== 'ID_FILE_MISMATCH');
    if (warning) expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(set === null).toBe(!warning);
    expect(found[0]).toMatchObject({ file: `${BAD}/${file}`, ...want });
    for (const d of diagnostics) {
      expect(d.message.zh.length).toBeGreaterThan(0);
      expect(d.message.en.length).toBeGreaterThan(0);
      expect(d.message.hintZh.length).toBeGreaterThan(0);
      expect(d.endLine * 100000 + d.endColumn).toBeGreaterThan(d.line * 100000 + d.column - 1);
    }
  });

  it.each(Object.entries(sets))('set %s → %o', async (dir, want) => {
    const { set, diagnostics } = await loadSopSet([`test/fixtures/bad-sets/${dir}`], { cwd: ROOT });
    expect(set).toBeNull();
    const { file, ...pos } = want;
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ file: `test/fixtures/bad-sets/${dir}/${file}`, ...pos }),
    ]);
  });
});

describe('a mistyped or Chinese-named reference and a Chinese spelling get a hint with the right spelling', () => {
  const hints: Record<string, { zh: string; en: string }> = {
    'role-typo.yaml': {
      zh: '您是不是要写 cs-supervisor（客服主管）？',
      en: 'Did you mean cs-supervisor (“客服主管”)?',
    },
    'role-chinese-name.yaml': {
      zh: '您是不是要写 cs-supervisor（客服主管）？',
      en: 'Did you mean cs-supervisor (“客服主管”)?',
    },
    'step-undeclared.yaml': { zh: '您是不是要写 passed（移交）？', en: 'Did you mean passed (“移交”)?' },
    'duration-chinese.yaml': { zh: '“两天” 写成 2d。', en: 'Write 2d for “两天”.' },
    'time-fullwidth-colon.yaml': { zh: '全角的“：”', en: 'full-width “：”' },
    'audit-action-missing.yaml': { zh: '加上 action: 审核', en: 'add action: 审核' },
  };
  it.each(Object.entries(hints))('%s', async (file, want) => {
    const { diagnostics } = await loadSopSet([`${BAD}/${file}`], { cwd: ROOT });
    const d = diagnostics.find((x) => x.code === table[file]?.code);
    expect(d?.message.hintZh).toContain(want.zh);
    expect(d?.message.hintEn).toContain(want.en);
  });

  it('the time hint names the fixed time', async () => {
    const { diagnostics } = await loadSopSet([`${BAD}/time-fullwidth-colon.yaml`], { cwd: ROOT });
    expect(diagnostics.find((x) => x.code === 'TIME_INVALID')?.message.hintZh).toContain('写成 18:00');
  });

  it('a reference nothing resembles gets no suggestion', async () => {
    const { diagnostics } = await loadSopSet([`${BAD}/role-undeclared.yaml`], { cwd: ROOT });
    const d = diagnostics.find((x) => x.code === 'ROLE_UNDECLARED');
    expect(d?.message.hintZh).not.toContain('您是不是要写');
    expect(d?.message.hintEn).not.toContain('Did you mean');
  });
});

describe('the sopforge binary on each bad input', () => {
  // Spawned as a user would run it: exit 1, the position on stderr, never a stack trace.
  it('exits 1 with file:line:column and no stack trace, in Chinese and English', async () => {
    const entries = Object.entries(table);
    for (let i = 0; i < entries.length; i += 8) {
      await Promise.all(
        entries.slice(i, i + 8).map(async ([file, want]) => {
          for (const lang of ['zh', 'en']) {
            const res = await run('node', [BIN, 'validate', '--lang', lang, `${BAD}/${file}`], {
              cwd: ROOT,
            }).then(
              (ok: { stderr: string }) => ({ code: 0, stderr: ok.stderr }),
              (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
            );
            expect(res.code, file).toBe(want.warning ? 0 : 1);
            expect(res.stderr).toContain(`${BAD}/${file}:${want.line}:${want.column}`);
            expect(res.stderr).toContain(want.code);
            expect(res.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
            expect(res.stderr).toContain(lang === 'zh' ? '修改建议' : 'fix:');
          }
        }),
      );
    }
  }, 240_000);
});

describe('a syntax error does not flood the output', () => {
  // Before: a stray " before line 1 of a bundled SOP gave some 1,500 errors, the first at line 6.
  it('a stray quote before line 1 of each bundled SOP is reported at 1:1, with at most 20 diagnostics shown', async () => {
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'sopforge-flood-'));
    try {
      const names = readdirSync(join(ROOT, 'sops')).filter((n) => n.endsWith('.yaml'));
      for (const name of names)
        await writeFile(join(dir, name), `"${await readFile(join(ROOT, 'sops', name), 'utf8')}`);
      for (const lang of ['zh', 'en']) {
        const res = await run('node', [BIN, 'validate', '--lang', lang, '.'], { cwd: dir }).then(
          () => ({ code: 0, stderr: '' }),
          (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
        );
        expect(res.code).toBe(1);
        for (const name of names) {
          const heads = res.stderr
            .split('\n')
            .filter((l) => l.startsWith(`${name}:`) && /:\d+:\d+ {2}/.test(l));
          expect(heads[0], name).toContain(`${name}:1:1  `);
          expect(heads[0]).toContain('YAML_QUOTE_RUNAWAY');
          expect(heads.length).toBeLessThanOrEqual(20);
          expect(res.stderr).toContain(lang === 'zh' ? `${name}: 还有 ` : `${name}: `);
        }
        expect(res.stderr).toMatch(lang === 'zh' ? /个错误未显示/ : /more errors not shown/);
      }
      // JSON keeps every diagnostic and says how many there are.
      const json = await run('node', [BIN, 'validate', '--format', 'json', '.'], { cwd: dir }).catch(
        (err: { stdout: string }) => err,
      );
      const out = JSON.parse(json.stdout) as { diagnostics: unknown[]; errors: number; files: number };
      expect(out.errors).toBe(out.diagnostics.length);
      expect(out.files).toBe(names.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a file with a syntax error gets no schema or rule diagnostics', async () => {
    const { diagnostics } = await loadSopSet([`${BAD}/stray-quote.yaml`], { cwd: ROOT });
    expect(diagnostics.every((d) => d.code.startsWith('YAML_'))).toBe(true);
  });
});
