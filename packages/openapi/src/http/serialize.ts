import type { OperationParameter } from '../operations/types.js';

/** Parameter serialisation by OpenAPI `style` and `explode` (RFC 6570 flavoured). */

type Scalar = string | number | boolean | null;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

export function encode(value: string, allowReserved = false): string {
  if (!allowReserved) return encodeURIComponent(value);
  let out = '';
  for (const ch of value) out += RESERVED.test(ch) ? ch : encodeURIComponent(ch);
  return out;
}

function entries(value: unknown): [string, Scalar | unknown][] {
  return Object.entries(value as Record<string, unknown>);
}

/** The path segment for a path parameter, already percent-encoded. */
export function serializePath(p: OperationParameter, value: unknown): string {
  if (p.contentType) return encode(JSON.stringify(value));
  const e = (v: unknown) => encode(scalar(v));
  const { style, explode, name } = p;
  if (Array.isArray(value)) {
    if (style === 'label') return `.${value.map(e).join(explode ? '.' : ',')}`;
    if (style === 'matrix') {
      return explode ? value.map((v) => `;${name}=${e(v)}`).join('') : `;${name}=${value.map(e).join(',')}`;
    }
    return value.map(e).join(',');
  }
  if (value !== null && typeof value === 'object') {
    const pairs = entries(value);
    if (style === 'label') {
      return explode
        ? pairs.map(([k, v]) => `.${e(k)}=${e(v)}`).join('')
        : `.${pairs.flat().map(e).join(',')}`;
    }
    if (style === 'matrix') {
      return explode
        ? pairs.map(([k, v]) => `;${e(k)}=${e(v)}`).join('')
        : `;${name}=${pairs.flat().map(e).join(',')}`;
    }
    return explode ? pairs.map(([k, v]) => `${e(k)}=${e(v)}`).join(',') : pairs.flat().map(e).join(',');
  }
  if (style === 'label') return `.${e(value)}`;
  if (style === 'matrix') return `;${name}=${e(value)}`;
  return e(value);
}

/** `name=value` pairs (encoded) for a query parameter. */
export function serializeQuery(p: OperationParameter, value: unknown): string[] {
  const e = (v: unknown) => encode(scalar(v), p.allowReserved);
  const n = encode(p.name);
  if (p.contentType) return [`${n}=${encode(JSON.stringify(value))}`];
  if (Array.isArray(value)) {
    if (p.style === 'spaceDelimited') return [`${n}=${value.map(e).join('%20')}`];
    if (p.style === 'pipeDelimited') return [`${n}=${value.map(e).join('|')}`];
    return p.explode ? value.map((v) => `${n}=${e(v)}`) : [`${n}=${value.map(e).join(',')}`];
  }
  if (value !== null && typeof value === 'object') {
    const pairs = entries(value);
    if (p.style === 'deepObject') return pairs.map(([k, v]) => `${n}%5B${encode(k)}%5D=${e(v)}`);
    if (p.style === 'spaceDelimited') return [`${n}=${pairs.flat().map(e).join('%20')}`];
    if (p.style === 'pipeDelimited') return [`${n}=${pairs.flat().map(e).join('|')}`];
    return p.explode
      ? pairs.map(([k, v]) => `${encode(k)}=${e(v)}`)
      : [`${n}=${pairs.flat().map(e).join(',')}`];
  }
  return [`${n}=${e(value)}`];
}

/** A header parameter's value (style simple). */
export function serializeHeader(p: OperationParameter, value: unknown): string {
  if (p.contentType) return JSON.stringify(value);
  if (Array.isArray(value)) return value.map(scalar).join(',');
  if (value !== null && typeof value === 'object') {
    const pairs = entries(value);
    return p.explode
      ? pairs.map(([k, v]) => `${k}=${scalar(v)}`).join(',')
      : pairs.flat().map(scalar).join(',');
  }
  return scalar(value);
}

/** `name=value` cookie pairs for a cookie parameter (style form). */
export function serializeCookie(p: OperationParameter, value: unknown): string[] {
  const e = (v: unknown) => encode(scalar(v));
  if (p.contentType) return [`${p.name}=${encode(JSON.stringify(value))}`];
  if (Array.isArray(value)) {
    return p.explode ? value.map((v) => `${p.name}=${e(v)}`) : [`${p.name}=${value.map(e).join(',')}`];
  }
  if (value !== null && typeof value === 'object') {
    const pairs = entries(value);
    return p.explode ? pairs.map(([k, v]) => `${k}=${e(v)}`) : [`${p.name}=${pairs.flat().map(e).join(',')}`];
  }
  return [`${p.name}=${e(value)}`];
}

/** A form body field: arrays repeat the field, objects go as JSON text. */
export function formFields(body: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) out.push([k, scalar(item)]);
    else out.push([k, scalar(v)]);
  }
  return out;
}
