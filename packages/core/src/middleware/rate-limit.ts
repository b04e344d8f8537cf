import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ToolError } from '../errors/tool-error.js';
import type { Middleware } from './types.js';

export interface RateLimitOptions {
  /** Calls allowed per principal and tool (or resource, or prompt) in each window. */
  points: number;
  /** Window length in seconds. */
  durationSec: number;
  /**
   * Where counters live. `memory` is per process; `redis` shares them across processes
   * (several HTTP workers behind a load balancer). Counters fall back to memory if Redis fails.
   */
  store?: { kind: 'memory' } | { kind: 'redis'; url: string; keyPrefix?: string };
  /** How long start-up waits for Redis before counting in memory (ms). Default 2000. */
  connectTimeoutMs?: number;
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
  if (store.kind === 'redis') {
    const { Redis } = await import('ioredis');
    // No offline queue: while Redis is away, calls are counted in memory (the insurance
    // limiter) instead of waiting. So wait (briefly) for the first connection before serving.
    const client = new Redis(store.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on('error', () => {}); // the insurance limiter takes over; errors are not fatal
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.connectTimeoutMs ?? 2000);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });

    limiter = new RateLimiterRedis({
      ...base,
      keyPrefix: store.keyPrefix ?? base.keyPrefix,
      storeClient: client,
      insuranceLimiter: new RateLimiterMemory(base),
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
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
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
