import Module, { createRequire } from 'node:module';
import type * as Fontkit from 'fontkit';
import type PDFKitDocument from 'pdfkit';
import { readCffIndexesOnDemand } from './cff-index.js';
import { adoptEmbeddedFont } from './embed.js';

/**
 * pdfkit and fontkit, loaded for a run that writes PDFs.
 *
 * Both packages ship ESM and CommonJS builds; Node loads pdfkit's ESM graph (fontkit, restructure,
 * the Unicode tries …) about 50 ms slower than `require` loads the same code, a seventh of a whole
 * `sopforge book` run. Loading both the same way also keeps one fontkit in the process: the font
 * parsed by `font.ts` is the one pdfkit embeds.
 *
 * Some of their dependencies decode large tables when they are loaded although sopforge never calls
 * them, or only some commands do: brotli's dictionary (WOFF2 fonts), the Unicode properties (OpenType
 * shaping, which forms do not use: see `glyphInfo`), the line-break classes (wrapped `doc.text`,
 * which forms do not use either), AES (encrypted PDFs) and the PNG decoder. Each is put into the
 * CommonJS module cache as a stand-in that loads the real module the first time it is used, which
 * takes another ≈ 60 ms off a run that needs none of them.
 */
const require = createRequire(import.meta.url);

const standIns: string[] = [];

/** The modules that wait in the module cache to be loaded on first use (for tests and diagnosis). */
export function deferredModules(): readonly string[] {
  return standIns;
}

/**
 * Puts `make(loadReal)` into the CommonJS module cache as the module `request`, as `parentPackage`
 * resolves it, unless it is loaded already. `loadReal()` loads the real module the first time it is
 * called; the stand-in stays in the cache for everyone who requires the module later.
 */
function standIn(request: string, parentPackage: string, make: (loadReal: () => unknown) => unknown): void {
  let path: string;
  try {
    path = createRequire(require.resolve(parentPackage)).resolve(request);
  } catch {
    return; // not installed where expected: the package then loads it (or fails) as usual
  }
  if (require.cache[path]) return;
  const mod = new Module(path);
  let real: unknown;
  let loaded = false;
  const loadReal = (): unknown => {
    if (!loaded) {
      delete require.cache[path];
      try {
        real = require(path);
        loaded = true;
      } finally {
        require.cache[path] = mod;
      }
    }
    return real;
  };
  mod.filename = path;
  mod.loaded = true;
  mod.exports = make(loadReal);
  require.cache[path] = mod;
  standIns.push(request);
}

/** A module whose exports (a function, a class or an object) are loaded when first used. */
function deferred(request: string, parentPackage: string): void {
  standIn(request, parentPackage, (loadReal) => {
    const load = () => loadReal() as object;
    return new Proxy(function deferredModule() {}, {
      apply: (_t, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
      construct: (_t, args) => Reflect.construct(load() as new (...a: unknown[]) => object, args),
      get: (_t, key) => Reflect.get(load(), key),
      has: (_t, key) => Reflect.has(load(), key),
    });
  });
}

/**
 * fontkit builds the lookup tries of its Arabic, Indic and Universal shapers when it is loaded
 * (inflating them takes ≈ 15 ms); Chinese text never reaches those shapers. Each trie is built
 * instead the first time it is used (`get` is the only method fontkit, unicode-properties and
 * linebreak call).
 */
function lazyTries(parentPackage: string): void {
  type Trie = { get(codePoint: number): number; data: Uint32Array; highStart: number; errorValue: number };
  standIn('unicode-trie', parentPackage, (loadReal) => {
    const Real = () => loadReal() as new (data: Uint8Array) => Trie;
    return class LazyUnicodeTrie {
      readonly #source: unknown;
      #trie: Trie | undefined;
      constructor(source: unknown) {
        this.#source = source;
        // Only the compressed form is worth deferring; pre-parsed data (unicode-trie's builder) is used as is.
        if (!(source instanceof Uint8Array)) this.#real();
      }
      #real(): Trie {
        this.#trie ??= new (Real())(this.#source as Uint8Array);
        return this.#trie;
      }
      get(codePoint: number): number {
        return this.#real().get(codePoint);
      }
      get data(): Uint32Array {
        return this.#real().data;
      }
      get highStart(): number {
        return this.#real().highStart;
      }
      get errorValue(): number {
        return this.#real().errorValue;
      }
    };
  });
}

lazyTries('fontkit');
deferred('brotli/decompress.js', 'fontkit');
deferred('unicode-properties', 'fontkit');
deferred('linebreak', 'pdfkit');
deferred('@noble/ciphers/aes', 'pdfkit');
deferred('png-js', 'pdfkit');

export const PDFDocument = require('pdfkit') as typeof PDFKitDocument;
export const fontkit = require('fontkit') as typeof Fontkit;
readCffIndexesOnDemand(require.resolve('fontkit'));
namedByContent(PDFDocument);

/**
 * Every font a document opens passes through `font()`; the first embedded one gets its class the
 * subset names and ToUnicode maps of `embed.ts`, for every document of the process.
 */
function namedByContent(Doc: typeof PDFKitDocument): void {
  const proto = Doc.prototype as unknown as { font(...args: unknown[]): unknown; _font?: unknown };
  const font = proto.font;
  proto.font = function (this: typeof proto, ...args: unknown[]): unknown {
    const result = font.apply(this, args);
    adoptEmbeddedFont(this._font);
    return result;
  };
}
