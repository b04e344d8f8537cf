import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS } from '../../src/testing/index.js';
import { connectHttp, startServer } from './fixture.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Resolves with the next notification of `method` the client receives. */
function next(client: Client, method: string, timeoutMs = 20_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
    client.setNotificationHandler(method as any, (notification: any) => {
      clearTimeout(timer);
      resolve(notification);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Subscribes in the era's own way: 2025 resources/subscribe, 2026 a subscriptions/listen stream. */
async function subscribe(
  client: Client,
  era: (typeof ERAS)[number],
  filter: { uri?: string; tools?: boolean },
) {
  if (era === 'legacy') {
    if (filter.uri) await client.subscribeResource({ uri: filter.uri });
    return async () => {
      if (filter.uri) await client.unsubscribeResource({ uri: filter.uri });
    };
  }
  const subscription = await (client as any).listen({
    ...(filter.tools ? { toolsListChanged: true } : {}),
    ...(filter.uri ? { resourceSubscriptions: [filter.uri] } : {}),
  });
  return () => subscription.close();
}

/**
 * Does `cause` until `arrived` settles: a 2025 client takes change notifications on a GET stream
 * that opens in the background, so a first change may come before it can be delivered. Waits for
 * the notification itself, never for a time.
 */
async function untilDelivered<T>(arrived: Promise<T>, cause: () => void): Promise<T> {
  let done = false;
  const settled = arrived.finally(() => {
    done = true;
  });
  while (!done) {
    cause();
    await Promise.race([settled, new Promise((r) => setTimeout(r, 250))]);
  }
  return settled;
}

describe.each(ERAS)('change notifications (%s)', (era) => {
  it('tells a subscribed client when a watched resource changes, and stops watching after', async () => {
    const client = await connectHttp(server.handle.url, era);
    try {
      const stop = await subscribe(client, era, { uri: 'memo://one' });
      await until(() => server.watchable.watched().includes('memo://one'));
      const updated = next(client, 'notifications/resources/updated');
      const notification = await untilDelivered(updated, () => server.watchable.change('memo://one'));
      expect(notification.params.uri).toBe('memo://one');
      await stop();
      await until(() => !server.watchable.watched().includes('memo://one'));
    } finally {
      await client.close();
    }
  });

  it('delivers list changes and resource updates published through the handle', async () => {
    const client = await connectHttp(server.handle.url, era);
    try {
      const stop = await subscribe(client, era, { uri: 'memo://one', tools: true });
      const listChanged = next(client, 'notifications/tools/list_changed');
      await untilDelivered(listChanged, () => server.handle.notify.toolsChanged());
      const updated = next(client, 'notifications/resources/updated');
      server.handle.notify.resourceUpdated('memo://one');
      expect((await updated).params.uri).toBe('memo://one');
      await stop();
    } finally {
      await client.close();
    }
  });

  it('does not notify a client that did not subscribe to the resource', async () => {
    const subscribed = await connectHttp(server.handle.url, era);
    const bystander = await connectHttp(server.handle.url, era);
    try {
      const stop = await subscribe(subscribed, era, { uri: 'memo://one' });
      // The bystander watches another resource: its update, sent after, is the sentinel.
      const stopOther = await subscribe(bystander, era, { uri: 'memo://two' });
      await until(() => server.watchable.watched().includes('memo://one'));
      await until(() => server.watchable.watched().includes('memo://two'));
      const seen: string[] = [];
      let sentinel!: () => void;
      const arrived = new Promise<void>((resolve) => {
        sentinel = resolve;
      });
      bystander.setNotificationHandler('notifications/resources/updated' as any, (n: any) => {
        seen.push(n.params.uri);
        if (n.params.uri === 'memo://two') sentinel();
      });
      const updated = next(subscribed, 'notifications/resources/updated');
      await untilDelivered(updated, () => server.watchable.change('memo://one'));
      // Once the bystander has the later update on its own stream, an earlier leak would be there.
      await untilDelivered(arrived, () => {
        server.watchable.change('memo://one');
        server.watchable.change('memo://two');
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((uri) => uri !== 'memo://two')).toEqual([]);
      await stop();
      await stopOther();
    } finally {
      await subscribed.close();
      await bystander.close();
    }
  });
});

describe('listen streams per caller', () => {
  it('refuses a caller more 2026 listen streams than its share, and frees the slot when one closes', async () => {
    const capped = await startServer({ limits: { maxSubscriptionsPerPrincipal: 2 } });
    const client = await connectHttp(capped.handle.url, 'modern');
    try {
      const first = await (client as any).listen({ resourceSubscriptions: ['memo://one'] });
      const second = await (client as any).listen({ toolsListChanged: true });
      await expect((client as any).listen({ toolsListChanged: true })).rejects.toThrow(
        /Subscription limit reached: 2 listen streams are open for this caller/,
      );
      await first.close();
      await until(() => !capped.watchable.watched().includes('memo://one'));
      const third = await (client as any).listen({ toolsListChanged: true });
      await third.close();
      await second.close();
    } finally {
      await client.close();
      await capped.close();
    }
  });
});
