/**
 * The input and refusal contract of a generated machine: what an event must carry to be accepted
 * (its sender's role, a payload of the declared field types, the transition's conditions) and how a
 * refusal is reported (`sop.refused`, emitted, with a code and one failure per broken rule).
 *
 * `guardParams` is the JSON a transition's guard receives; `CONTRACT_RUNTIME` is the JavaScript that
 * evaluates it (plain ES2015, no imports, so the SCXML script can embed it too). The guard of a
 * transition is `verdict(params, context, event) === null`, so xstate's `snapshot.can(event)` tells
 * the truth; the reporting of a refusal happens outside the transitions (see `REFUSAL_RUNTIME`).
 */
import type { Field } from '../../model/types.js';
import type { Json, JsonObject } from './config.js';
import type { PlannedStep, PlannedTransition } from './plan.js';

/** The event the machine emits (actor.on) when it refuses an event. */
export const REFUSED_EVENT = 'sop.refused';
/** The internal event a refusal is recorded with; apps never send it (the runtime marks its own). */
export const REFUSE_EVENT = 'sop.refuse';

/** The refusal codes, in the order they are checked. */
export const REFUSAL_CODES = [
  'EVENT_NOT_ACCEPTED',
  'ROLE_MISSING',
  'ROLE_FORBIDDEN',
  'PAYLOAD_INVALID',
  'CONDITION_FAILED',
] as const;

function fieldJson(f: Field): JsonObject {
  const out: JsonObject = { id: f.id, label: f.label, type: f.type, required: f.required };
  if (f.type === 'enum') out.options = f.options.map((o) => ({ value: o.value, label: o.label }));
  return out;
}

/** The role that may send a transition's event: the transition's own, else its step's. */
export function senderRole(step: PlannedStep, t: PlannedTransition): string | null {
  return t.role ?? step.role;
}

/** Whether a transition needs a guard at all: a role to check, a payload to type-check, or conditions. */
export function needsGuard(
  stepRole: string | null,
  t: Pick<PlannedTransition, 'role' | 'payload' | 'conditions'>,
): boolean {
  return (t.role ?? stepRole) !== null || t.payload.length > 0 || t.conditions.length > 0;
}

/** The params of a transition's guard: everything `verdict` needs, and the words of its refusals. */
export function guardParams(step: PlannedStep, t: PlannedTransition): JsonObject {
  return {
    event: t.event,
    step: step.id,
    label: t.label,
    clause: t.clause,
    role: senderRole(step, t),
    fields: t.payload.map(fieldJson),
    conditions: t.conditions as unknown as Json,
    refusal: t.refusal,
  };
}

/**
 * The payload rules at run time. Phone numbers follow the Chinese numbering plan: a mobile number of
 * 11 digits starting 13–19 (an optional +86 / 0086 prefix; spaces and hyphens ignored), or a landline
 * with its area code (0 + 2–3 digits, then 7–8 digits, a hyphen allowed after the area code) and an
 * optional extension (`-`, `转`, `#` or `ext` + 1–6 digits).
 */
