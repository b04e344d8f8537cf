import * as z from 'zod';

/*
 * Schemas every host accepts: zod writes `T | null` and unions of plain types as a `type` array
 * (["string","null"]), which hosts that map tool schemas onto a single-`type` dialect (Gemini's
 * OpenAPI subset) reject; and z.unknown() as `{}`, a node that constrains nothing. A described
 * branch keeps zod from merging a union, so these come out as `anyOf` of single types.
 */

/** `T | null` as anyOf [T, null]. */
export function orNull<T extends z.ZodType>(schema: T, meaning = 'none') {
  return z.union([schema, z.null().describe(meaning)]);
}

/** A free-form JSON object: `{"type":"object","additionalProperties":true}`. */
const JsonObject = z.record(z.string(), z.unknown()).meta({ additionalProperties: true });

/** An item of a JSON array: scalars, free-form objects, and arrays (of anything). */
const JSON_ITEM = [
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'null' },
  { type: 'object', additionalProperties: true },
  { type: 'array' },
];

/** Any JSON value, each branch a single type (a row cell: text, number, boolean, null or JSON). */
export const JsonValue = z.union([
  z.string().describe('text'),
  z.number(),
  z.boolean(),
  z.null(),
  JsonObject,
  z.array(z.unknown()).meta({ items: { anyOf: JSON_ITEM } }),
]);
