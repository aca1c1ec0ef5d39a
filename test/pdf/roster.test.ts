import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/calendar/index.js';
import { parseStaff, planRoster, renderRoster } from '../../src/render/pdf/index.js';
import { parsePdf, procedure } from './helpers.js';

const SOP = 'duty-handover-public-affairs';

const STAFF = `# 值班人员
staff:
  - name: 张伟
  - name: 李娜
    leave: [2026-10-03]
  - name: 王强
  - name: 赵敏
    leave:
      - { from: 2026-10-01, to: 2026-10-07 }
`;

function staff() {
  const r = parseStaff('staff.yaml', STAFF);
  if (!r.staff) throw new Error(JSON.stringify(r.diagnostics));
  return r.staff;
}

describe('roster plan', () => {
  it('gives National Day the holiday window and the 调休 Saturday the normal one (2026-10)', async () => {
    const sop = await procedure(SOP);
    const plan = planRoster(sop, '2026-10', createCalendar(sop.site), staff());
    expect(plan.days).toHaveLength(31);
    expect(plan.holidaysKnown).toBe(true);
    const day = (d: number) => plan.days[d - 1];
    const normal = sop.schedule?.window.label;
    const holiday = sop.schedule?.holidayWindow?.label;
    expect(normal).toBe('17:30–次日08:30');
    expect(holiday).toBe('08:30–次日08:30');
    for (let d = 1; d <= 7; d++) {
      expect(day(d)?.kind).toBe('国庆节');
      expect(day(d)?.window.label).toBe(holiday);
      expect(day(d)?.window.lengthMinutes).toBe(24 * 60);
    }
    // Saturday 10 October 2026 is a make-up workday (调休): a workday, normal window.
    expect(day(10)?.weekday).toBe('六');
    expect(day(10)?.kind).toBe('调休上班');
    expect(day(10)?.window.label).toBe(normal);
    // an ordinary Sunday is a rest day with the holiday window, an ordinary Thursday a workday
    expect(day(11)).toMatchObject({ weekday: '日', kind: '休息日', restDay: true });
    expect(day(11)?.window.label).toBe(holiday);
    expect(day(8)).toMatchObject({ weekday: '四', kind: '', restDay: false });
    // prepared before the end of the previous month
    expect(plan.dueBy).toBe('2026-09-30');
  });

  it('rotates fairly and respects leave', async () => {
    const sop = await procedure(SOP);
    const people = staff();
    const plan = planRoster(sop, '2026-10', createCalendar(sop.site), people);
    for (const d of plan.days) {
      expect(d.person).not.toBeNull();
      const p = people.find((s) => s.name === d.person);
      expect(p?.leave.has(d.date)).toBe(false);
    }
    // nobody stands two days running when someone else is free
    for (let i = 1; i < plan.days.length; i++)
      expect(plan.days[i]?.person).not.toBe(plan.days[i - 1]?.person);
    // duty time evens out to within one 24-hour shift
    const minutes = plan.counts.map((c) => c.minutes);
    expect(Math.max(...minutes) - Math.min(...minutes)).toBeLessThanOrEqual(24 * 60);
    expect(plan.counts.reduce((a, c) => a + c.shifts, 0)).toBe(31);
    // deterministic
    expect(planRoster(sop, '2026-10', createCalendar(sop.site), people).days.map((d) => d.person)).toEqual(
      plan.days.map((d) => d.person),
    );
  });

  it('starts each month with the next person, so month starts rotate too', async () => {
    const sop = await procedure(SOP);
    const cal = createCalendar(sop.site);
    const three = parseStaff('s.yaml', 'staff:\n  - name: 甲\n  - name: 乙\n  - name: 丙\n').staff;
    const firsts = ['2026-04', '2026-05', '2026-06'].map(
      (m) => planRoster(sop, m, cal, three).days[0]?.person,
    );
    expect(new Set(firsts).size).toBe(3);
  });

  it('knows the 2026 Spring Festival make-up Saturdays (2026-02)', async () => {
    const sop = await procedure(SOP);
    const cal = createCalendar(sop.site);
    const plan = planRoster(sop, '2026-02', cal, null);
    const makeUp = plan.days.filter((d) => d.kind === '调休上班').map((d) => d.date);
    expect(makeUp.length).toBeGreaterThan(0);
    for (const date of makeUp) {
      expect(cal.day(date).makeUpWorkday).toBe(true);
      expect(plan.days.find((d) => d.date === date)?.window.label).toBe('17:30–次日08:30');
    }
    expect(plan.days.every((d) => d.person === null)).toBe(true);
  });

  it('says so when the year has no holiday data (2027)', async () => {
    const sop = await procedure(SOP);
    const plan = planRoster(sop, '2027-10', createCalendar(sop.site), null);
    expect(plan.holidaysKnown).toBe(false);
    const pdf = await parsePdf(await renderRoster(sop, 'duty-roster', plan));
    expect(pdf.text[0]).toContain('日历中没有 2027 年的法定节假日及调休安排');
  });
});

