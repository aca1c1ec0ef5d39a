import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileMachine, emitMachineArtifacts, machineTarget } from '../../src/compile/machine/index.js';
import type { ProcedureSop, SopSet } from '../../src/model/types.js';
import { bundledSop, bundledSops, type GeneratedModule, importMachine, ROOT, variantSop } from './helpers.js';

type StateJson = {
  entry?: { type: string }[];
  on?: Record<string, unknown>;
  after?: Record<string, { guard?: { type: string }; actions?: { type: string }[] }[]>;
  always?: { guard?: { type: string }; actions?: { type: string }[] }[];
};

/** Every guard, action and delay name a config uses. */
function namesUsed(config: { states: Record<string, StateJson>; on?: StateJson['on'] }) {
  const guards = new Set<string>();
  const actions = new Set<string>();
  const delays = new Set<string>();
  const visitTransition = (t: unknown) => {
    for (const c of Array.isArray(t) ? t : [t]) {
      const tr = c as { guard?: { type: string }; actions?: { type: string }[] };
      if (tr.guard) guards.add(tr.guard.type);
      for (const a of tr.actions ?? []) actions.add(a.type);
    }
  };
  for (const t of Object.values(config.on ?? {})) visitTransition(t);
  for (const state of Object.values(config.states)) {
    for (const a of state.entry ?? []) actions.add(a.type);
    for (const t of Object.values(state.on ?? {})) visitTransition(t);
    for (const [d, t] of Object.entries(state.after ?? {})) {
      delays.add(d);
      visitTransition(t);
    }
    visitTransition(state.always ?? []);
  }
  return { guards, actions, delays };
}

const withWorkflow = async () =>
  (await bundledSops()).filter((s): s is ProcedureSop => s.kind === 'procedure' && s.workflow !== null);

