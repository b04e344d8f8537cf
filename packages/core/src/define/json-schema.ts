import {
  fromJsonSchema,
  type JsonSchemaType,
  type StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';

/** A JSON Schema used as a tool's input or output, with the schema kept for listing and snapshots. */
export type JsonSchemaInput<T = Record<string, unknown>> = StandardSchemaWithJSON<T, T> & {
  readonly jsonSchema: JsonSchemaType;
};

/**
 * Wraps a JSON Schema (draft 2020-12 or 07) so a tool can take it as its input: the SDK lists it
 * as given and validates arguments against it with its own JSON Schema validator (Ajv) before
 * the handler runs. For schemas made at run time; prefer zod for tools written by hand.
 */
export function jsonSchema<T = Record<string, unknown>>(schema: JsonSchemaType): JsonSchemaInput<T> {
  if (!schema || typeof schema !== 'object' || (schema as { type?: unknown }).type !== 'object') {
    throw new TypeError('A tool input JSON Schema must be an object schema ({ "type": "object", ... })');
  }
  const standard = fromJsonSchema<T>(schema);
  return Object.freeze(
    Object.assign(Object.create(null), { '~standard': standard['~standard'], jsonSchema: schema }),
  );
}
