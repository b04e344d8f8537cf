import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { expect, it } from 'vitest';
import { memoryEventStores } from '../../src/http.js';

const message = (i: number, pad = 0): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { level: 'info', data: `${i}${'x'.repeat(pad)}` },
});

async function replay(store: ReturnType<ReturnType<typeof memoryEventStores>['forSession']>, after: string) {
  const seen: unknown[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (_id, m) => {
      seen.push((m as { params: { data: string } }).params.data.slice(0, 3));
    },
  });
  return { stream, seen };
}

it('replays what followed an event, skipping the priming event, on its own stream only', async () => {
  const store = memoryEventStores().forSession('s1');
  const priming = await store.storeEvent('a', {} as JSONRPCMessage);
  await store.storeEvent('a', message(1));
  await store.storeEvent('b', message(99));
  await store.storeEvent('a', message(2));
  expect(await store.getStreamIdForEventId!(priming)).toBe('a');
  expect(await replay(store, priming)).toEqual({ stream: 'a', seen: ['1', '2'] });
  expect(await store.getStreamIdForEventId!('m~nope~1')).toBeUndefined();
  expect(await store.getStreamIdForEventId!('garbage')).toBeUndefined();
});

it('keeps a session within its byte budget, dropping the oldest events first', async () => {
  const store = memoryEventStores({ maxBytesPerSession: 2000 }).forSession('s2');
  const first = await store.storeEvent('a', message(100, 300));
  for (let i = 101; i < 120; i++) await store.storeEvent('a', message(i, 300));
  const { seen } = await replay(store, first);
  // About 2000 bytes of ~380-byte events: the last few survive, the newest always.
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.length).toBeLessThanOrEqual(5);
  expect(seen.at(-1)).toBe('119');
});

it('forgets everything when its session ends', async () => {
  const store = memoryEventStores().forSession('s3');
  const id = await store.storeEvent('a', message(1));
  await store.storeEvent('a', message(2));
  store.release();
  expect(await store.getStreamIdForEventId!(id)).toBeUndefined();
});
