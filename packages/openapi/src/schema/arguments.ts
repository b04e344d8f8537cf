import type { Operation, OperationParameter, ParameterLocation } from '../operations/types.js';
import type { JsonObject } from '../spec/types.js';
import { type ConvertOptions, SchemaConverter } from './convert.js';

/** Where one argument of a tool goes in the request. */
export interface ArgumentBinding {
  argument: string;
  location: ParameterLocation | 'body';
  /** The parameter's or body property's name on the wire; empty for a whole body. */
  name: string;
  parameter?: OperationParameter;
}

export interface OperationInput {
  /** One JSON Schema 2020-12 object for all of the operation's inputs. */
  schema: JsonObject;
  bindings: ArgumentBinding[];
  /** `properties`: the body is an object assembled from arguments; `whole`: the `body` argument is it. */
  bodyMode?: 'properties' | 'whole';
  /** Formats the schema uses (a validator must know them). */
  formats: Set<string>;
  /** What was left out to keep the schema under its size cap. */
  omitted: string[];
}

export interface InputOptions {
  /** Parameters that carry credentials (an apiKey scheme's), as `in:name`; never arguments. */
  credentialParameters?: Set<string>;
  includeDeprecated?: boolean;
  /** Largest schema, as JSON bytes. Default 100 KB (hosts and models choke on more). */
  maxSchemaBytes?: number;
  descriptionMax?: number;
}

/** Header parameters OpenAPI says to ignore: the client sets them. */
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const ARGUMENT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_MAX_SCHEMA_BYTES = 100_000;

export function credentialKey(location: string, name: string): string {
  return `${location}:${location === 'header' ? name.toLowerCase() : name}`;
}

/** Build an operation's input schema; it shrinks descriptions, then definitions, to fit the size cap. */
export function buildOperationInput(
  document: JsonObject,
  op: Operation,
  options: InputOptions = {},
): OperationInput {
  const max = options.maxSchemaBytes ?? DEFAULT_MAX_SCHEMA_BYTES;
  let input = build(document, op, options, {
    direction: 'input',
    descriptionMax: options.descriptionMax ?? 300,
  });
  if (size(input.schema) <= max) return input;
  input = build(document, op, options, { direction: 'input', descriptionMax: 80, titles: false });
  if (size(input.schema) <= max) return input;
  input = build(document, op, options, { direction: 'input', descriptionMax: 0, titles: false });
  const defs = input.schema.$defs as JsonObject | undefined;
  if (defs) {
    // Still too big: loosen the largest definitions to "any value" until it fits; the upstream validates.
    const bySize = Object.keys(defs).sort((a, b) => size(defs[b]) - size(defs[a]));
    for (const key of bySize) {
      if (size(input.schema) <= max) break;
      defs[key] = { description: 'Not described here (too large); see the API documentation.' };
      input.omitted.push(key);
    }
  }
  return input;
}

function size(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

function sanitizeArgument(name: string): string {
  if (ARGUMENT_NAME.test(name)) return name;
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64) || 'arg';
}

interface Candidate {
  base: string;
  location: ParameterLocation | 'body';
  name: string;
  parameter?: OperationParameter;
  schema: unknown;
  required: boolean;
}

function build(
  document: JsonObject,
  op: Operation,
  options: InputOptions,
  convert: ConvertOptions,
): OperationInput {
  const converter = new SchemaConverter(document, convert);
  const candidates: Candidate[] = [];
  for (const p of op.parameters) {
    if (p.in === 'header' && RESERVED_HEADERS.has(p.name.toLowerCase())) continue;
    if (options.credentialParameters?.has(credentialKey(p.in, p.name))) continue;
    if (p.deprecated && !p.required && !options.includeDeprecated) continue;
    const schema = converter.convert(p.schema) as JsonObject;
    const description = converter.description(p.description);
    const merged = description && typeof schema === 'object' ? { ...schema, description } : schema;
    candidates.push({
      base: sanitizeArgument(p.name),
      location: p.in,
      name: p.name,
      parameter: p,
      schema: p.in === 'path' && Object.keys(merged).length === 0 ? { type: 'string' } : merged,
      required: p.required,
    });
  }

  let bodyMode: OperationInput['bodyMode'];
  if (op.body) {
    const shape = objectShape(converter, op.body.schema);
    if (shape && Object.keys(shape.properties).length > 0) {
      bodyMode = 'properties';
      for (const [name, prop] of Object.entries(shape.properties)) {
        if (converter.isReadOnly(prop)) continue;
        const required = op.body.required && shape.required.has(name);
        if (!required && converter.follow(prop)?.deprecated === true && !options.includeDeprecated) continue;
        candidates.push({
          base: sanitizeArgument(name),
          location: 'body',
          name,
          schema: converter.convert(prop),
          required,
        });
      }
    } else {
      bodyMode = 'whole';
      const schema = converter.convert(op.body.schema) as JsonObject;
      const description = converter.description(op.body.description);
      candidates.push({
        base: 'body',
        location: 'body',
        name: '',
        schema: description && !schema.description ? { ...schema, description } : schema,
        required: op.body.required,
      });
    }
  }

  // Names used by more than one input get their location as a suffix (`id__path`, `id__body`).
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(c.base, (counts.get(c.base) ?? 0) + 1);
  const properties: JsonObject = {};
  const required: string[] = [];
  const bindings: ArgumentBinding[] = [];
  for (const c of candidates) {
    let argument = (counts.get(c.base) ?? 0) > 1 ? `${c.base.slice(0, 56)}__${c.location}` : c.base;
    for (let n = 2; Object.hasOwn(properties, argument); n++) argument = `${argument.slice(0, 60)}_${n}`;
    properties[argument] = c.schema;
    if (c.required) required.push(argument);
    bindings.push({
      argument,
      location: c.location,
      name: c.name,
      ...(c.parameter ? { parameter: c.parameter } : {}),
    });
  }

  const schema: JsonObject = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  schema.additionalProperties = false;
  if (Object.keys(converter.defs).length > 0) schema.$defs = converter.defs;
  return { schema, bindings, ...(bodyMode ? { bodyMode } : {}), formats: converter.formats, omitted: [] };
}

/**
 * The top-level properties of an object body (following `$ref`s and merging `allOf`), or undefined when
 * the body is not a plain object with named properties (an array, a scalar, a oneOf, a free-form map).
 */
function objectShape(
  converter: SchemaConverter,
  schema: unknown,
  depth = 0,
): { properties: JsonObject; required: Set<string> } | undefined {
  const s = converter.follow(schema);
  if (!s || depth > 10) return undefined;
  if (s.oneOf || s.anyOf || s.not) return undefined;
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (types.length > 0 && !(types.length === 1 && types[0] === 'object')) return undefined;
  const properties: JsonObject = {};
  const required = new Set<string>();
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const shape = objectShape(converter, part, depth + 1);
      if (!shape) return undefined;
      Object.assign(properties, shape.properties);
      for (const r of shape.required) required.add(r);
    }
  }
  if (s.properties && typeof s.properties === 'object') Object.assign(properties, s.properties);
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') required.add(r);
  if (types.length === 0 && !s.properties && !s.allOf) return undefined;
  return { properties, required };
}
