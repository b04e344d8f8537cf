import { encodeSegment, resolvePointer } from '../spec/pointer.js';
import type { JsonObject } from '../spec/types.js';

/**
 * OpenAPI schemas -> JSON Schema 2020-12, one operation at a time. `$ref`s stay references: each
 * referenced schema is converted once into `$defs` (only those reachable from the operation), so
 * circular schemas stay finite and a large spec is never dereferenced whole.
 */
export interface ConvertOptions {
  /** `input`: readOnly properties (and deprecated optional ones) are left out; `output`: kept. */
  direction: 'input' | 'output';
  /** Descriptions longer than this are cut; 0 drops them. Default 300. */
  descriptionMax?: number;
  /** Keep `title`. Default true. */
  titles?: boolean;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
const NUMBER_KEYS = ['multipleOf', 'maximum', 'minimum'] as const;
const COUNT_KEYS = [
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'maxContains',
  'minContains',
] as const;
const SCHEMA_KEYS = ['not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedItems'] as const;
const SCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_MAP_KEYS = ['patternProperties', 'dependentSchemas'] as const;
const PASS_KEYS = [
  'default',
  'const',
  'uniqueItems',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
] as const;
const MAX_DEPTH = 64;

export class SchemaConverter {
  readonly defs: Record<string, unknown> = {};
  readonly formats = new Set<string>();
  private readonly keys = new Map<string, string>();
  private readonly descriptionMax: number;
  private readonly titles: boolean;

  constructor(
    private readonly document: JsonObject,
    private readonly options: ConvertOptions,
  ) {
    this.descriptionMax = options.descriptionMax ?? 300;
    this.titles = options.titles ?? true;
  }

  /** Whether the (possibly referenced) schema is a readOnly one: such properties are not inputs. */
  isReadOnly(schema: unknown): boolean {
    const target = this.follow(schema);
    return Boolean(target && target.readOnly === true);
  }

  /** Follow `$ref`s to the schema object they name. */
  follow(schema: unknown, depth = 0): JsonObject | undefined {
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
    const ref = (schema as JsonObject).$ref;
    if (typeof ref !== 'string') return schema as JsonObject;
    if (depth > 20) return undefined;
    return this.follow(resolvePointer(this.document, ref), depth + 1);
  }

  description(text: unknown): string | undefined {
    if (typeof text !== 'string' || this.descriptionMax <= 0) return undefined;
    const trimmed = text.trim();
    if (!trimmed) return undefined;
    if (trimmed.length <= this.descriptionMax) return trimmed;
    return `${trimmed.slice(0, this.descriptionMax - 1)}…`;
  }

