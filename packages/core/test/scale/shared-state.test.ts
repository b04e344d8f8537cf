import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/http.js';
import {
  createRuntime,
  defineResource,
  defineServer,
  defineTool,
  type Runtime,
  text,
  textContents,
} from '../../src/index.js';
import { resultText } from '../../src/testing/index.js';
import { Balancer, hasTopologyTools, RedisProcess, waitFor } from './topology.js';

/**
 * Three nodes in this process (each its own runtime and HTTP listener, sharing nothing but Redis)
 * behind the real HAProxy running deploy/haproxy.cfg: what nodes share through Redis.
 */
const TOKENS = { alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef00' };
let ticks = 0; // one counter for all nodes: a cached answer shows the tick it was computed at

function scaleModule() {
  return defineServer({
    name: 'scale-test',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'tick',
        description: 'Counts its runs (cached: read-only)',
        input: z.object({}),
        annotations: { readOnlyHint: true },
        handler: () => text(String(++ticks)),
      }),
      defineTool({
        name: 'slow_echo',
        description: 'Echo after a delay',
        input: z.object({ text: z.string(), ms: z.number().int().min(0).max(5000) }),
        annotations: { readOnlyHint: true },
        cache: false,
        handler: async ({ text: value, ms }) => {
          await new Promise((r) => setTimeout(r, ms));
          return text(value);
        },
      }),
    ],
    resources: [
      defineResource({
        name: 'memo',
        uri: 'memo://one',
        mimeType: 'text/plain',
        read: (uri) => textContents(uri.href, 'memo one', 'text/plain'),
      }),
    ],
    watch: () => () => {},
  });
}

