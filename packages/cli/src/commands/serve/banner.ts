import type { HttpServeOptions, HttpServerHandle } from '@mcpkit/core/http';

/** The start-up banner: the URL and how to connect from the usual clients. */
export function connectHints(handle: HttpServerHandle, label: string, options: HttpServeOptions): string {
  const url = handle.url.href;
  const auth = options.auth;
  const tokenEnv = 'MCPKIT_TOKEN';
  const who = [
    auth?.tokens?.length ? `${auth.tokens.length} static token${auth.tokens.length > 1 ? 's' : ''}` : '',
    auth?.jwt ? `JWTs from ${auth.jwt.issuer}` : '',
  ].filter(Boolean);
  const key = label.split(' ')[0]!.replace(/[^A-Za-z0-9_-]/g, '') || 'mcpkit';
  const remoteArgs = auth ? [url, '--header', 'Authorization:${AUTH_HEADER}'] : [url];
  const desktop = {
    mcpServers: {
      [key]: {
        command: 'npx',
        args: ['-y', 'mcp-remote', ...remoteArgs],
        ...(auth ? { env: { AUTH_HEADER: 'Bearer <token>' } } : {}),
      },
    },
  };
  const prefix = auth ? `${tokenEnv}=<token> ` : '';
  return [
    `mcpkit: serving ${label} over Streamable HTTP (2025-era sessions and 2026-07-28) at`,
    `  ${url}`,
    `  health: ${new URL('/healthz', url).href}`,
    `  auth: ${who.length ? `bearer ${who.join(' and ')}` : 'none (loopback only; beyond it, bind --http 0.0.0.0:<port> with --token-env or --jwks)'}`,
    '',
    'Connect with:',
    `  mcpkit          ${prefix}mcpkit tools ${url}`,
    `                  ${prefix}mcpkit call ${url} <tool> '{"arg":"value"}'`,
    `  MCP Inspector   npx @modelcontextprotocol/inspector, then Transport "Streamable HTTP", URL ${url}${auth ? ', Authentication: Bearer <token>' : ''}`,
    `  Claude Desktop  in claude_desktop_config.json: ${JSON.stringify(desktop)}`,
    '',
  ].join('\n');
}
