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

/**
 * Form body fields (urlencoded, or the text parts of multipart) by each property's `encoding`: style form
 * with explode by default, so arrays repeat the field and objects spread into their own fields.
 */
export function formFields(
  body: Record<string, unknown>,
  encoding: Record<string, any> = {},
): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    const e = encoding[k] ?? {};
    const style = typeof e.style === 'string' ? e.style : 'form';
    const p: OperationParameter = {
      name: k,
      in: 'query',
      required: false,
      deprecated: false,
      schema: {},
      style,
      explode: typeof e.explode === 'boolean' ? e.explode : style === 'form',
      allowReserved: true,
    };
    for (const pair of serializeQuery(p, v)) {
      const at = pair.indexOf('=');
      out.push([decodeURIComponent(pair.slice(0, at)), decodeURIComponent(pair.slice(at + 1))]);
    }
  }
  return out;
}

/** Multipart parts: objects (and arrays of objects) as JSON parts unless `encoding` gives a style. */
export function multipartForm(
  body: Record<string, unknown>,
  encoding: Record<string, any> = {},
): { form: FormData; bytes: number } {
  const form = new FormData();
  let bytes = 0;
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    const e = encoding[k] ?? {};
    const complex =
      v !== null &&
      typeof v === 'object' &&
      (!Array.isArray(v) || v.some((i) => i !== null && typeof i === 'object'));
    if (typeof e.style !== 'string' && (complex || String(e.contentType ?? '').includes('json'))) {
      const json = JSON.stringify(v);
      form.append(k, new Blob([json], { type: 'application/json' }), k);
      bytes += Buffer.byteLength(json) + 128;
      continue;
    }
    const fields =
      typeof e.style === 'string'
        ? formFields({ [k]: v }, encoding)
        : Array.isArray(v)
          ? v.map((i) => [k, scalar(i)] as [string, string])
          : [[k, scalar(v)] as [string, string]];
    for (const [name, value] of fields) {
      form.append(name, value);
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 64;
    }
  }
  return { form, bytes };
}
