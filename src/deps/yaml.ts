import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/**
 * `yaml` through its CommonJS build. The package ships both; its ES module build is some eighty files,
 * which Node's module loader takes several milliseconds longer to load than `require` takes for the
 * same code, at the start of every command. Everything in `src` imports yaml from here (a test checks),
 * so only one copy is ever loaded.
 */
const yaml = createRequire(import.meta.url)('yaml') as typeof Yaml;

export const {
  Document,
  LineCounter,
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
export type { Node, Scalar, YAMLMap } from 'yaml';
