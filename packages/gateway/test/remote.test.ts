import { afterEach, describe, expect, it } from 'vitest';
import { type RemoteUpstream, UpstreamPool, UpstreamSupervisor } from '../src/index.js';
import { type RemoteFixture, startHttpFixture, startSseFixture } from './fixtures/remote.js';
import { waitFor } from './support/procfs.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function fixture(start: () => Promise<RemoteFixture>): Promise<RemoteFixture> {
  const remote = await start();
  cleanup.push(remote.close);
  return remote;
}

function remote(name: string, target: Partial<RemoteUpstream> & { url: string }): UpstreamSupervisor {
  const supervisor = new UpstreamSupervisor({
    name,
    target: { kind: 'remote', headers: {}, ...target },
    lifecycle: { restart: { backoffMs: [20, 50], maxCrashesPerMinute: 2 }, connectTimeoutMs: 5000 },
  });
  cleanup.push(() => supervisor.stop());
  return supervisor;
}

const text = (result: { content?: unknown }) => (result.content as Array<{ text: string }>)[0]!.text;

describe('remote upstreams', () => {
  it('connects over Streamable HTTP with the entry’s headers', async () => {
    const http = await fixture(() => startHttpFixture(['x-api-key', 'k-123']));
    const supervisor = remote('web', { url: http.url, headers: { 'x-api-key': 'k-123' } });
    const client = await supervisor.client();
    expect(supervisor.status().transport).toBe('http');
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('http: hi');
    expect(http.seen.get('x-api-key')!.every((value) => value === 'k-123')).toBe(true);
    expect(supervisor.status().target).toBe(`http: ${new URL(http.url).origin}/mcp`);
  });

  it('falls back to the legacy SSE transport, headers on the stream and on every POST', async () => {
    const sse = await fixture(startSseFixture);
    const supervisor = remote('old', { url: sse.url, headers: { 'x-api-key': 'k-456' } });
    const client = await supervisor.client();
    expect(supervisor.status().transport).toBe('sse');
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('sse: hi');
    // The failed Streamable HTTP POST, the SSE GET and the POSTs after it all carried the header.
    expect(sse.seen.get('x-api-key')!.length).toBeGreaterThanOrEqual(4);
    expect(sse.seen.get('x-api-key')!.every((value) => value === 'k-456')).toBe(true);
  });

  it('uses only the transport the entry names', async () => {
    const sse = await fixture(startSseFixture);
    const pinned = remote('old', { url: sse.url, type: 'sse' });
    await pinned.client();
    expect(pinned.status().transport).toBe('sse');
    const http = remote('strict', { url: sse.url, type: 'http' });
    await http.start();
    expect(await waitFor(() => http.state === 'failed', 5000)).toBe(true);
    await expect(http.client()).rejects.toThrow(/Upstream server "strict" has failed/);
  });

  it('does not fall back after a refusal of the credentials', async () => {
    const http = await fixture(() => startHttpFixture(['x-api-key', 'right']));
    const supervisor = remote('web', { url: http.url, headers: { 'x-api-key': 'wrong' } });
    await supervisor.start();
    expect(await waitFor(() => supervisor.state === 'failed', 5000)).toBe(true);
    expect(supervisor.status().lastError).toMatch(/401|Unauthorized/);
    expect(supervisor.status().lastError).not.toContain('wrong');
  });

  it('reports a server that is not there, naming it', async () => {
    const http = await fixture(() => startHttpFixture());
    await http.close();
    const supervisor = remote('gone', { url: http.url });
    await supervisor.start();
    expect(await waitFor(() => supervisor.state === 'failed', 5000)).toBe(true);
    await expect(supervisor.client()).rejects.toThrow(/^Upstream server "gone" has failed/);
  });
});

describe('remote health', () => {
  it('counts a remote server that stopped answering pings as a crash', async () => {
    const http = await startHttpFixture();
    const supervisor = new UpstreamSupervisor({
      name: 'web',
      target: { kind: 'remote', url: http.url, headers: {} },
      lifecycle: { restart: { backoffMs: [5000, 5000] } },
      pingIntervalMs: 100,
    });
    cleanup.push(() => supervisor.stop());
    await supervisor.client();
    await http.close();
    expect(await waitFor(() => supervisor.state === 'backoff', 5000)).toBe(true);
    expect(supervisor.status().lastError).toMatch(/^no answer to a ping/);
    await expect(supervisor.client()).rejects.toThrow(/^Upstream server "web" crashed/);
  });
});

describe('isolation', () => {
  it('gives each session its own remote connection, and shares one when shared', async () => {
    const sse = await fixture(startSseFixture);
    const make = () => remote('old', { url: sse.url, type: 'sse' });
    const perSession = new UpstreamPool('perSession', make);
    cleanup.push(() => perSession.closeAll());
    const a = await perSession.get(perSession.keyFor({ sessionId: 'a' })).client();
    const b = await perSession.get(perSession.keyFor({ sessionId: 'b' })).client();
    const againA = await perSession.get(perSession.keyFor({ sessionId: 'a' })).client();
    expect(againA).toBe(a);
    const which = async (client: typeof a) =>
      text(await client.callTool({ name: 'connection', arguments: {} }));
    expect(await which(a)).not.toBe(await which(b));
    expect(sse.sessions()).toBe(2);

    const shared = new UpstreamPool('shared', make);
    cleanup.push(() => shared.closeAll());
    const one = await shared.get(shared.keyFor({ sessionId: 'a' })).client();
    const two = await shared.get(shared.keyFor({ sessionId: 'b' })).client();
    expect(two).toBe(one);
    expect(sse.sessions()).toBe(3);
  });
});
