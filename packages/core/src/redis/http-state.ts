import type { ServerEventBus } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { pingRedis, type RedisSettings } from './connection.js';
import { RedisServerEventBus } from './event-bus.js';
import { RedisEventStores, type SessionEventStores } from './event-store.js';

/** What the HTTP transport of one node shares with the others through Redis. */
export interface SharedHttpState {
  bus?: ServerEventBus;
  eventStores?: SessionEventStores;
  /** Reachability probes for `/readyz`. */
  readiness: Record<string, () => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Opens the Redis connections the HTTP transport needs (the event bus and the 2025 event store,
 * each only when not supplied otherwise). Never waits for Redis: each falls back while it is away.
 */
export async function openSharedHttpState(
  settings: RedisSettings,
  logger: Logger,
  options: { bus: boolean; eventStores: boolean; sessionTtlMs: number },
): Promise<SharedHttpState> {
  const bus = options.bus ? await RedisServerEventBus.open(settings, logger) : undefined;
  const eventStores = options.eventStores
    ? // Resumption is for a stream cut moments ago: events expire after 5 min (or the session's idle time).
      await RedisEventStores.open(settings, logger, { ttlMs: Math.min(options.sessionTtlMs, 5 * 60_000) })
    : undefined;
  const client = bus?.client ?? eventStores?.client;
  return {
    ...(bus ? { bus } : {}),
    ...(eventStores ? { eventStores } : {}),
    readiness: client ? { redis: () => pingRedis(client) } : {},
    async close() {
      await Promise.allSettled([bus?.close(), eventStores?.close()]);
    },
  };
}
