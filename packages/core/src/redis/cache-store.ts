import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { keyPrefixOf, openRedis, type RedisSettings, whenReady } from './connection.js';

/** Where the response cache keeps entries: in-process, or shared by every node. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Forgets every entry (on every node, for a shared store). */
  clear(): Promise<void>;
}

// Entries live under a generation number: clearing bumps it (one INCR, seen by every node at
// once), and the old generation's entries expire by their TTL.
const GET = `local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])`;
const SET = `local g = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
return 1`;

/**
 * The stores opened with one settings object, so that whoever owns the object (a runtime) can
 * close their connections; a store that opens after that is closed at once.
 */
const owners = new WeakMap<RedisSettings, { stores: Set<RedisCacheStore>; closed: boolean }>();

/** Closes the Redis connections of every cache store opened with `settings`, now and later. */
export async function closeCacheStores(settings: RedisSettings): Promise<void> {
  const owner = owners.get(settings) ?? { stores: new Set<RedisCacheStore>(), closed: false };
  owners.set(settings, owner);
  owner.closed = true;
  const stores = [...owner.stores];
  owner.stores.clear();
  await Promise.all(stores.map((store) => store.close()));
}

type CacheCommands = Redis & {
  mcpkitCacheGet(gen: string, prefix: string, key: string): Promise<string | null>;
  mcpkitCacheSet(gen: string, prefix: string, key: string, value: string, ttlMs: number): Promise<number>;
};

/**
 * The response cache in Redis, shared by every node. Keys are hashed (the cache middleware's key
 * already names the principal, so one caller's entry is never another's). A lookup or a store
 * that fails (Redis away, past the command timeout) returns nothing / stores nothing: the caller
 * uses its local cache meanwhile.
 */
export class RedisCacheStore implements CacheStore {
  private constructor(
    readonly client: CacheCommands,
    private readonly prefix: string,
  ) {}

  static async open(settings: RedisSettings, logger: Logger): Promise<RedisCacheStore> {
    const client = await openRedis(settings, logger, {
      name: 'the response cache',
      fallback: 'results are cached in this node’s memory',
    });
    client.defineCommand('mcpkitCacheGet', { numberOfKeys: 1, lua: GET });
    client.defineCommand('mcpkitCacheSet', { numberOfKeys: 1, lua: SET });
    const store = new RedisCacheStore(client as CacheCommands, `${keyPrefixOf(settings)}cache:`);
    const owner = owners.get(settings) ?? { stores: new Set<RedisCacheStore>(), closed: false };
    owners.set(settings, owner);
    // Its owner closed before it opened: it serves nothing (the caller caches locally).
    if (owner.closed) {
      await store.close();
      return store;
    }
    owner.stores.add(store);
    // Opened on the first cacheable call: that call waits (briefly) for the connection, so the
    // first entry is shared too.
    await whenReady(client, settings.connectTimeoutMs ?? 2000);
    return store;
  }

  get available(): boolean {
    return this.client.status === 'ready';
  }

  private hash(key: string): string {
    return createHash('sha256').update(key).digest('base64url');
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.client.mcpkitCacheGet(`${this.prefix}gen`, this.prefix, this.hash(key));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.mcpkitCacheSet(`${this.prefix}gen`, this.prefix, this.hash(key), value, ttlMs);
  }

  async clear(): Promise<void> {
    await this.client.incr(`${this.prefix}gen`);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
