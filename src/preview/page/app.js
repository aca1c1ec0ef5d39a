// The preview page. Plain ES module, no build step: mermaid, pdfjs-dist and xstate are served by the preview
// server from node_modules; the SOP's renders come from /api/… and are refreshed on each server-sent event.
import { SimulatedClock } from 'xstate';

const LANG = document.documentElement.lang === 'en' ? 'en' : 'zh';
const WORDS = {
  zh: {
    sop: '规程',
    problems: '问题',
    source: '源文件',
    document: '发布的规程文件',
    diagram: '流程图',
    simulator: '模拟运行',
    advance: '时间前进',
    advanceButton: '前进',
    reset: '重新开始',
    diff: '与上次批准的修订相比的规则变更',
    forms: '表格',
    noProblems: '没有问题',
    ok: '已更新',
    stale: '文件有错误：下方显示的是上次无误时的结果',
    failure: '预览本身出错（请报告）：',
    loading: '正在读取……',
    noMachine: '这份规程没有流程（workflow），无法模拟。',
    noForms: '这份规程没有表格。',
    simTime: '模拟时间',
    simStep: '当前步骤',
    simDone: '已结束',
    simAccepts: '此步骤可以接受的事件：',
    simNone: '此步骤不接受事件。',
    started: '开始',
    sent: '事件',
    refused: '被拒绝',
    escalated: '升级',
    timer: '定时转入',
    advanced: '时间前进',
    moved: '转入',
    level: (n) => `第 ${n} 级`,
    badDuration: '时长写成整数加单位，如 30m、2h、2d、1w',
    due: '到期',
    restarted: '流程已改变，模拟已重新开始',
    baseSnapshot: (v) => `比较对象：已批准的修订 ${v}（.history 中保存的文本）`,
    baseGit: (v) => `比较对象：已批准的修订 ${v}（git 中提交的文本）`,
    baseOpened: (v) => `没有找到已批准修订的文本（.history 或 git），比较对象是打开预览时的文件（版本 ${v}）`,
    baseNone: '没有可比较的文本',
    noChanges: '无规则变更。',
    baseBroken: '比较对象无法读取：',
    page: (n, total) => `第 ${n} 页，共 ${total} 页`,
    line: (l, c) => `第 ${l} 行第 ${c} 列`,
    hint: '修改建议',
    error: '错误',
    warning: '警告',
  },
  en: {
    sop: 'SOP',
    problems: 'Problems',
    source: 'Source',
    document: 'Document as issued',
    diagram: 'Workflow diagram',
    simulator: 'Simulator',
    advance: 'Advance time by',
    advanceButton: 'Advance',
    reset: 'Start over',
    diff: 'Rule changes since the last approved revision',
    forms: 'Forms',
    noProblems: 'No problems',
    ok: 'Up to date',
    stale: 'The files have errors: below is the last result without errors',
    failure: 'The preview itself failed (please report it): ',
    loading: 'Reading…',
    noMachine: 'This SOP has no workflow to simulate.',
    noForms: 'This SOP has no forms.',
    simTime: 'Simulated time',
    simStep: 'Current step',
    simDone: 'finished',
    simAccepts: 'Events this step accepts:',
    simNone: 'This step accepts no events.',
    started: 'Started',
    sent: 'Event',
    refused: 'refused',
    escalated: 'Escalated',
    timer: 'Timer moved to',
    advanced: 'Time advanced by',
    moved: 'now at',
    level: (n) => `level ${n}`,
    badDuration: 'write a duration as a whole number and a unit, e.g. 30m, 2h, 2d, 1w',
    due: 'due',
    restarted: 'The workflow changed; the simulation started over',
    baseSnapshot: (v) => `Compared with: approved revision ${v} (text stored in .history)`,
    baseGit: (v) => `Compared with: approved revision ${v} (text committed in git)`,
    baseOpened: (v) =>
      `No stored text of the approved revision (.history or git): compared with the file as it was when the preview opened (version ${v})`,
    baseNone: 'Nothing to compare with',
    noChanges: 'No rule changes.',
    baseBroken: 'The text compared with does not load: ',
    page: (n, total) => `page ${n} of ${total}`,
    line: (l, c) => `line ${l}, column ${c}`,
    hint: 'fix',
    error: 'error',
    warning: 'warning',
  },
}[LANG];

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

