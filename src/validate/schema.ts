import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Code } from '../diagnostics/catalog.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { ParsedFile } from '../load/parse.js';
import { createAjv } from './ajv.js';
import { cacheFileOf, readIfPresent, runCommonJs } from './precompiled.js';
import { durationSpelling, fullWidthColonTime, idSuggestion } from './spelling.js';
import { editDistance, suggestionParams } from './suggest.js';

/** Location of the SOP JSON Schema shipped with the package. */
export const SCHEMA_URL = new URL('../../schemas/sop.schema.json', import.meta.url);

let compiled: ValidateFunction | null = null;

/**
 * The schema validator, once per process: the one compiled ahead of time by scripts/compile-schema.mjs when it
 * was made from the current schema, otherwise compiled now.
 */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const text = readFileSync(SCHEMA_URL, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const file = fileURLToPath(new URL('./schema.generated.cjs', import.meta.url));
  const code = readIfPresent(file)?.toString('utf8');
  // Not generated (running from source) or made from another schema: compile below.
  if (code?.endsWith(`module.exports.schemaSha256 = ${JSON.stringify(hash)};\n`)) {
    compiled = runCommonJs(file, code, readIfPresent(cacheFileOf(file))).exports as ValidateFunction;
  }
  if (!compiled) {
    compiled = createAjv().compile(JSON.parse(text) as object);
  }
  return compiled;
}

/** Which code a failed keyword gets, by the `$defs` entry it comes from. */
const defCodes: Record<string, Code> = {
  time: 'TIME_INVALID',
  duration: 'DURATION_INVALID',
  date: 'DATE_INVALID',
  id: 'SCHEMA_ID',
  clauseNumber: 'CLAUSE_NUMBER_INVALID',
};

/** Higher wins when several errors point at the same value. */
const priority: Partial<Record<Code, number>> = {
  SCHEMA_UNKNOWN_KEY: 9,
  SCHEMA_REQUIRED: 8,
  TIME_INVALID: 7,
  DURATION_INVALID: 7,
  DATE_INVALID: 7,
  VERSION_INVALID: 7,
  SCHEMA_ID: 7,
  CLAUSE_NUMBER_INVALID: 7,
  SCHEMA_EVENT: 7,
  SCHEMA_ENUM: 5,
  SCHEMA_VALUE: 4,
  SCHEMA_TYPE: 3,
};

const typeZh: Record<string, string> = {
  string: '文字',
  number: '数字',
  integer: '整数',
  boolean: 'true 或 false',
  object: '“键: 值”映射',
  array: '列表（- 开头的各项）',
  null: '空值',
};

/** Validates a parsed file against the SOP schema and maps every ajv error back to the YAML node. */
export function validateSchema(parsed: ParsedFile): Diagnostic[] {
  const validate = validator();
  if (validate(parsed.value)) return [];
  const r = parsed.reporter;
  const best = new Map<
    string,
    { code: Code; path: (string | number)[]; params: Record<string, string | number>; key: boolean }
  >();
  const errors = validate.errors ?? [];
  for (const e of errors) {
    const mapped = mapError(e, errors);
    if (!mapped) continue;
    const k = `${mapped.path.join('\u0000')}|${mapped.key}`;
    const prev = best.get(k);
    if (!prev || (priority[mapped.code] ?? 0) > (priority[prev.code] ?? 0)) best.set(k, mapped);
  }
  // A misspelt key explains the "missing" key it was meant to be: report the typo only.
  const typos = new Set(
    [...best.values()]
      .filter((d) => d.code === 'SCHEMA_UNKNOWN_KEY' && d.params.suggestion !== undefined)
      .map((d) => `${d.path.slice(0, -1).join('\u0000')}|${d.params.suggestion}`),
  );
  const start = r.diagnostics.length;
  for (const d of best.values()) {
    if (d.code === 'SCHEMA_REQUIRED' && typos.has(`${d.path.join('\u0000')}|${d.params.key}`)) continue;
    r.at(d.path, d.code, { ...d.params, ...spellingHint(parsed.value, d) }, { key: d.key });
  }
  return r.diagnostics.splice(start);
}

/**
 * What to write instead, for the spellings `spelling.ts` knows: a Chinese duration, a full-width colon in a
 * time, a Chinese name where an id belongs. The catalog puts it at the start of the hint.
 */
function spellingHint(
  doc: Record<string, unknown>,
  d: {
    code: Code;
    path: readonly (string | number)[];
    params: Record<string, string | number>;
    key: boolean;
  },
): Record<string, string> {
  const value = String(d.params.value ?? '');
  if (d.code === 'DURATION_INVALID') {
    const spelling = durationSpelling(value);
    return spelling ? { spelling } : {};
  }
  if (d.code === 'TIME_INVALID') {
    const spelling = fullWidthColonTime(value);
    return spelling ? { spelling } : {};
  }
  if (d.code === 'SCHEMA_ID' && !d.key) return suggestionParams(idSuggestion(doc, d.path, value));
  return {};
}

