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
function next(client: Client, method: string, timeoutMs = 5000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
    client.setNotificationHandler(method as any, (notification: any) => {
      clearTimeout(timer);
      resolve(notification);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
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
    // The 2025 client takes change notifications on its GET stream; give it a moment to open.
    await new Promise((r) => setTimeout(r, 200));
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

describe.each(ERAS)('change notifications (%s)', (era) => {
  it('tells a subscribed client when a watched resource changes, and stops watching after', async () => {
    const client = await connectHttp(server.handle.url, era);
    try {
      const stop = await subscribe(client, era, { uri: 'memo://one' });
      await until(() => server.watchable.watched().includes('memo://one'));
      const updated = next(client, 'notifications/resources/updated');
      server.watchable.change('memo://one');
      expect((await updated).params.uri).toBe('memo://one');
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
      server.handle.notify.toolsChanged();
      await listChanged;
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
      await until(() => server.watchable.watched().includes('memo://one'));
      let leaked = false;
      bystander.setNotificationHandler('notifications/resources/updated' as any, () => {
        leaked = true;
      });
      const updated = next(subscribed, 'notifications/resources/updated');
      server.watchable.change('memo://one');
      await updated;
      await new Promise((r) => setTimeout(r, 200));
      expect(leaked).toBe(false);
      await stop();
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
      await expect((client as any).listen({ toolsListChanged: true })).rejects.toThrow();
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