  convert(schema: unknown, depth = 0): unknown {
    if (schema === true || schema === false) return schema;
    if (!schema || typeof schema !== 'object' || Array.isArray(schema) || depth > MAX_DEPTH) return {};
    const s = schema as JsonObject;
    const out: JsonObject = {};

    if (typeof s.$ref === 'string') {
      const key = this.defFor(s.$ref);
      if (key === undefined) return { description: 'unresolved reference' };
      out.$ref = `#/$defs/${encodeSegment(key)}`;
      const description = this.description(s.description);
      if (description) out.description = description;
      return out;
    }

    let types = Array.isArray(s.type) ? [...s.type] : typeof s.type === 'string' ? [s.type] : [];
    types = types.map((t) => (t === 'file' ? 'string' : t)).filter((t) => TYPES.has(t));
    // OpenAPI 3.0's `nullable` is a type that also allows null.
    if (s.nullable === true && types.length > 0 && !types.includes('null')) types.push('null');
    if (types.length === 1) out.type = types[0];
    else if (types.length > 1) out.type = [...new Set(types)];

    if (this.titles && typeof s.title === 'string' && s.title.length <= 120) out.title = s.title;
    const description = this.description(s.description);
    if (description) out.description = description;
    if (s.deprecated === true) out.deprecated = true;
    if (s.readOnly === true && this.options.direction === 'output') out.readOnly = true;

    if (Array.isArray(s.enum) && s.enum.length > 0) {
      out.enum = s.nullable === true && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
    }
    for (const key of PASS_KEYS) if (s[key] !== undefined) out[key] = s[key];
    if (typeof out.uniqueItems !== 'boolean') delete out.uniqueItems;
    if (typeof out.writeOnly !== 'boolean') delete out.writeOnly;
    for (const key of NUMBER_KEYS) if (typeof s[key] === 'number') out[key] = s[key];
    if (typeof out.multipleOf === 'number' && out.multipleOf <= 0) delete out.multipleOf;
    for (const key of COUNT_KEYS) if (Number.isInteger(s[key]) && s[key] >= 0) out[key] = s[key];
    // 3.0 writes exclusive bounds as booleans beside minimum/maximum; 2020-12 as numbers.
    for (const [ex, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof s[ex] === 'number') out[ex] = s[ex];
      else if (s[ex] === true && typeof s[bound] === 'number') {
        out[ex] = s[bound];
        delete out[bound];
      }
    }
    if (typeof s.pattern === 'string' && validPattern(s.pattern)) out.pattern = s.pattern;
    if (typeof s.format === 'string' && s.format) {
      out.format = s.format;
      this.formats.add(s.format);
    }
    if (Array.isArray(s.required)) {
      const required = [...new Set(s.required.filter((r: unknown): r is string => typeof r === 'string'))];
      if (required.length > 0) out.required = required;
    }
    if (s.dependentRequired && typeof s.dependentRequired === 'object')
      out.dependentRequired = s.dependentRequired;

    if (s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties)) {
      const properties: JsonObject = {};
      for (const [name, prop] of Object.entries(s.properties as JsonObject)) {
        if (this.options.direction === 'input' && this.isReadOnly(prop)) continue;
        properties[name] = this.convert(prop, depth + 1);
      }
      out.properties = properties;
      if (Array.isArray(out.required)) {
        // A required readOnly property is one the server fills: it is not the caller's to send.
        out.required = (out.required as string[]).filter(
          (r) => Object.hasOwn(properties, r) || !Object.hasOwn(s.properties, r),
        );
        if ((out.required as string[]).length === 0) delete out.required;
      }
    }
    if (s.additionalProperties !== undefined) {
      out.additionalProperties = this.convert(s.additionalProperties, depth + 1);
    }
    if (Array.isArray(s.items)) out.prefixItems = s.items.map((i: unknown) => this.convert(i, depth + 1));
    else if (s.items !== undefined) out.items = this.convert(s.items, depth + 1);
    for (const key of SCHEMA_KEYS) if (s[key] !== undefined) out[key] = this.convert(s[key], depth + 1);
    if (s.unevaluatedProperties !== undefined) {
      out.unevaluatedProperties = this.convert(s.unevaluatedProperties, depth + 1);
    }
    for (const key of SCHEMA_LIST_KEYS) {
      if (Array.isArray(s[key]) && s[key].length > 0)
        out[key] = s[key].map((i: unknown) => this.convert(i, depth + 1));
    }
    for (const key of SCHEMA_MAP_KEYS) {
      if (s[key] && typeof s[key] === 'object' && !Array.isArray(s[key])) {
        const map: JsonObject = {};
        for (const [name, sub] of Object.entries(s[key] as JsonObject)) {
          if (key === 'patternProperties' && !validPattern(name)) continue;
          map[name] = this.convert(sub, depth + 1);
        }
        out[key] = map;
      }
    }
    return out;
  }

  /** The `$defs` key for a reference, converting its target on first use. */
  private defFor(ref: string): string | undefined {
    const known = this.keys.get(ref);
    if (known !== undefined) return known;
    const target = resolvePointer(this.document, ref);
    if (target === undefined) return undefined;
    const key = this.uniqueKey(ref);
    this.keys.set(ref, key);
    this.defs[key] = {}; // placeholder: a schema that refers to itself finds its key already taken
    this.defs[key] = this.convert(target);
    return key;
  }

  private uniqueKey(ref: string): string {
    const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
    const raw = match
      ? decodeURIComponent(match[1]!).replace(/~1/g, '/').replace(/~0/g, '~')
      : ref.replace(/^#\//, '').replace(/~1/g, '_').replace(/~0/g, '_').replace(/\//g, '_');
    const base = raw.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 100) || 'schema';
    let key = base;
    for (let n = 2; Object.hasOwn(this.defs, key); n++) key = `${base}_${n}`;
    return key;
  }
}

const patternCache = new Map<string, boolean>();

/** Patterns Ajv compiles (unicode mode); ones a JavaScript engine rejects are dropped, not served broken. */
export function validPattern(pattern: string): boolean {
  let ok = patternCache.get(pattern);
  if (ok === undefined) {
    try {
      new RegExp(pattern, 'u');
      ok = true;
    } catch {
      ok = false;
    }
    if (patternCache.size < 10_000) patternCache.set(pattern, ok);
  }
  return ok;
}
