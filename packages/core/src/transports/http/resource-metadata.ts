import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/server';

/**
 * The RFC 9728 protected-resource document. Public and cross-origin by design: browser clients
 * discover the authorization server here before they hold a token.
 */
export function serveResourceMetadata(
  req: IncomingMessage,
  res: ServerResponse,
  metadata: OAuthProtectedResourceMetadata,
): void {
  const cors = { 'access-control-allow-origin': '*' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, HEAD, OPTIONS' });
    return void res.end();
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...cors, allow: 'GET, HEAD, OPTIONS', 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: 'method_not_allowed' }));
  }
  res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'max-age=300' });
  res.end(req.method === 'HEAD' ? undefined : JSON.stringify(metadata));
}
