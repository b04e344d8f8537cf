import { randomUUID } from 'node:crypto';
import { InMemoryServerEventBus, type ServerEvent, type ServerEventBus } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { keyPrefixOf, openRedis, type RedisSettings } from './connection.js';

const KINDS = new Set([
  'tools_list_changed',
  'prompts_list_changed',
  'resources_list_changed',
  'resource_updated',
]);

/** What travels on the channel: the publishing node (so it skips its own) and the event. */
interface Envelope {
  o: string;
  e: ServerEvent;
}

/**
 * The SDK's `ServerEventBus` over Redis pub/sub: an event published on one node reaches the
 * listeners of every node (2026 listen streams, 2025 sessions). Delivery on the publishing node
 * is local and immediate; other nodes get it through Redis. While Redis is away, events reach
 * this node's clients only (a warning says so), and delivery across nodes resumes by itself.
 */
export class RedisServerEventBus implements ServerEventBus {
  private readonly local: InMemoryServerEventBus;
  private readonly origin = randomUUID();
  private readonly channel: string;
  private warned = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    settings: RedisSettings,
    private readonly logger: Logger,
  ) {
    this.channel = `${keyPrefixOf(settings)}events`;
    this.local = new InMemoryServerEventBus((error) => logger.debug({ err: error }, 'bus listener failed'));
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const event = parseEnvelope(text, this.origin);
      if (event) this.local.publish(event);
    });
    subscriber.subscribe(this.channel).catch(() => {}); // retried by ioredis on reconnection
  }

  static async open(settings: RedisSettings, logger: Logger): Promise<RedisServerEventBus> {
    const fallback = 'change events reach only the clients of this node';
    const publisher = await openRedis(settings, logger, { name: 'the event bus', fallback });
    const subscriber = await openRedis(settings, logger, {
      name: 'the event bus (subscriber)',
      fallback,
      subscriber: true,
    });
    return new RedisServerEventBus(publisher, subscriber, settings, logger);
  }

  publish(event: ServerEvent): void {
    this.local.publish(event);
    if (this.publisher.status !== 'ready') {
      this.warnOnce();
      return;
    }
    this.warned = false;
    const envelope: Envelope = { o: this.origin, e: event };
    this.publisher.publish(this.channel, JSON.stringify(envelope)).catch(() => this.warnOnce());
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** The connection readiness probes ping. */
  get client(): Redis {
    return this.publisher;
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('event not sent to other nodes (Redis unreachable): only this node’s clients are told');
  }
}

/** An event from another node, checked before it is delivered (the channel is not trusted blindly). */
function parseEnvelope(text: string, self: string): ServerEvent | undefined {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    return undefined;
  }
  if (!envelope || envelope.o === self || typeof envelope.e !== 'object' || envelope.e === null)
    return undefined;
  const { kind } = envelope.e as { kind?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (kind === 'resource_updated' && typeof (envelope.e as { uri?: unknown }).uri !== 'string')
    return undefined;
  return envelope.e;
}
