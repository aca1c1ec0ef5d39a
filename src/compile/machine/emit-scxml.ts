/**
 * `machine.scxml`: the same machine as W3C SCXML (ECMAScript data model). The case record is the
 * data item `ctx`; guards, effects and durable timers call a root `<script>` holding the same
 * calendar/deadline/condition code as `machine.js`, so an SCXML interpreter runs the procedure
 * with the same thresholds (deadlines are absolute, timers are `<send delayexpr>`). A hand-off is a
 * `<send>` to `sop:<sop-id>` carrying the case record (see the machine README).
 */
import type { ProcedureSop } from '../../model/types.js';
import type { CompiledMachine, Json } from './config.js';
import { CONTRACT_RUNTIME } from './contract.js';
import { statesWithoutLimits } from './deadlines.js';
import { PURE_RUNTIME } from './emit-js.js';
import { portablePath } from './package.js';
import { HANDOFF_EVENT } from './plan.js';

/** Escapes text for XML attribute values and character data. */
export function xmlEscape(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; they are dropped.
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
  return s
    .replace(forbidden, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Script text as one CDATA section (interpreters such as SCION accept a single text node only). */
function cdata(s: string): string {
  if (s.includes(']]>')) throw new Error('script text contains "]]>"');
  return `<![CDATA[${s}]]>`;
}

/**
 * A JSON value as a JS expression: `<`, `>`, `&` and line separators are written as `\u` escapes
 * inside strings, so untrusted text can never close a CDATA section or a tag.
 */
const js = (v: unknown): string =>
  JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const SCXML_RUNTIME = `
function sop_now() { return Date.now(); }
function sop_do(ctx, actions, data) {
  var s = ctx._sop;
  var event = data || {};
  for (var i = 0; i < actions.length; i++) {
    var a = actions[i];
    var p = a.params || {};
    switch (a.type) {
      case 'startClock':
        if (s.clocks[p.ladder] == null) s.clocks[p.ladder] = sop_now();
        break;
      case 'arm': {
        var at = sop_now();
        var unknown = new Set(s.unknownCalendarYears);
        for (var j = 0; j < p.timers.length; j++) {
          var timer = p.timers[j];
          if (s.deadlines[timer.delay] != null) continue;
          if (timer.kind === 'escalation' && s.clocks[timer.ladder] == null) {
            var recorded = timer.fromField ? recordedAt(ctx[timer.fromField]) : null;
            s.clocks[timer.ladder] = recorded === null ? at : recorded;
          }
          s.deadlines[timer.delay] = deadlineOf(timer, s.clocks, at, unknown);
        }
        s.unknownCalendarYears = Array.from(unknown).sort(function (x, y) { return x - y; });
        break;
      }
      case 'disarm':
        for (var k = 0; k < p.delays.length; k++) delete s.deadlines[p.delays[k]];
        break;
      case 'escalate':
        s.escalations.push({ ladder: p.ladder, level: p.level, role: p.role, due: s.deadlines[p.delay] == null ? null : s.deadlines[p.delay], at: sop_now() });
        s.moved = { ladder: p.ladder, level: p.level };
        break;
      case 'check': {
        var id = itemId(p.items, event[p.key]);
        if (id !== null) ctx[p.field] = Object.assign({}, ctx[p.field] || {}, { [id]: payloadOf(event, p.payload) });
        break;
      }
      case 'append':
        ctx[p.field] = (ctx[p.field] || []).concat([payloadOf(event, p.payload)]);
        break;
      case 'remove':
        ctx[p.field] = (ctx[p.field] || []).filter(function (e) { return String(e.id) !== String(event.id); });
        break;
      case 'clear':
        ctx[p.field] = p.empty === 'list' ? [] : {};
        break;
      case 'set':
        for (var m = 0; m < p.fields.length; m++) ctx[p.fields[m]] = event[p.fields[m]] === undefined ? null : event[p.fields[m]];
        break;
      case 'refuse':
        s.lastRefusal = { event: p.event, step: p.step, message: p.message, at: sop_now() };
        break;
      case 'clearRefusal':
        s.lastRefusal = null;
        break;
      case 'finish':
        s.outcome = p.step;
        s.handoff = p.handoff;
        break;
      default:
        throw new Error('unknown action ' + a.type);
    }
  }
  return true;
}
/** The case record without the runtime's own data: what a hand-off carries to the next SOP. */
function sop_record(ctx) {
  var out = {};
  for (var k in ctx) if (k !== '_sop' && Object.prototype.hasOwnProperty.call(ctx, k)) out[k] = ctx[k];
  return out;
}
/** The input contract (contract.ts): sender role, payload types, conditions. */
function sop_accepts(ctx, params, data) {
  return verdict(params, ctx, data || {}) === null;
}
function sop_refuse(ctx, params, data, name) {
  var v = verdict(params, ctx, data || {}) || { code: 'CONDITION_FAILED', failures: [] };
  ctx._sop.lastRefusal = { code: v.code, event: name, step: params.step, failures: v.failures, at: sop_now() };
}
/** Events of the app (not the interpreter's done./error. events, nor the runtime's own sop.*). */
function sop_app_event(name) {
  return !/^(done|error|sop|xstate)./.test(name);
}
function sop_not_accepted(ctx, name, step, label, clause) {
  ctx._sop.lastRefusal = { code: 'EVENT_NOT_ACCEPTED', event: name, step: step, failures: [{ message: {
    zh: '当前步骤“' + label + '”不接受事件 ' + name, en: 'The step ' + step + ' does not accept ' + name
  }, clause: clause }], at: sop_now() };
}
function sop_holds(ctx, conditions, data) {
  var event = data || {};
  return conditions.every(function (c) { return holds(c, ctx, event); });
}
function sop_delay(ctx, delay) {
  var at = ctx._sop.deadlines[delay];
  var ms = at == null ? MAX_TIMER_MS : Math.min(MAX_TIMER_MS, Math.max(0, at - sop_now()));
  return ms + 'ms';
}
function sop_reached(ctx, delay) {
  var at = ctx._sop.deadlines[delay];
  return at != null && sop_now() >= at;
}
`;

interface Action {
  readonly type: string;
  readonly params?: Json;
}
interface TransitionJson {
  readonly target?: string;
  readonly reenter?: boolean;
  readonly guard?: { readonly type: string; readonly params: Json };
  readonly actions?: readonly Action[];
}
interface StateJson {
  readonly type?: string;
  readonly description?: string;
  readonly entry?: readonly Action[];
  readonly on?: Readonly<Record<string, TransitionJson | readonly TransitionJson[]>>;
  readonly after?: Readonly<Record<string, readonly TransitionJson[]>>;
  readonly always?: readonly TransitionJson[];
}

/**
 * The document name as an identifier (SOP ids have hyphens): SCION, for one, turns `name` into a
 * JavaScript function name. The SOP id itself is in the data model (`SOP.sop.id`).
 */
function scxmlName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/**
 * The target of a hand-off: \`sop:<sop-id>\`, a URI naming the SOP the case goes to. The host maps it to
 * the session or service running that SOP (SCION: \`customSend\`); \`#_scxml_…\` would name one
 * session of this interpreter, which the generated document cannot know.
 */
export function handoffTarget(sop: string): string {
  return `sop:${sop}`;
}

/** The SCXML Event I/O Processor: the hand-off is an ordinary SCXML event to the target session. */
export const SCXML_EVENT_PROCESSOR = 'http://www.w3.org/TR/scxml/#SCXMLEventProcessor';

interface HandoffParams {
  readonly sop: string;
  readonly title: string;
  readonly external: boolean;
  readonly step: string;
}

/**
 * A hand-off as \`<send>\`: the same event machine.js emits (\`sop.handoff\` with sop, title, external,
 * step and the case record), sent to \`sop:<sop-id>\`.
 */
function handoffXml(indent: string, p: HandoffParams): string[] {
  const param = (name: string, expr: string) =>
    `${indent}  <param name="${name}" expr="${xmlEscape(expr)}"/>`;
  return [
    `${indent}<send event="${xmlEscape(HANDOFF_EVENT)}" target="${xmlEscape(handoffTarget(p.sop))}" type="${SCXML_EVENT_PROCESSOR}">`,
    param('sop', js(p.sop)),
    param('title', js(p.title)),
    param('external', js(p.external)),
    param('step', js(p.step)),
    param('record', 'sop_record(ctx)'),
    `${indent}</send>`,
  ];
}

function deadlineEvent(delay: string): string {
  return `sop.deadline.${delay}`;
}

function transitionXml(
  indent: string,
  event: string,
  t: TransitionJson,
  guardOverride: string | null = null,
): string {
  const attrs = [`event="${xmlEscape(event)}"`];
  if (t.target !== undefined) attrs.push(`target="${xmlEscape(t.target)}"`);
  let cond = guardOverride;
  if (cond === null && t.guard) {
    cond = `sop_accepts(ctx, ${js(t.guard.params)}, _event.data)`;
  }
  if (cond !== null) attrs.push(`cond="${xmlEscape(cond)}"`);
  const actions = t.actions ?? [];
  if (actions.length === 0) return `${indent}<transition ${attrs.join(' ')}/>`;
  return [
    `${indent}<transition ${attrs.join(' ')}>`,
    `${indent}  <script>${cdata(`sop_do(ctx, ${js(actions)}, _event.data);`)}</script>`,
    `${indent}</transition>`,
  ].join('\n');
}

export function emitScxml(sop: ProcedureSop, compiled: CompiledMachine): string {
  const config = compiled.config as unknown as {
    initial: string;
    context: Json;
    states: Record<string, StateJson>;
    meta: { sopforge: Json };
  };
  const states = statesWithoutLimits(config.states);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${xmlEscape(`${sop.title} — generated by sopforge from ${portablePath(sop.file)} (${sop.id} version ${sop.version}). DO NOT MODIFY IT BY HAND.`).replace(/--/g, '—')} -->`,
    ...(sop.deadlines.length > 0
      ? [
          `<!-- ${xmlEscape(`The time limits of deadlines: (${sop.deadlines.map((d) => d.id).join(', ')}) run in machine.js only; this file has the escalations and duty timers.`).replace(/--/g, '—')} -->`,
        ]
      : []),
    `<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" datamodel="ecmascript" name="${scxmlName(sop.id)}" initial="${xmlEscape(config.initial)}">`,
    '  <datamodel>',
    `    <data id="ctx" expr="${xmlEscape(js(config.context))}"/>`,
    '  </datamodel>',
    `  <script>${cdata(`\nvar SOP = ${js(config.meta.sopforge)};\n${PURE_RUNTIME.replace(/^const /gm, 'var ')}\n${CONTRACT_RUNTIME}\n${SCXML_RUNTIME}`)}</script>`,
  ];
  for (const step of compiled.plan.steps) {
    const state = states[step.id];
    if (!state) continue;
    const tag = state.type === 'final' ? 'final' : 'state';
    out.push(`  <${tag} id="${xmlEscape(step.id)}">`);
    const delays = Object.keys(state.after ?? {});
    const entry = (state.entry ?? []).filter((a) => a.type !== 'handoff');
    const handoffs = (state.entry ?? []).filter((a) => a.type === 'handoff');
    if (entry.length > 0 || handoffs.length > 0 || delays.length > 0) {
      out.push('    <onentry>');
      if (entry.length > 0) out.push(`      <script>${cdata(`sop_do(ctx, ${js(entry)}, null);`)}</script>`);
      for (const h of handoffs) out.push(...handoffXml('      ', h.params as unknown as HandoffParams));
      for (const d of delays)
        out.push(
          `      <send id="${xmlEscape(d)}" event="${xmlEscape(deadlineEvent(d))}" delayexpr="${xmlEscape(`sop_delay(ctx, ${js(d)})`)}"/>`,
        );
      out.push('    </onentry>');
    }
    if (delays.length > 0) {
      out.push('    <onexit>');
      for (const d of delays) out.push(`      <cancel sendid="${xmlEscape(d)}"/>`);
      out.push('    </onexit>');
    }
    for (const [event, ts] of Object.entries(state.on ?? {})) {
      const list: readonly TransitionJson[] = Array.isArray(ts) ? ts : [ts as TransitionJson];
      for (const t of list) {
        out.push(transitionXml('    ', event, t));
        // Refused (the contract's guard failed): the state stays, the reasons are recorded.
        if (t.guard)
          out.push(
            `    <transition event="${xmlEscape(event)}">`,
            `      <script>${cdata(`sop_refuse(ctx, ${js(t.guard.params)}, _event.data, ${js(event)});`)}</script>`,
            '    </transition>',
          );
      }
    }
    for (const t of state.always ?? []) {
      const params = t.guard?.params as { delay: string } | undefined;
      if (!params) continue;
      const attrs = [`cond="${xmlEscape(`sop_reached(ctx, ${js(params.delay)})`)}"`];
      if (t.target !== undefined) attrs.push(`target="${xmlEscape(t.target)}"`);
      out.push(`    <transition ${attrs.join(' ')}>`);
      out.push(`      <script>${cdata(`sop_do(ctx, ${js(t.actions ?? [])}, null);`)}</script>`);
      out.push('    </transition>');
    }
    for (const [delay, ts] of Object.entries(state.after ?? {})) {
      for (const t of ts) {
        const guard = t.guard ? `sop_reached(ctx, ${js(delay)})` : null;
        out.push(transitionXml('    ', deadlineEvent(delay), t, guard));
      }
    }
    if (tag === 'state') {
      const meta = (state as { meta?: { label?: string; clause?: string | null } }).meta ?? {};
      const args = [js(step.id), js(meta.label ?? step.id), js(meta.clause ?? null)].join(', ');
      out.push(
        '    <transition event="*" cond="sop_app_event(_event.name)">',
        `      <script>${cdata(`sop_not_accepted(ctx, _event.name, ${args});`)}</script>`,
        '    </transition>',
      );
    }
    out.push(`  </${tag}>`);
  }
  out.push('</scxml>');
  return `${out.join('\n')}\n`;
}