for (const node of document.querySelectorAll('[data-t]')) node.textContent = WORDS[node.dataset.t];

let state = null;
let selected = decodeURIComponent(location.hash.replace(/^#/, '')) || null;
let shownGood = -1;
let shownSop = null;
let sopData = null;
let refreshing = Promise.resolve();

// ---------- problems and source ----------

function renderProblems() {
  const list = $('problem-list');
  list.replaceChildren();
  if (state.failure) list.append(el('li', {}, WORDS.failure + state.failure));
  if (state.problems.length === 0 && !state.failure)
    list.append(el('li', { class: 'none' }, WORDS.noProblems));
  for (const p of state.problems) {
    const item = el(
      'li',
      { class: p.severity, 'data-code': p.code, onclick: () => showSource(p.file, p.line) },
      el(
        'div',
        { class: 'where' },
        `${p.file}  ${WORDS.line(p.line, p.column)}  ${WORDS[p.severity]} ${p.code}`,
      ),
      el('div', { class: 'message' }, p.message),
    );
    if (p.frame) item.append(el('pre', {}, p.frame));
    item.append(el('div', { class: 'hint' }, `${WORDS.hint}: ${p.hint}`));
    list.append(item);
  }
}

async function showSource(file, line) {
  const res = await fetch(`/api/source?file=${encodeURIComponent(file)}`);
  if (!res.ok) return;
  const text = await res.text();
  $('source-file').textContent = file;
  const view = $('source-view');
  view.replaceChildren(
    ...text
      .split(/\r?\n/)
      .map((t, i) =>
        el('span', { class: i + 1 === line ? 'ln hit' : 'ln', 'data-n': String(i + 1) }, t || ' '),
      ),
  );
  view.querySelector('.hit')?.scrollIntoView({ block: 'center' });
}

// ---------- the SOP's renders ----------

async function renderSop(id, generation) {
  const res = await fetch(`/api/sop/${encodeURIComponent(id)}?g=${generation}`);
  if (!res.ok) return;
  const data = await res.json();
  const machineChanged =
    JSON.stringify(data.machine) !== JSON.stringify(sopData?.machine ?? null) || shownSop !== id;
  const restartedBefore = sim !== null && shownSop === id;
  sopData = data;
  const frame = $('doc-frame');
  const loaded = new Promise((done) => frame.addEventListener('load', done, { once: true }));
  frame.src = `/api/sop/${encodeURIComponent(id)}/doc.html?g=${generation}`;
  renderDiff(data.diff);
  await renderForms(id, data.forms, generation);
  if (machineChanged) {
    await startSimulation(id, generation);
    if (restartedBefore) log('restart', WORDS.restarted);
  }
  await renderDiagram();
  await loaded;
}

function renderDiff(diff) {
  const base =
    diff.base === 'snapshot'
      ? WORDS.baseSnapshot(diff.baseVersion)
      : diff.base === 'git'
        ? WORDS.baseGit(diff.baseVersion)
        : diff.base === 'opened'
          ? WORDS.baseOpened(diff.baseVersion)
          : WORDS.baseNone;
  $('diff-base').textContent = base;
  const list = $('diff-list');
  list.replaceChildren();
  for (const p of diff.baseProblems) list.append(el('li', { class: 'removed' }, WORDS.baseBroken + p));
  if (diff.base !== 'none' && diff.changes.length === 0 && diff.baseProblems.length === 0)
    list.append(el('li', {}, WORDS.noChanges));
  for (const c of diff.changes)
    list.append(el('li', { class: c.op, 'data-key': c.key }, LANG === 'zh' ? c.zh : c.en));
}

let pdfjs = null;
let shownForms = null;
async function renderForms(id, forms, generation) {
  const view = $('forms-view');
  // The same PDFs as shown: nothing to redraw.
  const key = JSON.stringify([id, forms]);
  if (key === shownForms) return;
  shownForms = key;
  if (forms.length === 0) {
    view.replaceChildren(el('p', {}, WORDS.noForms));
    return;
  }
  pdfjs ??= await import('/vendor/pdfjs/build/pdf.min.mjs');
  pdfjs.GlobalWorkerOptions.workerSrc = '/vendor/pdfjs/build/pdf.worker.min.mjs';
  const parts = [];
  for (const form of forms) {
    const doc = await pdfjs.getDocument({
      url: `/api/sop/${encodeURIComponent(id)}/forms/${encodeURIComponent(form.id)}.pdf?g=${generation}`,
      cMapUrl: '/vendor/pdfjs/cmaps/',
      cMapPacked: true,
      standardFontDataUrl: '/vendor/pdfjs/standard_fonts/',
      wasmUrl: '/vendor/pdfjs/wasm/',
      iccUrl: '/vendor/pdfjs/iccs/',
    }).promise;
    const box = el(
      'div',
      { class: 'form', 'data-form': form.id },
      el('h3', {}, `${form.title}（${form.id}）`),
    );
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1.25 });
      const canvas = el('canvas', {
        width: String(Math.ceil(viewport.width)),
        height: String(Math.ceil(viewport.height)),
        title: WORDS.page(n, doc.numPages),
      });
      await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
      box.append(canvas, el('div', { class: 'where' }, WORDS.page(n, doc.numPages)));
    }
    parts.push(box);
    await doc.destroy();
  }
  view.replaceChildren(...parts);
}

