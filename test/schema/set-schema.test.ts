/**
 * The set's own schema (`sopforge schema`), proved through the real yaml-language-server: a bundled SOP whose
 * modeline points at it gets `cs-supervisor` with 客服主管 offered after `role:`, and a mistyped role marked.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSopSet } from '../../src/load/index.js';
import { REFERENCES, setSchema } from '../../src/schema/set.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const SERVER = join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
const GENERAL = JSON.parse(await readFile(join(ROOT, 'schemas/sop.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}
interface LspDiagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}
interface CompletionItem {
  label: string;
  documentation?: string | { value: string };
}

/** Content-Length framed JSON-RPC over the server's stdio: just what these tests need. */
class Client {
  readonly notifications: Message[] = [];
  private buffer = Buffer.alloc(0);
  private next = 1;
  private readonly waiting = new Map<number, (m: Message) => void>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
        if (this.buffer.length < end + 4 + length) return;
        const m = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Message;
        this.buffer = this.buffer.subarray(end + 4 + length);
        if (m.method !== undefined && m.id !== undefined) this.reply(m);
        else if (m.method !== undefined) this.notifications.push(m);
        else if (m.id !== undefined) this.waiting.get(m.id)?.(m);
        for (const l of [...this.listeners]) l();
      }
    });
  }

  private send(m: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }), 'utf8');
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  /** Settings as an editor hands them over: schemas on, no schema store (no network). */
  private reply(m: Message): void {
    const items = (m.params as { items?: { section?: string }[] } | undefined)?.items ?? [];
    const result =
      m.method === 'workspace/configuration'
        ? items.map((i) =>
            i.section === 'yaml'
              ? { validate: true, completion: true, hover: true, schemaStore: { enable: false }, schemas: {} }
              : {},
          )
        : null;
    this.send({ id: m.id, result });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 20_000);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(m.error.message));
        else resolve(m.result as T);
      });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** The diagnostics published for `uri` after notification number `from`. */
  diagnostics(uri: string, from: number): Promise<LspDiagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 20_000);
      const check = () => {
        const m = this.notifications
          .slice(from)
          .find(
            (n) =>
              n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri,
          );
        if (!m) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve((m.params as { diagnostics: LspDiagnostic[] }).diagnostics);
      };
      this.listeners.add(check);
      check();
    });
  }

  async open(uri: string, text: string, version = 1): Promise<LspDiagnostic[]> {
    const from = this.notifications.length;
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    return this.diagnostics(uri, from);
  }
}

const doc = (item: CompletionItem | undefined) =>
  typeof item?.documentation === 'string' ? item.documentation : (item?.documentation?.value ?? '');

describe('the set schema', () => {
  it('points every listed reference at an id reference of the general schema', async () => {
    const { set } = await loadSopSet(['sops'], { cwd: ROOT });
    expect(set).not.toBeNull();
    const schema = setSchema(GENERAL, set as NonNullable<typeof set>) as {
      $defs: Record<string, { enum: string[] }>;
    };
    expect(REFERENCES.length).toBeGreaterThan(10);
    expect(schema.$defs.setRole?.enum).toContain('cs-supervisor');
    expect(schema.$defs.setStep?.enum).toContain('supervisor');
    expect(schema.$defs.setForm?.enum).toContain('reception-record');
    expect(schema.$defs.setChecklist?.enum).toContain('handover-items');
    expect(schema.$defs.setSop?.enum).toContain('front-desk-reception');
  });
});

describe('yaml-language-server with the set schema', () => {
  let client: Client;
  let dir: string;
  let cleanup: () => Promise<void>;
  let proc: ChildProcessWithoutNullStreams;
  let text: string;
  let uri: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('sopforge-set-schema-'));
    await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
    const run = await runCli(['schema', 'sops'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('schemas/set.schema.json');
    // A second run replaces its own file; the general schema is never a target.
    expect((await runCli(['schema', 'sops'], dir)).code).toBe(0);
    const file = join(dir, 'sops/front-desk-reception.yaml');
    text = (await readFile(file, 'utf8')).replace(
      /^# yaml-language-server: \$schema=.*$/m,
      '# yaml-language-server: $schema=../schemas/set.schema.json',
    );
    await writeFile(file, text);
    uri = pathToFileURL(file).href;
    proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    client = new Client(proc);
    const rootUri = pathToFileURL(dir).href;
    await client.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'sops' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } } },
      },
    });
    client.notify('initialized', {});
    await new Promise((r) => setTimeout(r, 500));
  }, 60_000);

  afterAll(async () => {
    proc?.kill();
    await cleanup?.();
  });

  it('accepts the bundled SOP as it is', async () => {
    expect(await client.open(uri, text)).toEqual([]);
  }, 30_000);

  it('offers the declared roles with their Chinese names after role:', async () => {
    const lines = text.split('\n');
    const line = lines.indexOf('      role: cs-supervisor');
    expect(line).toBeGreaterThan(0);
    lines[line] = '      role: ';
    const u = `${uri.replace(/\.yaml$/, '')}-completion.yaml`;
    await client.open(u, lines.join('\n'));
    const list = await client.request<{ items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri: u },
      position: { line, character: '      role: '.length },
    });
    const item = list.items.find((i) => i.label === 'cs-supervisor');
    expect(item, list.items.map((i) => i.label).join(', ')).toBeDefined();
    expect(doc(item)).toContain('客服主管');
    expect(list.items.map((i) => i.label)).toContain('manager');
    // A step id is not offered where a role belongs.
    expect(list.items.map((i) => i.label)).not.toContain('transferred');
  }, 30_000);

  it('marks a mistyped role at its line', async () => {
    const lines = text.split('\n');
    const line = lines.indexOf('      role: cs-supervisor');
    lines[line] = '      role: cs-supervsor';
    const u = `${uri.replace(/\.yaml$/, '')}-typo.yaml`;
    const diagnostics = await client.open(u, lines.join('\n'));
    const here = diagnostics.filter((d) => d.range.start.line === line);
    expect(here.length, JSON.stringify(diagnostics)).toBeGreaterThan(0);
    expect(here.map((d) => d.message).join('\n')).toContain('cs-supervisor');
    // The general schema accepts the same text: only the set schema knows the declared roles.
    const general = lines
      .join('\n')
      .replace('$schema=../schemas/set.schema.json', '$schema=../schemas/general.schema.json');
    await writeFile(join(dir, 'schemas/general.schema.json'), JSON.stringify(GENERAL));
    const g = `${uri.replace(/\.yaml$/, '')}-general.yaml`;
    expect((await client.open(g, general)).filter((d) => d.range.start.line === line)).toEqual([]);
  }, 30_000);
});

describe('sopforge schema refuses', () => {
  it('to replace a file it did not write', async () => {
    const { dir, cleanup } = await tempDir('sopforge-set-schema-');
    try {
      await cp(join(ROOT, 'sops'), join(dir, 'sops'), { recursive: true });
      await writeFile(join(dir, 'mine.json'), '{"title": "my own"}\n');
      const r = await runCli(['schema', 'sops', '--out', 'mine.json'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('不会覆盖');
      expect(await readFile(join(dir, 'mine.json'), 'utf8')).toBe('{"title": "my own"}\n');
      expect((await runCli(['schema', 'sops', '--out', 'x.yaml'], dir)).code).toBe(2);
    } finally {
      await cleanup();
    }
  });
});
