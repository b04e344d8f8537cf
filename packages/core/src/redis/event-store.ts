import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { keyPrefixOf, openRedis, type RedisSettings } from './connection.js';

/** One 2025 session's event store; released (its events dropped) when the session ends. */
export type SessionEventStore = EventStore & { release(): void };

/**
 * Where 2025-era sessions keep the events of their SSE streams, so a client whose stream was cut
 * reconnects with `Last-Event-ID` and gets what it missed (the SDK's resumability).
 */
export interface SessionEventStores {
  forSession(sessionId: string): SessionEventStore;
  close?(): Promise<void>;
}

export interface EventStoreLimits {
  /** Events kept per stream (the oldest go first). Default 256. */
  maxEventsPerStream?: number;
  /** Streams kept per session in memory (the oldest go first). Default 64. */
  maxStreamsPerSession?: number;
  /** Bytes of events kept per session in memory (the oldest go first). Default 1 MiB. */
  maxBytesPerSession?: number;
}

const SEPARATOR = '~';
const MEMORY = 'm';

/** The priming event the SDK stores is `{}`: never replayed as a message. */
function isMessage(message: JSONRPCMessage): boolean {
  return Object.keys(message).length > 0;
}

function splitId(eventId: EventId): { streamId: StreamId; position: string } | undefined {
  const at = eventId.lastIndexOf(SEPARATOR);
  if (at <= 0 || at === eventId.length - 1) return undefined;
  return { streamId: eventId.slice(0, at), position: eventId.slice(at + 1) };
}

/** A bounded in-process store: the default, and what the Redis store falls back to. */
class MemorySessionStore implements SessionEventStore {
  private readonly streams = new Map<
    StreamId,
    { next: number; events: { seq: number; message: JSONRPCMessage; bytes: number }[] }
  >();
  private bytes = 0;

  constructor(private readonly limits: Required<EventStoreLimits>) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    let stream = this.streams.get(streamId);
    if (!stream) {
      if (this.streams.size >= this.limits.maxStreamsPerSession) {
        const [oldest, dropped] = this.streams.entries().next().value ?? [];
        if (oldest !== undefined && dropped) {
          for (const event of dropped.events) this.bytes -= event.bytes;
          this.streams.delete(oldest);
        }
      }
      stream = { next: 1, events: [] };
      this.streams.set(streamId, stream);
    }
    const seq = stream.next++;
    // Approximate size (UTF-16 length of the JSON): a budget, not an accounting.
    const bytes = JSON.stringify(message).length;
    stream.events.push({ seq, message, bytes });
    this.bytes += bytes;
    if (stream.events.length > this.limits.maxEventsPerStream) this.bytes -= stream.events.shift()!.bytes;
    // Over the session's budget: the oldest events of the oldest streams go first.
    for (const [id, old] of this.streams) {
      if (this.bytes <= this.limits.maxBytesPerSession) break;
      while (old.events.length && this.bytes > this.limits.maxBytesPerSession) {
        this.bytes -= old.events.shift()!.bytes;
      }
      if (!old.events.length && id !== streamId) this.streams.delete(id);
    }
    return `${MEMORY}${SEPARATOR}${streamId}${SEPARATOR}${seq}`;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const parsed = parseMemoryId(eventId);
    return parsed && this.streams.has(parsed.streamId) ? parsed.streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const parsed = parseMemoryId(lastEventId);
    if (!parsed) throw new Error('unknown event id');
    const stream = this.streams.get(parsed.streamId);
    for (const { seq, message } of stream?.events ?? []) {
      if (seq > parsed.seq && isMessage(message)) {
        await send(`${MEMORY}${SEPARATOR}${parsed.streamId}${SEPARATOR}${seq}`, message);
      }
    }
    return parsed.streamId;
  }

  release(): void {
    this.streams.clear();
    this.bytes = 0;
  }
}

function parseMemoryId(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
  if (!eventId.startsWith(`${MEMORY}${SEPARATOR}`)) return undefined;
  const parsed = splitId(eventId.slice(2));
  const seq = Number(parsed?.position);
  return parsed && Number.isSafeInteger(seq) ? { streamId: parsed.streamId, seq } : undefined;
}

