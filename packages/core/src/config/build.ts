import type { Logger } from 'pino';
import { compose } from '../compose/compose.js';
import type { ServerModule } from '../define/server.js';
import { packageVersion } from '../kit/version.js';
import { applyPolicy } from '../policy/policy.js';
import type { RuntimeOptions } from '../runtime/runtime.js';
import type { ServerCatalog } from '../servers/catalog.js';
import { createDeclaredServer } from '../servers/resolve.js';
import type { UpstreamSupport } from './load.js';
import type { McpkitConfig, ServerConfig } from './schema.js';

const VERSION = packageVersion(import.meta.url);

/** A server entry's input as its declaration reads it: the entry's `readOnly` is the `--read-only` flag. */
export function entryInput(entry: ServerConfig) {
  return {
    args: entry.args,
    options: entry.readOnly === undefined ? entry.options : { readOnly: entry.readOnly, ...entry.options },
  };
}

/**
 * The rate limit and cache as runtime options: in Redis when a redis section exists (unless a
 * `store: memory` says otherwise), so every node counts and caches together.
 */
function sharedStores(config: McpkitConfig, logger: Logger): Pick<RuntimeOptions, 'rateLimit' | 'cache'> {
  const redis = config.redis;
  const out: Pick<RuntimeOptions, 'rateLimit' | 'cache'> = {};
  if (config.rateLimit) {
    const { store, ...rest } = config.rateLimit;
    const kind = store.kind;
    out.rateLimit = {
      ...rest,
      logger,
      store:
        kind === 'redis'
          ? {
              ...redis,
              kind: 'redis',
              url: (store.kind === 'redis' && store.url) || redis!.url,
              ...(store.kind === 'redis' && store.keyPrefix ? { keyPrefix: store.keyPrefix } : {}),
            }
          : { kind: 'memory' },
    };
  }
  if (config.cache) {
    const { store, ...rest } = config.cache;
    out.cache = {
      ...rest,
      ...((store ?? (redis ? 'redis' : 'memory')) === 'redis' && redis ? { redis } : {}),
    };
  }
  return out;
}

/**
 * Builds what a config describes: each server created from its declaration, with its own policy
 * applied, mounted under its namespace when there are several (alone, it is served unprefixed),
 * and the runtime options (global policy, limits, rate limit, cache) for serving it.
 */
export async function buildFromConfig(
  config: McpkitConfig,
  catalog: ServerCatalog,
  context: { logger: Logger; cwd: string; env?: NodeJS.ProcessEnv; upstreams?: UpstreamSupport },
): Promise<{ module: ServerModule; runtime: RuntimeOptions }> {
  const entries = Object.entries(config.servers);
  const upstreamEntries = Object.keys(config.mcpServers).length ? config.mcpServers : undefined;
  const alone = entries.length === 1 && !upstreamEntries;
  const modules: Record<string, ServerModule> = {};
  const created: ServerModule[] = [];
  try {
    for (const [key, entry] of entries) {
      const module = await createDeclaredServer(
        catalog.get(entry.server),
        entryInput(entry),
        { logger: context.logger, cwd: context.cwd, env: context.env ?? process.env },
        { style: 'config', path: `servers.${key}.options` },
      );
      created.push(module);
      const scoped = applyPolicy(module, { allow: entry.tools?.allow, deny: entry.tools?.deny });
      modules[alone ? '' : (entry.namespace ?? key)] = scoped;
    }
    if (upstreamEntries) {
      if (!context.upstreams) throw new Error('mcpServers entries need the gateway (mcpkit serve --config)');
      const upstream = await context.upstreams.build(upstreamEntries, context);
      for (const [namespace, module] of Object.entries(upstream)) {
        created.push(module);
        if (namespace in modules) {
          throw new Error(
            `the namespace "${namespace}" is used by servers.${namespace} and by an mcpServers entry`,
          );
        }
        modules[namespace] = module;
      }
    }
  } catch (error) {
    await Promise.allSettled(created.map((m) => m.close?.()));
    throw error;
  }
  const only = alone ? modules[''] : undefined;
  const module =
    only ??
    compose(
      {
        name: config.name,
        version: VERSION,
        onError: (error) => context.logger.warn({ err: error }, 'a server brought a name already served'),
      },
      modules,
    );
  return {
    module,
    runtime: {
      policy: {
        readOnly: config.readOnly,
        allow: config.tools.allow,
        deny: config.tools.deny,
        scopes: config.tools.scopes,
      },
      timeoutMs: config.limits.timeoutMs,
      maxOutputBytes: config.limits.maxOutputBytes,
      maxInputElements: config.limits.maxInputElements,
      ...sharedStores(config, context.logger),
      audit: config.log.audit,
      confirm: config.confirm,
    },
  };
}
