import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * A strict Ajv 2020-12: a schema passes when it is valid against the 2020-12 meta-schema and compiles
 * with strict checks (unknown keywords rejected). Formats are annotations for this check.
 */
export function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictRequired: false,
    strictTuples: false,
    logger: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Throws with Ajv's reason when the schema is not valid JSON Schema 2020-12. */
export function assertValidSchema(ajv: Ajv2020, schema: object, label: string): void {
  if (!ajv.validateSchema(schema)) {
    throw new Error(`${label}: not 2020-12: ${ajv.errorsText(ajv.errors)}`);
  }
  const formats = new Set<string>();
  JSON.stringify(schema, (k, v) => {
    if (k === 'format' && typeof v === 'string') formats.add(v);
    return v;
  });
  for (const f of formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
  try {
    ajv.compile(schema);
  } catch (error) {
    throw new Error(`${label}: does not compile: ${(error as Error).message}`);
  } finally {
    ajv.removeSchema(schema);
  }
}
