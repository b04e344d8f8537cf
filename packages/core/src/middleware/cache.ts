import type { CallToolResult } from '@modelcontextprotocol/server';
import type { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { isReadOnlyTool } from '../define/tool.js';
import type { RedisCacheStore } from '../redis/cache-store.js';
import type { RedisSettings } from '../redis/connection.js';
import type { CallOutcome, Middleware } from './types.js';

export interface CacheOptions {
  ttlMs: number;
  /** Most entries kept (in memory). */
  max?: number;
  /**
   * Share entries between nodes through Redis. While Redis is away (or a command outlasts its
   * timeout) this node caches in its own memory, with a warning, and goes back by itself.
   */
  redis?: RedisSettings;
}

/**
 * Caches results of read-only tools and resource reads for `ttlMs`. The key always includes
 * the principal, so one caller's result is never served to another. Errors are not cached, and
 * any successful call of a tool that is not read-only empties the cache (it may have changed
 * what the cached reads saw).
 */
export function cache(options: CacheOptions): Middleware {
  // The LRU store's code loads when a cache is set up, not when the toolkit is imported: most
  // servers never cache, and start-up pays for every module it evaluates.
  let store: LRUCache<string, CallOutcome> | undefined;
  const loading = import('lru-cache').then(({ LRUCache }) => {
    store = new LRUCache<string, CallOutcome>({ max: options.max ?? 1000, ttl: options.ttlMs });
    return store;
  });
  const local = () => store ?? loading;
  const shared = options.redis ? sharedStore(options.redis) : undefined;
  return async (call, next) => {
    if (call.kind === 'prompt') return next();
    if (call.kind === 'tool' && (!isReadOnlyTool(call.tool) || call.tool.cache === false)) {
      const result = await next();
      if (!(result as CallToolResult).isError) {
        (await local()).clear();
        await shared?.clear(call.logger);
      }
      return result;
    }
    const key = JSON.stringify([
      call.principal,
      call.kind,
      call.name,
      call.kind === 'resource' ? call.uri : stableJson(call.input),
    ]);
    if (shared) {
      const remote = await shared.get(key, call.logger);
      if (remote === null) {
        const result = await next();
        if (!(result as CallToolResult).isError) await shared.set(key, result, options.ttlMs, call.logger);
        return result;
      }
      if (remote !== undefined) return remote;
      // undefined: Redis is away; the local cache serves meanwhile.
    }
    const memory = await local();
    const hit = memory.get(key);
    if (hit) return structuredClone(hit);
    const result = await next();
    if (!(result as CallToolResult).isError) memory.set(key, structuredClone(result));
    return result;
  };
}

/**
 * The Redis store, opened on first use. `get` answers the outcome, `null` for a miss, or
 * `undefined` when Redis cannot answer (the caller falls back to its local cache).
 */
function sharedStore(settings: RedisSettings) {
  let opening: Promise<RedisCacheStore> | undefined;
  const open = (logger: Logger) => {
    opening ??= import('../redis/cache-store.js').then(({ RedisCacheStore }) =>
      RedisCacheStore.open(settings, logger),
    );
    return opening;
  };
  return {
    async get(key: string, logger: Logger): Promise<CallOutcome | null | undefined> {
      const redis = await open(logger);
      if (!redis.available) return undefined;
      try {
        const text = await redis.get(key);
        return text === undefined ? null : (JSON.parse(text) as CallOutcome);
      } catch (error) {
        logger.debug({ err: error }, 'shared cache lookup failed; using the local cache');
        return undefined;
      }
    },
    async set(key: string, value: CallOutcome, ttlMs: number, logger: Logger): Promise<void> {
      const redis = await open(logger);
      await redis.set(key, JSON.stringify(value), ttlMs).catch((error) => {
        logger.debug({ err: error }, 'shared cache store failed');
      });
    },
    async clear(logger: Logger): Promise<void> {
      const redis = await open(logger);
      await redis.clear().catch((error) => {
        logger.warn(
          { err: error },
          'shared cache not cleared (Redis unreachable): other nodes may serve stale reads until their TTL',
        );
      });
    },
  };
}

/** JSON with object keys sorted, so equal inputs give equal keys. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