// ---------- the diagram ----------

let mermaid = null;
let diagramCount = 0;
let shownDiagram = null;

/** Mermaid's state ids in the order the steps are declared, matched with the machine's state keys. */
function mermaidIds(text, config) {
  const ids = [...text.matchAll(/^\s*state "[^"]*" as (\S+)$/gm)].map((m) => m[1]);
  const keys = Object.keys(config.states ?? {});
  return new Map(keys.map((k, i) => [k, ids[i] ?? k]));
}

async function renderDiagram() {
  const view = $('diagram-view');
  if (!sopData?.machine) {
    shownDiagram = null;
    view.replaceChildren(el('p', {}, WORDS.noMachine));
    return;
  }
  if (!mermaid) {
    mermaid = (await import('/vendor/mermaid/mermaid.esm.min.mjs')).default;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      fontFamily: '"Noto Sans Hans", sans-serif',
      theme: 'neutral',
    });
  }
  let text = sopData.machine.mermaid;
  if (sim) {
    const ids = mermaidIds(text, sopData.machine.config);
    const visited = [...new Set(sim.path.slice(0, -1))]
      .filter((s) => s !== sim.current)
      .map((s) => ids.get(s));
    text += '  classDef visited fill:#bfdbfe,stroke:#1d4ed8\n';
    text += '  classDef current fill:#fde047,stroke:#a16207,stroke-width:3px\n';
    if (visited.length > 0) text += `  class ${visited.join(',')} visited\n`;
    if (sim.current) text += `  class ${ids.get(sim.current)} current\n`;
  }
  if (text === shownDiagram) return;
  shownDiagram = text;
  try {
    const { svg } = await mermaid.render(`sopforge-diagram-${++diagramCount}`, text);
    view.innerHTML = svg;
  } catch (err) {
    view.replaceChildren(el('pre', {}, String(err?.message ?? err)));
  }
}

// ---------- the simulator ----------

let sim = null;

function siteTime(ms) {
  const offset = sopData.machine.config.meta?.sopforge?.utcOffsetMinutes ?? 0;
  return new Date(ms + offset * 60000).toISOString().slice(0, 16).replace('T', ' ');
}

function log(kind, text) {
  $('sim-log').append(el('li', { class: kind }, text));
  $('sim-log').lastElementChild.scrollIntoView({ block: 'nearest' });
}

function stateKey(value) {
  return typeof value === 'string' ? value : Object.keys(value ?? {})[0];
}

function stepLabel(key) {
  const s = sopData.machine.config.states?.[key];
  const meta = s?.meta ?? {};
  return `${meta.label ?? key}${meta.roleName ? ` · ${meta.roleName}` : ''}`;
}

