// Compiles schemas/sop.schema.json ahead of time into a standalone ajv validator (dist/validate/schema.generated.cjs),
// so that `sopforge validate` does not spend a quarter of a second compiling the schema on every start.
// The file records the sha256 of the schema it was made from; the loader falls back to compiling at run time when
// the schema has changed since.
//
// It then writes V8's code cache for that file (dist/validate/schema.generated.v8-cache), made after validating
// the bundled SOPs and examples, so that a start does not parse and compile the generated code again
// (src/validate/precompiled.ts; a cache V8 does not accept is ignored).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { parse } from 'yaml';
import { createAjv } from '../dist/validate/ajv.js';
import { cacheFileOf, runCommonJs } from '../dist/validate/precompiled.js';

const text = readFileSync(new URL('../schemas/sop.schema.json', import.meta.url), 'utf8');
const ajv = createAjv({ source: true });
const validate = ajv.compile(JSON.parse(text));
const code = (standaloneCode.default ?? standaloneCode)(ajv, validate);
const hash = createHash('sha256').update(text).digest('hex');
mkdirSync(new URL('../dist/validate/', import.meta.url), { recursive: true });
const file = fileURLToPath(new URL('../dist/validate/schema.generated.cjs', import.meta.url));
const generated = `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(hash)};\n`;
writeFileSync(file, generated);

// The code cache, after the validator has run on real SOPs (V8 then includes the functions they reached).
rmSync(cacheFileOf(file), { force: true });
const { exports: run, script } = runCommonJs(file, generated);
for (const dir of ['sops', 'examples']) {
  const folder = new URL(`../${dir}/`, import.meta.url);
  let names = [];
  try {
    names = readdirSync(folder).filter((n) => /\.ya?ml$/i.test(n));
  } catch {
    continue;
  }
  for (const name of names.sort()) run(parse(readFileSync(new URL(name, folder), 'utf8')));
}
writeFileSync(cacheFileOf(file), script.createCachedData());
