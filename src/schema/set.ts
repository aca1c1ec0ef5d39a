/**
 * The set's own schema: the general `schemas/sop.schema.json` with every reference to a role, step, form,
 * checklist or chapter narrowed to the ids the set declares, each with its Chinese name, so an editor
 * running yaml-language-server offers `cs-supervisor（客服主管）` after `role:` and marks `cs-supervsor`.
 * Pure: `sopforge schema` writes it.
 */
import type { SopSet } from '../model/types.js';

/** What a reference names. */
export type RefKind = 'role' | 'step' | 'form' | 'checklist' | 'sop';

/**
 * Where the general schema references a declared id (JSON pointers to a `{"$ref": "#/$defs/id"}` node, or to
 * an array of them). Listed by hand from the schema; a test checks that each still points at such a node,
 * so a renamed property fails loudly instead of losing its completion.
 */
export const REFERENCES: readonly { readonly pointer: string; readonly kind: RefKind }[] = [
  { pointer: '/$defs/schedule/properties/roster/properties/prepared-by', kind: 'role' },
  { pointer: '/$defs/schedule/properties/roster/properties/approved-by', kind: 'role' },
  { pointer: '/$defs/schedule/properties/roster/properties/leave-approved-by', kind: 'role' },
  { pointer: '/$defs/form/properties/signatures/items/properties/role', kind: 'role' },
  { pointer: '/$defs/transition/properties/role', kind: 'role' },
  { pointer: '/$defs/step/properties/role', kind: 'role' },
  { pointer: '/$defs/ladder/properties/levels/items/properties/role', kind: 'role' },
  { pointer: '/$defs/audit/properties/role', kind: 'role' },
  { pointer: '/$defs/transition/properties/to', kind: 'step' },
  { pointer: '/$defs/step/properties/timers/items/properties/to', kind: 'step' },
  { pointer: '/$defs/workflow/properties/initial', kind: 'step' },
  { pointer: '/$defs/ladder/properties/starts', kind: 'step' },
  { pointer: '/$defs/ladder/properties/watch', kind: 'step' },
  { pointer: '/$defs/ladder/properties/levels/items/properties/step', kind: 'step' },
  { pointer: '/$defs/schedule/properties/roster/properties/form', kind: 'form' },
  { pointer: '/$defs/audit/properties/form', kind: 'form' },
  { pointer: '/$defs/record/properties/form', kind: 'form' },
  { pointer: '/$defs/form/properties/checklist', kind: 'checklist' },
  {
    pointer: '/$defs/workflow/properties/context/additionalProperties/oneOf/2/properties/checklist',
    kind: 'checklist',
  },
  { pointer: '/properties/chapters', kind: 'sop' },
];

const KIND_WORDS: Readonly<Record<RefKind, { zh: string; en: string }>> = {
  role: { zh: '岗位', en: 'role' },
  step: { zh: '步骤', en: 'step' },
  form: { zh: '表格', en: 'form' },
  checklist: { zh: '清点清单', en: 'checklist' },
  sop: { zh: '规程', en: 'SOP' },
};

interface Entry {
  readonly id: string;
  readonly names: Set<string>;
  readonly sops: Set<string>;
}

type Json = { [key: string]: unknown };

/** Every id of each kind the set declares, with its names and the SOPs declaring it, sorted by id. */
export function declaredIds(set: SopSet): Record<RefKind, Entry[]> {
  const maps: Record<RefKind, Map<string, Entry>> = {
    role: new Map(),
    step: new Map(),
    form: new Map(),
    checklist: new Map(),
    sop: new Map(),
  };
  const add = (kind: RefKind, id: string, name: string, sop: string) => {
    const entry = maps[kind].get(id) ?? { id, names: new Set<string>(), sops: new Set<string>() };
    entry.names.add(name);
    entry.sops.add(sop);
    maps[kind].set(id, entry);
  };
  for (const sop of set.sops) {
    add('sop', sop.id, sop.title, sop.id);
    for (const r of sop.roles) add('role', r.id, r.name, sop.id);
    if (sop.kind !== 'procedure') continue;
    for (const s of sop.workflow?.steps ?? []) add('step', s.id, s.label, sop.id);
    for (const f of sop.forms) add('form', f.id, f.title, sop.id);
    for (const c of sop.checklists) add('checklist', c.id, c.title, sop.id);
  }
  const sorted = (m: Map<string, Entry>) =>
    [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    role: sorted(maps.role),
    step: sorted(maps.step),
    form: sorted(maps.form),
    checklist: sorted(maps.checklist),
    sop: sorted(maps.sop),
  };
}

function at(root: Json, pointer: string): Json | undefined {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Json)[key];
  }
  return node !== null && typeof node === 'object' ? (node as Json) : undefined;
}

function isIdRef(node: unknown): boolean {
  return node !== null && typeof node === 'object' && (node as Json).$ref === '#/$defs/id';
}

/** The definition a reference of `kind` points at: the declared ids, each described by its names. */
function refDef(kind: RefKind, entries: readonly Entry[]): Json {
  const w = KIND_WORDS[kind];
  const describe = (e: Entry) => {
    const names = [...e.names].join(' / ');
    const where = kind === 'sop' ? '' : `（${[...e.sops].sort().join(', ')}）`;
    return `${names}${where}`;
  };
  const list = entries.map((e) => `${e.id}（${[...e.names].join(' / ')}）`).join('、');
  return {
    type: 'string',
    enum: entries.map((e) => e.id),
    enumDescriptions: entries.map(describe),
    markdownEnumDescriptions: entries.map(describe),
    description: `本规程集中声明的${w.zh}编号：${list || '（无）'}\nA ${w.en} id declared in this set of SOPs.`,
    errorMessage: `不是本规程集中声明的${w.zh}编号；可用的有：${list || '（无）'}\nNot a ${w.en} id declared in this set.`,
  };
}

/**
 * The set's schema: a copy of `general` whose id references enumerate the set's ids.
 *
 * @example
 * const schema = setSchema(JSON.parse(readFileSync('schemas/sop.schema.json', 'utf8')), set);
 */
export function setSchema(general: Json, set: SopSet): Json {
  const schema = structuredClone(general) as Json;
  const ids = declaredIds(set);
  const defs = (schema.$defs ?? {}) as Json;
  const names: Record<RefKind, string> = {
    role: 'setRole',
    step: 'setStep',
    form: 'setForm',
    checklist: 'setChecklist',
    sop: 'setSop',
  };
  for (const kind of Object.keys(names) as RefKind[]) defs[names[kind]] = refDef(kind, ids[kind]);
  for (const { pointer, kind } of REFERENCES) {
    const node = at(schema, pointer);
    if (!node) throw new Error(`internal: the schema has no ${pointer}`);
    const ref = `#/$defs/${names[kind]}`;
    if (isIdRef(node)) node.$ref = ref;
    else if (isIdRef(node.items)) (node.items as Json).$ref = ref;
    else throw new Error(`internal: ${pointer} of the schema is not an id reference`);
  }
  const files = set.sops.map((s) => s.file).sort();
  return {
    $schema: schema.$schema,
    $id: 'set.schema.json',
    $comment: `Generated by sopforge from ${files.join(', ')}. DO NOT MODIFY IT BY HAND: run sopforge schema again after changing the SOPs.`,
    ...Object.fromEntries(
      Object.entries(schema).filter(([k]) => k !== '$schema' && k !== '$id' && k !== '$comment'),
    ),
    $defs: defs,
  };
}

/** The `$comment` every set schema starts with, by which `sopforge schema` knows a file is its own. */
export const SET_SCHEMA_MARK = 'Generated by sopforge from ';
