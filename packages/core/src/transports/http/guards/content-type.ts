import { isJsonContentType } from '@modelcontextprotocol/server';
import { type HttpGuard, jsonRpcError, refuse } from './guard.js';

/** A POST must declare a JSON body (415 otherwise, the body unread). */
export function jsonContentTypeGuard(): HttpGuard {
  return (req) => {
    if (req.method !== 'POST' || isJsonContentType(req.headers['content-type'] ?? null)) return undefined;
    return refuse(
      jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json'),
      true,
    );
  };
}
