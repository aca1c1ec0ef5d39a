import { describe, expect, it } from 'vitest';
import { appendRevision } from '../../src/history/edit.js';
import { historyTarget } from '../../src/history/target.js';
import { bundledText, edit, loadText } from '../doc/helpers.js';

describe('history target', () => {
  it('writes history.json and history.md with the revisions, hash chain and planned reviews', async () => {
    const base = bundledText('duty-handover-public-affairs');
    const { text } = appendRevision(edit(base, 'retention: 3y', 'retention: 5y'), {
      version: '1.1',
      date: '2026-06-30',
      type: 'semiannual',
      by: ['品质管理部'],
      summary: '半年调整：延长值班记录保存期。',
      changes: ['《值班记录》保存期 3 年 → 5 年'],
    });
    const sop = loadText(text, 'sops/duty-handover-public-affairs.yaml');
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
        from: { version: '1.0', date: '2026-01-01', type: 'initial' },
        next: '2027-01-01',
      },
      {
        kind: 'semiannual',
        interval: '6mo',
        from: { version: '1.1', date: '2026-06-30', type: 'semiannual' },
        next: '2026-12-30',
      },
    ]);
    const md = String(files[1]?.data);
    expect(md).toContain('| 1.1 | 2026-06-30 | 半年调整 | 品质管理部 | 半年调整：延长值班记录保存期。 |');
    expect(md).toContain('## 1.1（2026-06-30）修改内容\n\n- 《值班记录》保存期 3 年 → 5 年');
    expect(md).toContain('修订记录哈希链完整。');
    expect(md).toContain('- 半年调整：每 6 个月，自 2026-06-30（半年调整，版本 1.1）起下次于 2026-12-30 前');
    // Same input, same bytes.
    const again = await historyTarget.emit(sop, ctx);
    expect(again.map((f) => f.data)).toEqual(files.map((f) => f.data));
  });
});
