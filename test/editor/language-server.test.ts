/**
 * The editor experience, end to end: the real `yaml-language-server` (the engine of the Red Hat YAML
 * extension for VS Code) is started over stdio and spoken to in LSP/JSON-RPC. It opens the bundled SOPs
 * by their real file URIs, so the `# yaml-language-server: $schema=../schemas/sop.schema.json` modeline
 * resolves exactly as it does in an editor, and must answer with completions, hovers and diagnostics
 * that come from `schemas/sop.schema.json`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
const SOPS = join(ROOT, 'sops');
const SCHEMA_PATH = join(ROOT, 'schemas/sop.schema.json');
const MODELINE = '# yaml-language-server: $schema=../schemas/sop.schema.json';

/** How long any single answer from the server may take. */
const ANSWER_MS = 15_000;

/** The settings an editor would hand over: schema features on, no schema store (no network here). */
function yamlSettings(schemas: Record<string, string | string[]> = {}): Record<string, unknown> {
  return {
    validate: true,
    completion: true,
    hover: true,
    format: { enable: false },
    schemaStore: { enable: false },
    schemas,
  };
}

/** The schema mapping the repository ships for VS Code. */
const vscodeSettings = JSON.parse(readFileSync(join(ROOT, '.vscode/settings.json'), 'utf8')) as {
  'yaml.schemas'?: Record<string, string | string[]>;
};

// ---------------------------------------------------------------------------------------------------
// The schema, for the texts the editor must show.

interface SchemaNode {
  title?: string;
  description?: string;
  examples?: unknown[];
  pattern?: string;
  patternErrorMessage?: string;
  properties?: Record<string, SchemaNode>;
}

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode & {
  $defs: Record<string, SchemaNode>;
};

function must<T>(value: T | undefined, where: string): T {
  if (value === undefined) throw new Error(`schema has no ${where}`);
  return value;
}

/** The Chinese half of a bilingual "中文\nEnglish" description. */
function zh(description: string | undefined, where: string): string {
  const first = description?.split('\n')[0]?.trim();
  if (!first || !/\p{Script=Han}/u.test(first)) throw new Error(`schema ${where} has no Chinese description`);
  return first;
}

const top = must(schema.properties, 'properties');
const scheduleDef = must(schema.$defs.schedule?.properties, '$defs.schedule.properties');
const timeDef = must(schema.$defs.time, '$defs.time');

