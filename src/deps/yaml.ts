import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);

/**
 * `yaml`, loaded for every command, as fast as Node allows. The package's ES module and CommonJS builds
 * are some eighty files each; the build bundles the installed yaml into one file (`dist/vendor/yaml.cjs`,
 * scripts/bundle-yaml.mjs), which Node loads in about a third of the time. Running from source, or when
 * the bundle is missing or was made from another version than the one installed, the package itself is
 * loaded. Everything in `src` imports yaml from here (a test checks), so only one copy is ever loaded.
 */
function load(): typeof Yaml {
  let bundled: (typeof Yaml & { bundledVersion?: string }) | null = null;
  try {
    bundled = require('../vendor/yaml.cjs') as typeof Yaml & { bundledVersion?: string };
  } catch {
    bundled = null;
  }
  if (bundled) {
    const installed = (require('yaml/package.json') as { version?: string }).version;
    if (bundled.bundledVersion === installed) return bundled;
  }
  return require('yaml') as typeof Yaml;
}

const yaml = load();

export const {
  Document,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parse,
  parseAllDocuments,
  parseDocument,
  visit,
} = yaml;
export type Document = Yaml.Document;
export type LineCounter = Yaml.LineCounter;
export type { CST, Node, Pair, Scalar, YAMLError, YAMLMap } from 'yaml';
