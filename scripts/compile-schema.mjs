// Compiles schemas/sop.schema.json ahead of time into a standalone ajv validator (dist/validate/schema.generated.cjs),
// so that `sopforge validate` does not spend a quarter of a second compiling the schema on every start.
// The file records the sha256 of the schema it was made from; the loader falls back to compiling at run time when
// the schema has changed since.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv } from '../dist/validate/ajv.js';

const text = readFileSync(new URL('../schemas/sop.schema.json', import.meta.url), 'utf8');
const ajv = createAjv({ source: true });
const validate = ajv.compile(JSON.parse(text));
const code = (standaloneCode.default ?? standaloneCode)(ajv, validate);
const hash = createHash('sha256').update(text).digest('hex');
mkdirSync(new URL('../dist/validate/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../dist/validate/schema.generated.cjs', import.meta.url),
  `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(hash)};\n`,
);
