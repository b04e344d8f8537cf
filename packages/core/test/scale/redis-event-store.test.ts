import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventStores } from '../../src/http.js';
import { hasRedis, startRedis } from '../support/redis.js';

const message = (i: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { level: 'info', data: `event ${i}` },
});

/**
 * The 2025 event store in Redis, directly: every POST of a 2025 session is a stream of its own,
 * so a long session writes many; the node keeps only its latest keys in memory, and an older
 * stream (or one another node wrote for the session) still resumes from what Redis holds.
 */
describe.skipIf(!hasRedis())('2025 event store in Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function replay(store: ReturnType<RedisEventStores['forSession']>, after: string) {
    const seen: string[] = [];
    await store.replayEventsAfter(after, {
      send: async (_id, m) => {
        seen.push((m as { params: { data: string } }).params.data);
      },
    });
    return seen;
  }

  it('resumes a stream older than the latest it keeps in memory, and one another node wrote', async () => {
    const settings = { url: redis.url, keyPrefix: 'es-test:' };
    const nodeA = await RedisEventStores.open(settings, logger, { ttlMs: 60_000, maxStreamsPerSession: 4 });
    const nodeB = await RedisEventStores.open(settings, logger, { ttlMs: 60_000, maxStreamsPerSession: 4 });
    try {
      // Until a connection is ready the store keeps events in memory (tested elsewhere).
      await expect
        .poll(() => [nodeA.client.status, nodeB.client.status], { timeout: 20_000 })
        .toEqual(['ready', 'ready']);
      const onA = nodeA.forSession('session-1');
      const first = await onA.storeEvent('stream-0', {} as JSONRPCMessage);
      await onA.storeEvent('stream-0', message(0));
      // Many more streams than the node remembers: the first is no longer among its latest.
      for (let i = 1; i <= 40; i++) await onA.storeEvent(`stream-${i}`, message(i));
      expect(first).toMatch(/^stream-0~\d+-\d+$/); // in Redis, not the memory fallback
      expect(await onA.getStreamIdForEventId!(first)).toBe('stream-0');
      expect(await replay(onA, first)).toEqual(['event 0']);

      // The same session on another node (its first node gone): the stream resumes there too.
      const onB = nodeB.forSession('session-1');
      expect(await onB.getStreamIdForEventId!(first)).toBe('stream-0');
      expect(await replay(onB, first)).toEqual(['event 0']);
      // Another session cannot claim it.
      expect(await nodeB.forSession('session-2').getStreamIdForEventId!(first)).toBeUndefined();
      onA.release();
    } finally {
      await nodeA.close();
      await nodeB.close();
    }
  });
});
