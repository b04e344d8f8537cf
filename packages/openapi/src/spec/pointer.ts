import type { JsonObject } from './types.js';

/** Decode one JSON Pointer segment (RFC 6901) after URI-decoding the fragment. */
function decodeSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

export function encodeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const cache = new WeakMap<JsonObject, Map<string, unknown>>();

/** The value a local `#/...` reference points at, or undefined (memoised per document: specs reuse refs). */
export function resolvePointer(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let known = cache.get(document);
  if (!known) {
    known = new Map();
    cache.set(document, known);
  }
  if (known.has(ref)) return known.get(ref);
  const value = walk(document, ref);
  known.set(ref, value);
  return value;
}

function walk(document: JsonObject, ref: string): unknown {
  const path = ref.slice(1);
  if (path === '') return document;
  if (!path.startsWith('/')) return undefined;
  let node: any = document;
  for (const raw of path.slice(1).split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    const key = decodeSegment(raw);
    node = Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return node;
}

/** Follow a chain of `$ref` objects (parameters, bodies, responses) to the object they name. */
export function deref<T = JsonObject>(document: JsonObject, value: unknown, depth = 0): T | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = (value as JsonObject).$ref;
  if (typeof ref !== 'string') return value as T;
  if (depth > 20) return undefined;
  return deref<T>(document, resolvePointer(document, ref), depth + 1);
}
