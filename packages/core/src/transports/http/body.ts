import type { JSONRPCErrorResponse, RequestId } from '@modelcontextprotocol/server';
import {
  type GuardLimits,
  INVALID_REQUEST,
  inspectValue,
  nestingDepth,
  PARSE_ERROR,
  sniffId,
} from '../jsonrpc/message-guard.js';

export type BodyInspection =
  | { ok: true; value: unknown; batch: boolean }
  | { ok: false; reply: JSONRPCErrorResponse };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function refuse(code: number, message: string, id: RequestId | null = null): BodyInspection {
  return { ok: false, reply: { jsonrpc: '2.0', id: id as RequestId, error: { code, message } } };
}

/**
 * Decides what a POST body is, with the same rules (and code) the stdio transport uses per line:
 * bad UTF-8 or JSON is a parse error (-32700); too deep, not an object, or not JSON-RPC is an
 * invalid request (-32600), answered with the request's id when it can be read. A batch (array)
 * passes only as a list of valid messages; whether the session may send one is decided later.
 */
export function inspectBody(bytes: Uint8Array, limits: GuardLimits): BodyInspection {
  if (bytes.length > limits.maxDepth * 2 && nestingDepth(bytes, limits.maxDepth) > limits.maxDepth) {
    return refuse(
      INVALID_REQUEST,
      `Invalid Request: JSON nested deeper than ${limits.maxDepth} levels`,
      sniffId(bytes, limits),
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return refuse(PARSE_ERROR, 'Parse error: the body is not valid UTF-8');
  }
  if (text.trim() === '')
    return refuse(PARSE_ERROR, 'Parse error: the body is empty; send one JSON-RPC message');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(PARSE_ERROR, `Parse error: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) {
    const inspection = inspectValue(value, limits);
    return inspection.ok ? { ok: true, value, batch: false } : inspection;
  }
  if (value.length === 0) return refuse(INVALID_REQUEST, 'Invalid Request: empty batch');
  for (const item of value) {
    const inspection = inspectValue(item, limits);
    if (!inspection.ok) return inspection;
  }
  return { ok: true, value, batch: true };
}

/** The batch refusal for every revision after 2025-03-26 (MCP removed JSON-RPC batching in 2025-06-18). */
export function batchRefusal(): JSONRPCErrorResponse {
  return {
    jsonrpc: '2.0',
    id: null as unknown as RequestId,
    error: {
      code: INVALID_REQUEST,
      message:
        'Invalid Request: JSON-RPC batches are not supported on this protocol revision (MCP removed them in 2025-06-18); send one message per request',
    },
  };
}

/** The request's id, when the body is one request with a usable id (to answer it on its own id). */
export function requestIdOf(value: unknown): string | number | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { id, method } = value as { id?: unknown; method?: unknown };
  if (typeof method !== 'string') return null;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