function toPath(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function defOf(schemaPath: string): string | null {
  const m = /#\/\$defs\/([^/]+)\/[^/]+$/.exec(schemaPath);
  return m ? (m[1] ?? null) : null;
}

function mapError(
  e: ErrorObject,
  all: readonly ErrorObject[],
): { code: Code; path: (string | number)[]; params: Record<string, string | number>; key: boolean } | null {
  const path = toPath(e.instancePath);
  const value = typeof e.data === 'object' ? JSON.stringify(e.data) : String(e.data);
  switch (e.keyword) {
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return { code: 'SCHEMA_REQUIRED', path, params: { key }, key: path.length > 0 };
    }
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(key, allowed);
      return {
        code: 'SCHEMA_UNKNOWN_KEY',
        path: [...path, key],
        params: { key, allowed: allowed.join(', '), ...(suggestion ? { suggestion } : {}) },
        key: true,
      };
    }
    case 'propertyNames':
      return null; // reported through the nested error on the name itself
    case 'type': {
      if (path.length > 0 && path[path.length - 1] === 'version' && typeof e.data === 'number') {
        return { code: 'VERSION_INVALID', path, params: { value }, key: false };
      }
      // In a oneOf, a type mismatch of one branch is noise when another branch matched the type.
      if (
        all.some(
          (o) =>
            o !== e &&
            o.keyword !== 'type' &&
            o.keyword !== 'oneOf' &&
            o.instancePath.startsWith(e.instancePath),
        )
      )
        return null;
      const expected = ([] as string[]).concat(
        ...all
          .filter((o) => o.keyword === 'type' && o.instancePath === e.instancePath)
          .map((o) => String((o.params as { type: string }).type).split(',')),
      );
      const uniq = [...new Set(expected)];
      return {
        code: 'SCHEMA_TYPE',
        path,
        params: { expected: uniq.join(' or '), expectedZh: uniq.map((t) => typeZh[t] ?? t).join('或') },
        key: false,
      };
    }
    case 'enum':
    case 'const': {
      if (
        e.schemaPath.includes('/oneOf/') &&
        all.some((o) => o !== e && o.instancePath === e.instancePath && o.keyword === 'pattern')
      )
        return null;
      const allowed =
        e.keyword === 'enum'
          ? (e.params as { allowedValues: unknown[] }).allowedValues
          : [(e.params as { allowedValue: unknown }).allowedValue];
      return {
        code: 'SCHEMA_ENUM',
        path,
        params: { value, allowed: allowed.map(String).join(', ') },
        key: false,
      };
    }
    case 'pattern':
    case 'format': {
      const inName = /propertyNames/.test(e.schemaPath);
      const keyPath = inName ? [...path, String(e.data)] : path;
      if (inName && /\^\[A-Z\]/.test(String((e.params as { pattern?: string }).pattern ?? ''))) {
        return { code: 'SCHEMA_EVENT', path: keyPath, params: { value }, key: true };
      }
      const def = defOf(e.schemaPath);
      if (def && defCodes[def])
        return { code: defCodes[def] as Code, path: keyPath, params: { value }, key: inName };
      if (path[path.length - 1] === 'version')
        return { code: 'VERSION_INVALID', path, params: { value }, key: false };
      return {
        code: 'SCHEMA_VALUE',
        path: keyPath,
        params: { zh: `${value}`, en: `${value}`, hintZh: '检查格式。', hintEn: 'Check the format.' },
        key: inName,
      };
    }
    case 'oneOf':
    case 'if':
    case 'anyOf':
      if (all.some((o) => o !== e && o.keyword !== 'oneOf' && o.instancePath.startsWith(e.instancePath)))
        return null;
      return {
        code: 'SCHEMA_VALUE',
        path,
        params: {
          zh: value,
          en: value,
          hintZh: '检查此处的写法。',
          hintEn: 'Check how this value is written.',
        },
        key: false,
      };
    default:
      return { code: 'SCHEMA_VALUE', path, params: limitDetail(e, value), key: false };
  }
}

function limitDetail(e: ErrorObject, value: string): Record<string, string> {
  const p = e.params as { limit?: number; comparison?: string };
  const comparison = (p.comparison ?? '').replace('>=', '≥').replace('<=', '≤');
  switch (e.keyword) {
    case 'minItems':
      return {
        zh: `至少 ${p.limit} 项`,
        en: `at least ${p.limit} items`,
        hintZh: `至少写 ${p.limit} 项。`,
        hintEn: `Write at least ${p.limit} items.`,
      };
    case 'maxItems':
    case 'maxProperties':
      return {
        zh: `最多 ${p.limit} 项`,
        en: `at most ${p.limit} entries`,
        hintZh: `最多写 ${p.limit} 项。`,
        hintEn: `Write at most ${p.limit}.`,
      };
    case 'minProperties':
      return {
        zh: `至少 ${p.limit} 项`,
        en: `at least ${p.limit} entries`,
        hintZh: `至少写 ${p.limit} 项。`,
        hintEn: `Write at least ${p.limit}.`,
      };
    case 'minLength':
      return { zh: '不能为空', en: 'must not be empty', hintZh: '填写内容。', hintEn: 'Fill it in.' };
    case 'maxLength':
      return {
        zh: `超过 ${p.limit} 个字符`,
        en: `longer than ${p.limit} characters`,
        hintZh: '缩短文字。',
        hintEn: 'Shorten the text.',
      };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return {
        zh: `${value} 超出范围（须 ${comparison} ${p.limit}）`,
        en: `${value} is out of range (must be ${comparison} ${p.limit})`,
        hintZh: '检查数值范围。',
        hintEn: 'Check the range.',
      };
    default:
      return {
        zh: `${value}（不符合 ${e.keyword}）`,
        en: `${value}: ${e.message ?? e.keyword}`,
        hintZh: '检查此处的写法。',
        hintEn: 'Check how this value is written.',
      };
  }
}

/** The allowed key nearest to a mistyped one (edit distance ≤ 2), for "did you mean". */
function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const o of options) {
    const d = editDistance(word, o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best;
}
