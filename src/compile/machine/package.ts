/**
 * The machine of a SOP as an npm package: `package.json`, a CommonJS build (`machine.cjs` +
 * `machine.d.cts`) beside the ES module, and the JSON Schema of every event (in
 * `config.meta.sopforge.events`, so `machine.json` carries them).
 */
import { basename, isAbsolute } from 'node:path';
import type { Field, ProcedureSop } from '../../model/types.js';
import type { JsonObject } from './config.js';
import { senderRole } from './contract.js';
import type { MachinePlan } from './plan.js';

/**
 * The xstate versions the generated module and its types are made for: the consumer test
 * (test/machine/consumer.test.ts) type-checks and runs a case on the lower bound and on the newest.
 * 5.16 does not compile `machine.d.ts` (its `StateMachine` has fewer type parameters).
 */
export const XSTATE_RANGE = '^5.17.1';

/** The package name of a SOP's machine: unscoped and private (procedures are a site's own). */
export function packageName(sop: ProcedureSop): string {
  return `sop-${sop.id}`;
}

/**
 * A SOP version as semver: `1` → `1.0.0`, `1.1` → `1.1.0`, `1.2.3` as is; a fourth and later part
 * go into build metadata (`1.2.3.4` → `1.2.3+4`), which npm ignores when comparing.
 */
export function semverOf(version: string): string {
  const parts = version.split('.').map((p) => String(Number(p)));
  while (parts.length < 3) parts.push('0');
  const [major, minor, patch, ...rest] = parts;
  return `${major}.${minor}.${patch}${rest.length > 0 ? `+${rest.join('.')}` : ''}`;
}

/** A source path fit for an artifact: a path outside the project (absolute) becomes its file name. */
export function portablePath(file: string): string {
  return isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file) ? basename(file) : file.replace(/\\/g, '/');
}

export function emitPackageJson(sop: ProcedureSop): string {
  const pkg = {
    name: packageName(sop),
    version: semverOf(sop.version),
    description: `${sop.title}（${sop.id} ${sop.version}）— XState v5 machine`,
    private: true,
    type: 'module',
    main: './machine.cjs',
    types: './machine.d.ts',
    exports: {
      '.': {
        import: { types: './machine.d.ts', default: './machine.js' },
        require: { types: './machine.d.cts', default: './machine.cjs' },
      },
      './machine.json': './machine.json',
      './package.json': './package.json',
    },
    files: [
      'machine.js',
      'machine.cjs',
      'machine.d.ts',
      'machine.d.cts',
      'machine.json',
      'machine.mmd',
      'machine.scxml',
      'CHANGELOG.md',
      'CHANGELOG.en.md',
    ],
    sideEffects: false,
    peerDependencies: { xstate: XSTATE_RANGE },
    sopforge: { sop: sop.id, version: sop.version, effective: sop.effective, sourceHash: sop.sourceHash },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * machine.js as CommonJS: the same text with `require('xstate')` and `module.exports`. The module
 * is generated, so its import and export forms are known: one `import { … } from 'xstate'`,
 * `export const|function|class NAME` and `export { a, b }`.
 */
export function toCommonJs(esm: string): string {
  const names: string[] = [];
  const out = esm
    .replace(/^import \{ ([^}]+) \} from 'xstate';$/m, "'use strict';\nconst { $1 } = require('xstate');")
    .replace(/^export (const|function|class) ([A-Za-z_$][\w$]*)/gm, (_m, kind: string, name: string) => {
      names.push(name);
      return `${kind} ${name}`;
    })
    .replace(/^export \{ ([^}]+) \};$/gm, (_m, list: string) => {
      names.push(...list.split(',').map((n) => n.trim()));
      return '';
    });
  if (/^\s*(import|export)\b/m.test(out))
    throw new Error('machine.js has an import or export toCommonJs does not know');
  return `${out.trimEnd()}\n\nmodule.exports = { ${[...new Set(names)].sort().join(', ')} };\n`;
}

function fieldSchema(f: Field): JsonObject {
  const base: JsonObject = { title: f.label };
  switch (f.type) {
    case 'text':
      return { ...base, type: 'string' };
    case 'signature':
      return { ...base, type: 'string', pattern: '\\S' };
    case 'date':
      return { ...base, type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
    case 'time':
      return { ...base, type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };
    case 'datetime':
      return {
        ...base,
        type: 'string',
        format: 'date-time',
        pattern:
          '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):?[0-5]\\d)$',
      };
    case 'phone':
      return {
        ...base,
        type: 'string',
        description:
          '11 位手机号（可加 +86，空格、连字符不计），或带区号的固定电话（可加分机 -、转、#、ext）。\nAn 11-digit mobile number (optional +86; spaces and hyphens ignored), or a landline with its area code (optional extension).',
        pattern: '^[0-9+#\\s-]*(转|ext\\.?)?[0-9]*$',
      };
    case 'enum':
      return { ...base, enum: f.options.map((o) => o.value) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'number':
      return { ...base, type: 'number' };
  }
}

/**
 * The JSON Schema (2020-12) of every event an app sends, by type. An event accepted in several
 * steps gets the fields of all of them; a field is required when every step requires it. The
 * runtime checks more than a schema can say (a real calendar date, the step's own fields and
 * sender, the conditions): a schema-valid event can still be refused.
 */
export function eventSchemas(plan: MachinePlan): JsonObject {
  const out: JsonObject = {};
  for (const e of plan.events) {
    const roles = new Set<string>();
    let anyRole = false;
    for (const s of plan.steps)
      for (const t of s.transitions) {
        if (t.event !== e.type) continue;
        const r = senderRole(s, t);
        if (r === null) anyRole = true;
        else roles.add(r);
      }
    const properties: JsonObject = {
      type: { const: e.type },
      by: {
        type: 'object',
        required: ['role', 'name'],
        additionalProperties: false,
        properties: {
          role: { enum: anyRole ? [...plan.roles] : [...roles].sort() },
          name: { type: 'string', pattern: '\\S' },
        },
      },
    };
    const required = ['type', ...(anyRole ? [] : ['by'])];
    for (const { field, always } of e.fields) {
      properties[field.id] = fieldSchema(field);
      if (always) required.push(field.id);
    }
    out[e.type] = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: e.type,
      type: 'object',
      required,
      additionalProperties: false,
      properties,
    };
  }
  return out;
}
