import { beforeAll, describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import type { ManualSop, ProcedureSop, Sop } from '../../src/model/types.js';
import { findClause } from '../../src/normalize/clauses.js';
import { ROOT, runCli } from '../helpers.js';

let sops: Map<string, Sop>;
const proc = (id: string) => sops.get(id) as ProcedureSop;

beforeAll(async () => {
  const { set, diagnostics } = await loadSopSet(['sops'], { cwd: ROOT });
  expect(diagnostics).toEqual([]);
  sops = new Map((set?.sops ?? []).map((s) => [s.id, s]));
});

const DUTY = [
  'duty-handover-public-affairs',
  'duty-handover-service-center',
  'duty-handover-customer-service',
];

describe('the bundled SOPs', () => {
  it('validate with exit code 0 and no warnings', async () => {
    const res = await runCli(['validate']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('5 个文件，0 个错误，0 个警告');
  });

  it('encode every distinct procedure of the seeds once', () => {
    expect([...sops.keys()].sort()).toEqual(
      [...DUTY, 'front-desk-reception', 'service-centre-manual'].sort(),
    );
  });

  it('give each duty variant its own window, holiday window and roles', () => {
    const pa = proc('duty-handover-public-affairs');
    expect(pa.schedule?.window.label).toBe('17:30–次日08:30');
    expect(pa.schedule?.holidayWindow?.lengthMinutes).toBe(24 * 60);
    expect(pa.roles.map((r) => r.name)).toContain('公共事务部主管');
    const sc = proc('duty-handover-service-center');
    expect(sc.schedule?.window.label).toBe('18:00–22:00');
    expect(sc.roles.map((r) => r.name)).toEqual(expect.arrayContaining(['服务中心副主管', '经理助理']));
    const cs = proc('duty-handover-customer-service');
    expect(cs.schedule?.window).toMatchObject({ label: '08:30–次日08:30', lengthMinutes: 1440 });
    expect(cs.roles.map((r) => r.name)).toContain('客户服务中心主管');
  });

  it.each(DUTY)('%s states the duty rules of its seed', (id) => {
    const s = proc(id);
    expect(s.schedule?.arriveEarly?.minutes).toBe(5);
    expect(s.schedule?.handoverPrep?.minutes).toBe(15);
    expect(s.schedule?.answerWithinRings).toBe(3);
    expect(s.schedule?.hotlineAnswerOnly).toBe(true);
    expect(s.schedule?.roster?.privateSwapsForbidden).toBe(true);
    // The seed's lists: three principles, two rights (4.1.4 and 4.1.6, or 四、1、（4） and （6）).
    const list = (n: string) =>
      findClause(s.clauses, id === 'duty-handover-service-center' ? `四、1、（${n}）` : `4.1.${n}`);
    expect(list('4')?.children).toHaveLength(3);
    expect(list('6')?.children).toHaveLength(2);
    const log = s.records.find((r) => r.retention !== null);
    expect(log?.retention?.text).toBe('3y');
    expect(log?.rules).toEqual(['no-torn-pages', 'no-alterations']);
    expect(s.audits.some((a) => a.frequency.kind === 'daily')).toBe(true);
    const handOver = s.workflow?.steps.flatMap((st) => st.transitions).find((t) => t.event === 'HAND_OVER');
    expect(handOver?.conditions).toContainEqual({ kind: 'none', field: 'unfinished', flag: 'important' });
    const timers = s.workflow?.steps.flatMap((st) => st.timers) ?? [];
    expect(timers).toContainEqual(
      expect.objectContaining({
        kind: 'before-window-end',
        before: expect.objectContaining({ minutes: 15 }),
      }),
    );
  });

  it('checks each variant’s inventory items', () => {
    const items = (id: string) => proc(id).checklists.flatMap((c) => c.items.map((i) => i.name));
    expect(items('duty-handover-public-affairs')).toEqual(['对讲机', '灭火器', '水瓶']);
    expect(items('duty-handover-customer-service')).toEqual(['对讲机']);
    expect(items('duty-handover-service-center')).toEqual([]);
  });

  it('front-desk reception escalates 2 days → supervisor, 1 week → manager, and closes only with a reason', () => {
    const s = proc('front-desk-reception');
    const ladder = s.escalations[0];
    expect(ladder?.basis).toBe('calendar');
    expect(ladder?.levels.map((l) => [l.after.text, l.role])).toEqual([
      ['2d', 'cs-supervisor'],
      ['1w', 'manager'],
    ]);
    const close = s.workflow?.steps.flatMap((st) => st.transitions).find((t) => t.event === 'CLOSE');
    expect(close?.role).toBe('manager');
    expect(close?.conditions).toContainEqual({ kind: 'payload-has', fields: ['reason'], unless: null });
    expect(s.audits.map((a) => a.frequency)).toEqual([
      { kind: 'daily' },
      { kind: 'weekly', weekday: 'monday' },
    ]);
    expect(s.references).toContainEqual(
      expect.objectContaining({ id: 'complaint-handling', title: '投诉处理作业规程', external: true }),
    );
    const record = s.forms.find((f) => f.id === 'reception-record');
    expect(record?.columns.map((c) => c.label)).toEqual(
      expect.arrayContaining(['接待日期', '业主姓名', '联系电话', '房号', '事由']),
    );
  });

  it("the manual has the seed's outline, guide and review rules, and every procedure as a chapter", () => {
    const m = sops.get('service-centre-manual') as ManualSop;
    expect(m.clauses.map((c) => c.title ?? c.text)).toEqual([
      '目录',
      '编制指南',
      '复审规定',
      expect.stringMatching(/^请注意，本规程旨在提供指导/),
      '服务中心作业规程范文',
    ]);
    expect(m.clauses[0]?.children.map((c) => c.text)).toEqual([
      '服务中心概述',
      '岗位职责',
      '服务流程',
      '客户沟通',
      '故障处理',
      '服务质量监控',
      '文件记录与归档',
      '员工培训与发展',
      '紧急情况应对',
    ]);
    expect(m.clauses[1]?.children.map((c) => c.number)).toEqual([
      '1.',
      '2.',
      '3.',
      '4.',
      '5.',
      '6.',
      '7.',
      '8.',
      '9.',
    ]);
    expect(m.clauses[2]?.children.map((c) => c.key)).toEqual(['#2/1.', '#2/2.', '#2/3.', '#2/4.', '#2/5.']);
    expect(m.review).toMatchObject({ feedback: true, expert: true, recordEveryReview: true });
    expect(m.review.annual?.text).toBe('1y');
    expect(m.review.semiannual?.text).toBe('6mo');
    // The 篇 in the seed's order: 第1篇, 第2篇, 第4篇, 第5篇.
    expect(m.chapters).toEqual([
      'duty-handover-public-affairs',
      'front-desk-reception',
      'duty-handover-service-center',
      'duty-handover-customer-service',
    ]);
  });
});