describe('roster sheet PDF', () => {
  it('prints the month with weekdays, windows, names, swap approval, signatures and the deadline', async () => {
    const sop = await procedure(SOP);
    const plan = planRoster(sop, '2026-10', createCalendar(sop.site), staff());
    const bytes = await renderRoster(sop, 'duty-roster', plan);
    const pdf = await parsePdf(bytes);
    expect(pdf.pages).toBe(1);
    const text = pdf.text[0] ?? '';
    for (const s of [
      '住户服务中心值班安排表',
      '2026 年 10 月',
      '10月1日',
      '10月31日',
      '国庆节',
      '调休上班',
      '08:30–次日08:30',
      '17:30–次日08:30',
      '值班人员',
      '调班/顶班人',
      '批准人签名',
      '（公共事务部主管）',
      '须于 2026-09-30 前完成（上月月底前）',
      '编制：',
      '审批：',
      '（管理处经理）',
      '不得私自调班',
      '张伟',
      '李娜',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('日历中没有');
    expect(pdf.fontsEmbedded).toBe(true);
    expect(
      Buffer.compare(Buffer.from(bytes), Buffer.from(await renderRoster(sop, 'duty-roster', plan))),
    ).toBe(0);
  });
});

describe('staff list', () => {
  it('reports mistakes with file:line:column', () => {
    const r = parseStaff(
      'staff.yaml',
      `staff:
  - name: 张伟
  - name: 李娜
    leave: [2026-12-05, 2026-13-01]
  - name: 张伟
  - name: 王强
    leav: []
  - leave: [2026-12-01]
  - name: 赵敏
    leave:
      - { from: 2026-12-10, to: 2026-12-08 }
`,
    );
    expect(r.staff).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['STAFF_DATE', 4, 25],
      ['STAFF_DUPLICATE', 5, 11],
      ['STAFF_UNKNOWN_KEY', 7, 5],
      ['STAFF_NAME', 8, 5],
      ['STAFF_DATE', 11, 9],
    ]);
    for (const d of r.diagnostics) expect(d.file).toBe('staff.yaml');
  });

  it('rejects YAML syntax errors and a missing list', () => {
    expect(parseStaff('s.yaml', 'staff: [a\n').diagnostics[0]?.code).toBe('STAFF_YAML');
    expect(parseStaff('s.yaml', 'people: []\n').diagnostics[0]?.code).toBe('STAFF_SHAPE');
    expect(parseStaff('s.yaml', 'staff: []\n').diagnostics[0]?.code).toBe('STAFF_EMPTY');
  });

  it('expands leave ranges', () => {
    const r = parseStaff(
      's.yaml',
      'staff:\n  - name: 甲\n    leave: [{ from: 2026-12-30, to: 2027-01-02 }]\n',
    );
    expect([...(r.staff?.[0]?.leave ?? [])]).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
  });
});
