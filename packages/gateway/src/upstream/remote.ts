import {
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import type { RemoteUpstream } from './spec.js';

/**
 * The transports to try for a remote upstream, in order: Streamable HTTP, then the legacy SSE
 * transport (a 2024-11-05 server answers the Streamable HTTP POST with 404 or 405). `type` pins one.
 * The entry's headers go on every request, the SSE stream's GET included.
 */
export function remoteTransports(
  target: RemoteUpstream,
): Array<{ kind: 'http' | 'sse'; create: () => Transport }> {
  const url = new URL(target.url);
  const requestInit: RequestInit = { headers: { ...target.headers } };
  const http = {
    kind: 'http' as const,
    create: () => new StreamableHTTPClientTransport(url, { requestInit }),
  };
  const sse = { kind: 'sse' as const, create: () => new SSEClientTransport(url, { requestInit }) };
  if (target.type === 'sse') return [sse];
  if (target.type === 'http' || target.type === 'streamable-http') return [http];
  return [http, sse];
}