function fill(limits: EventStoreLimits): Required<EventStoreLimits> {
  return {
    maxEventsPerStream: limits.maxEventsPerStream ?? 256,
    maxStreamsPerSession: limits.maxStreamsPerSession ?? 64,
    maxBytesPerSession: limits.maxBytesPerSession ?? 1024 * 1024,
  };
}

/** Events kept in this process's memory, bounded per stream and per session. */
export function memoryEventStores(limits: EventStoreLimits = {}): SessionEventStores {
  const filled = fill(limits);
  return { forSession: () => new MemorySessionStore(filled) };
}

/**
 * Events kept in Redis streams (`XADD … MAXLEN ~`), one key per session stream, expiring with the
 * session's idle time. A store that fails (Redis away, a command past its timeout) keeps the event
 * in memory instead, so a response is never lost to an outage; such events resume from this node.
 */
export class RedisEventStores implements SessionEventStores {
  private constructor(
    readonly client: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly limits: Required<EventStoreLimits>,
  ) {}

  static async open(
    settings: RedisSettings,
    logger: Logger,
    options: { ttlMs: number } & EventStoreLimits,
  ): Promise<RedisEventStores> {
    const client = await openRedis(settings, logger, {
      name: 'the 2025 event store',
      fallback: 'stream events are kept in this node’s memory',
    });
    return new RedisEventStores(client, `${keyPrefixOf(settings)}events:`, options.ttlMs, fill(options));
  }

  forSession(sessionId: string): SessionEventStore {
    const { client, ttlMs, limits } = this;
    const memory = new MemorySessionStore(limits);
    const keyOf = (streamId: StreamId) => `${this.prefix}${sessionId}:${streamId}`;
    // The session's latest stream keys, for deleting them when it ends; bounded, since every
    // 2025 POST is a stream of its own (a 30-minute soak's sessions grew this by one per call).
    // Older keys expire in Redis with the TTL.
    const keys = new Set<string>();
    const remember = (key: string) => {
      keys.delete(key);
      keys.add(key);
      if (keys.size > limits.maxStreamsPerSession) keys.delete(keys.values().next().value as string);
    };
    return {
      async storeEvent(streamId, message) {
        if (client.status === 'ready') {
          const key = keyOf(streamId);
          try {
            const replies = await client
              .multi()
              .xadd(key, 'MAXLEN', '~', limits.maxEventsPerStream, '*', 'm', JSON.stringify(message))
              .pexpire(key, ttlMs)
              .exec();
            const [error, id] = replies?.[0] ?? [new Error('no reply')];
            if (!error && typeof id === 'string') {
              remember(key);
              return `${streamId}${SEPARATOR}${id}`;
            }
          } catch {
            // falls through to memory
          }
        }
        return memory.storeEvent(streamId, message);
      },
      async getStreamIdForEventId(eventId) {
        if (eventId.startsWith(`${MEMORY}${SEPARATOR}`)) return memory.getStreamIdForEventId(eventId);
        const parsed = splitId(eventId);
        if (!parsed || !/^\d+-\d+$/.test(parsed.position)) return undefined;
        const key = keyOf(parsed.streamId);
        if (keys.has(key)) return parsed.streamId;
        // Not among this node's latest: Redis may still hold it (an older stream, or one another
        // node wrote for this session before it went away). The key is scoped to the session.
        try {
          return client.status === 'ready' && (await client.exists(key)) ? parsed.streamId : undefined;
        } catch {
          return undefined;
        }
      },
      async replayEventsAfter(lastEventId, { send }) {
        if (lastEventId.startsWith(`${MEMORY}${SEPARATOR}`))
          return memory.replayEventsAfter(lastEventId, { send });
        const parsed = splitId(lastEventId);
        if (!parsed) throw new Error('unknown event id');
        const entries = await client.xrange(
          keyOf(parsed.streamId),
          `(${parsed.position}`,
          '+',
          'COUNT',
          limits.maxEventsPerStream,
        );
        for (const [id, fields] of entries) {
          const message = JSON.parse(fields[1] ?? '{}') as JSONRPCMessage;
          if (isMessage(message)) await send(`${parsed.streamId}${SEPARATOR}${id}`, message);
        }
        return parsed.streamId;
      },
      release() {
        memory.release();
        if (keys.size && client.status === 'ready') client.del(...keys).catch(() => {});
        keys.clear();
      },
    };
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
