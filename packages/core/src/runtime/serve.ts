import type { JSONRPCMessage, McpServer, Server, Transport } from '@modelcontextprotocol/server';
import { type StdioServerHandle, serveStdio } from '@modelcontextprotocol/server/stdio';
import { observeTransport } from './observe.js';
import type { Runtime } from './runtime.js';
import { ResourceWatches } from './watches.js';

const isRequest = (m: JSONRPCMessage): m is Extract<JSONRPCMessage, { method: string; id: unknown }> =>
  'method' in m && 'id' in m;

/**
 * Serves a runtime on one connection-shaped transport (stdio pipes, an in-memory pair) through
 * the SDK's `serveStdio` entry, which decides the protocol era from the opening exchange.
 * 2026-07-28 subscriptions: the entry answers `subscriptions/listen` itself and routes the
 * instance's resource-updated notifications onto matching streams; we watch the URIs those
 * streams name, for as long as they are open.
 */
export function serveOnConnection(runtime: Runtime, transport: Transport): StdioServerHandle {
  if (!runtime.module.watch) {
    return serveStdio(runtime.factory, {
      transport,
      onerror: (error) => runtime.logger.debug({ err: error }, 'connection error'),
    });
  }
  let modern: McpServer | Server | undefined;
  const watches = new ResourceWatches(
    runtime.module,
    (uri) => {
      const server = modern && 'server' in modern ? modern.server : (modern as Server | undefined);
      server?.sendResourceUpdated({ uri }).catch(() => {});
    },
    runtime.logger,
  );
  const listens = new Set<string | number>();
  const tapped = observeTransport(
    transport,
    (message, direction) => {
      if (direction === 'in' && isRequest(message) && message.method === 'subscriptions/listen') {
        const uris = (message.params as { notifications?: { resourceSubscriptions?: unknown } } | undefined)
          ?.notifications?.resourceSubscriptions;
        if (Array.isArray(uris)) {
          listens.add(message.id);
          watches.add(
            message.id,
            uris.filter((u): u is string => typeof u === 'string'),
          );
        }
      } else if (direction === 'in' && 'method' in message && message.method === 'notifications/cancelled') {
        const id = (message.params as { requestId?: string | number } | undefined)?.requestId;
        if (id !== undefined && listens.delete(id)) watches.remove(id);
      } else if (direction === 'out' && !('method' in message) && 'id' in message) {
        const id = message.id as string | number;
        if (listens.delete(id)) watches.remove(id); // the stream ended (or was refused) server-side
      }
    },
    () => watches.closeAll(),
  );
  const handle = serveStdio(
    async (context) => {
      const product = await runtime.factory(context);
      if (context.era === 'modern') modern = product;
      return product;
    },
    { transport: tapped, onerror: (error) => runtime.logger.debug({ err: error }, 'connection error') },
  );
  return {
    async close() {
      watches.closeAll();
      await handle.close();
    },
  };
}
