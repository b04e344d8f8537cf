import { AuthError, type Authenticator, type Credentials } from '../auth/credentials.js';
import type { Operation } from '../operations/types.js';
import type { OperationInput } from '../schema/arguments.js';
import { joinUrl } from './base-url.js';
import { readBounded } from './body.js';
import { errorResult, type ToolResult } from './result.js';
import {
  formFields,
  multipartForm,
  serializeCookie,
  serializeHeader,
  serializePath,
  serializeQuery,
} from './serialize.js';
import { shapeResponse } from './shape.js';

export interface HttpOptions {
  /** Per request, redirects included. Default 30 s. */
  timeoutMs?: number;
  /** Largest request body sent. Default 1 MiB. */
  maxRequestBytes?: number;
  /** Largest response text returned; the rest is cut and its size said. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Largest slice of an error body returned. Default 4 KiB. */
  maxErrorBytes?: number;
  /** Redirects followed. Default 5. */
  maxRedirects?: number;
  /** Extra headers for every request (treated as credentials: configured origin only). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface CallContext {
  /** The API's name in error messages. */
  service: string;
  /** The configured origin's base URL: the only place credentials go. */
  baseUrl: URL;
  /** Where this operation is served from (its own `servers`, else baseUrl). */
  operationBaseUrl: URL;
  authenticator: Authenticator;
  http: HttpOptions;
  signal?: AbortSignal;
  /** Checks a JSON body against the operation's 2xx schema; structured content only when it passes. */
  checkResponse?: (status: number, value: unknown) => boolean;
}

const DRAIN_LIMIT = 64 * 1024 * 1024;

/** The most telling code of a fetch failure: ECONNREFUSED rather than "fetch failed". */
function networkCause(error: unknown): string {
  const cause = (error as any)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? (error as any)?.code;
  return String(code ?? cause?.message ?? (error as Error)?.message ?? 'network error');
}

/** Arguments that cannot make a safe request (said to the model; nothing is sent). */
export class RequestError extends Error {
  override name = 'RequestError';
}
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Prepared {
  url: URL;
  headers: Record<string, string>;
  cookies: string[];
  body?: string | FormData | URLSearchParams;
  bodyBytes: number;
}

/** Turn validated arguments into the parts of an HTTP request (no credentials yet). */
export function prepareRequest(
  op: Operation,
  input: OperationInput,
  args: Record<string, unknown>,
  base: URL,
): Prepared {
  let path = op.path.split('#')[0]!;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const bodyProps: Record<string, unknown> = {};
  let wholeBody: unknown;
  let hasBody = false;
  for (const b of input.bindings) {
    const value = args[b.argument];
    if (value === undefined) continue;
    const p = b.parameter;
    if (b.location === 'path' && p) path = path.split(`{${p.name}}`).join(serializePath(p, value));
    else if (b.location === 'query' && p) query.push(...serializeQuery(p, value));
    else if (b.location === 'header' && p) {
      const header = serializeHeader(p, value);
      if (/[\r\n\0]/.test(header)) throw new RequestError(`header "${b.argument}" cannot hold line breaks`);
      headers[p.name.toLowerCase()] = header;
    } else if (b.location === 'cookie' && p) cookies.push(...serializeCookie(p, value));
    else if (b.location === 'body') {
      hasBody = true;
      if (b.name === '') wholeBody = value;
      else bodyProps[b.name] = value;
    }
  }
  // A "." or ".." segment made of an argument would move the request to another path of the API.
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new RequestError('a path parameter cannot be "." or ".."');
  }
  const url = joinUrl(base, path);
  if (query.length > 0) url.search = url.search ? `${url.search}&${query.join('&')}` : `?${query.join('&')}`;

  let body: Prepared['body'];
  let bodyBytes = 0;
  if (op.body && (hasBody || op.body.required)) {
    const value = input.bodyMode === 'whole' ? wholeBody : bodyProps;
    const type = op.body.contentType;
    if (type === 'application/x-www-form-urlencoded' && value && typeof value === 'object') {
      body = new URLSearchParams(formFields(value as Record<string, unknown>, op.body.encoding));
      bodyBytes = Buffer.byteLength(body.toString());
    } else if (type === 'multipart/form-data' && value && typeof value === 'object') {
      const multipart = multipartForm(value as Record<string, unknown>, op.body.encoding);
      body = multipart.form;
      bodyBytes = multipart.bytes;
    } else if (type.includes('json')) {
      body = JSON.stringify(value ?? {});
      bodyBytes = Buffer.byteLength(body);
      headers['content-type'] = type;
    } else {
      body = typeof value === 'string' ? value : JSON.stringify(value ?? '');
      bodyBytes = Buffer.byteLength(body);
      headers['content-type'] = type;
    }
  }
  return { url, headers, cookies, ...(body !== undefined ? { body } : {}), bodyBytes };
}

