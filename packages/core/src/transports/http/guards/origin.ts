import { validateOriginHeader } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { type HttpGuard, headerValues, jsonRpcError, refuse } from './guard.js';

/**
 * A browser page may call the endpoint only from an allowed origin (the SDK's
 * `validateOriginHeader`: no Origin passes, an opaque `null` does not). Two Origin headers are
 * treated as the opaque origin, so they are refused.
 */
export function originGuard(allowedOrigins: string[], logger: Logger): HttpGuard {
  return (req) => {
    const origins = headerValues(req, 'origin');
    const origin = validateOriginHeader(origins.length > 1 ? 'null' : origins[0], allowedOrigins);
    if (origin.ok) return undefined;
    logger.debug({ origin: origins }, 'refused: Origin');
    return refuse(jsonRpcError(403, -32000, `Forbidden: ${origin.message}`));
  };
}
