import type { Logger } from 'pino';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ToolError } from '../errors/tool-error.js';
import { silentLogger } from '../logging/logger.js';
import type { RedisSettings } from '../redis/connection.js';
import type { Middleware } from './types.js';

export interface RateLimitOptions {
  /** Calls allowed per principal and tool (or resource, or prompt) in each window. */
  points: number;
  /** Window length in seconds. */
  durationSec: number;
  /**
   * Where counters live. `memory` is per process; `redis` shares them across processes
   * (several HTTP workers behind a load balancer); see `whenStoreDown` for outages.
   */
  store?: { kind: 'memory' } | ({ kind: 'redis' } & RedisSettings);
  /** How long start-up waits for Redis before counting in memory (ms). Default 2000. */
  connectTimeoutMs?: number;
  /**
   * While Redis is unreachable: `local` counts on each node (each node allows the full budget),
   * `open` lets calls through uncounted, `closed` refuses them with an `isError` to retry later.
   * Default `local`. Either way no call waits longer than Redis's command timeout.
   */
  whenStoreDown?: 'local' | 'open' | 'closed';
  /** Where outage warnings go. */
  logger?: Logger;
}

export interface RateLimiter {
  middleware: Middleware;
  close(): Promise<void>;
}

/**
 * Limits calls per principal and per tool with rate-limiter-flexible. A refused call is an
 * `isError` result saying when to retry (also in `_meta['dev.mcpkit/error'].retryAfterMs`).
 */
export async function createRateLimiter(options: RateLimitOptions): Promise<RateLimiter> {
  // Loaded here, not at start-up: a server without a rate limit never pays for it. (CommonJS:
  // `default` is its exports both in Node and in a bundle.)
  const { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } = (await import('rate-limiter-flexible'))
    .default;
  const base = { points: options.points, duration: options.durationSec, keyPrefix: 'mcpkit-rl' };
  let limiter: RateLimiterAbstract;
  let close = async () => {};
  const store = options.store ?? { kind: 'memory' };
  const whenDown = options.whenStoreDown ?? 'local';
  const logger = options.logger ?? silentLogger();
  if (store.kind === 'redis') {
    const { openRedis, keyPrefixOf, whenReady } = await import('../redis/connection.js');
    // No offline queue: while Redis is away a call is decided at once (see whenStoreDown)
    // instead of waiting. So wait (briefly) for the first connection before serving.
    const fallback = {
      local: 'calls are counted per node',
      open: 'calls pass uncounted',
      closed: 'calls are refused',
    };
    const client = await openRedis(store, logger, { name: 'rate limits', fallback: fallback[whenDown] });
    await whenReady(client, options.connectTimeoutMs ?? 2000);

    limiter = new RateLimiterRedis({
      ...base,
      keyPrefix: `${keyPrefixOf(store)}rl`,
      storeClient: client,
      ...(whenDown === 'local' ? { insuranceLimiter: new RateLimiterMemory(base) } : {}),
    });
    close = async () => {
      client.disconnect();
    };
  } else {
    limiter = new RateLimiterMemory(base);
  }
  const middleware: Middleware = async (call, next) => {
    const key = `${call.principal}\u0000${call.kind}\u0000${call.name}`;
    try {
      await limiter.consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        // The store failed (only without the local insurance limiter): open or closed by config.
        if (whenDown === 'open') return next();
        throw new ToolError(
          `Rate limit store unreachable: ${call.kind} ${call.name} is refused until it is back. Retry in a few seconds.`,
          { code: -32029, data: { retryAfterMs: 5000 } },
        );
      }
      const retryAfterMs = Math.max(rejection.msBeforeNext, 1);
      const seconds = Math.ceil(retryAfterMs / 1000);
      throw new ToolError(
        `Rate limit exceeded for ${call.kind} ${call.name}: at most ${options.points} calls per ${options.durationSec} s. ` +
          `Retry after ${seconds} s.`,
        { code: -32029, data: { retryAfterMs } },
      );
    }
    return next();
  };
  return { middleware, close };
}
