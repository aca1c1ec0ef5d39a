import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/**
 * The ajv instance the SOP schema is compiled with, at run time and ahead of time alike. ajv is loaded here,
 * on first use, because the precompiled validator does not need it (it saves ~40 ms per start). The
 * editor-only annotation `patternErrorMessage` (shown by yaml-language-server instead of a raw regular
 * expression) is declared as a known keyword so strict mode accepts it.
 */
export function createAjv(options: { source?: boolean } = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = require('ajv-formats') as { default: (ajv: Ajv2020, formats: string[]) => Ajv2020 };
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    verbose: true,
    allowUnionTypes: true,
    ...(options.source ? { code: { source: true } } : {}),
  });
  ajv.addVocabulary(['patternErrorMessage', 'markdownDescription']);
  formats.default(ajv, ['date']);
  return ajv;
}
