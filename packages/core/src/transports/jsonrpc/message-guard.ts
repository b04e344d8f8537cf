/**
 * The JSON-RPC 2.0 checks both transports run on what a client sends before the SDK sees it: stdio
 * per line, HTTP per POST body. One set of rules, so a malformed message gets the same answer on both.
 */
import type { JSONRPCErrorResponse, JSONRPCMessage, RequestId } from '@modelcontextprotocol/server';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

export type Inspection = { ok: true; message: JSONRPCMessage } | { ok: false; reply: JSONRPCErrorResponse };

export interface GuardLimits {
  maxDepth: number;
  /** Longest string id accepted (a huge id is echoed back in every reply). */
  maxIdLength: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function errorReply(code: number, message: string, id: RequestId | null = null): Inspection {
  return { ok: false, reply: { jsonrpc: '2.0', id: id as RequestId, error: { code, message } } };
}

/** A usable JSON-RPC id: a string of bounded length, or a safe integer. */
export function validId(value: unknown, limits: GuardLimits): value is RequestId {
  if (typeof value === 'string') return value.length <= limits.maxIdLength;
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Deepest array/object nesting in a JSON text, scanning bytes (strings and escapes skipped). */
export function nestingDepth(bytes: Uint8Array, stopAbove: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return max;
}

/**
 * Checks one line as a JSON-RPC 2.0 message the way the spec asks: invalid JSON (or UTF-8) is a
 * parse error (-32700), anything else malformed is an invalid request (-32600), each answered
 * with the request's id when it can be read and null when it cannot.
 */
export function inspectLine(bytes: Buffer, limits: GuardLimits): Inspection | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return errorReply(PARSE_ERROR, 'Parse error: the message is not valid UTF-8');
  }
  if (text.trim() === '') return undefined; // blank lines between messages are harmless
  if (bytes.length > limits.maxDepth * 2 && nestingDepth(bytes, limits.maxDepth) > limits.maxDepth) {
    const id = sniffId(bytes, limits);
    return errorReply(
      INVALID_REQUEST,
      `Invalid Request: JSON nested deeper than ${limits.maxDepth} levels`,
      id,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return errorReply(PARSE_ERROR, `Parse error: ${(error as Error).message}`);
  }
  return inspectValue(value, limits);
}

export function inspectValue(value: unknown, limits: GuardLimits): Inspection {
  if (Array.isArray(value)) {
    return errorReply(
      INVALID_REQUEST,
      value.length === 0
        ? 'Invalid Request: empty batch'
        : 'Invalid Request: JSON-RPC batches are not supported (MCP removed them in 2025-06-18); send one message per line',
    );
  }
  if (value === null || typeof value !== 'object') {
    return errorReply(INVALID_REQUEST, 'Invalid Request: a message must be a JSON object');
  }
  const message = value as Record<string, unknown>;
  const hasId = 'id' in message;
  const id = hasId && validId(message.id, limits) ? message.id : null;
  if (hasId && id === null) {
    return errorReply(
      INVALID_REQUEST,
      `Invalid Request: "id" must be a string (at most ${limits.maxIdLength} characters) or a safe integer`,
    );
  }
  if (message.jsonrpc !== '2.0')
    return errorReply(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"', id);
  if ('method' in message) {
    if (typeof message.method !== 'string' || message.method === '') {
      return errorReply(INVALID_REQUEST, 'Invalid Request: "method" must be a non-empty string', id);
    }
    if (
      'params' in message &&
      (message.params === null || typeof message.params !== 'object' || Array.isArray(message.params))
    ) {
      return errorReply(INVALID_REQUEST, 'Invalid Request: "params" must be an object', id);
    }
    if ('result' in message || 'error' in message) {
      return errorReply(INVALID_REQUEST, 'Invalid Request: a request cannot carry "result" or "error"', id);
    }
    return { ok: true, message: message as JSONRPCMessage };
  }
  // No method: it must be a response to one of our requests.
  if (!hasId)
    return errorReply(
      INVALID_REQUEST,
      'Invalid Request: a message needs a "method" (or an "id" with a result)',
    );
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (hasResult === hasError) {
    return errorReply(
      INVALID_REQUEST,
      'Invalid Request: a response carries exactly one of "result" and "error"',
      id,
    );
  }
  if (
    hasResult &&
    (message.result === null || typeof message.result !== 'object' || Array.isArray(message.result))
  ) {
    return errorReply(INVALID_REQUEST, 'Invalid Request: "result" must be an object', id);
  }
  if (hasError) {
    const error = message.error as Record<string, unknown> | null;
    if (
      !error ||
      typeof error !== 'object' ||
      !Number.isInteger(error.code) ||
      typeof error.message !== 'string'
    ) {
      return errorReply(
        INVALID_REQUEST,
        'Invalid Request: "error" needs an integer "code" and a string "message"',
        id,
      );
    }
  }
  return { ok: true, message: message as JSONRPCMessage };
}

/**
 * Best-effort read of the top-level "id" from the start of a message too large or too deep to
 * parse, so the client gets its error on the request it is waiting for. Walks the top-level
 * object's keys, skipping nested values; gives up (null) at the end of the prefix.
 */
export function sniffId(prefix: Uint8Array, limits: GuardLimits): RequestId | null {
  const text = Buffer.from(prefix).toString('utf8');
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readString = (): string | undefined => {
    if (text[i] !== '"') return undefined;
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === undefined) return undefined;
        if (next === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 5;
        } else {
          out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
          i++;
        }
      } else if (c === '"') {
        i++;
        return out;
      } else out += c;
    }
    return undefined;
  };
  const skipValue = (): boolean => {
    ws();
    if (text[i] === '"') return readString() !== undefined;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') {
        if (readString() === undefined) return false;
        i--;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return true;
        depth--;
      } else if (c === ',' && depth === 0) return true;
    }
    return false;
  };
  ws();
  if (text[i] !== '{') return null;
  i++;
  for (;;) {
    ws();
    const key = readString();
    if (key === undefined) return null;
    ws();
    if (text[i] !== ':') return null;
    i++;
    ws();
    if (key === 'id') {
      if (text[i] === '"') {
        const value = readString();
        return value !== undefined && validId(value, limits) ? value : null;
      }
      const match = /^-?\d+(?=\s*[,}])/.exec(text.slice(i, i + 32));
      if (!match) return null;
      const value = Number(match[0]);
      return validId(value, limits) ? value : null;
    }
    if (!skipValue()) return null;
    ws();
    if (text[i] !== ',') return null;
    i++;
  }
}
