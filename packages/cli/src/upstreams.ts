import os from 'node:os';
import path from 'node:path';
import type { UpstreamSupport } from '@mcpkit/core/config';
import type { HealthEntry } from '@mcpkit/core/http';
import {
  CatalogCache,
  type GatewayUpstream,
  gatewayModules,
  gatewayStatus,
  PinStore,
  parseEntry,
} from '@mcpkit/gateway';

/**
 * Where the gateway keeps what must outlive one run: the pinned tool descriptions and the
 * last-seen tool lists. A per-user state folder (MCPKIT_STATE_DIR overrides it).
 */
export function gatewayStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MCPKIT_STATE_DIR) return path.resolve(env.MCPKIT_STATE_DIR);
  const home = os.homedir();
  if (process.platform === 'win32') {
    return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'mcpkit', 'state');
  }
  if (process.platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'mcpkit', 'state');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'mcpkit');
}

/**
 * The gateway as the config loader's upstream support: `mcpServers` entries (any MCP server,
 * stdio or remote) checked at load and served as namespaced modules, with pinned descriptions.
 * `start: 'eager'` for one-shot commands (`mcpkit tools|call --config`).
 */
export function gatewayUpstreams(
  options: { start?: 'lazy' | 'eager' } = {},
): UpstreamSupport & { health(): Promise<HealthEntry[]> } {
  const upstreams: GatewayUpstream[] = [];
  return {
    /** Each upstream's state, for the status page and metrics. */
    async health() {
      return gatewayStatus(upstreams, 0).map((s) => ({
        name: `upstream ${s.namespace}`,
        state: HEALTH[s.state] ?? 'unknown',
        ...(s.lastError ? { detail: s.lastError } : {}),
      }));
    },
    validate(key, entry) {
      parseEntry(key, entry);
    },
    async build(entries, { logger }) {
      const dir = gatewayStateDir();
      const built = gatewayModules(entries, {
        pins: new PinStore(dir),
        catalogCache: new CatalogCache(dir),
        logger,
        preferLocalPackages: process.cwd(),
        ...(options.start ? { start: options.start } : {}),
      });
      upstreams.push(...built.upstreams);
      return built.mounts;
    },
  };
}

const HEALTH: Record<string, HealthEntry['state']> = {
  ready: 'up',
  starting: 'starting',
  backoff: 'starting',
  failed: 'down',
  stopped: 'down',
  idle: 'unknown',
};

/** `mcpkit approve <server> [tool]`: serve again tools whose description changed since they were pinned. */
export function approvePinned(server: string, tool?: string): string[] {
  return new PinStore(gatewayStateDir()).approve(server, tool);
}
