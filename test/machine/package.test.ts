import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { emitMachineArtifacts } from '../../src/compile/machine/index.js';
import { semverOf } from '../../src/compile/machine/package.js';
import { loadSopTexts } from '../../src/load/index.js';
import {
  bundledSop,
  emitToTemp,
  type GeneratedModule,
  importMachine,
  ROOT,
  sampleEvents,
  tempDir,
} from './helpers.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv2020,
) => void;

const sop = await bundledSop('front-desk-reception');

describe('out/<sop>/ is an npm package', () => {
  test('package.json: name, semver version, ESM + CommonJS + types exports, xstate as a peer', () => {
    const pkg = JSON.parse(String(emitMachineArtifacts(sop).find((a) => a.path === 'package.json')?.data));
    expect(pkg).toMatchObject({
      name: 'sop-front-desk-reception',
      version: '1.0.0',
      type: 'module',
      exports: {
        '.': {
          import: { types: './machine.d.ts', default: './machine.js' },
          require: { types: './machine.d.cts', default: './machine.cjs' },
        },
      },
      peerDependencies: { xstate: expect.stringMatching(/^\^5\./) },
    });
    const paths = emitMachineArtifacts(sop).map((a) => a.path);
    for (const f of pkg.files) expect(paths).toContain(f);
  });

  test('SOP versions as semver', () => {
    expect(['1', '1.0', '1.1', '2.10', '1.2.3', '1.02', '1.2.3.4'].map(semverOf)).toEqual([
      '1.0.0',
      '1.0.0',
      '1.1.0',
      '2.10.0',
      '1.2.3',
      '1.2.0',
      '1.2.3+4',
    ]);
  });

  test('a SOP loaded from an absolute path leaves no machine path in any artifact', () => {
    const text = readFileSync(join(ROOT, 'sops/front-desk-reception.yaml'), 'utf8');
    const file = '/srv/site-a/private/sops/front-desk-reception.yaml';
    const loaded = loadSopTexts([{ file, text }]).set?.sops[0];
    expect(loaded?.file).toBe(file);
    for (const a of emitMachineArtifacts(loaded as never)) {
      expect(String(a.data), a.path).not.toContain('/srv/');
      expect(String(a.data), a.path).not.toContain('site-a');
    }
  });

  test('machine.json carries a JSON Schema for every event, agreeing with the runtime on samples', async () => {
    const { mod }: { mod: GeneratedModule } = await importMachine(sop);
    const schemas = mod.config.meta.sopforge.events as Record<string, object>;
    const types = [...new Set(sop.workflow?.steps.flatMap((s) => s.transitions.map((t) => t.event)))].sort();
    expect(Object.keys(schemas).sort()).toEqual(types);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const valid = (e: { type: string }) => ajv.validate(schemas[e.type] as object, e);
    for (const e of sampleEvents(sop)) expect(valid(e), JSON.stringify(e)).toBe(true);
    const record = sampleEvents(sop).find((e) => e.type === 'RECORD') as { type: string };
    for (const bad of [
      { channel: 'fax' },
      { phone: 12345 },
      { date: '昨天下午' },
      { by: { role: 'manager', name: '王五' } },
      { by: undefined },
      { stray: 1 },
    ]) {
      const e = JSON.parse(JSON.stringify({ ...record, ...bad }));
      expect(valid(e), JSON.stringify(e)).toBe(false);
    }
  });

  test('npm pack, install the tarball into an ESM app and a CommonJS app, run a case in each', () => {
    const dir = emitToTemp(sop);
    const packs = tempDir('sopforge-pack-');
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    npm(['pack', '--pack-destination', packs, '--silent'], dir);
    const [tarball] = readdirSync(packs);
    expect(tarball).toBe('sop-front-desk-reception-1.0.0.tgz');
    const listed = execFileSync('tar', ['-tzf', join(packs, String(tarball))], { encoding: 'utf8' });
    expect(listed.split('\n').filter(Boolean).sort()).toEqual(
      [
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
      ].map((f) => `package/${f}`),
    );
    const caseScript = (load: string) => `${load}
const actor = startActor();
const refused = [];
actor.on(REFUSED_EVENT, (e) => refused.push(e.code));
const by = { role: 'receptionist', name: '李四' };
// Received today (site time, UTC+8): on the wall clock, a date days ago would already be escalated.
const date = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
actor.send({ type: 'RECORD', by, date, owner: '张三', phone: '13800000000', room: '3-201', matter: '灯不亮', channel: 'fax' });
actor.send({ type: 'RECORD', by, date, owner: '张三', phone: '13800000000', room: '3-201', matter: '灯不亮' });
actor.send({ type: 'HANDLE', by });
actor.send({ type: 'RESOLVE', by, handling: '已更换灯泡', result: '业主满意' });
console.log(JSON.stringify({ output: actor.getSnapshot().output, refused, states: Object.keys(json.states).length }));
`;
    const apps: [string, string, string][] = [
      [
        'module',
        'app.mjs',
        "import { startActor, REFUSED_EVENT } from 'sop-front-desk-reception';\nimport { createRequire } from 'node:module';\nconst json = createRequire(import.meta.url)('sop-front-desk-reception/machine.json');",
      ],
      [
        'commonjs',
        'app.cjs',
        "const { startActor, REFUSED_EVENT } = require('sop-front-desk-reception');\nconst json = require('sop-front-desk-reception/machine.json');",
      ],
    ];
    for (const [type, file, load] of apps) {
      const app = tempDir(`sopforge-app-${type}-`);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `app-${type}`, private: true, type }));
      // Offline: the tarball has no dependencies, and the app brings its own xstate (linked here).
      npm(
        [
          'install',
          join(packs, String(tarball)),
          '--offline',
          '--no-audit',
          '--no-fund',
          '--legacy-peer-deps',
          '--silent',
        ],
        app,
      );
      mkdirSync(join(app, 'node_modules'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules/xstate'), join(app, 'node_modules/xstate'), 'dir');
      writeFileSync(join(app, file), caseScript(load));
      const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }));
      expect(out, type).toEqual({
        output: { outcome: 'resolved', handoff: null },
        refused: ['PAYLOAD_INVALID'],
        states: sop.workflow?.steps.length,
      });
    }
  }, 180_000);
});