async function startSimulation(id, generation) {
  sim?.actor.stop();
  sim = null;
  $('sim-log').replaceChildren();
  if (!sopData.machine) {
    $('sim-state').textContent = WORDS.noMachine;
    $('sim-events').replaceChildren();
    $('sim-clock').textContent = '';
    return;
  }
  const mod = await import(`/api/sop/${encodeURIComponent(id)}/machine.js?g=${generation}`);
  const meta = sopData.machine.config.meta?.sopforge ?? {};
  const offset = meta.utcOffsetMinutes ?? 0;
  // The case starts on the SOP's effective date at 09:00 site time.
  const [y, m, d] = String(meta.sop?.effective ?? '2026-01-01')
    .split('-')
    .map(Number);
  const clock = new SimulatedClock();
  clock.set(Date.UTC(y, m - 1, d, 9, 0) - offset * 60000);
  const actor = mod.startActor({ clock });
  const snap = actor.getSnapshot();
  sim = {
    actor,
    clock,
    mod,
    meta,
    path: [stateKey(snap.value)],
    current: stateKey(snap.value),
    seen: 0,
    refusalAt: null,
    cause: 'timer',
  };
  log('start', `${WORDS.started} ${siteTime(clock.now())}：${stepLabel(sim.current)}`);
  actor.subscribe(() => observe(sim?.cause ?? 'timer'));
  showSimulator();
}

/** Logs what the last step did: a new step, a refusal, an escalation. */
function observe(cause) {
  const snap = sim.actor.getSnapshot();
  const now = stateKey(snap.value);
  const internal = snap.context?._sop ?? {};
  const escalations = internal.escalations ?? [];
  for (const e of escalations.slice(sim.seen)) {
    const ladder = (sim.meta.ladders ?? []).find((l) => l.id === e.ladder);
    const level = ladder?.levels?.[e.level];
    const role = sim.meta.roles?.[e.role] ?? e.role;
    const due = e.due != null ? `，${WORDS.due} ${siteTime(e.due)}` : '';
    const clause = level?.clause ? `（${level.clause}）` : '';
    log(
      'escalation',
      `${siteTime(e.at)} ${WORDS.escalated} ${WORDS.level(e.level + 1)}：${role} · ${ladder?.label ?? e.ladder}${clause}${due}`,
    );
  }
  sim.seen = escalations.length;
  const refusal = internal.lastRefusal;
  if (refusal && refusal !== sim.refusalAt) {
    const why = (refusal.failures ?? []).map((f) => f.message?.[LANG] ?? '').filter(Boolean);
    log('refusal', `${refusal.event} ${WORDS.refused}（${refusal.code}）：${why.join('；')}`);
  }
  sim.refusalAt = refusal ?? null;
  if (now !== sim.current) {
    sim.path.push(now);
    sim.current = now;
    if (cause === 'event') log('moved', `→ ${stepLabel(now)}`);
    else log('timer', `${siteTime(sim.clock.now())} ${WORDS.moved} ${stepLabel(now)}`);
  }
  showSimulator();
}

/** The event payload fields a transition reads: from its guard's conditions and its actions' params. */
function fieldsOf(transitions) {
  const fields = [];
  const items = new Map();
  const add = (f) => {
    if (typeof f === 'string' && !fields.includes(f)) fields.push(f);
  };
  for (const t of transitions) {
    for (const f of t.guard?.params?.fields ?? []) add(f.id);
    for (const c of t.guard?.params?.conditions ?? []) {
      for (const f of c.fields ?? []) add(f);
      if (c.kind === 'payload-equals') add(c.field);
      if (c.key) {
        add(c.key);
        if (Array.isArray(c.items)) items.set(c.key, c.items);
      }
      if (c.unless) add(c.unless.field);
    }
    for (const a of t.actions ?? []) {
      if (a.type === 'set') for (const f of a.params?.fields ?? []) add(f);
      for (const f of a.params?.payload ?? []) add(f);
      if (typeof a.params?.key === 'string') add(a.params.key);
    }
  }
  return { fields, items };
}

