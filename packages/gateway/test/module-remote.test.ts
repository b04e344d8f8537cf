import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, createRuntime, type Runtime } from '@mcpkit/core';
import { connect, ERAS, type TestClient } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogCache, type GatewayUpstream, upstreamFromEntry } from '../src/index.js';
import { type RemoteFixture, startHttpFixture, startSseFixture } from './fixtures/remote.js';
import { FIXTURE_SERVER } from './support/paths.js';
import { waitFor } from './support/procfs.js';

const textOf = (result: unknown) =>
  ((result as { content?: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('\n');
const as = (runtime: Runtime, sub: string, era: (typeof ERAS)[number]) =>
  connect(runtime, { era, auth: { token: `t-${sub}`, clientId: sub, scopes: [], extra: { sub } } });

describe('remote upstreams through the gateway', () => {
  let http: RemoteFixture;
  let sse: RemoteFixture;
  let upstreams: GatewayUpstream[];
  let runtime: Runtime;

  beforeAll(async () => {
    http = await startHttpFixture(['x-api-key', 'k-1']);
    sse = await startSseFixture();
    upstreams = [
      upstreamFromEntry('web', { url: http.url, headers: { 'x-api-key': 'k-1' }, start: 'eager' }),
      upstreamFromEntry('legacy', { url: sse.url, start: 'eager' }),
    ];
    runtime = await createRuntime(
      compose(
        { name: 'gateway', version: '1.0.0' },
        Object.fromEntries(upstreams.map((u) => [u.namespace, u.module])),
      ),
    );
  });
  afterAll(async () => {
    await runtime.close();
    await http.close();
    await sse.close();
  });

  it.each(ERAS)('%s era: Streamable HTTP and legacy SSE upstreams serve their tools', async (era) => {
    const client = await connect(runtime, { era });
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['web_echo', 'legacy_echo']));
      expect(textOf(await client.callTool({ name: 'web_echo', arguments: { text: 'a' } }))).toBe('http: a');
      expect(textOf(await client.callTool({ name: 'legacy_echo', arguments: { text: 'b' } }))).toBe('sse: b');
    } finally {
      await client.close();
    }
  });

  it('keeps one remote connection per principal: state never crosses users', async () => {
    const clients: TestClient[] = [await as(runtime, 'alice', 'legacy'), await as(runtime, 'bob', 'legacy')];
    clients.push(await as(runtime, 'alice', 'modern'));
    try {
      const which = async (client: TestClient) =>
        textOf(await client.callTool({ name: 'legacy_connection', arguments: {} }));
      const [alice, bob, aliceAgain] = [
        await which(clients[0]!),
        await which(clients[1]!),
        await which(clients[2]!),
      ];
      expect(alice).not.toBe(bob);
      expect(aliceAgain).toBe(alice);
      const keys = upstreams[1]!.status().instances!.map((i) => i.key);
      expect(keys).toEqual(expect.arrayContaining(['session:alice', 'session:bob']));
    } finally {
      for (const client of clients) await client.close();
    }
  });
});

describe('lazy start', () => {
  it('does not hold up serving; the tools appear when the upstream is up', async () => {
    const lazy = upstreamFromEntry('fx', {
      command: process.execPath,
      args: [FIXTURE_SERVER],
      start: 'lazy',
    });
    const runtime = await createRuntime(compose({ name: 'gateway', version: '1.0.0' }, { fx: lazy.module }));
    const client = await connect(runtime);
    try {
      expect(['idle', 'starting']).toContain(lazy.status().state);
      expect(await waitFor(() => lazy.status().state === 'ready', 5000)).toBe(true);
      let names: string[] = [];
      for (const deadline = Date.now() + 3000; !names.includes('fx_echo') && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        names = (await client.listTools()).tools.map((t) => t.name);
      }
      expect(names).toContain('fx_echo');
      expect(textOf(await client.callTool({ name: 'fx_echo', arguments: { text: 'late' } }))).toBe('late');
    } finally {
      await client.close();
      await runtime.close();
    }
  });

  it('with a catalog, lists a lazy upstream without starting it; the first call starts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-catalog-'));
    const entry = { command: process.execPath, args: [FIXTURE_SERVER], start: 'lazy' };
    try {
      // A first run learns the lists.
      const first = upstreamFromEntry('fx', entry, { catalogCache: new CatalogCache(dir) });
      const firstRuntime = await createRuntime(compose({ name: 'g', version: '1' }, { fx: first.module }));
      expect(await waitFor(() => first.status().state === 'ready', 5000)).toBe(true);
      expect(await waitFor(() => first.module.tools.length > 0, 3000)).toBe(true);
      await firstRuntime.close();

      // The next run serves them at once, with no process until a call needs one.
      const next = upstreamFromEntry('fx', entry, { catalogCache: new CatalogCache(dir) });
      const runtime = await createRuntime(compose({ name: 'g', version: '1' }, { fx: next.module }));
      const client = await connect(runtime);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toContain('fx_echo');
        expect(next.status().state).toBe('idle');
        expect(next.status().pid).toBeUndefined();
        expect(textOf(await client.callTool({ name: 'fx_echo', arguments: { text: 'woke' } }))).toBe('woke');
        expect(next.status().state).toBe('ready');
      } finally {
        await client.close();
        await runtime.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
