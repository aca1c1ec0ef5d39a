/**
 * `sopforge preview`: a web page on 127.0.0.1 that shows a SOP set as `build` would issue it and follows
 * the files as they are saved. The page's own files are `src/preview/page/` (copied to `dist/preview/page/`
 * by `npm run build`); the libraries it uses are served from `node_modules` (mermaid for the diagram,
 * pdfjs-dist for the forms, xstate for the simulator), so nothing is fetched from the network.
 */
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../diagnostics/types.js';
import { PreviewSession, type PreviewState } from './session.js';

export interface PreviewOptions {
  /** SOP files or folders, as for `validate` (default `sops`). */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly lang: Lang;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Quiet time after the last file event before the set is read again (ms). */
  readonly debounceMs?: number;
  /** Quiet time after a quick reload before the whole set is read again (ms). */
  readonly exactQuietMs?: number;
}

export interface PreviewServer {
  readonly url: string;
  readonly session: PreviewSession;
  /** Resolves after the set has been read again, quickly and then whole, for every file event so far. */
  settled(): Promise<PreviewState>;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.pdf': 'application/pdf',
  '.otf': 'font/otf',
  '.bcmap': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** The folder of an installed package, found the way Node looks up `node_modules` from this module. */
function packageDir(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** URL prefix → folder on disk, for the page and the libraries it loads. */
function staticRoots(): Map<string, string | null> {
  const here = dirname(fileURLToPath(import.meta.url));
  const page = existsSync(join(here, 'page')) ? join(here, 'page') : resolve(here, '../../src/preview/page');
  const pkg = (name: string, sub: string) => {
    const dir = packageDir(name);
    return dir ? join(dir, sub) : null;
  };
  return new Map([
    ['/page/', page],
    ['/vendor/mermaid/', pkg('mermaid', 'dist')],
    ['/vendor/pdfjs/', pkg('pdfjs-dist', '')],
    ['/vendor/xstate/', pkg('xstate', 'dist')],
    ['/vendor/fonts/', pkg('@embedpdf/fonts-sc', 'fonts')],
  ]);
}

/** A path below `root`, or `null` when the URL tries to leave it. */
function within(root: string, rest: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  send(res, 200, TYPES['.json'] as string, JSON.stringify(body));
}

/**
 * Starts the preview: reads the set once, serves the page, and reads the set again whenever a file in one
 * of its folders (or `calendars/`) changes, telling every open page through server-sent events.
 *
 * @example
 * const server = await startPreview({ paths: ['sops'], cwd: process.cwd(), lang: 'zh', port: 0 });
 * console.log(server.url);
 */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const session = new PreviewSession(options);
  const roots = staticRoots();
  const clients = new Set<ServerResponse>();
  const full = async () => (await session.reload()) ?? session.current();
  let reloading: Promise<PreviewState> = full();
  /** The whole-set reload that follows a quick one; it runs beside the quick ones and never holds them up. */
  let exact: Promise<void> = Promise.resolve();
  let exactTimer: NodeJS.Timeout | null = null;
  let timer: NodeJS.Timeout | null = null;
  let dirty = false;
  /** Files changed since the last reload (absolute paths); `null`: something the quick path cannot name. */
  let changed: Set<string> | null = new Set();
  /** Counts file events, so a whole-set reload overtaken by a newer edit is dropped. */
  let edits = 0;

  const broadcast = (state: PreviewState) => {
    const data = `event: update\ndata: ${JSON.stringify({ generation: state.generation })}\n\n`;
    for (const c of clients) c.write(data);
  };
  const runExact = () => {
    const mark = edits;
    exact = exact.then(async () => {
      if (edits !== mark) return;
      const state = await session.reload(() => edits === mark);
      if (state) broadcast(state);
    });
  };
  /** When the server last served a request or saw an edit. */
  let lastActivity = Date.now();
  const quiet = options.exactQuietMs ?? 1500;
  const armExact = () => {
    if (exactTimer) clearTimeout(exactTimer);
    exactTimer = setTimeout(
      () => {
        exactTimer = null;
        // The page may still be loading the quick answer: wait until nothing asked for a moment.
        if (Date.now() - lastActivity < quiet) armExact();
        else runExact();
      },
      Math.max(50, quiet - (Date.now() - lastActivity)),
    );
  };
  const schedule = (file: string | null) => {
    lastActivity = Date.now();
    dirty = true;
    edits++;
    if (file === null) changed = null;
    else changed?.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      // One quick reload at a time; events during one lead to one more after it.
      reloading = reloading.then(async () => {
        if (!dirty) return session.current();
        dirty = false;
        const files = changed;
        changed = new Set();
        const quick = files ? await session.reloadChanged([...files]) : null;
        const state = quick ?? (await full());
        broadcast(state);
        if (quick) {
          // The whole set is read in this thread and holds up every request while it runs: only once the
          // page has had the quick answer and the server and the files have been quiet for a moment.
          armExact();
        }
        return state;
      });
    }, options.debounceMs ?? 60);
  };

  const watchers: FSWatcher[] = [];
  const folders = new Set<string>();
  for (const p of [...options.paths, 'calendars']) {
    const abs = resolve(options.cwd, p);
    const info = await stat(abs).catch(() => null);
    if (!info) continue;
    folders.add(info.isDirectory() ? abs : dirname(abs));
  }
  for (const folder of folders) {
    try {
      const w = watch(folder, { recursive: true }, (_event, name) =>
        schedule(name ? resolve(folder, name.toString()) : null),
      );
      w.on('error', () => {});
      watchers.push(w);
    } catch {
      // A folder that cannot be watched is still previewed; it just does not update by itself.
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    lastActivity = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only');
    if (path === '/' || path === '/index.html') {
      const file = join(roots.get('/page/') as string, 'index.html');
      const html = (await readFile(file, 'utf8')).replace(
        '<html lang="zh-CN">',
        `<html lang="${options.lang === 'zh' ? 'zh-CN' : 'en'}">`,
      );
      return send(res, 200, TYPES['.html'] as string, html);
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`event: update\ndata: ${JSON.stringify({ generation: session.current().generation })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (path === '/api/state') {
      await reloading;
      return json(res, session.current());
    }
    if (path === '/api/source') {
      const text = await session.source(url.searchParams.get('file') ?? '');
      return text === null ? send(res, 404, 'text/plain', 'not found') : send(res, 200, 'text/plain', text);
    }
    const sopMatch = /^\/api\/sop\/([^/]+)(?:\/(machine\.js|forms\/([^/]+)\.pdf|doc\.html))?$/.exec(path);
    if (sopMatch) {
      await reloading;
      const id = decodeURIComponent(sopMatch[1] as string);
      if (sopMatch[3] !== undefined) {
        const pdf = await session.formPdf(id, decodeURIComponent(sopMatch[3]));
        return pdf ? send(res, 200, TYPES['.pdf'] as string, pdf) : send(res, 404, 'text/plain', 'not found');
      }
      const sop = await session.sop(id);
      if (!sop) return send(res, 404, 'text/plain', 'not found');
      if (sopMatch[2] === 'machine.js')
        return sop.machine
          ? send(res, 200, TYPES['.js'] as string, sop.machine.module)
          : send(res, 404, 'text/plain', 'not found');
      if (sopMatch[2] === 'doc.html') return send(res, 200, TYPES['.html'] as string, sop.html);
      const { html: _html, machine, ...rest } = sop;
      return json(res, {
        ...rest,
        machine: machine ? { mermaid: machine.mermaid, config: machine.config } : null,
      });
    }
    for (const [prefix, root] of roots) {
      if (!path.startsWith(prefix)) continue;
      const file = root ? within(root, path.slice(prefix.length)) : null;
      const info = file ? await stat(file).catch(() => null) : null;
      if (!file || !info?.isFile()) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    }
    send(res, 404, 'text/plain', 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String((err as Error)?.message ?? err));
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  await reloading;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    session,
    async settled() {
      for (;;) {
        while (timer || dirty || exactTimer) {
          await new Promise((r) => setTimeout(r, 20));
          await reloading;
        }
        const seen = edits;
        await reloading;
        await exact;
        if (seen === edits && !timer && !dirty && !exactTimer) return session.current();
      }
    },
    async close() {
      if (timer) clearTimeout(timer);
      if (exactTimer) clearTimeout(exactTimer);
      for (const w of watchers) w.close();
      for (const c of clients) c.end();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      await reloading.catch(() => {});
      await exact.catch(() => {});
    },
  };
}
