import { describe, expect, test } from 'vitest';
import { SimulatedClock } from 'xstate';
import { bundledSop, cst, type GeneratedModule, importMachine, variantSop } from './helpers.js';

const DAY = 86_400_000;
const BY = { role: 'receptionist', name: '李四' };
const RECORD = {
  type: 'RECORD',
  by: BY,
  date: '2026-03-02',
  owner: '张三',
  phone: '13800000000',
  room: '3-201',
  matter: '楼道灯不亮',
};
const t0 = cst('2026-03-02T10:00');
/** Where the ladder's clock starts: the recorded reception date, at site midnight. */
const day0 = cst(`${RECORD.date}T00:00`);

const sop = await bundledSop('front-desk-reception');
const { mod: v1 } = await importMachine(sop);

function start(mod: GeneratedModule, at: number, ...snapshot: unknown[]) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor =
    snapshot.length > 0 ? mod.startActor({ clock, snapshot: snapshot[0] }) : mod.startActor({ clock });
  return { clock, actor };
}

/** A case received at t0, transferred, and stored one day later (under `mod`). */
function storedCase(mod: GeneratedModule, after = DAY) {
  const { clock, actor } = start(mod, t0);
  actor.send(RECORD);
  actor.send({ type: 'TRANSFER', by: BY, department: '工程部' });
  clock.increment(after);
  const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  actor.stop();
  return saved;
}

