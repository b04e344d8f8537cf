import type { McpServer } from '@modelcontextprotocol/server';
import type { ClientRoot } from '../define/context.js';

/**
 * The client's roots for one 2025-era connection (roots/list), asked once and kept until the
 * client says they changed. Undefined when the client offers no roots. (The 2026-07-28 era
 * has no server-to-client requests; roots do not apply there.)
 */
export function clientRoots(server: McpServer, timeoutMs = 5000): () => Promise<ClientRoot[] | undefined> {
  let cached: Promise<ClientRoot[] | undefined> | undefined;
  server.server.setNotificationHandler('notifications/roots/list_changed', () => {
    cached = undefined;
  });
  return () => {
    if (!server.server.getClientCapabilities()?.roots) return Promise.resolve(undefined);
    cached ??= server.server.listRoots(undefined, { timeout: timeoutMs }).then(
      (result) => result.roots.map((root) => ({ uri: root.uri, ...(root.name ? { name: root.name } : {}) })),
      () => {
        cached = undefined; // asked and failed: ask again next time
        return undefined;
      },
    );
    return cached;
  };
}
