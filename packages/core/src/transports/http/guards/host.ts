import { validateHostHeader } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { type HttpGuard, headerValues, jsonRpcError, refuse } from './guard.js';

/**
 * DNS rebinding: the Host must be one this server is known by (port-agnostic, the SDK's
 * `validateHostHeader`). A second Host header is smuggling and is refused as a missing one (the
 * node package's `hostHeaderValidation` reads only the first, so it is not used as is).
 */
export function hostGuard(allowedHosts: string[], logger: Logger): HttpGuard {
  return (req) => {
    const hosts = headerValues(req, 'host');
    const host = validateHostHeader(hosts.length === 1 ? hosts[0] : undefined, allowedHosts);
    if (host.ok) return undefined;
    logger.debug({ host: hosts }, 'refused: Host');
    return refuse(jsonRpcError(403, -32000, `Forbidden: ${host.message}`));
  };
}