describe.skipIf(!hasTopologyTools())('nodes sharing Redis behind HAProxy', () => {
  let redis: RedisProcess;
  let balancer: Balancer;
  const prefix = `scale${Date.now()}:`;
  const nodes: { runtime: Runtime; handle: HttpServerHandle }[] = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
    const settings = { url: redis.url, keyPrefix: prefix };
    for (let i = 0; i < 3; i++) {
      const runtime = await createRuntime(scaleModule(), { cache: { ttlMs: 60_000, redis: settings } });
      const handle = await serveRuntimeOverHttp(runtime, {
        port: 0,
        redis: settings,
        auth: {
          tokens: [
            { token: TOKENS.alice, principal: 'alice' },
            { token: TOKENS.bob, principal: 'bob' },
          ],
        },
      });
      nodes.push({ runtime, handle });
    }
    balancer = await Balancer.start(nodes.map((n) => `127.0.0.1:${n.handle.port}`));
  }, 60_000);

  afterAll(async () => {
    await balancer?.stop();
    for (const node of nodes) {
      await node.handle.close();
      await node.runtime.close();
    }
    await redis?.stop();
  });

  const nodeByName = (name: string) => nodes[Number(name.replace('node', '')) - 1]!;
  const others = (name: string) => nodes.filter((n) => n !== nodeByName(name));

  async function client(
    era: 'legacy' | 'modern',
    who: keyof typeof TOKENS = 'alice',
    cut?: AbortSignal,
    resumes: { lastEventId: string; status: number; node: string | null }[] = [],
  ) {
    const servedBy: string[] = [];
    const fetchAs: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${TOKENS[who]}`);
      // A tool call's POST can be cut from outside (the connection drops).
      const signal =
        cut && typeof init?.body === 'string' && init.body.includes('tools/call')
          ? AbortSignal.any([cut, ...(init.signal ? [init.signal] : [])])
          : init?.signal;
      return fetch(input, { ...init, headers, ...(signal ? { signal } : {}) });
    };
    const c = new Client(
      { name: 'scale-test', version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } : {},
    );
    const transport = new StreamableHTTPClientTransport(balancer.url, {
      fetch: async (input, init) => {
        const response = await fetchAs(input, init);
        const node = response.headers.get('x-served-by');
        if (node) servedBy.push(node);
        const lastEventId = new Headers(init?.headers).get('last-event-id');
        if (lastEventId) resumes.push({ lastEventId, status: response.status, node });
        return response;
      },
    });
    await c.connect(transport);
    return { client: c, transport, servedBy };
  }

  it('tells a 2025 session of one node about a change published on another', async () => {
    const { client: c, servedBy } = await client('legacy');
    try {
      await c.subscribeResource({ uri: 'memo://one' });
      const home = servedBy.at(-1)!;
      const updated = new Promise<{ params: { uri: string } }>((resolve) => {
        c.setNotificationHandler('notifications/resources/updated' as never, resolve as never);
      });
      let received = false;
      void updated.then(() => {
        received = true;
      });
      // Published on the other nodes until it arrives (the GET stream opens in the background).
      await waitFor('the update on the session’s node', async () => {
        for (const node of others(home)) node.handle.notify.resourceUpdated('memo://one');
        await new Promise((r) => setTimeout(r, 100));
        return received;
      });
      expect((await updated).params.uri).toBe('memo://one');
    } finally {
      await c.close();
    }
  });

  it('tells a 2026 listen stream on one node about a change published on another', async () => {
    const { client: c, servedBy } = await client('modern');
    try {
      const updates: string[] = [];
      c.setNotificationHandler(
        'notifications/resources/updated' as never,
        ((n: { params: { uri: string } }) => {
          updates.push(n.params.uri);
        }) as never,
      );
      const before = servedBy.length;
      const subscription = await (c as any).listen({ resourceSubscriptions: ['memo://one'] });
      const home = servedBy[before]!;
      expect(home).toMatch(/^node[123]$/);
      for (const node of others(home)) node.handle.notify.resourceUpdated('memo://one');
      await waitFor('both updates', async () => updates.length >= 2);
      expect(updates).toEqual(['memo://one', 'memo://one']);
      await subscription.close();
    } finally {
      await c.close();
    }
  });

  it('spreads 2026 calls over every node, and shares the cache per principal', async () => {
    const alice = await client('modern', 'alice');
    const bob = await client('modern', 'bob');
    try {
      const first = resultText(await alice.client.callTool({ name: 'tick', arguments: {} }));
      for (let i = 0; i < 5; i++) {
        // Every node answers alice from the one shared entry: the tick it was computed at.
        expect(resultText(await alice.client.callTool({ name: 'tick', arguments: {} }))).toBe(first);
      }
      expect(new Set(alice.servedBy)).toEqual(new Set(['node1', 'node2', 'node3']));
      // Bob is never served alice's entry.
      const bobs = resultText(await bob.client.callTool({ name: 'tick', arguments: {} }));
      expect(Number(bobs)).toBeGreaterThan(Number(first));
    } finally {
      await alice.client.close();
      await bob.client.close();
    }
  });

  it('resumes a 2025 call whose connection was cut, with Last-Event-ID, from events kept in Redis', async () => {
    // The connection carrying the call is cut for real (its fetch aborted) after the first event;
    // the SDK client reconnects with Last-Event-ID and gets the result from the event store.
    const cutter = new AbortController();
    const resumes: { lastEventId: string; status: number; node: string | null }[] = [];
    const first = await client('legacy', 'alice', cutter.signal, resumes);
    const sessionId = first.transport.sessionId!;
    let token: string | undefined;
    const call = first.client.callTool({ name: 'slow_echo', arguments: { text: 'resumed', ms: 1500 } }, {
      onresumptiontoken: (t: string) => {
        token ??= t;
      },
    } as never);
    try {
      await waitFor('the priming event id', async () => token);
      const inspect = new Redis(redis.url);
      try {
        expect((await inspect.keys(`${prefix}events:${sessionId}:*`)).length).toBeGreaterThan(0);
      } finally {
        inspect.disconnect();
      }
      const home = first.servedBy.at(-1);
      cutter.abort();
      expect(resultText(await call)).toBe('resumed');
      // Every reconnection went to the session's node, asking for what followed the first event;
      // one was answered (a try before the server noticed the cut may be told 409 and retried).
      expect(resumes.length).toBeGreaterThan(0);
      for (const attempt of resumes) expect(attempt).toMatchObject({ lastEventId: token, node: home });
      expect(resumes.some((attempt) => attempt.status === 200)).toBe(true);
    } finally {
      await first.client.close();
    }
  });

  it('reports Redis on /readyz, and degrades without hanging while Redis is down', async () => {
    const ready = await fetch(`${balancer.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks.redis.ok).toBe(true);
    const { client: c } = await client('modern');
    try {
      await redis.stop();
      const down = await waitFor('readyz to report Redis down', async () => {
        const response = await fetch(`${balancer.origin}/readyz`);
        return response.status === 503 ? response.json() : undefined;
      });
      expect(down.checks.redis.ok).toBe(false);
      // Calls go on (the cache falls back to memory), each well within the command timeout.
      for (let i = 0; i < 6; i++) {
        const result = await c.callTool({ name: 'slow_echo', arguments: { text: `down${i}`, ms: 0 } });
        expect(resultText(result)).toBe(`down${i}`);
      }
      await redis.start();
      await waitFor(
        'every node to see Redis again',
        async () => {
          const states = await Promise.all(
            nodes.map(async (n) => (await fetch(`http://127.0.0.1:${n.handle.port}/readyz`)).status),
          );
          return states.every((s) => s === 200);
        },
        15_000,
      );
      expect(resultText(await c.callTool({ name: 'tick', arguments: {} }))).toMatch(/^\d+$/);
    } finally {
      await c.close();
    }
  });
});