describe('the machine target', () => {
  test('writes the machine artifacts and package.json for every SOP with a workflow and nothing for the others', async () => {
    const sops = await bundledSops();
    const set: SopSet = { sops, calendars: [] };
    for (const sop of sops) {
      const artifacts = await machineTarget.emit(sop, { set });
      const expected =
        sop.kind === 'procedure' && sop.workflow
          ? [
              'CHANGELOG.en.md',
              'CHANGELOG.md',
              'machine.cjs',
              'machine.d.cts',
              'machine.d.ts',
              'machine.js',
              'machine.json',
              'machine.mmd',
              'machine.scxml',
              'package.json',
            ]
          : [];
      expect(artifacts.map((a) => a.path).sort()).toEqual(expected);
    }
    expect(sops.some((s) => s.kind === 'manual')).toBe(true);
    const duty = await bundledSop('duty-handover-public-affairs');
    expect(await machineTarget.emit({ ...duty, workflow: null }, { set })).toEqual([]);
  });

  test('buildSet with the machine target writes <sop-id>/machine.* for every SOP with a workflow', async () => {
    const { buildSet } = await import('../../src/build/build.js');
    const sops = await bundledSops();
    const { files } = await buildSet({ sops, calendars: [] }, [machineTarget]);
    const expected = sops
      .filter((s) => s.kind === 'procedure' && s.workflow)
      .flatMap((s) => [
        ...['cjs', 'd.cts', 'd.ts', 'js', 'json', 'mmd', 'scxml'].map((ext) => `${s.id}/machine.${ext}`),
        `${s.id}/package.json`,
        `${s.id}/CHANGELOG.md`,
        `${s.id}/CHANGELOG.en.md`,
      ]);
    expect(files.map((f) => f.path).sort()).toEqual(expected.sort());
  });

  test('output is deterministic and machine.json is the config compileMachine returns', async () => {
    for (const sop of await withWorkflow()) {
      const a = emitMachineArtifacts(sop);
      const b = emitMachineArtifacts(sop);
      expect(a).toEqual(b);
      const json = a.find((x) => x.path === 'machine.json')?.data as string;
      expect(JSON.parse(json)).toEqual(compileMachine(sop));
    }
  });

  test('machine.json: states with Chinese labels, roles and clauses; delays in milliseconds; guards by name', async () => {
    const config = compileMachine(await bundledSop('front-desk-reception')) as GeneratedModule;
    expect(config.states.supervisor.meta).toMatchObject({
      label: '客服主管跟踪处理',
      role: 'cs-supervisor',
      roleName: '客服主管',
      clause: '4.7',
    });
    expect(config.meta.sopforge.delays['transferred.overdue.0']).toMatchObject({
      ms: 2 * 86_400_000,
      basis: 'calendar',
      text: '2d',
    });
    expect(config.meta.sopforge.delays['supervisor.overdue.1']).toMatchObject({
      ms: 7 * 86_400_000,
      target: 'manager',
    });
    expect(config.states.manager.on.CLOSE.guard).toEqual({
      type: 'manager.CLOSE',
      params: {
        event: 'CLOSE',
        step: 'manager',
        label: '无法处理，经理说明原因后关闭',
        clause: '4.8',
        role: 'manager',
        fields: [{ id: 'reason', label: '关闭原因', type: 'text', required: true }],
        conditions: [{ kind: 'payload-has', fields: ['reason'], unless: null }],
        refusal: '关闭须由经理在《接待业主情况记录》上说明原因。',
      },
    });
    const working = compileMachine(
      variantSop('front-desk-reception.yaml', (t) => t.replace('basis: calendar', 'basis: working')),
    ) as GeneratedModule;
    expect(working.meta.sopforge.delays['transferred.overdue.0']).toMatchObject({
      ms: null,
      basis: 'working',
    });
    expect(working.meta.sopforge.calendar.years).toContain(2026);
    expect(config.meta.sopforge.calendar).toEqual({ years: [], rest: [], work: [] });
  });

  test('machine.js imports only xstate and has the banner naming the YAML and version', async () => {
    for (const sop of await withWorkflow()) {
      const js = emitMachineArtifacts(sop).find((x) => x.path === 'machine.js')?.data as string;
      const imports = [...js.matchAll(/^\s*import\b.*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      expect(imports).toEqual(['xstate']);
      expect(js).not.toMatch(/\brequire\(|\bimport\(/);
      expect(js.split('\n')[1]).toContain(`from ${sop.file}`);
      expect(js.split('\n')[1]).toContain(`version ${sop.version}`);
      expect(js).toContain('setup({');
      expect(js).toContain('}).createMachine({');
    }
  });
});

describe('untrusted text', () => {
  test('a title and a label with comment, template and script terminators survive in machine.js and machine.d.ts', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is meant to look like a template.
    const nasty = 'x */ ${y} `z` </script> \u2028 "q" \\';
    const sop = variantSop('front-desk-reception.yaml', (t) =>
      t
        .replace('title: 物业服务中心前台接待业主作业规程', `title: ${JSON.stringify(nasty)}`)
        .replace('label: 转相关责任部门处理', `label: ${JSON.stringify(nasty)}`),
    );
    const { mod, dir } = await importMachine(sop);
    expect(mod.config.meta.sopforge.sop.title).toBe(nasty);
    expect(mod.config.states.recorded.on.TRANSFER.meta.label).toBe(nasty);
    const dts = readFileSync(join(dir, 'machine.d.ts'), 'utf8');
    expect(dts.split('\n')[0]).not.toContain('*/');
  });
});

describe('every named guard, action and delay is implemented in the generated module', () => {
  test('for each bundled machine and the working-day variant', async () => {
    const sops = [
      ...(await withWorkflow()),
      variantSop('front-desk-reception.yaml', (t) => t.replace('basis: calendar', 'basis: working')),
    ];
    for (const sop of sops) {
      const { mod }: { mod: GeneratedModule } = await importMachine(sop);
      const used = namesUsed(mod.config);
      const impl = mod.machine.implementations;
      for (const g of used.guards) expect(typeof impl.guards[g], `guard ${g} of ${sop.id}`).toBe('function');
      for (const a of used.actions) expect(impl.actions[a], `action ${a} of ${sop.id}`).toBeDefined();
      for (const d of used.delays) expect(typeof impl.delays[d], `delay ${d} of ${sop.id}`).toBe('function');
      // The lists the module advertises are exactly what the config uses.
      expect(new Set(mod.implemented.delays)).toEqual(used.delays);
      expect(new Set(mod.implemented.guards)).toEqual(used.guards);
      if (sop.escalations.length > 0 || sop.workflow?.steps.some((s) => s.timers.length > 0))
        expect(used.delays.size).toBeGreaterThan(0);
    }
  });

  test('a named delay never resolves to "fire now" for a deadline that is days away', async () => {
    const { mod } = await importMachine(await bundledSop('front-desk-reception'));
    const now = Date.parse('2026-03-02T10:00:00+08:00');
    const machine = mod.createSopMachine({ now: () => now });
    const context = {
      ...mod.config.context,
      _sop: { ...mod.config.context._sop, deadlines: { 'transferred.overdue.0': now + 172_800_000 } },
    };
    expect(machine.implementations.delays['transferred.overdue.0']({ context })).toBe(172_800_000);
  });
});

describe('changing the YAML changes the machine', () => {
  test('a threshold: 2d → 3d moves the supervisor escalation by a day', async () => {
    const base = await bundledSop('front-desk-reception');
    const changed = variantSop('front-desk-reception.yaml', (t) =>
      t.replace('- after: 2d\n        role: cs-supervisor', '- after: 3d\n        role: cs-supervisor'),
    );
    const at = (config: GeneratedModule) =>
      config.states.transferred.meta &&
      config.states.transferred.after['transferred.overdue.0'][0].meta.after;
    expect(at(compileMachine(base))).toBe('2d');
    expect(at(compileMachine(changed))).toBe('3d');
    const { mod } = await importMachine(changed);
    const t0 = Date.parse('2026-03-02T10:00:00+08:00');
    const { SimulatedClock } = await import('xstate');
    const clock = new SimulatedClock();
    clock.set(t0);
    const actor = mod.startActor({ clock });
    const by = { role: 'receptionist', name: 'a' };
    actor.send({
      type: 'RECORD',
      by,
      date: '2026-03-02',
      owner: 'a',
      phone: '13800000000',
      room: '1',
      matter: 'x',
    });
    actor.send({ type: 'TRANSFER', by, department: 'd' });
    // Counted from the recorded reception date (site midnight).
    const day0 = Date.parse('2026-03-02T00:00:00+08:00');
    clock.set(day0 + 2 * 86_400_000);
    expect(actor.getSnapshot().value).toBe('transferred');
    clock.set(day0 + 3 * 86_400_000 - 1);
    expect(actor.getSnapshot().value).toBe('transferred');
    clock.set(day0 + 3 * 86_400_000);
    expect(actor.getSnapshot().value).toBe('supervisor');
  });

  test('a role: the first level escalates to the manager, and the escalation records that role', async () => {
    const changed = variantSop('front-desk-reception.yaml', (t) =>
      t.replace('- after: 2d\n        role: cs-supervisor', '- after: 2d\n        role: manager'),
    );
    const config = compileMachine(changed) as GeneratedModule;
    const first = config.states.transferred.after['transferred.overdue.0'][0];
    expect(first.meta).toMatchObject({ role: 'manager', roleName: '经理' });
    expect(first.actions[0]).toEqual({
      type: 'escalate',
      params: { ladder: 'overdue', level: 0, role: 'manager', delay: 'transferred.overdue.0' },
    });
    const base = compileMachine(await bundledSop('front-desk-reception')) as GeneratedModule;
    expect(base.states.transferred.after['transferred.overdue.0'][0].meta).toMatchObject({
      role: 'cs-supervisor',
      roleName: '客服主管',
    });
  });

  test('a step role and a duty window: the state meta and the window timer follow the YAML', async () => {
    const changed = variantSop('duty-handover-public-affairs.yaml', (t) =>
      t
        .replace(
          'window:\n    start: "17:30"\n    end: "次日08:30"',
          'window:\n    start: "18:00"\n    end: "次日09:00"',
        )
        .replace('before-window-end: 15m', 'before-window-end: 30m'),
    );
    const config = compileMachine(changed) as GeneratedModule;
    expect(config.meta.sopforge.schedule.window).toMatchObject({ start: 18 * 60, length: 15 * 60 });
    expect(config.states['on-duty'].entry[0].params.timers[0]).toMatchObject({ beforeMinutes: 30 });
  });
});

describe('machine.d.ts', () => {
  test('types an app that imports the generated module (tsc, strict)', async () => {
    const { dir } = await importMachine(await bundledSop('duty-handover-public-affairs'));
    writeFileSync(
      join(dir, 'app.ts'),
      [
        "import { createActor } from 'xstate';",
        "import { machine, startActor, type Event, type Context, type SopSnapshot } from './machine.js';",
        'const actor = startActor();',
        "const by = { role: 'duty-officer', name: '赵六' } as const;",
        "actor.send({ type: 'CHECK_ITEM', by, item: 'intercom', status: 'good' });",
        "actor.send({ type: 'SIGN', by, outgoing: 'a', incoming: 'b' });",
        "const e: Event = { type: 'HAND_OVER', by, outgoing: 'a', incoming: 'b' };",
        'actor.send(e);',
        'const s: SopSnapshot = actor.getSnapshot();',
        "const v: 'taking-over' | 'on-duty' | 'preparing-handover' | 'handed-over' = s.value;",
        'const c: Context = s.context;',
        'const years: readonly number[] = c._sop.unknownCalendarYears;',
        'const important: boolean | undefined = c.unfinished[0]?.important;',
        'createActor(machine).start();',
        '// @ts-expect-error — unknown event',
        "actor.send({ type: 'NOPE' });",
        '// @ts-expect-error — wrong enum value',
        "actor.send({ type: 'CHECK_ITEM', by, item: 'intercom', status: 'broken' });",
        'export { v, years, important };',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          skipLibCheck: false,
          exactOptionalPropertyTypes: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? err);
    }
    // xstate's own declarations do not pass skipLibCheck: false; the generated ones and the app must.
    // Paths are relative to the app's folder, wherever xstate really lives (node_modules may be a link).
    const ours = out.split('\n').filter((l) => /^(app|machine\.d)\.ts\(\d+,\d+\): error TS\d+/.test(l));
    expect(ours).toEqual([]);
    expect(out).not.toContain('machine.d.ts');
  }, 60_000);
});
