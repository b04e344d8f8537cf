import type { ServerModule } from '@mcpkit/core';
import { type EntryModuleOptions, upstreamFromEntry } from './from-entry.js';
import { namespaceFor } from './names.js';
import { createStatusModule } from './status.js';
import type { GatewayUpstream } from './upstream-module.js';

export interface GatewayModules {
  upstreams: GatewayUpstream[];
  /** Namespace -> module, for compose(): every upstream, and `gateway` (the status view) unless off. */
  mounts: Record<string, ServerModule>;
  close(): Promise<void>;
}

/**
 * Every entry of an `mcpServers` object as gateway modules, ready for compose(). Entries marked
 * `disabled: true` are skipped; `skip` leaves out keys the caller mounts itself (mcpkit's own
 * servers, served in-process). Throws when an entry is invalid or two keys make one namespace.
 */
export function gatewayModules(
  mcpServers: Record<string, unknown>,
  options: EntryModuleOptions & { skip?: (key: string) => boolean; statusNamespace?: string | false } = {},
): GatewayModules {
  const upstreams: GatewayUpstream[] = [];
  const owners = new Map<string, string>();
  const statusNamespace = options.statusNamespace ?? 'gateway';
  if (statusNamespace) owners.set(statusNamespace, '(the status view)');
  for (const [key, entry] of Object.entries(mcpServers)) {
    if (options.skip?.(key)) continue;
    if (entry && typeof entry === 'object' && (entry as { disabled?: unknown }).disabled === true) continue;
    const namespace = namespaceFor(key);
    const taken = owners.get(namespace);
    if (taken)
      throw new Error(`mcpServers.${key}: its namespace "${namespace}" is also that of ${taken}; rename one`);
    owners.set(namespace, `mcpServers.${key}`);
    const { namespace: _ignored, ...rest } = options;
    upstreams.push(upstreamFromEntry(key, entry, { ...rest, namespace }));
  }
  const mounts: Record<string, ServerModule> = Object.fromEntries(
    upstreams.map((u) => [u.namespace, u.module]),
  );
  if (statusNamespace) mounts[statusNamespace] = createStatusModule(upstreams);
  return {
    upstreams,
    mounts,
    close: async () => {
      await Promise.all(upstreams.map((upstream) => upstream.close()));
    },
  };
}
