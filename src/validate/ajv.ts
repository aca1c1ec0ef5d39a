import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020, formats: string[]) => void;

/**
 * The ajv instance the SOP schema is compiled with, at run time and ahead of time alike. The editor-only
 * annotation `patternErrorMessage` (shown by yaml-language-server instead of a raw regular expression) is
 * declared as a known keyword so strict mode accepts it.
 */
export function createAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    verbose: true,
    allowUnionTypes: true,
    ...(options.source ? { code: { source: true } } : {}),
  });
  ajv.addVocabulary(['patternErrorMessage', 'markdownDescription']);
  addFormats(ajv, ['date']);
  return ajv;
}
