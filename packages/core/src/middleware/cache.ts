import type { CallToolResult } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';
import { isReadOnlyTool } from '../define/tool.js';
import type { CallOutcome, Middleware } from './types.js';

export interface CacheOptions {
  ttlMs: number;
  /** Most entries kept. */
  max?: number;
}

/**
 * Caches results of read-only tools and resource reads for `ttlMs`. The key always includes
 * the principal, so one caller's result is never served to another. Errors are not cached, and
 * any successful call of a tool that is not read-only empties the cache (it may have changed
 * what the cached reads saw).
 */
export function cache(options: CacheOptions): Middleware {
  const store = new LRUCache<string, CallOutcome>({ max: options.max ?? 1000, ttl: options.ttlMs });
  return async (call, next) => {
    if (call.kind === 'prompt') return next();
    if (call.kind === 'tool' && (!isReadOnlyTool(call.tool) || call.tool.cache === false)) {
      const result = await next();
      if (!(result as CallToolResult).isError) store.clear();
      return result;
    }
    const key = JSON.stringify([
      call.principal,
      call.kind,
      call.name,
      call.kind === 'resource' ? call.uri : stableJson(call.input),
    ]);
    const hit = store.get(key);
    if (hit) return structuredClone(hit);
    const result = await next();
    if (!(result as CallToolResult).isError) store.set(key, structuredClone(result));
    return result;
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
