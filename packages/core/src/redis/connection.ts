import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** The one `redis` section every shared use reads (bus, event store, cache, rate limits). */
export interface RedisSettings {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. Use `${REDIS_URL}` in a config. */
  url: string;
  /** Prepended to every key and channel, so several deployments can share one Redis. Default `mcpkit:`. */
  keyPrefix?: string;
  /** TLS: `true`, or the CA (PEM text), server name and whether to verify it. `rediss://` implies `true`. */
  tls?: boolean | { ca?: string; servername?: string; rejectUnauthorized?: boolean };
  /** How long a connection attempt may take (ms). Default 2000. */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails and the caller falls back (ms). Default 1000. */
  commandTimeoutMs?: number;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'mcpkit:';

export function keyPrefixOf(settings: RedisSettings): string {
  return settings.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
}

/** The URL without its password, for log lines and readiness reports. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis (unparseable URL)';
  }
}

/**
 * An ioredis connection that never makes a caller wait on an outage: no offline queue, one
 * try per command, a command timeout, and reconnection forever in the background (backoff up to
 * 2 s). The first error of an outage is a warning naming `role` and what the node does instead;
 * the reconnection is an info line.
 */
export async function openRedis(
  settings: RedisSettings,
  logger: Logger,
  role: { name: string; fallback: string; subscriber?: boolean },
): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const tls = settings.tls ?? (settings.url.startsWith('rediss:') ? true : undefined);
  const options: RedisOptions = {
    connectTimeout: settings.connectTimeoutMs ?? 2000,
    commandTimeout: settings.commandTimeoutMs ?? 1000,
    // A subscriber queues its SUBSCRIBE until connected (ioredis resubscribes on reconnection);
    // a command connection fails at once while Redis is away, so callers fall back instead of waiting.
    enableOfflineQueue: Boolean(role.subscriber),
    maxRetriesPerRequest: role.subscriber ? null : 1,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    lazyConnect: true,
    ...(tls ? { tls: tls === true ? {} : tls } : {}),
  };
  const client = new Redis(settings.url, options);
  let down = false;
  const markDown = (reason: string) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: { message: reason }, redis: redactedRedisUrl(settings.url) },
      `Redis unreachable for ${role.name}: ${role.fallback} until it is back`,
    );
  };
  client.on('error', (error: Error) => markDown(error.message));
  // A lost connection is an outage too, before any reconnection attempt has failed
  // (not emitted after our own disconnect()).
  client.on('reconnecting', () => markDown('connection lost'));
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ redis: redactedRedisUrl(settings.url) }, `Redis reachable again for ${role.name}`);
  });
  // Start connecting; serving does not wait for Redis (each use falls back while it is away).
  client.connect().catch(() => {});
  return client;
}

/** Resolves when `client` is ready or `ms` have passed (start-up waits briefly, never forever). */
export function whenReady(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    };
    const timer = setTimeout(() => settle(false), ms);
    const onReady = () => settle(true);
    // Closed while waiting (its owner shut down): no reason to wait out the timer.
    const onEnd = () => settle(false);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/** PING with its own deadline: the readiness endpoint's probe. */
export async function pingRedis(client: Redis, ms = 1000): Promise<void> {
  if (client.status !== 'ready') throw new Error(`not connected (${client.status})`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
