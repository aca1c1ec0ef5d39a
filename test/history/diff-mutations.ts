/**
 * Every single-value edit of a SOP text, type-aware, for the diff's completeness test: each leaf of the parsed
 * YAML changed to another plausible value of its kind, each optional key dropped, each list item dropped or
 * duplicated under a new name, each map entry copied under a new key. Most edits still validate; the caller
 * keeps those that do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../helpers.js';

export type Segment = string | number;
export interface Mutation {
  /** What was done, e.g. `set roles.manager.name = 经理X`. */
  readonly what: string;
  readonly text: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const BUNDLED = readdirSync(join(ROOT, 'sops'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => ({ file: `sops/${name}`, text: readFileSync(join(ROOT, 'sops', name), 'utf8') }));
export const BASE = {
  file: 'test/fixtures/good/base.yaml',
  text: readFileSync(join(ROOT, 'test/fixtures/good/base.yaml'), 'utf8'),
};

const DURATION = /^([0-9]+)(mo|m|h|d|w|y)$/;
const TIME = /^(次日)?([0-9]{1,2}):([0-9]{2})$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const VERSION = /^[0-9]+(\.[0-9]+)*$/;

/** The key a value sits under (the list's key for list items), so values of one kind can stand in for each other. */
function kindOf(path: readonly Segment[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return '';
}

function walk(value: Json, path: Segment[], visit: (v: Json, p: Segment[]) => void): void {
  visit(value, path);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, [...path, i], visit);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}

type Edit = 'set' | 'drop' | 'insert' | 'copy';

/** A copy of `root` with the node at `path` replaced, dropped, followed by `value` (lists) or copied to a new key. */
function edited(root: Json, path: readonly Segment[], edit: Edit, value: Json = null): Json {
  const copy = structuredClone(root);
  let parent = copy as Json;
  for (const seg of path.slice(0, -1)) parent = (parent as Record<Segment, Json>)[seg] as Json;
  const last = path[path.length - 1] as Segment;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (edit === 'drop') parent.splice(last, 1);
    else if (edit === 'insert') parent.splice(last + 1, 0, value);
    else parent[last] = value;
  } else if (parent && typeof parent === 'object' && !Array.isArray(parent)) {
    if (edit === 'drop') delete parent[last];
    else if (edit === 'copy') parent[`${last}-x`] = value;
    else parent[last] = value;
  }
  return copy;
}

function otherStrings(s: string, kind: string, seen: Map<string, Set<string>>): string[] {
  const d = DURATION.exec(s);
  if (d) {
    const n = Number(d[1]);
    return [`${n + 1}${d[2]}`, ...(n > 1 ? [`${n - 1}${d[2]}`] : []), `${n}${d[2] === 'd' ? 'w' : 'd'}`];
  }
  const t = TIME.exec(s);
  if (t) {
    const h = (Number(t[2]) + 1) % 24;
    return [
      `${t[1] ?? ''}${String(h).padStart(2, '0')}:${t[3]}`,
      `${t[1] ?? ''}${t[2]}:${t[3] === '00' ? '30' : '00'}`,
    ];
  }
  const date = DATE.exec(s);
  if (date) {
    const next = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]) + 1));
    return [next.toISOString().slice(0, 10)];
  }
  if (VERSION.test(s)) return [`${s}.1`];
  // Other values written under the same key (enum options, role and step ids), and an edited text.
  const peers = [...(seen.get(kind) ?? [])].filter((x) => x !== s).sort();
  return [...peers.slice(0, 2), `${s}改`];
}

/** A copy of a list item or map entry that differs in every name-like value, so it is a new item. */
function renamed(v: Json): Json {
  if (typeof v === 'string') return `${v}-x`;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v))
    out[k] =
      typeof x === 'string' && ['id', 'event', 'name', 'text', 'label', 'title'].includes(k) ? `${x}-x` : x;
  return out;
}

export function mutationsOf(text: string): Mutation[] {
  const root = parse(text) as Json;
  const seen = new Map<string, Set<string>>();
  walk(root, [], (v, p) => {
    if (typeof v === 'string') seen.set(kindOf(p), (seen.get(kindOf(p)) ?? new Set()).add(v));
  });
  const out: Mutation[] = [];
  const emit = (what: string, value: Json) =>
    out.push({ what, text: stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 }) });
  walk(root, [], (v, p) => {
    if (p.length === 0) return;
    const where = p.join('.');
    const set = (x: Json) => emit(`set ${where} = ${JSON.stringify(x)}`, edited(root, p, 'set', x));
    if (typeof v === 'string') for (const x of otherStrings(v, kindOf(p), seen)) set(x);
    else if (typeof v === 'number') for (const x of [v + 1, ...(v > 1 ? [v - 1] : [])]) set(x);
    else if (typeof v === 'boolean') set(!v);
    emit(`drop ${where}`, edited(root, p, 'drop'));
    if (typeof p[p.length - 1] === 'number')
      emit(`add after ${where}`, edited(root, p, 'insert', renamed(v)));
    else if (v && typeof v === 'object' && !Array.isArray(v))
      emit(`copy ${where}`, edited(root, p, 'copy', renamed(v)));
  });
  return out;
}