/** What to ask for: JSON, unless the operation only ever answers in other types. */
function acceptFor(op: Operation): string {
  const types = new Set<string>();
  for (const [status, response] of Object.entries(op.responses)) {
    if (!/^2/.test(status) && status !== 'default') continue;
    const content = (response as any)?.content;
    if (content && typeof content === 'object')
      for (const t of Object.keys(content)) types.add(t.toLowerCase());
  }
  if (types.size === 0 || [...types].some((t) => t.includes('json'))) return 'application/json';
  return `${[...types].slice(0, 5).join(', ')}, application/json;q=0.9, */*;q=0.1`;
}

/** Send an operation's request and shape the answer as a tool result. */
export async function execute(
  op: Operation,
  input: OperationInput,
  args: Record<string, unknown>,
  ctx: CallContext,
): Promise<ToolResult> {
  const http = ctx.http;
  let prepared: Prepared;
  try {
    prepared = prepareRequest(op, input, args, ctx.operationBaseUrl);
  } catch (error) {
    if (error instanceof RequestError) return errorResult(`${op.key}: ${error.message}; nothing was sent.`);
    throw error;
  }
  const maxRequest = http.maxRequestBytes ?? 1024 * 1024;
  if (prepared.bodyBytes > maxRequest) {
    return errorResult(
      `The request body is ${prepared.bodyBytes} bytes, over the ${maxRequest}-byte cap; send less.`,
    );
  }
  const timeoutMs = http.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;

  let credentials: Credentials;
  let missing: string[];
  try {
    ({ credentials, missing } = await ctx.authenticator.resolve(op.security, ctx.baseUrl, signal));
  } catch (error) {
    if (error instanceof AuthError) return errorResult(error.message);
    throw error;
  }
  const configured = http.headers ?? {};
  const secrets = [...credentials.secrets, ...Object.values(configured).filter((v) => v.length >= 4)];

  let url = prepared.url;
  let method = op.method.toUpperCase();
  let body = prepared.body;
  let response: Response | undefined;
  for (let hop = 0; ; hop++) {
    // Credentials and configured headers go only to the configured origin, on the first hop and on any
    // redirect that stays there; never to another origin.
    const trusted = url.origin === ctx.baseUrl.origin;
    const headers: Record<string, string> = {
      accept: acceptFor(op),
      'user-agent': http.userAgent ?? 'mcpkit-openapi',
      ...prepared.headers,
    };
    const target = new URL(url.href);
    const cookies = [...prepared.cookies];
    if (trusted) {
      for (const [k, v] of Object.entries(configured)) headers[k.toLowerCase()] = v;
      Object.assign(headers, credentials.headers);
      for (const [k, v] of credentials.query) target.searchParams.append(k, v);
      for (const [k, v] of credentials.cookies) cookies.push(`${k}=${encodeURIComponent(v)}`);
    }
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    if (body === undefined) delete headers['content-type'];
    try {
      response = await (http.fetch ?? fetch)(target, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (timeout.aborted) {
        return errorResult(`${op.key}: the API did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      }
      if (ctx.signal?.aborted) return errorResult(`${op.key}: cancelled.`);
      const cause = networkCause(error);
      const unreachable = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/.test(
        String(cause),
      );
      return errorResult(
        `${op.key}: ${unreachable ? 'could not reach' : 'the connection failed to'} ${url.origin} ` +
          `(${cause.slice(0, 200)}).`,
      );
    }
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location) break;
    await response.body?.cancel().catch(() => {});
    if (hop >= (http.maxRedirects ?? 5))
      return errorResult(`${op.key}: too many redirects (last to ${location.slice(0, 200)}).`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return errorResult(`${op.key}: the API redirected to an invalid URL.`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return errorResult(`${op.key}: the API redirected to a ${next.protocol} URL; not followed.`);
    }
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      delete prepared.headers['content-type'];
    }
    url = next;
  }

  try {
    return await shapeResponse(response, {
      service: ctx.service,
      op,
      url,
      method,
      maxResponseBytes: http.maxResponseBytes ?? 64 * 1024,
      maxErrorBytes: http.maxErrorBytes ?? 4 * 1024,
      drainLimit: DRAIN_LIMIT,
      missingCredentials: missing,
      secrets,
      credentialQueryNames: credentials.query.map(([k]) => k),
      ...(ctx.checkResponse ? { checkResponse: ctx.checkResponse } : {}),
      read: readBounded,
    });
  } catch (error) {
    // The body stopped coming: the time ran out, the caller cancelled, or the connection broke.
    if (timeout.aborted)
      return errorResult(`${op.key}: the answer did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    if (ctx.signal?.aborted) return errorResult(`${op.key}: cancelled.`);
    const cause = networkCause(error);
    return errorResult(`${op.key}: the answer broke off (${String(cause).slice(0, 200)}).`);
  }
}