function showSimulator() {
  const snap = sim.actor.getSnapshot();
  $('sim-clock').textContent = `${WORDS.simTime}：${siteTime(sim.clock.now())}`;
  $('sim-state').textContent =
    `${WORDS.simStep}：${stepLabel(sim.current)}${snap.status === 'done' ? `（${WORDS.simDone}）` : ''}`;
  const node = sopData.machine.config.states?.[sim.current] ?? {};
  const box = $('sim-events');
  box.replaceChildren();
  const events = Object.entries(node.on ?? {}).filter(
    ([type]) => !type.startsWith('sop.') && !type.startsWith('xstate.'),
  );
  if (snap.status !== 'active' || events.length === 0) {
    box.append(el('p', {}, WORDS.simNone));
  } else {
    box.append(el('p', {}, WORDS.simAccepts));
    for (const [type, list] of events) {
      const transitions = (Array.isArray(list) ? list : [list]).filter((t) => !t.meta?.refused);
      const label = transitions[0]?.meta?.label ?? type;
      const { fields, items } = fieldsOf(transitions);
      const inputs = fields.map((f) => {
        const input = el('input', { name: f, placeholder: f, 'aria-label': f });
        const choices = items.get(f);
        if (choices) {
          const id = `choices-${type}-${f}`;
          input.setAttribute('list', id);
          return el(
            'span',
            {},
            input,
            el('datalist', { id }, ...choices.map((c) => el('option', { value: c.id }, c.name ?? c.id))),
          );
        }
        return input;
      });
      const set = el('fieldset', { 'data-event': type });
      const button = el('button', { type: 'button', 'data-event': type }, `${type} ${label}`);
      button.addEventListener('click', () => {
        // Sent by the role the SOP gives the event, as the person at that desk would.
        const role = transitions[0]?.guard?.params?.role;
        const event = role
          ? { type, by: { role, name: sopData.machine.config.meta?.sopforge?.roles?.[role] ?? role } }
          : { type };
        for (const input of set.querySelectorAll('input'))
          if (input.value !== '') event[input.name] = input.value;
        log('event', `${siteTime(sim.clock.now())} ${WORDS.sent} ${type} ${label}`);
        sim.cause = 'event';
        sim.actor.send(event);
        sim.cause = 'timer';
        observe('timer');
        void renderDiagram();
      });
      set.append(button, ...inputs);
      box.append(set);
    }
  }
}

const UNITS = {
  m: 60000,
  分钟: 60000,
  h: 3600000,
  小时: 3600000,
  d: 86400000,
  天: 86400000,
  w: 604800000,
  周: 604800000,
};

$('sim-advance').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!sim) return;
  const text = $('sim-duration').value.trim();
  const m = /^(\d+)\s*(m|h|d|w|分钟|小时|天|周)$/.exec(text);
  if (!m) {
    log('refusal', WORDS.badDuration);
    return;
  }
  log('advance', `${WORDS.advanced} ${text}`);
  // Step to each pending deadline in turn, so that every escalation fires at its own moment, in order.
  let left = Number(m[1]) * UNITS[m[2]];
  for (let guard = 0; left > 0 && guard < 100000; guard++) {
    const next = sim.mod.nextDeadline(sim.actor.getSnapshot());
    const gap = next == null ? left : next - sim.clock.now();
    const step = gap > 0 ? Math.min(gap, left) : Math.min(left, 60000);
    sim.clock.increment(step);
    left -= step;
  }
  observe('timer');
  void renderDiagram();
});

$('sim-reset').addEventListener('click', async () => {
  if (sopData?.machine && shownSop) {
    await startSimulation(shownSop, state.goodGeneration);
    await renderDiagram();
  }
});

// ---------- the whole page ----------

function renderSelect() {
  const select = $('sop-select');
  const ids = state.sops.map((s) => s.id);
  if (!selected || !ids.includes(selected))
    selected = ids.find((id) => state.sops.find((s) => s.id === id)?.kind === 'procedure') ?? ids[0] ?? null;
  select.replaceChildren(
    ...state.sops.map((s) => el('option', { value: s.id }, `${s.title}（${s.id} ${s.version}）`)),
  );
  if (selected) select.value = selected;
}

async function refresh() {
  const res = await fetch('/api/state');
  state = await res.json();
  renderSelect();
  renderProblems();
  const status = $('status');
  status.className = state.stale ? 'stale' : 'ok';
  status.textContent = state.stale ? WORDS.stale : WORDS.ok;
  for (const p of ['document', 'diagram', 'forms', 'diff', 'simulator'])
    $(p).classList.toggle('stale-view', state.stale);
  if (selected && (state.goodGeneration !== shownGood || selected !== shownSop)) {
    await renderSop(selected, state.goodGeneration);
    shownGood = state.goodGeneration;
    shownSop = selected;
  }
  document.body.dataset.generation = String(state.generation);
}

$('sop-select').addEventListener('change', (e) => {
  selected = e.target.value;
  location.hash = encodeURIComponent(selected);
  refreshing = refreshing.then(refresh);
});

$('status').textContent = WORDS.loading;
const events = new EventSource('/events');
events.addEventListener('update', () => {
  refreshing = refreshing.then(refresh).catch((err) => {
    $('status').textContent = `${WORDS.failure}${err?.message ?? err}`;
  });
});
