import { ApiError, formatCount } from '@mcpkit/core';
import type { Operation } from '../operations/types.js';
import type { JsonObject } from '../spec/types.js';
import { cutUtf8, type ReadBody } from './body.js';
import { errorResult, type ResultContent, type ToolResult } from './result.js';

export interface ShapeOptions {
  /** The API's name in error messages (the spec's title). */
  service: string;
  op: Operation;
  url: URL;
  method: string;
  maxResponseBytes: number;
  maxErrorBytes: number;
  drainLimit: number;
  /** What to set, when the call went out without credentials it needed. */
  missingCredentials: string[];
  /** Values that must not reach the model (an API that echoes a header would leak it). */
  secrets: string[];
  /** Query parameters that carried credentials: never in a link handed back. */
  credentialQueryNames: string[];
  checkResponse?: (status: number, value: unknown) => boolean;
  read: (response: Response, keep: number, drainLimit: number) => Promise<ReadBody>;
}

const PAGING =
  /^(page|per_?page|page_?size|limit|offset|cursor|after|before|max_?results|size|count|top|skip)$/i;

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

function isText(type: string): boolean {
  return (
    type.startsWith('text/') ||
    isJson(type) ||
    type.endsWith('+xml') ||
    [
      'application/xml',
      'application/yaml',
      'application/x-yaml',
      'application/javascript',
      'application/x-www-form-urlencoded',
      'application/graphql',
      'application/x-ndjson',
      'application/csv',
    ].includes(type)
  );
}

function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 1024);
  return !sample.includes(0) && !sample.toString('utf8').includes('\uFFFD');
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : undefined;
}

/** A hint that names the operation's paging parameters, when it has some. */
function narrowHint(op: Operation): string {
  const paging = op.parameters
    .filter((p) => p.in === 'query' && PAGING.test(p.name.replace(/^[_$]+/, '')))
    .map((p) => p.name);
  return paging.length > 0
    ? `use ${paging.slice(0, 4).join(', ')} to fetch less at a time`
    : 'narrow the request (filters, a smaller page) to fetch less';
}

/** The answer as a tool result: JSON structured when it matches the 2xx schema, text cut, binary a link. */
export async function shapeResponse(response: Response, o: ShapeOptions): Promise<ToolResult> {
  const status = response.status;
  const ok = status >= 200 && status < 300;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const label = `${o.method} ${o.op.path.split('#')[0]}`;

  if (!ok) {
    const read = await o.read(response, o.maxErrorBytes, o.drainLimit);
    let body = read.total > 0 ? cutUtf8(read.bytes, o.maxErrorBytes).trim() : '';
    if (body && read.total > o.maxErrorBytes) body += ` [cut: ${formatCount(read.total)} bytes in all]`;
    let hint: string | undefined;
    if ((status === 401 || status === 403) && o.missingCredentials.length > 0) {
      const needs = o.missingCredentials.join('; or ');
      hint = `the request went without credentials: set ${needs} in the server's environment`;
    }
    const retry = retryAfter(response.headers.get('retry-after'));
    // Core's ApiError words every server's API failures the same way and redacts secrets.
    const failure = new ApiError(
      {
        service: o.service,
        status,
        message: `${label}: ${body || response.statusText || 'no body'}`,
        ...(hint ? { hint } : {}),
        ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
      },
      o.secrets,
    );
    return errorResult(redact(failure.message, o.secrets));
  }

  if (o.method === 'HEAD' || status === 204 || status === 205) {
    await response.body?.cancel().catch(() => {});
    const length = response.headers.get('content-length');
    return {
      content: [
        { type: 'text', text: `HTTP ${status} from ${label}${length ? ` (content-length ${length})` : ''}.` },
      ],
      structuredContent: { status, ...(length ? { contentLength: Number(length) } : {}) },
    };
  }

  const read = await o.read(response, o.maxResponseBytes + 1, o.drainLimit);
  const total = read.complete ? formatCount(read.total) : `more than ${formatCount(read.total)}`;
  if (read.total === 0)
    return { content: [{ type: 'text', text: `HTTP ${status} from ${label}: empty body.` }] };

  if (!isText(type) && !(type === '' && looksLikeText(read.bytes))) {
    // Binary: never base64 into the model's context; say what it is and where it is.
    const link = new URL(o.url.href);
    for (const name of o.credentialQueryNames) link.searchParams.delete(name);
    const content: ResultContent[] = [
      {
        type: 'text',
        text: `HTTP ${status} from ${label}: ${type || 'binary'} body of ${total} bytes (not shown).`,
      },
    ];
    if (o.method === 'GET') {
      content.push({
        type: 'resource_link',
        uri: link.href,
        name: link.pathname.split('/').pop() || 'response',
        ...(type ? { mimeType: type } : {}),
        ...(read.complete ? { size: read.total } : {}),
      });
    }
    return {
      content,
      structuredContent: { status, contentType: type, bytes: read.total, complete: read.complete },
    };
  }

  const whole = read.complete && read.total <= o.maxResponseBytes;
  if (whole && isJson(type)) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(read.bytes.toString('utf8'));
      parsed = true;
    } catch {}
    if (parsed) {
      const raw = JSON.stringify(value);
      const text = redact(raw, o.secrets);
      const result: ToolResult = { content: [{ type: 'text', text }] };
      // Structured content is the value itself, so it is given only when no secret had to be cut out.
      if (text === raw && o.checkResponse?.(status, value)) {
        result.structuredContent =
          value !== null && typeof value === 'object' && !Array.isArray(value)
            ? (value as JsonObject)
            : Array.isArray(value)
              ? { items: value }
              : { value };
      }
      return result;
    }
  }
  if (whole) return { content: [{ type: 'text', text: redact(read.bytes.toString('utf8'), o.secrets) }] };
  const shown = cutUtf8(read.bytes, o.maxResponseBytes);
  const note =
    `[truncated: showing the first ${formatCount(Buffer.byteLength(shown))} of ${total} bytes; ` +
    `${narrowHint(o.op)}]`;
  return {
    content: [{ type: 'text', text: `${redact(shown, o.secrets)}\n${note}` }],
    structuredContent: { truncated: true, totalBytes: read.total, shownBytes: Buffer.byteLength(shown) },
  };
}