export const CONTRACT_RUNTIME = `
var REFUSAL_CODES = ${JSON.stringify(REFUSAL_CODES)};
var MOBILE = /^(?:\\+86|0086)?1[3-9]\\d{9}$/;
var LANDLINE = /^0\\d{2,3}-?[2-9]\\d{6,7}(?:(?:-|转|#|ext\\.?)\\d{1,6})?$/i;
var DATE = /^(\\d{4})-(\\d{2})-(\\d{2})$/;
var TIME = /^([01]\\d|2[0-3]):[0-5]\\d$/;
var DATETIME = /^(\\d{4})-(\\d{2})-(\\d{2})T([01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)$/;
var TYPE_WORDS = {
  text: ['文字', 'text'],
  date: ['日期（YYYY-MM-DD）', 'a date YYYY-MM-DD'],
  time: ['时刻（HH:MM）', 'a time of day HH:MM'],
  datetime: ['带时区的日期时间（如 2026-03-02T10:00+08:00）', 'an ISO 8601 date-time with an offset, e.g. 2026-03-02T10:00+08:00'],
  phone: ['电话号码（11 位手机号，或带区号的固定电话，可加分机）', 'a phone number (11-digit mobile, or a landline with its area code and an optional extension)'],
  enum: ['选项之一', 'one of the options'],
  boolean: ['是或否（true / false）', 'true or false'],
  signature: ['签名（不能为空）', 'a signature (non-empty text)'],
  number: ['数字', 'a finite number']
};

function realDate(y, m, d) {
  var t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

function absent(v) {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Whether a present value has the field's type. */
function typeHolds(field, v) {
  var m;
  switch (field.type) {
    case 'text':
      return typeof v === 'string';
    case 'signature':
      return typeof v === 'string' && v.trim() !== '';
    case 'date':
      m = typeof v === 'string' ? DATE.exec(v) : null;
      return m !== null && realDate(m[1], m[2], m[3]);
    case 'time':
      return typeof v === 'string' && TIME.test(v);
    case 'datetime':
      m = typeof v === 'string' ? DATETIME.exec(v) : null;
      return m !== null && realDate(m[1], m[2], m[3]);
    case 'phone':
      if (typeof v !== 'string') return false;
      var s = v.replace(/\\s+/g, '');
      return MOBILE.test(s.replace(/-/g, '')) || LANDLINE.test(s);
    case 'enum':
      return typeof v === 'string' && field.options.some(function (o) { return o.value === v; });
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && isFinite(v);
    default:
      return false;
  }
}

function fieldFailure(field, zh, en, clause) {
  return { field: field, message: { zh: zh, en: en }, clause: clause };
}

function roleName(id) {
  return SOP.roles[id] === undefined ? id : SOP.roles[id];
}

/** The sender check: a role-bound event names its sender, and the sender has that role. */
function roleVerdict(p, event) {
  var by = event.by;
  if (p.role === null && by === undefined) return null;
  if (by === undefined || by === null) {
    return { code: 'ROLE_MISSING', failures: [{ field: 'by', message: {
      zh: '须注明发送人（by：{ role, name }），此事件由' + roleName(p.role) + '办理',
      en: 'The sender is missing (by: { role, name }); this event is for the role ' + p.role
    }, clause: p.clause }] };
  }
  if (typeof by !== 'object' || typeof by.role !== 'string' || typeof by.name !== 'string' || by.name.trim() === '') {
    return { code: 'PAYLOAD_INVALID', failures: [{ field: 'by', message: {
      zh: '发送人须写作 { role: 角色编号, name: 姓名 }',
      en: 'The sender must be { role: <role id>, name: <name> }'
    }, clause: p.clause }] };
  }
  if (p.role !== null && by.role !== p.role) {
    return { code: 'ROLE_FORBIDDEN', failures: [{ field: 'by', message: {
      zh: '“' + p.label + '”由' + roleName(p.role) + '办理，' + by.name + '的角色是' + roleName(by.role),
      en: '"' + p.event + '" is for the role ' + p.role + '; ' + by.name + ' has the role ' + by.role
    }, clause: p.clause }] };
  }
  return null;
}

/**
 * What a guard's params need at every event, worked out once per params object (they are the
 * config's own, so the cache lives as long as the machine): the fields an event may carry and the
 * checklist conditions, which the payload checks read.
 */
var COMPILED = new WeakMap();
function compiled(p) {
  var c = COMPILED.get(p);
  if (c !== undefined) return c;
  var known = Object.create(null);
  known.type = true;
  known.by = true;
  for (var i = 0; i < p.fields.length; i++) known[p.fields[i].id] = true;
  c = {
    known: known,
    items: p.conditions.filter(function (x) { return x.kind === 'checklist-item'; }),
    others: p.conditions.filter(function (x) { return x.kind !== 'checklist-item'; })
  };
  COMPILED.set(p, c);
  return c;
}

function typeFailure(p, f) {
  var words = TYPE_WORDS[f.type] || [f.type, f.type];
  if (f.type === 'enum') {
    words = [
      '以下之一：' + f.options.map(function (o) { return o.value + '（' + o.label + '）'; }).join('、'),
      'one of: ' + f.options.map(function (o) { return o.value; }).join(', ')
    ];
  }
  return fieldFailure(f.id, '“' + f.label + '”须为' + words[0], 'The field ' + f.id + ' (' + f.label + ') must be ' + words[1], p.clause);
}

/** Every payload field broken by the event: required and missing, of the wrong type, or undeclared. */
function payloadFailures(p, event) {
  var c = compiled(p);
  var out = [];
  var i, f, v;
  for (i = 0; i < p.fields.length; i++) {
    f = p.fields[i];
    v = event[f.id];
    if (absent(v)) {
      if (f.required) out.push(fieldFailure(f.id, '须填写“' + f.label + '”', 'The field ' + f.id + ' (' + f.label + ') is required', p.clause));
    } else if (!typeHolds(f, v)) out.push(typeFailure(p, f));
  }
  for (var k in event) {
    if (Object.prototype.hasOwnProperty.call(event, k) && c.known[k] !== true)
      out.push(fieldFailure(k, '事件没有字段“' + k + '”', 'The event has no field ' + k, p.clause));
  }
  c.items.forEach(function (x) {
    if (itemId(x.items, event[x.key]) !== null) return;
    if (out.some(function (y) { return y.field === x.key; })) return;
    out.push(fieldFailure(x.key,
      '“' + x.key + '”须为清单中的一项：' + x.items.map(function (i) { return i.id + '（' + i.name + '）'; }).join('、'),
      'The field ' + x.key + ' must name an item of the checklist: ' + x.items.map(function (i) { return i.id; }).join(', '),
      p.clause));
  });
  return out;
}

function conditionWords(c) {
  switch (c.kind) {
    case 'checklist-complete':
      return ['清单“' + c.field + '”尚未全部清点', 'The checklist ' + c.field + ' is not complete'];
    case 'checklist-none':
      return ['清单“' + c.field + '”中有“' + c.match.field + '”为 ' + c.match.values.join('、') + ' 的项',
        'The checklist ' + c.field + ' has an item whose ' + c.match.field + ' is ' + c.match.values.join(' or ')];
    case 'none':
      return c.flag === null
        ? ['“' + c.field + '”中仍有未处理的事项', 'The list ' + c.field + ' is not empty']
        : ['“' + c.field + '”中仍有标记为 ' + c.flag + ' 的事项', 'The list ' + c.field + ' has an entry flagged ' + c.flag];
    case 'payload-has':
      return ['须填写：' + c.fields.join('、'), 'These fields are required: ' + c.fields.join(', ')];
    case 'payload-equals':
      return ['“' + c.field + '”须为 ' + c.value, 'The field ' + c.field + ' must be ' + c.value];
    case 'context-in':
      return ['记录中的“' + c.field + '”须为以下之一：' + c.values.join('、'), 'The recorded ' + c.field + ' must be one of: ' + c.values.join(', ')];
    default:
      return [c.kind, c.kind];
  }
}

/** The transition's own conditions that do not hold; the SOP's refusal text is their message. */
function conditionFailures(p, context, event) {
  var out = [];
  compiled(p).others.forEach(function (c) {
    if (holds(c, context, event)) return;
    var words = conditionWords(c);
    var failure = { condition: c, message: { zh: p.refusal === null ? words[0] : p.refusal, en: words[1] }, clause: p.clause };
    if (c.field !== undefined) failure.field = c.field;
    out.push(failure);
  });
  return out;
}

/**
 * Why a transition refuses an event, or null when it accepts it. Checked in order: the sender, the
 * payload, the conditions (a payload that breaks its types is not evaluated further).
 */
function verdict(p, context, event) {
  var role = roleVerdict(p, event);
  if (role !== null) return role;
  var payload = payloadFailures(p, event);
  if (payload.length > 0) return { code: 'PAYLOAD_INVALID', failures: payload };
  var conditions = conditionFailures(p, context, event);
  if (conditions.length > 0) return { code: 'CONDITION_FAILED', failures: conditions };
  return null;
}
`;

