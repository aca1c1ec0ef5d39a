import type { FileReporter, Path } from '../diagnostics/report.js';
import type { Duration, DutyWindow, Schedule } from '../model/types.js';
import { formatTime, parseDuration, parseTime } from './units.js';
import type { WrittenSop, WrittenWindow } from './written.js';

/**
 * A duty window. The end is on the same day unless written with 次日; a 24-hour window is
 * `08:30`–`次日08:30`. Zero-length, backwards and over-24-hour windows are reported.
 */
export function normalizeWindow(
  w: WrittenWindow,
  path: Path,
  r: FileReporter,
): DutyWindow & { valid: boolean } {
  const start = parseTime(w.start);
  const end = parseTime(w.end);
  if (start.nextDay) r.at([...path, 'start'], 'START_NEXT_DAY');
  const startMin = start.minutes;
  const endMin = end.minutes + (end.nextDay ? 1440 : 0);
  const label = `${formatTime({ ...start, nextDay: false })}–${formatTime(end)}`;
  let length = endMin - startMin;
  if (length === 0) r.at([...path, 'end'], 'WINDOW_ZERO', { window: label });
  else if (length < 0) r.at([...path, 'end'], 'WINDOW_END_BEFORE_START', { start: w.start, end: w.end });
  else if (length > 1440) r.at([...path, 'end'], 'WINDOW_TOO_LONG', { window: label });
  const valid = length > 0 && length <= 1440;
  if (!valid) length = 1440;
  return { start: { ...start, nextDay: false }, end, lengthMinutes: length, label, valid };
}

function lead(
  text: string | undefined,
  key: string,
  what: [string, string],
  window: DutyWindow & { valid: boolean },
  r: FileReporter,
): Duration | null {
  if (text === undefined) return null;
  const d = parseDuration(text);
  if (d.minutes === null) {
    r.at(['schedule', key], 'DURATION_UNIT', {
      value: text,
      hintZh: '提前量用 m（分钟）或 h（小时），如 15m。',
      hintEn: 'Lead times are in m or h, e.g. 15m.',
    });
  } else if (window.valid && d.minutes >= window.lengthMinutes) {
    r.at(['schedule', key], 'LEAD_TOO_LONG', {
      what: what[0],
      whatEn: what[1],
      lead: text,
      window: window.label,
    });
  }
  return d;
}

export function normalizeSchedule(w: WrittenSop, r: FileReporter): Schedule | null {
  const s = w.schedule;
  if (!s) return null;
  const { valid, ...window } = normalizeWindow(s.window, ['schedule', 'window'], r);
  const holiday = s['holiday-window']
    ? normalizeWindow(s['holiday-window'], ['schedule', 'holiday-window'], r)
    : null;
  const holidayWindow = holiday ? (({ valid: _v, ...rest }) => rest)(holiday) : null;
  const checked = { ...window, valid };
  const roster = s.roster;
  // No `due:`, no deadline: the roster's rules are only what the YAML writes.
  let dueDays: number | null = roster?.due === 'month-end' ? 0 : null;
  if (roster?.due !== undefined && roster.due !== 'month-end') {
    const d = parseDuration(roster.due);
    if (d.unit !== 'd' && d.unit !== 'w') {
      r.at(['schedule', 'roster', 'due'], 'DURATION_UNIT', {
        value: roster.due,
        hintZh: '写成 month-end，或提前的天数如 5d。',
        hintEn: 'Write month-end, or days ahead such as 5d.',
      });
    } else dueDays = (d.minutes ?? 0) / 1440;
  }
  return {
    window,
    holidayWindow,
    arriveEarly: lead(s['arrive-early'], 'arrive-early', ['提前到岗时间', 'The early arrival'], checked, r),
    handoverPrep: lead(
      s['handover-prep'],
      'handover-prep',
      ['交班准备时间', 'The handover preparation'],
      checked,
      r,
    ),
    answerWithinRings: s['answer-within-rings'] ?? null,
    hotlineAnswerOnly: s['hotline-answer-only'] ?? false,
    clause: s.clause ?? null,
    roster: roster
      ? {
          preparedBy: roster['prepared-by'],
          approvedBy: roster['approved-by'] ?? null,
          dueDaysBeforeMonth: dueDays,
          form: roster.form ?? null,
          leaveApprovedBy: roster['leave-approved-by'] ?? null,
          privateSwapsForbidden: roster['private-swaps'] === 'forbidden',
          clause: roster.clause ?? null,
        }
      : null,
  };
}
