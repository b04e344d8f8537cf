import { validateOriginHeader } from '@modelcontextprotocol/server';
import { type HttpGuard, headerValues, refuse } from './guard.js';

/** What an MCP client in a browser sends. */
const CORS_REQUEST_HEADERS =
  'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, mcp-method, mcp-name, last-event-id';

/**
 * CORS for browser apps on the origins the configuration names (never the loopback defaults):
 * their responses may be read, and their preflight is answered here. A preflight carries no
 * credentials, so this runs before authentication. Every other request passes unchanged.
 */
export function corsGuard(corsOrigins: string[]): HttpGuard {
  return (req, res) => {
    const origins = headerValues(req, 'origin');
    if (origins.length !== 1) return undefined;
    const origin = validateOriginHeader(origins[0], corsOrigins);
    // Matched by hostname only: a `scheme://*` entry admits an origin but grants it no CORS.
    if (!origin.ok || !origin.hostname || !corsOrigins.includes(origin.hostname)) return undefined;
    res.setHeader('access-control-allow-origin', origins[0]!);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version, www-authenticate');
    if (req.method !== 'OPTIONS') return undefined;
    return refuse(
      new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-methods': 'GET, POST, DELETE',
          'access-control-allow-headers': CORS_REQUEST_HEADERS,
          'access-control-max-age': '600',
        },
      }),
    );
  };
}
