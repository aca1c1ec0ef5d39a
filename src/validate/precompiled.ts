import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs a CommonJS file made at build time (the standalone schema validator) with V8's code cache for it,
 * when there is one: the cache, written by the build after validating the bundled SOPs, holds the compiled
 * code of the functions that ran, so a start skips parsing and compiling some 400 KB of generated code.
 * V8 rejects a cache made by another V8 version or with other flags, and the file is then compiled as usual;
 * either way the code that runs is the same file.
 */
export function runCommonJs(
  file: string,
  code: string,
  cachedData?: Buffer,
): { exports: unknown; script: Script } {
  // The same wrapper on both sides: the cache is only accepted for the same source text.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

/** The cache file beside a generated file. */
export const cacheFileOf = (file: string): string => file.replace(/\.cjs$/, '.v8-cache');

/** Reads a file, or `undefined` when it is absent. */
export function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
