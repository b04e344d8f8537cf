import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Drive's own discovery document (a copy of ../shared/contracts/google-drive-v3.discovery.json,
 * see test/contract/README.md): the stand-in routes, checks parameters and validates every JSON
 * answer against it, so the stand-in cannot drift from the real API unnoticed.
 */

export interface DiscoveryParameter {
  type: 'string' | 'boolean' | 'integer' | 'number';
  location: 'query' | 'path';
  required?: boolean;
  minimum?: string;
  maximum?: string;
  enum?: string[];
  repeated?: boolean;
  default?: string;
}

export interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters?: Record<string, DiscoveryParameter>;
  response?: { $ref: string };
  request?: { $ref: string };
  supportsMediaDownload?: boolean;
  supportsMediaUpload?: boolean;
  mediaUpload?: { protocols: { simple?: { path: string } } };
}

interface DiscoverySchema {
  type?: string;
  $ref?: string;
  format?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
  enum?: string[];
}

export interface Discovery {
  rootUrl: string;
  servicePath: string;
  parameters: Record<string, DiscoveryParameter>;
  resources: Record<string, { methods: Record<string, DiscoveryMethod> }>;
  schemas: Record<string, DiscoverySchema & { id: string }>;
}

export const DISCOVERY_URL = new URL('../contract/google-drive-v3.discovery.json', import.meta.url);

let cached: Discovery | undefined;

export function loadDiscovery(): Discovery {
  cached ??= JSON.parse(readFileSync(DISCOVERY_URL, 'utf8')) as Discovery;
  return cached;
}

/** A method by its discovery id, e.g. `drive.files.list`. */
export function discoveryMethod(id: string): DiscoveryMethod {
  const [, resource, name] = id.split('.');
  const method = loadDiscovery().resources[resource!]?.methods[name!];
  if (!method) throw new Error(`${id} is not in Drive's discovery document`);
  return method;
}

/** The schema of a named type, for walking `fields` selections. */
export function discoverySchema(name: string): DiscoverySchema | undefined {
  return loadDiscovery().schemas[name];
}

/** The properties an object schema (or a $ref to one) declares; undefined for maps and scalars. */
export function schemaProperties(
  schema: DiscoverySchema | undefined,
): Record<string, DiscoverySchema> | undefined {
  const resolved = schema?.$ref ? discoverySchema(schema.$ref) : schema;
  if (!resolved) return undefined;
  if (resolved.type === 'array') return schemaProperties(resolved.items);
  return resolved.properties;
}

// Discovery schemas -> JSON Schema. Strict: a property the document does not declare is an error
// (a misspelt field would otherwise pass), int64 values are decimal strings as Google sends them.
function toJsonSchema(schema: DiscoverySchema): Record<string, unknown> {
  if (schema.$ref) return { $ref: `#/definitions/${schema.$ref}` };
  const out: Record<string, unknown> = {};
  switch (schema.type) {
    case 'object': {
      out.type = 'object';
      if (schema.properties) {
        out.properties = Object.fromEntries(
          Object.entries(schema.properties).map(([key, value]) => [key, toJsonSchema(value)]),
        );
      }
      out.additionalProperties = schema.additionalProperties
        ? toJsonSchema(schema.additionalProperties)
        : !schema.properties;
      break;
    }
    case 'array':
      out.type = 'array';
      if (schema.items) out.items = toJsonSchema(schema.items);
      break;
    case 'string':
      out.type = 'string';
      if (schema.format === 'int64' || schema.format === 'uint64') out.pattern = '^-?[0-9]+$';
      if (schema.format === 'date-time') out.format = 'date-time';
      if (schema.enum) out.enum = schema.enum;
      break;
    case 'integer':
    case 'number':
    case 'boolean':
      out.type = schema.type;
      break;
    default:
      break; // 'any'
  }
  return out;
}

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** A validator of a discovery schema by name (`FileList`, `File`, ...), compiled once. */
export function responseValidator(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (validate) return validate;
  if (!ajv) {
    const definitions = Object.fromEntries(
      Object.entries(loadDiscovery().schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
    );
    ajv = new Ajv({ allErrors: true, strict: false });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    ajv.addSchema({ $id: 'drive', definitions });
  }
  validate = ajv.getSchema(`drive#/definitions/${schemaName}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the discovery document`);
  validators.set(schemaName, validate);
  return validate;
}

/** The errors of a body against a method's declared response, as short strings (empty when valid). */
export function checkResponse(methodId: string, body: unknown): string[] {
  const ref = discoveryMethod(methodId).response?.$ref;
  if (!ref) return [];
  const validate = responseValidator(ref);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : ''}`,
  );
}
