import {
  defineResource,
  defineServer,
  defineTool,
  type ServerModule,
  structured,
  textContents,
} from '@mcpkit/core';
import * as z from 'zod';
import type { GatewayUpstream, GatewayUpstreamStatus } from './upstream-module.js';

export interface StatusModuleOptions {
  name?: string;
  version?: string;
}

/** Every upstream's status: state, restarts, last error, stderr tail, hidden (changed) tools. */
export function gatewayStatus(
  upstreams: readonly GatewayUpstream[],
  stderrLines = 20,
  principal?: string,
): GatewayUpstreamStatus[] {
  return upstreams.map((upstream) => upstream.status(stderrLines, principal));
}

/**
 * The status view as a module: a read-only `status` tool and a `gateway://status` resource. There is
 * no approve tool on purpose: a model must not be able to approve a changed upstream tool itself.
 */
export function createStatusModule(
  upstreams: readonly GatewayUpstream[],
  options: StatusModuleOptions = {},
): ServerModule {
  const status = defineTool({
    name: 'status',
    title: 'Gateway status',
    description:
      'State of every upstream MCP server behind this gateway: ready, starting, backoff (restarting after a ' +
      'crash), failed (parked after repeated crashes) or stopped; restarts, last error, the last lines of its ' +
      'stderr, and tools hidden because their description changed since first seen. `server` picks one; ' +
      '`lines` sets how many stderr lines (default 20, at most 200).',
    input: z.object({
      server: z.string().optional().describe('Only this upstream (its config key)'),
      lines: z.number().int().min(0).max(200).optional().describe('stderr lines per server (default 20)'),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cache: false,
    handler: async ({ server, lines }, ctx) => {
      const picked = server ? upstreams.filter((u) => u.name === server) : upstreams;
      if (server && picked.length === 0) {
        const known = upstreams.map((u) => u.name).join(', ') || 'none';
        return {
          content: [{ type: 'text', text: `No upstream named "${server}"; known: ${known}.` }],
          isError: true,
        };
      }
      const servers = gatewayStatus(picked, lines ?? 20, ctx.principal);
      const summary = servers
        .map(
          (s) =>
            `${s.name}: ${s.state}${s.restarts ? `, ${s.restarts} restarts` : ''}${s.lastError ? ` (${s.lastError})` : ''}`,
        )
        .join('\n');
      return structured({ servers }, `${summary}\n\n${JSON.stringify({ servers }, null, 1)}`);
    },
  });
  const resource = defineResource({
    name: 'gateway-status',
    uri: 'gateway://status',
    title: 'Gateway status',
    description: 'Every upstream server: state, restarts, last error, stderr tail, hidden tools (JSON).',
    mimeType: 'application/json',
    read: (uri, ctx) =>
      textContents(
        uri,
        JSON.stringify({ servers: gatewayStatus(upstreams, 20, ctx.principal) }, null, 2),
        'application/json',
      ),
  });
  return defineServer({
    name: options.name ?? 'gateway',
    version: options.version ?? '0.1.0',
    tools: [status],
    resources: [resource],
  });
}
