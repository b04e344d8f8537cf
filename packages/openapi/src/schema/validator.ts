import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonObject } from '../spec/types.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** OpenAPI's own formats: numeric widths and binary markers are annotations, not checks. */
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];

/** One Ajv (2020-12) for a server: input and response checks, formats it has not seen accepted as-is. */
export class SchemaValidator {
  private readonly ajv: Ajv2020;

  constructor() {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
    for (const f of OPENAPI_FORMATS) this.ajv.addFormat(f, true);
  }

  /** A validator, or undefined when the schema cannot be compiled (then nothing is checked locally). */
  compile(schema: JsonObject, formats: Iterable<string> = []): ValidateFunction | undefined {
    for (const f of formats) if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    try {
      return this.ajv.compile(schema);
    } catch {
      return undefined;
    }
  }

  /** Drop a compiled schema so a large spec's validators do not pile up. */
  forget(schema: JsonObject): void {
    this.ajv.removeSchema(schema);
  }
}

/** Ajv errors as short lines naming the argument: "petId: must be integer". */
export function describeErrors(errors: ErrorObject[] | null | undefined, max = 8): string[] {
  const lines: string[] = [];
  for (const e of errors ?? []) {
    const where = e.instancePath
      ? e.instancePath.slice(1).replace(/\//g, '.').replace(/~1/g, '/').replace(/~0/g, '~')
      : '(arguments)';
    let text = `${where}: ${e.message ?? 'is invalid'}`;
    if (e.keyword === 'additionalProperties')
      text = `${where}: unknown argument "${(e.params as any).additionalProperty}"`;
    else if (e.keyword === 'enum')
      text += `: ${((e.params as any).allowedValues as unknown[])
        .slice(0, 10)
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    if (!lines.includes(text)) lines.push(text);
    if (lines.length >= max) break;
  }
  return lines;
}
