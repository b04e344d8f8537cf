import type { Logger } from '@mcpkit/core';
import type { CatalogCache } from '../pinning/catalog.js';
import type { PinStore } from '../pinning/pins.js';
import type { PoolOptions } from '../upstream/pool.js';
import { parseEntry } from './entry.js';
import { preferLocalPackage } from './local-package.js';
import { namespaceFor } from './names.js';
import { createUpstreamModule, type GatewayUpstream } from './upstream-module.js';

export interface EntryModuleOptions {
  /** The namespace it is composed under; default: made from the key (see `namespaceFor`). */
  namespace?: string;
  pins?: PinStore;
  /** Last-seen lists: a lazy upstream is listed from here at start, and started by its first call. */
  catalogCache?: CatalogCache;
  pool?: PoolOptions;
  /** Variables stdio upstreams inherit from the gateway (default: the allow-list). */
  inheritEnv?: readonly string[];
  logger?: Logger;
  /** Overrides the entry's `start` (e.g. eager everywhere for `mcpkit tools --config`). */
  start?: 'lazy' | 'eager';
  version?: string;
  /**
   * Runs `npx <package>` entries from the package installed here, resolved from this folder
   * (default: the current directory); `false` keeps them as written.
   */
  preferLocalPackages?: string | false;
}

/**
 * A Claude Desktop `mcpServers` entry — `{ command, args, env }` or `{ url, headers, type }`, with
 * mcpkit's optional keys (`tools.allow/deny`, `readOnly`, `timeoutMs`, `start`, `restart`, `scope`) —
 * as a gateway module. Throws an Error naming the key when the entry is not valid.
 */
export function upstreamFromEntry(
  key: string,
  entry: unknown,
  options: EntryModuleOptions = {},
): GatewayUpstream {
  const parsed = parseEntry(key, entry);
  const from = options.preferLocalPackages ?? process.cwd();
  const target =
    parsed.target.kind === 'stdio' && from !== false
      ? preferLocalPackage(parsed.target, from)
      : parsed.target;
  return createUpstreamModule({
    name: key,
    namespace: options.namespace ?? namespaceFor(key),
    target,
    lifecycle: { ...parsed.lifecycle, ...(options.start ? { start: options.start } : {}) },
    scope: parsed.scope,
    policy: parsed.policy,
    ...(parsed.timeoutMs ? { timeoutMs: parsed.timeoutMs } : {}),
    ...(options.pins ? { pins: options.pins } : {}),
    ...(options.catalogCache ? { catalogCache: options.catalogCache } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.inheritEnv ? { inheritEnv: options.inheritEnv } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
}