/**
 * The reporting of refusals (machine.js only). A refused event matches no transition, so xstate's
 * `can()` is false for it; the machine's `transition` is wrapped so that such an event is replaced by
 * the internal `sop.refuse` event carrying the reasons, which the root node records in
 * `context._sop.lastRefusal` and emits as `sop.refused`. Only refusals the wrapper made pass the
 * root's guard, so `can({ type: 'sop.refuse' })` is false too.
 */
export const REFUSAL_RUNTIME = `
/** The event emitted (actor.on) when an event is refused; the state is unchanged. */
export const REFUSED_EVENT = ${JSON.stringify(REFUSED_EVENT)};
export { REFUSAL_CODES, verdict };

const MADE_BY_RUNTIME = new WeakSet();

/**
 * Verdicts worked out during one call of the machine's \`transition\`: its refusal check (\`can\`), the
 * transition itself and the report of a refusal evaluate the same guard on the same context and event.
 * Emptied after each call, so an event object an app changes and sends again is judged afresh.
 */
let VERDICTS = null;

function memoVerdict(params, context, event) {
  if (VERDICTS === null) return verdict(params, context, event);
  for (const v of VERDICTS) if (v.params === params && v.context === context && v.event === event) return v.result;
  const result = verdict(params, context, event);
  VERDICTS.push({ params, context, event, result });
  return result;
}

function accepts({ context, event }, params) {
  return memoVerdict(params, context, event) === null;
}

function runtimeRefusal({ event }) {
  return MADE_BY_RUNTIME.has(event);
}

/** Why the current step refuses an event (it is known to be refused). */
function refusalOf(snapshot, event) {
  const step = String(snapshot.value);
  const state = config.states[step];
  const handler = state && state.on ? state.on[event.type] : undefined;
  if (handler === undefined) {
    return {
      code: 'EVENT_NOT_ACCEPTED',
      failures: [{
        message: {
          zh: '当前步骤“' + (state ? state.meta.label : step) + '”不接受事件 ' + event.type,
          en: 'The step ' + step + ' does not accept ' + event.type,
        },
        clause: state ? state.meta.clause : null,
      }],
    };
  }
  const guard = handler.guard;
  const found = guard ? memoVerdict(guard.params, snapshot.context, event) : null;
  return found ?? { code: 'CONDITION_FAILED', failures: [] };
}

function isAppEvent(event) {
  return typeof event.type === 'string' && !event.type.startsWith('xstate.') && event.type !== RESUME_EVENT;
}

/** The machine with refusals reported; \`provide()\` keeps the wrapper. */
function withRefusals(machine) {
  const transition = machine.transition.bind(machine);
  const judged = (snapshot, event, scope) => {
    if (snapshot.can(event)) return transition(snapshot, event, scope);
    const { code, failures } = refusalOf(snapshot, event);
    const refusal = { type: ${JSON.stringify(REFUSE_EVENT)}, refused: { code, event, step: String(snapshot.value), failures } };
    MADE_BY_RUNTIME.add(refusal);
    return transition(snapshot, refusal, scope);
  };
  machine.transition = (snapshot, event, scope) => {
    if (snapshot.status !== 'active' || !isAppEvent(event)) return transition(snapshot, event, scope);
    if (VERDICTS !== null) return judged(snapshot, event, scope);
    VERDICTS = [];
    try {
      return judged(snapshot, event, scope);
    } finally {
      VERDICTS = null;
    }
  };
  const provide = machine.provide.bind(machine);
  machine.provide = (implementations) => withRefusals(provide(implementations));
  return machine;
}
`;

/** The root node's handler of the internal refusal event. */
export function refusalHandler(): JsonObject {
  return {
    [REFUSE_EVENT]: {
      guard: { type: 'runtimeRefusal' },
      actions: [{ type: 'refuse' }, { type: 'emitRefusal' }],
      meta: { label: '拒绝并报告', refusal: true },
    },
  };
}