// ---------------------------------------------------------------------------------------------------
// A minimal LSP client: Content-Length framed JSON-RPC 2.0 over the server's stdio.

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface MarkupContent {
  kind: string;
  value: string;
}
interface CompletionItem {
  label: string;
  insertText?: string;
  documentation?: string | MarkupContent;
}
interface Hover {
  contents: MarkupContent | string | Array<string | { language: string; value: string }>;
  range?: Range;
}
interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
  source?: string;
  data?: { schemaUri?: string[] };
}
interface PublishDiagnosticsParams {
  uri: string;
  diagnostics: Diagnostic[];
}
interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}
interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class LanguageClient {
  readonly notifications: Message[] = [];
  /** Sections the server asked for through `workspace/configuration`. */
  readonly configurationAsked: string[] = [];
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly wakers = new Set<() => void>();
  private stderr = '';
  private exited = false;
  /** What the server gets for the `yaml` section of `workspace/configuration`. */
  yaml = yamlSettings();

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    proc.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    proc.on('error', (error) => this.fail(new Error(`yaml-language-server could not run: ${error.message}`)));
    proc.on('exit', (code, signal) =>
      this.fail(new Error(`yaml-language-server exited (code ${code}, signal ${signal})\n${this.stderr}`)),
    );
  }

  get running(): boolean {
    return !this.exited;
  }

  request<T>(method: string, params: unknown, timeoutMs = ANSWER_MS): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) {
        reject(new Error(`cannot send ${method}: the server is not running\n${this.stderr}`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: (r) => resolve(r as T), reject, timer });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification, received after index `from`, that `match` accepts. */
  waitFor<T>(method: string, match: (params: T) => boolean, from = 0, timeoutMs = ANSWER_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let seen = from;
      const check = (): boolean => {
        for (; seen < this.notifications.length; seen++) {
          const m = this.notifications[seen];
          if (m?.method === method && match(m.params as T)) {
            done();
            resolve(m.params as T);
            return true;
          }
        }
        if (this.exited) {
          done();
          reject(new Error(`yaml-language-server exited while waiting for ${method}\n${this.stderr}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${method} within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      const waker = (): void => {
        check();
      };
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(waker);
      };
      if (!check()) this.wakers.add(waker);
    });
  }

  /** Opens a document and resolves with the first diagnostics the server publishes for it. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    const from = this.notifications.length;
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const published = await this.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri,
      from,
    );
    return published.diagnostics;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null, 3000);
      this.notify('exit', null);
    } catch {
      // a server that does not answer is killed below
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private fail(error: Error): void {
    this.exited = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.wake();
  }

  private write(message: Message): void {
    if (this.exited) throw new Error(`cannot send ${message.method ?? 'a reply'}: the server is not running`);
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.proc.stdin.write(
      Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]),
    );
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = /^content-length:\s*(\d+)\s*$/im.exec(header)?.[1];
      if (length === undefined) throw new Error(`LSP header without Content-Length: ${header}`);
      const start = headerEnd + 4;
      const end = start + Number(length);
      if (this.buffer.length < end) return;
      const message = JSON.parse(this.buffer.subarray(start, end).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(end);
      this.dispatch(message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined && message.id !== null) {
      this.write({ jsonrpc: '2.0', id: message.id, result: this.answer(message.method, message.params) });
    } else if (message.method !== undefined) {
      this.notifications.push(message);
    } else if (typeof message.id === 'number') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new Error(`${p.method} failed: ${message.error.message}`));
      else p.resolve(message.result);
    }
    this.wake();
  }

  /** Answers the requests the server sends to its client. */
  private answer(method: string, params: unknown): unknown {
    if (method === 'workspace/configuration') {
      const items = (params as { items: Array<{ section?: string }> }).items;
      return items.map(({ section = '' }) => {
        this.configurationAsked.push(section);
        if (section === 'yaml') return this.yaml;
        if (section === 'http') return { proxy: '', proxyStrictSSL: false };
        return {};
      });
    }
    // client/registerCapability, window/workDoneProgress/create, …: acknowledged.
    return null;
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers on documents.

function sopUri(name: string): string {
  return pathToFileURL(join(SOPS, name)).href;
}

function readSop(name: string): string {
  return readFileSync(join(SOPS, name), 'utf8');
}

/** 0-based index of the only line matching `pattern`. */
function lineOf(text: string, pattern: RegExp): number {
  const hits = text.split('\n').flatMap((line, i) => (pattern.test(line) ? [i] : []));
  if (hits.length !== 1) throw new Error(`expected one line matching ${pattern}, found ${hits.length}`);
  return hits[0] as number;
}

/** Waits until the server has pulled its `yaml` settings `count` times in all. */
async function settingsPulled(client: LanguageClient, count: number): Promise<void> {
  const deadline = Date.now() + ANSWER_MS;
  while (client.configurationAsked.filter((s) => s === 'yaml').length < count) {
    if (Date.now() > deadline || !client.running) throw new Error('the server did not pull its settings');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function documentation(item: CompletionItem | undefined): string {
  const doc = item?.documentation;
  return typeof doc === 'string' ? doc : (doc?.value ?? '');
}

function hoverText(hover: Hover | null): string {
  if (!hover) return '';
  const { contents } = hover;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  return contents.value;
}

// ---------------------------------------------------------------------------------------------------

describe('yaml-language-server on the bundled SOPs', () => {
  let client: LanguageClient;

  beforeAll(async () => {
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    client = new LanguageClient(proc);
    const rootUri = pathToFileURL(ROOT).href;
    const init = await client.request<{
      capabilities: Record<string, unknown>;
      serverInfo?: { name: string };
    }>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'sopforge-test' },
      locale: 'zh-cn',
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'sopforge' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: {} },
        textDocument: {
          synchronization: { didSave: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true },
        },
      },
    });
    expect(init.serverInfo?.name).toBe('yaml-language-server');
    expect(init.capabilities).toMatchObject({ hoverProvider: true, completionProvider: expect.any(Object) });
    client.notify('initialized', {});
    // Documents are opened only once the server has pulled the settings above (no schema store).
    await settingsPulled(client, 1);
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
  }, 10_000);

  it('finds the schema through the modeline and accepts every bundled SOP', async () => {
    const names = readdirSync(SOPS).filter((n) => n.endsWith('.yaml'));
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      const text = readSop(name);
      expect(text.split('\n')[0], name).toBe(MODELINE);
      expect(await client.open(sopUri(name), text), name).toEqual([]);
      // Clean because the schema applies, not because none was found: the schema answers hovers.
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: sopUri(name) },
        position: { line: lineOf(text, /^kind:/), character: 1 },
      });
      expect(hoverText(hover), name).toContain(top.kind?.title ?? '<no title>');
    }
  });

  it('accepts every example SOP of examples/, found through its modeline', async () => {
    const dir = join(ROOT, 'examples');
    const names = readdirSync(dir).filter((n) => n.endsWith('.yaml'));
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text.split('\n')[0], name).toBe(MODELINE);
      const uri = pathToFileURL(join(dir, name)).href;
      expect(await client.open(uri, text), name).toEqual([]);
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: lineOf(text, /^kind:/), character: 1 },
      });
      expect(hoverText(hover), name).toContain(top.kind?.title ?? '<no title>');
    }
  });

  it('completes top-level keys from the schema, with their descriptions, in a bundled SOP', async () => {
    const uri = sopUri('front-desk-reception.yaml');
    const text = readSop('front-desk-reception.yaml');
    const blank = lineOf(text, /^clauses:/) - 1;
    expect(text.split('\n')[blank]).toBe('');
    const list = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: blank, character: 0 },
    });
    const byLabel = new Map(list.items.map((item) => [item.label, item]));
    // Keys this SOP does not use yet are offered, each with its description from the schema.
    for (const key of ['schedule', 'checklists', 'record-policy']) {
      expect(byLabel.has(key), `completion offers ${key}`).toBe(true);
      expect(documentation(byLabel.get(key))).toContain(zh(top[key]?.description, `properties.${key}`));
    }
  });

  it('completes the keys of a new SOP and of its duty schedule, by position', async () => {
    const uri = sopUri('new-procedure.yaml');
    const text = [
      MODELINE,
      'sopforge: 2',
      'kind: procedure',
      'id: new-procedure',
      '',
      'schedule:',
      '  window: { start: "17:30", end: "次日08:30" }',
      '  ',
      '',
    ].join('\n');
    await client.open(uri, text);

    const atTop = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 4, character: 0 },
    });
    const topLabels = atTop.items.map((i) => i.label);
    expect(topLabels).toEqual(
      expect.arrayContaining(['workflow', 'escalations', 'roles', 'audits', 'records']),
    );
    expect(topLabels).not.toContain('arrive-early');
    expect(documentation(atTop.items.find((i) => i.label === 'escalations'))).toContain(
      zh(top.escalations?.description, 'properties.escalations'),
    );

    const inSchedule = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 7, character: 2 },
    });
    const labels = inSchedule.items.map((i) => i.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'holiday-window',
        'arrive-early',
        'handover-prep',
        'answer-within-rings',
        'roster',
      ]),
    );
    expect(labels).not.toContain('window'); // already there
    expect(labels).not.toContain('workflow'); // a top-level key, not a schedule key
    const arrive = inSchedule.items.find((i) => i.label === 'arrive-early');
    expect(documentation(arrive)).toContain(zh(scheduleDef['arrive-early']?.description, 'arrive-early'));
    // The schema's example is what gets typed in.
    expect(arrive?.insertText).toContain(String(scheduleDef['arrive-early']?.examples?.[0]));
  });

  it('completes missing keys inside the schedule of a bundled duty SOP', async () => {
    const name = 'duty-handover-customer-service.yaml';
    const original = readSop(name);
    const lines = original.split('\n');
    // After the window's own lines (start, end), one level in: a new key of the schedule.
    const after = lineOf(original, /^ {2}window:/) + 2;
    expect(lines[after]).toMatch(/^ {4}end: /);
    lines.splice(after + 1, 0, '  ');
    const uri = sopUri('duty-handover-customer-service.completion.yaml');
    await client.open(uri, lines.join('\n'));
    const list = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: after + 1, character: 2 },
    });
    const holiday = list.items.find((i) => i.label === 'holiday-window');
    expect(documentation(holiday)).toContain(
      zh(scheduleDef['holiday-window']?.description, 'holiday-window'),
    );
    expect(list.items.map((i) => i.label)).not.toContain('arrive-early'); // this SOP sets it already
  });

  it('completes checklist-none and where in a guard, and clear in an effect, with their descriptions', async () => {
    const dir = join(ROOT, 'examples');
    const original = readFileSync(join(dir, 'renovation-approval.yaml'), 'utf8');
    const lines = original.split('\n');
    // A new guard of PASS before its first one, and a new effect of REQUEST_INSPECTION after its clear.
    const guard = lineOf(original, /^ {12}- checklist-complete: inspection$/);
    const effect = lineOf(original, /^ {12}- clear: inspection$/) + 1;
    lines.splice(effect, 0, '            - ');
    lines.splice(guard, 0, '            - ');
    const uri = pathToFileURL(join(dir, 'renovation-approval.completion.yaml')).href;
    await client.open(uri, lines.join('\n'));
    const complete = async (line: number) =>
      (
        await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
          textDocument: { uri },
          position: { line, character: 14 },
        })
      ).items;
    const condition = must(schema.$defs.condition?.properties, '$defs.condition.properties');
    const inGuard = await complete(guard);
    for (const key of ['checklist-none', 'where', 'checklist-complete']) {
      const item = inGuard.find((i) => i.label === key);
      expect(item, `completion offers ${key}`).toBeDefined();
      if (key !== 'checklist-complete')
        expect(documentation(item)).toContain(zh(condition[key]?.description, `condition.${key}`));
    }
    const effectDef = must(schema.$defs.effect?.properties, '$defs.effect.properties');
    const inEffect = await complete(effect + 1);
    const clear = inEffect.find((i) => i.label === 'clear');
    expect(clear, 'completion offers clear').toBeDefined();
    expect(documentation(clear)).toContain(zh(effectDef.clear?.description, 'effect.clear'));
  });

  it('explains the clause tree on hover and completes the keys of a clause', async () => {
    const front = readSop('front-desk-reception.yaml');
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: sopUri('front-desk-reception.yaml') },
      position: { line: lineOf(front, /^clauses:/), character: 2 },
    });
    expect(hoverText(hover)).toContain(top.clauses?.title ?? '<no title>');
    expect(hoverText(hover)).toContain('`clause`');

    const uri = sopUri('new-clauses.yaml');
    const text = [
      MODELINE,
      'sopforge: 2',
      'kind: procedure',
      'id: new-clauses',
      'clauses:',
      '  - clause: "1.0"',
      '    ',
      '',
    ].join('\n');
    await client.open(uri, text);
    const list = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 6, character: 4 },
    });
    const labels = list.items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['title', 'text', 'clauses']));
    expect(labels).not.toContain('clause'); // already there
    expect(labels).not.toContain('workflow'); // a top-level key, not a clause key
  });

  it('shows the Chinese description from the schema on hover', async () => {
    const front = readSop('front-desk-reception.yaml');
    const frontUri = sopUri('front-desk-reception.yaml');
    const duty = readSop('duty-handover-customer-service.yaml');
    const dutyUri = sopUri('duty-handover-customer-service.yaml');
    const cases: Array<{ uri: string; line: number; character: number; expected: string[] }> = [
      {
        uri: frontUri,
        line: lineOf(front, /^kind:/),
        character: 1,
        expected: [
          top.kind?.title ?? '',
          zh(top.kind?.description, 'properties.kind'),
          '`procedure`',
          '`manual`',
        ],
      },
      {
        uri: frontUri,
        line: lineOf(front, /^escalations:/),
        character: 3,
        expected: [top.escalations?.title ?? '', zh(top.escalations?.description, 'properties.escalations')],
      },
      {
        uri: dutyUri,
        line: lineOf(duty, /^ {2}arrive-early:/),
        character: 4,
        expected: [zh(scheduleDef['arrive-early']?.description, 'arrive-early')],
      },
    ];
    for (const c of cases) {
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: c.uri },
        position: { line: c.line, character: c.character },
      });
      const shown = hoverText(hover);
      for (const part of c.expected) {
        expect(part).not.toBe('');
        expect(shown, `hover on line ${c.line + 1}`).toContain(part);
      }
      expect(hover?.range?.start.line).toBe(c.line);
    }
  });

  it('completes, explains and checks the keys of recurring plans and of an occurrence limit', async () => {
    const recurring = must(schema.$defs.recurring?.properties, '$defs.recurring.properties');
    const uri = sopUri('recurring-keys.yaml');
    const text = [
      MODELINE,
      'sopforge: 2',
      'kind: procedure',
      'id: recurring-keys',
      'recurring:',
      '  - id: cleaning',
      '    every:',
      '      months: [5, 13]',
      '    ',
      'deadlines:',
      '  - id: in-month',
      '    within:',
      '      occurrence: cleaning',
      '',
    ].join('\n');
    const monthsLine = lineOf(text, /months: \[5, 13\]/);
    const diagnostics = await client.open(uri, text);
    const at13 = diagnostics.filter((d) => d.range.start.line === monthsLine);
    expect(at13).toHaveLength(1);
    expect(at13[0]?.range.start.character).toBe((text.split('\n')[monthsLine] ?? '').indexOf('13'));

    const inPlan = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: monthsLine + 1, character: 4 },
    });
    const labels = inPlan.items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['starting', 'by', 'late-after', 'basis', 'label']));
    expect(labels).not.toContain('every'); // already there
    expect(documentation(inPlan.items.find((i) => i.label === 'by'))).toContain(
      zh(recurring.by?.description, 'recurring.by'),
    );

    // Under within: the editor completes only the first form's keys (yaml-language-server offers one
    // alternative of a oneOf in an empty mapping); the key, once written, is explained on hover.
    const within = schema.$defs.deadline?.properties?.within as { oneOf?: SchemaNode[] } | undefined;
    const occurrenceDef = within?.oneOf?.find((o) => o.properties?.occurrence)?.properties?.occurrence;
    const onOccurrence = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: lineOf(text, /^ {6}occurrence: cleaning$/), character: 8 },
    });
    expect(hoverText(onOccurrence)).toContain(zh(occurrenceDef?.description, 'within.occurrence'));

    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: monthsLine, character: 8 },
    });
    const every = schema.$defs.recurring?.properties?.every as { oneOf?: SchemaNode[] } | undefined;
    const monthsDef = every?.oneOf?.find((o) => o.properties?.months)?.properties?.months;
    // The hover is Markdown: brackets come escaped.
    expect(hoverText(hover).replace(/\\/g, '')).toContain(
      zh(monthsDef?.description, 'recurring.every.months'),
    );
  });

  it('reports a wrong kind at its line, with the values the schema allows', async () => {
    const original = readSop('front-desk-reception.yaml');
    const text = original.replace(/^kind: procedure$/m, 'kind: ledger');
    expect(text).not.toBe(original);
    const line = lineOf(text, /^kind: ledger$/);
    const diagnostics = await client.open(sopUri('front-desk-reception.kind-ledger.yaml'), text);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics as [Diagnostic];
    expect(d.range).toEqual({ start: { line, character: 6 }, end: { line, character: 12 } });
    expect(d.severity).toBe(1);
    expect(d.message).toContain('"procedure"');
    expect(d.message).toContain('"manual"');
    expect(d.source).toContain(top.kind?.title ?? '<no title>');
    expect(d.data?.schemaUri).toEqual([pathToFileURL(SCHEMA_PATH).href]);
  });

  it('reports an impossible time 17:70 at its line, with the schema’s readable message for times', async () => {
    const original = readSop('duty-handover-customer-service.yaml');
    const text = original.replace(/^( {2}window:\n {4}start: "08:30"\n {4}end: )"次日08:30"$/m, '$1"17:70"');
    expect(text).not.toBe(original);
    const line = lineOf(text, /"17:70"/);
    const character = (text.split('\n')[line] ?? '').indexOf('"17:70"');
    const diagnostics = await client.open(sopUri('duty-handover-customer-service.bad-time.yaml'), text);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics as [Diagnostic];
    expect(d.range).toEqual({ start: { line, character }, end: { line, character: character + 7 } });
    expect(d.severity).toBe(1);
    expect(d.source).toContain(timeDef.title ?? '<no title>');
    expect(d.message).toBe(timeDef.patternErrorMessage ?? '<no patternErrorMessage>');
    expect(d.message).not.toContain(timeDef.pattern ?? '<no pattern>');
  });

  it('clears the diagnostic once the value is fixed in the editor', async () => {
    const original = readSop('front-desk-reception.yaml');
    const uri = sopUri('front-desk-reception.kind-fixed.yaml');
    const broken = await client.open(uri, original.replace(/^kind: procedure$/m, 'kind: ledger'));
    expect(broken).toHaveLength(1);
    const from = client.notifications.length;
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: original }],
    });
    const fixed = await client.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri,
      from,
    );
    expect(fixed.diagnostics).toEqual([]);
  });

  it('applies the yaml.schemas mapping of .vscode/settings.json to a SOP without the modeline', async () => {
    const mapping = vscodeSettings['yaml.schemas'];
    expect(mapping).toEqual({ './schemas/sop.schema.json': 'sops/**/*.yaml' });
    const original = readSop('front-desk-reception.yaml');
    // The modeline becomes a plain comment, so line numbers stay the same.
    const text = original.replace(MODELINE, '# no modeline').replace(/^kind: procedure$/m, 'kind: ledger');
    expect(text).not.toContain('$schema');
    const line = lineOf(text, /^kind: ledger$/);
    const uri = sopUri('front-desk-reception.no-modeline.yaml');

    // Without the mapping nothing tells the server which schema applies.
    expect(await client.open(uri, text)).toEqual([]);

    // With the repository's settings the same open document is checked against the SOP schema.
    const from = client.notifications.length;
    const pulls = client.configurationAsked.filter((s) => s === 'yaml').length;
    client.yaml = yamlSettings(mapping);
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await settingsPulled(client, pulls + 1);
    const published = await client.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.diagnostics.length > 0,
      from,
    );
    expect(published.diagnostics).toHaveLength(1);
    expect(published.diagnostics[0]?.range.start).toEqual({ line, character: 6 });
    expect(published.diagnostics[0]?.source).toContain(top.kind?.title ?? '<no title>');
  });
});
