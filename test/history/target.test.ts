import { describe, expect, it } from 'vitest';
import { appendRevision, decideFeedback } from '../../src/history/edit.js';
import { historyTarget } from '../../src/history/target.js';
import { loadSopTexts } from '../../src/load/index.js';
import { bundledText, edit } from '../doc/helpers.js';

describe('history target', () => {
  it('writes history.json and history.md with the revisions, hash chain and planned reviews', async () => {
    const base = bundledText('duty-handover-public-affairs');
    const withFeedback = edit(
      edit(base, 'retention: 3y', 'retention: 5y'),
      '\n  revisions:\n',
      '\n  feedback:\n    - { id: fb-1, date: 2026-05-02, by: 王五, text: 值班记录保存期太短。 }\n  revisions:\n',
    );
    const appended = appendRevision(withFeedback, 'duty-handover-public-affairs', {
      version: '1.1',
      date: '2026-06-30',
      effective: '2026-07-01',
      type: 'semiannual',
      by: ['品质管理部'],
      preparedBy: { name: '张丽', date: '2026-06-20' },
      approvedBy: { name: '李明', date: '2026-06-30' },
      summary: '半年调整：延长值班记录保存期。',
      changes: ['《值班记录》保存期 3 年 → 5 年'],
      closes: ['fb-1'],
    });
    const text = decideFeedback(appended.text, [{ id: 'fb-1', status: 'accepted', closedBy: '1.1' }]).text;
    // With its manual, whose 复审规定 (annual 1y, semi-annual 6mo) the chapter follows.
    const others = [
      'service-centre-manual',
      'front-desk-reception',
      'duty-handover-service-center',
      'duty-handover-customer-service',
    ];
    const r = loadSopTexts([
      { file: 'sops/duty-handover-public-affairs.yaml', text },
      ...others.map((id) => ({
        file: `sops/${id}.yaml`,
        text: bundledText(id),
      })),
    ]);
    const sop = r.set?.sops.find((s) => s.id === 'duty-handover-public-affairs');
    if (!sop) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`).join('; '));
    const ctx = { set: { sops: [sop], calendars: [] } };
    const files = await historyTarget.emit(sop, ctx);
    expect(files.map((f) => f.path)).toEqual(['history.json', 'history.md']);
    const json = JSON.parse(String(files[0]?.data)) as {
      source: string;
      chain: { valid: boolean; sealed: boolean };
      revisions: { version: string; hash: string; expectedHash: string; changes: string[] }[];
      nextReviews: { kind: string; next: string }[];
    };
    expect(json.source).toBe('duty-handover-public-affairs.yaml');
    expect(json.chain).toMatchObject({ valid: true, sealed: true });
    expect(json.revisions.map((r) => r.version)).toEqual(['1.0', '1.1']);
    expect(json.revisions.every((r) => r.hash === r.expectedHash)).toBe(true);
    expect(json.revisions[1]?.changes).toEqual(['《值班记录》保存期 3 年 → 5 年']);
    expect(json.nextReviews).toEqual([
      {
        kind: 'annual',
        interval: '1y',
        period: '每年',
        from: { version: '1.0', date: '2026-01-01', type: 'initial' },
        next: '2027-01-01',
      },
      {
        kind: 'semiannual',
        interval: '6mo',
        period: '每 6 个月',
        from: { version: '1.1', date: '2026-06-30', type: 'semiannual' },
        next: '2026-12-30',
      },
    ]);
    const md = String(files[1]?.data);
    expect(md).toContain(
      '| 1.1 | 2026-06-30 | 2026-07-01 | 半年调整 | 品质管理部 | 张丽 2026-06-20 | — | 李明 2026-06-30 | 半年调整：延长值班记录保存期。 |',
    );
    expect(md).toContain(
      '## 1.1（2026-06-30）修改内容\n\n- 《值班记录》保存期 3 年 → 5 年\n- 答复员工反馈 fb-1（2026-05-02 王五：值班记录保存期太短。）',
    );
    expect(md).toContain('| fb-1 | 2026-05-02 | 王五 | 值班记录保存期太短。 | 已采纳 | 1.1 |');
    expect(md).toContain('修订记录完整，每条修订都已签署。');
    expect(md).toContain('- 半年调整：每 6 个月，自 2026-06-30（半年调整，版本 1.1）起下次于 2026-12-30 前');
    // Same input, same bytes.
    const again = await historyTarget.emit(sop, ctx);
    expect(again.map((f) => f.data)).toEqual(files.map((f) => f.data));
  });
});
