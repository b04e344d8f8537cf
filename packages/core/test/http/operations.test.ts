import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveHttpOptions } from '../../src/transports/http/options.js';
import { connectHttp, startServer } from './fixture.js';

const SECRET_ARGUMENT = 'argument-value-7c1e9d';
const TOKEN = 'operator-static-token-5d2b8e71a4';

/** The value of the sample of `metric` whose labels include all of `labels` (undefined when absent). */
function sample(body: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    const close = line.lastIndexOf('}');
    const labelText = close === -1 ? '' : line.slice(metric.length + 1, close);
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(close + 1).trim());
  }
  return undefined;
}

describe('metrics and status page on a loopback bind (on by default)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const base = () => new URL('/', server.handle.url);
  beforeAll(async () => {
    // A time limit the instant echo calls meet even on a loaded machine; slow_echo overruns it.
    server = await startServer({}, { timeoutMs: 1000, rateLimit: { points: 3, durationSec: 60 } });
  });
  afterAll(() => server.close());

  it('counts calls by tool and outcome, refusals, latency and sessions', async () => {
    const before = await (await fetch(new URL('/metrics', base()))).text();
    expect(sample(before, 'mcpkit_calls_total', { name: 'echo', outcome: 'ok' })).toBeUndefined();

    const client = await connectHttp(server.handle.url, 'legacy');
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({ name: 'echo', arguments: { text: SECRET_ARGUMENT } });
      expect(result.isError).toBeFalsy();
    }
    const refused = await client.callTool({ name: 'echo', arguments: { text: SECRET_ARGUMENT } });
    expect(refused.isError).toBe(true);
    const late = await client.callTool({ name: 'slow_echo', arguments: { text: 'x', ms: 2000 } });
    expect(late.isError).toBe(true);

    const response = await fetch(new URL('/metrics', base()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    const tool = { server: 'http-test', kind: 'tool', name: 'echo' };
    expect(sample(body, 'mcpkit_calls_total', { ...tool, outcome: 'ok' })).toBe(3);
    expect(sample(body, 'mcpkit_calls_total', { ...tool, outcome: 'rate_limited' })).toBe(1);
    expect(sample(body, 'mcpkit_rate_limited_total', tool)).toBe(1);
    expect(sample(body, 'mcpkit_calls_total', { name: 'slow_echo', outcome: 'timeout' })).toBe(1);
    expect(sample(body, 'mcpkit_call_duration_seconds_count', tool)).toBe(4);
    expect(sample(body, 'mcpkit_call_duration_seconds_bucket', { ...tool, le: '+Inf' })).toBe(4);
    expect(sample(body, 'mcpkit_calls_in_flight', {})).toBe(0);
    expect(sample(body, 'mcpkit_sessions', {})).toBe(1);
    expect(sample(body, 'mcpkit_tools', {})).toBe(server.runtime.module.tools.length);
    expect(body).toContain('mcpkit_process_cpu_seconds_total');
    // Names only: never what was passed.
    expect(body).not.toContain(SECRET_ARGUMENT);
    await client.close();
  });

  it('shows a call while it runs', async () => {
    const client = await connectHttp(server.handle.url, 'modern');
    const running = client.callTool({ name: 'slow_echo', arguments: { text: 'y', ms: 250 } });
    let seen = 0;
    for (let i = 0; i < 200 && seen === 0; i++) {
      seen = sample(await (await fetch(new URL('/metrics', base()))).text(), 'mcpkit_calls_in_flight', {})!;
      if (seen === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen).toBe(1);
    await running;
    await client.close();
  });

  it('serves the status data: servers, tool counts, recent calls with outcomes', async () => {
    const response = await fetch(new URL('/?format=json', base()));
    expect(response.status).toBe(200);
    const status = await response.json();
    expect(status.name).toBe('http-test');
    expect(status.servers).toEqual([{ name: 'http-test', tools: 4, readOnlyTools: 3, destructiveTools: 1 }]);
    expect(status.url).toBe(server.handle.url.href);
    const outcomes = status.recent.map((r: { name: string; result: string }) => `${r.name}:${r.result}`);
    expect(outcomes).toContain('echo:rate_limited');
    expect(outcomes).toContain('echo:ok');
    expect(status.totals).toContainEqual({ kind: 'tool', name: 'echo', calls: 4, errors: 1 });
    expect(JSON.stringify(status)).not.toContain(SECRET_ARGUMENT);

    const page = await fetch(base());
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toContain('"name":"http-test"');
  });

  it('answers only GET and HEAD, and checks the Host like /mcp', async () => {
    expect((await fetch(new URL('/metrics', base()), { method: 'POST' })).status).toBe(405);
    const head = await fetch(base(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    // fetch keeps its own Host header; node:http sends the one given.
    const rebinding = await new Promise<number>((resolve, reject) => {
      request(base(), { headers: { host: 'evil.example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebinding).toBe(403);
    expect((await fetch(new URL('/nowhere', base()))).status).toBe(404);
  });
});

describe('with bearer auth', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ auth: { tokens: [{ token: TOKEN, principal: 'operator' }] } });
  });
  afterAll(() => server.close());

  it('takes the same token as /mcp for the metrics and the page', async () => {
    for (const pathname of ['/metrics', '/']) {
      const url = new URL(pathname, server.handle.url);
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-000000' } })).status).toBe(
        401,
      );
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
    }
    const status = await (
      await fetch(new URL('/?format=json', server.handle.url), {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json();
    expect(status.authenticated).toBe(true);
  });
});

describe('switches', () => {
  it('metrics are off by default beyond loopback, and can be turned on', () => {
    const wide = {
      host: '0.0.0.0',
      allowedHosts: ['mcp.example.com'],
      auth: { tokens: [{ token: TOKEN, principal: 'p' }] },
    };
    expect(resolveHttpOptions(wide, 3000).operations.metrics).toBe(false);
    expect(resolveHttpOptions({ ...wide, metrics: true }, 3000).operations.metrics).toBe(true);
    expect(resolveHttpOptions({}, 3000).operations).toMatchObject({ metrics: true, statusPage: true });
  });

  it('turned off, /metrics and / are not found', async () => {
    const server = await startServer({ metrics: false, statusPage: false });
    try {
      expect((await fetch(new URL('/metrics', server.handle.url))).status).toBe(404);
      expect((await fetch(new URL('/', server.handle.url))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('reports the health of dependencies the server is given', async () => {
    const server = await startServer({
      health: async () => [
        { name: 'postgres', state: 'up' },
        { name: 'upstream github', state: 'down', detail: 'exited with code 1' },
      ],
    });
    try {
      const body = await (await fetch(new URL('/metrics', server.handle.url))).text();
      expect(sample(body, 'mcpkit_upstream_state', { upstream: 'postgres', state: 'up' })).toBe(1);
      expect(sample(body, 'mcpkit_upstream_state', { upstream: 'upstream github', state: 'down' })).toBe(1);
      expect(sample(body, 'mcpkit_upstream_state', { upstream: 'upstream github', state: 'up' })).toBe(0);
      const status = await (await fetch(new URL('/?format=json', server.handle.url))).json();
      expect(status.health).toContainEqual({
        name: 'upstream github',
        state: 'down',
        detail: 'exited with code 1',
      });
    } finally {
      await server.close();
    }
  });
});