const threeDays = variantSop('front-desk-reception.yaml', (t) =>
  t.replace('- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
);
const { mod: v3d } = await importMachine(threeDays);

describe('every snapshot names its SOP, version and source', () => {
  test('context._sop.sop, from the YAML', () => {
    const saved = storedCase(v1);
    expect(saved.context._sop.sop).toEqual({ id: sop.id, version: sop.version, sourceHash: sop.sourceHash });
    expect(v1.checkSnapshot(saved)).toEqual({ ok: true });
  });
});

describe('a snapshot that does not fit is a typed error before the actor starts', () => {
  const damaged: [string, () => unknown][] = [
    ['null', () => null],
    ['a string', () => 'transferred'],
    ['no value', () => ({ ...storedCase(v1), value: undefined })],
    ['no runtime state', () => ({ ...storedCase(v1), context: { owner: 'x' } })],
    [
      'a deadline that is not a number',
      () => {
        const s = storedCase(v1);
        s.context._sop.deadlines['transferred.overdue.0'] = 'soon';
        return s;
      },
    ],
  ];
  for (const [what, make] of damaged) {
    test(`damaged: ${what}`, () => {
      const snapshot = make();
      expect(v1.checkSnapshot(snapshot)).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_INVALID' } });
      let thrown: unknown;
      try {
        start(v1, t0, snapshot);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(v1.SnapshotError);
      expect(thrown).toMatchObject({
        code: 'SNAPSHOT_INVALID',
        detail: { message: { zh: expect.any(String) } },
      });
    });
  }

  test('another SOP', async () => {
    const { mod: duty } = await importMachine(await bundledSop('duty-handover-public-affairs'));
    const s = duty.startActor();
    const saved = JSON.parse(JSON.stringify(s.getPersistedSnapshot()));
    s.stop();
    expect(v1.checkSnapshot(saved)).toMatchObject({
      ok: false,
      error: { code: 'SNAPSHOT_OTHER_SOP', from: { id: 'duty-handover-public-affairs' } },
    });
    expect(v1.migrate(saved)).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_OTHER_SOP' } });
  });

  test('a step this machine does not have (same version, edited snapshot)', () => {
    const saved = { ...storedCase(v1), value: 'archived' };
    expect(v1.checkSnapshot(saved)).toMatchObject({
      ok: false,
      error: { code: 'SNAPSHOT_UNKNOWN_STEP', step: 'archived' },
    });
    expect(() => start(v1, t0, saved)).toThrow(v1.SnapshotError);
  });

  test('another version: refused until migrated', () => {
    const saved = storedCase(v1);
    expect(v3d.checkSnapshot(saved)).toMatchObject({
      ok: false,
      error: {
        code: 'SNAPSHOT_OTHER_VERSION',
        from: { sourceHash: sop.sourceHash },
        to: { sourceHash: threeDays.sourceHash },
      },
    });
    expect(() => start(v3d, t0 + DAY, saved)).toThrow(v3d.SnapshotError);
  });
});

describe('migrate(): the migration table', () => {
  test('threshold changed (2d → 3d): the open case gets the new threshold from its original start', () => {
    const migrated = v3d.migrate(storedCase(v1));
    expect(migrated.ok).toBe(true);
    expect(migrated.report).toMatchObject({
      changed: true,
      step: 'transferred',
      recomputed: ['transferred.overdue.0'],
      droppedDeadlines: [],
      removedFields: [],
      addedFields: [],
    });
    expect(migrated.snapshot.context._sop.migrations).toEqual([
      { version: '1.0', sourceHash: sop.sourceHash },
    ]);
    expect(v3d.checkSnapshot(migrated.snapshot)).toEqual({ ok: true });
    const { clock, actor } = start(v3d, t0 + 2 * DAY, migrated.snapshot);
    expect(actor.getSnapshot().value).toBe('transferred');
    expect(v3d.nextDeadline(actor.getSnapshot())).toBe(day0 + 3 * DAY);
    clock.set(day0 + 3 * DAY - 1);
    expect(actor.getSnapshot().value).toBe('transferred');
    clock.set(day0 + 3 * DAY);
    expect(actor.getSnapshot().value).toBe('supervisor');
  });

  test('a deadline the new rules put in the past while the case was stored fires at once', () => {
    const migrated = v3d.migrate(storedCase(v1));
    const { actor } = start(v3d, t0 + 4 * DAY, migrated.snapshot);
    expect(actor.getSnapshot().value).toBe('supervisor');
    expect(actor.getSnapshot().context._sop.escalations[0]).toMatchObject({
      due: day0 + 3 * DAY,
      at: t0 + 4 * DAY,
    });
  });

  test('step renamed: reported as removed, then mapped by the app', async () => {
    const renamed = variantSop('front-desk-reception.yaml', (t) =>
      t.replaceAll('transferred', 'with-department'),
    );
    const { mod: v2 } = await importMachine(renamed);
    const saved = storedCase(v1);
    expect(v2.migrate(saved)).toMatchObject({
      ok: false,
      error: { code: 'SNAPSHOT_STEP_REMOVED', removedSteps: ['transferred'] },
    });
    const mapped = v2.migrate(saved, { steps: { transferred: 'with-department' } });
    expect(mapped.ok).toBe(true);
    // The old step's timer is gone with its name; the new step's is armed from the clock's start.
    expect(mapped.report).toMatchObject({
      step: 'with-department',
      droppedDeadlines: ['transferred.overdue.0'],
    });
    const { clock, actor } = start(v2, t0 + DAY, mapped.snapshot);
    expect(actor.getSnapshot().value).toBe('with-department');
    clock.set(t0 + 2 * DAY);
    expect(actor.getSnapshot().value).toBe('supervisor');
    actor.send({
      type: 'RESOLVE',
      by: { role: 'cs-supervisor', name: '钱七' },
      handling: '已修复',
      result: '满意',
    });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'resolved', handoff: null });
  });

  test('step removed where the case is not: the case continues; a record field removed and one added are reported', async () => {
    const changed = variantSop('front-desk-reception.yaml', (t) =>
      t
        .replace(
          '            - set:\n                - department\n',
          '            - set:\n                - department\n                - note\n',
        )
        .replace(
          '            - id: department\n              label: 责任部门\n              type: text\n              required: true\n',
          '            - id: department\n              label: 责任部门\n              type: text\n              required: true\n            - { id: note, label: 备注, type: text }\n',
        )
        .replace('                - matter\n                - channel\n', '                - matter\n'),
    );
    const { mod: v2 } = await importMachine(changed);
    const migrated = v2.migrate(storedCase(v1));
    expect(migrated.report).toMatchObject({ removedFields: ['channel'], addedFields: ['note'] });
    expect(migrated.snapshot.context.note).toBeNull();
    expect(migrated.snapshot.context).not.toHaveProperty('channel');
    const { actor } = start(v2, t0 + DAY, migrated.snapshot);
    expect(actor.getSnapshot().value).toBe('transferred');
    expect(actor.getSnapshot().context.owner).toBe('张三');
  });

  test('a snapshot of this very version needs no migration', () => {
    const saved = storedCase(v1);
    expect(v1.migrate(saved)).toMatchObject({ ok: true, snapshot: saved, report: { changed: false } });
  });
});
