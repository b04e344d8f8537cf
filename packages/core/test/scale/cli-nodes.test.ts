import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText } from '../../src/testing/index.js';
import { freePort } from '../support/redis.js';
import { Balancer, builtCli, CliNode, hasTopologyTools, RedisProcess, waitFor } from './topology.js';

/**
 * Three `mcpkit serve --config … --http` processes (the built CLI) sharing one Redis, behind the
 * real HAProxy running deploy/haproxy.cfg, driven by SDK clients of both eras; then faults, each
 * under a bounded load: a node killed with SIGKILL, Redis stopped and started again.
 */
const PRINCIPALS = ['spread', 'limited', 'killed', 'outage'] as const;
type Principal = (typeof PRINCIPALS)[number];
const token = (who: Principal) => `${who}-token-${'0123456789abcdef'.repeat(2)}`;
const RATE_POINTS = 30;

const CONFIG = `# One node of the scale test: the seed's catalog, rate limits and the cache shared in Redis.
name: scale
servers:
  catalog:
    server: catalog
rateLimit:
  points: ${RATE_POINTS}
  durationSec: 60
  store: { kind: redis }
cache:
  ttlMs: 1000
redis:
  url: \${REDIS_URL}
  keyPrefix: \${REDIS_PREFIX}
http:
  auth:
    tokens:
${PRINCIPALS.map((p) => `      - { token: "\${TOKEN_${p.toUpperCase()}}", principal: ${p} }`).join('\n')}
`;

interface Outcome {
  ok: boolean;
  error?: string;
  node?: string | null;
  ms: number;
}

describe.skipIf(!hasTopologyTools() || !builtCli())('mcpkit nodes behind HAProxy (built CLI)', () => {
  let redis: RedisProcess;
  let balancer: Balancer;
  let work: string;
  const nodes: CliNode[] = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
    work = mkdtempSync(path.join(tmpdir(), 'mcpkit-scale-'));
    const config = path.join(work, 'node.yaml');
    writeFileSync(config, CONFIG);
    const env: NodeJS.ProcessEnv = { REDIS_URL: redis.url, REDIS_PREFIX: `cli${Date.now()}:` };
    for (const p of PRINCIPALS) env[`TOKEN_${p.toUpperCase()}`] = token(p);
    for (let i = 1; i <= 3; i++)
      nodes.push(new CliNode(`node${i}`, await freePort(), ['--config', config], env));
    await Promise.all(nodes.map((n) => n.start()));
    balancer = await Balancer.start(nodes.map((n) => n.address));
  }, 90_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function connect(era: 'legacy' | 'modern', who: Principal) {
    const servedBy: (string | null)[] = [];
    const client = new Client(
      { name: 'scale-cli-test', version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } : {},
    );
    await client.connect(
      new StreamableHTTPClientTransport(balancer.url, {
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token(who)}`);
          const response = await fetch(input, { ...init, headers });
          servedBy.push(response.headers.get('x-served-by'));
          return response;
        },
      }),
    );
    return { client, servedBy };
  }

  /** One call, never hanging: the outcome, the node that answered, how long it took. */
  async function call(c: { client: Client; servedBy: (string | null)[] }, query: string): Promise<Outcome> {
    const started = Date.now();
    const before = c.servedBy.length;
    try {
      const result = await c.client.callTool({ name: 'search_customers', arguments: { query } }, {
        timeout: 10_000,
      } as never);
      const ok = !result.isError;
      return {
        ok,
        ...(ok ? {} : { error: resultText(result) }),
        node: c.servedBy[before],
        ms: Date.now() - started,
      };
    } catch (error) {
      return {
        ok: false,
        error: (error as Error).message,
        node: c.servedBy[before],
        ms: Date.now() - started,
      };
    }
  }

  /** A bounded load: `count` calls, `concurrency` at a time, while `during` runs. */
  async function load(who: Principal, count: number, during: () => Promise<void>) {
    const c = await connect('modern', who);
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        outcomes.push(await call(c, 'a'));
      }
    };
    const workers = Promise.all([worker(), worker()]);
    await during();
    await workers;
    await c.client.close();
    return outcomes;
  }

  it('spreads calls of both eras over every node', async () => {
    const modern = await connect('modern', 'spread');
    const legacy = await connect('legacy', 'spread');
    try {
      for (let i = 0; i < 9; i++) expect((await call(modern, 'a')).ok).toBe(true);
      expect(new Set(modern.servedBy.filter(Boolean))).toEqual(new Set(['node1', 'node2', 'node3']));
      // A 2025 session stays on the node that opened it.
      for (let i = 0; i < 3; i++) expect((await call(legacy, 'a')).ok).toBe(true);
      expect(new Set(legacy.servedBy.filter(Boolean)).size).toBe(1);
    } finally {
      await modern.client.close();
      await legacy.client.close();
    }
  });

  it('counts a rate limit once across the nodes', async () => {
    const c = await connect('modern', 'limited');
    try {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < RATE_POINTS + 6; i++) outcomes.push(await call(c, `q${i}`));
      expect(new Set(outcomes.map((o) => o.node))).toEqual(new Set(['node1', 'node2', 'node3']));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(RATE_POINTS);
      const refused = outcomes.filter((o) => !o.ok);
      expect(refused).toHaveLength(6);
      for (const o of refused) expect(o.error).toMatch(/Rate limit exceeded .* Retry after \d+ s/);
    } finally {
      await c.client.close();
    }
  });

  it('keeps serving when a node is killed (SIGKILL), and takes it back after a restart', async () => {
    // A 2025 session lives on one node: that node is the one killed.
    const legacy = await connect('legacy', 'killed');
    expect((await call(legacy, 'a')).ok).toBe(true);
    const home = legacy.servedBy.at(-1)!;
    const victim = nodes.find((n) => n.name === home)!;
    const outcomes = await load('killed', 24, async () => {
      await new Promise((r) => setTimeout(r, 300));
      await victim.kill();
    });
    // Calls in flight on the killed node may fail, with an error; every other call succeeds,
    // and none waits long.
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed.length).toBeLessThanOrEqual(2);
    for (const o of failed) expect(o.error).toBeTruthy();
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(22);
    for (const o of outcomes) expect(o.ms).toBeLessThan(10_000);

    // The session is gone with its node: another node answers 404 Session not found, and the
    // client initializes again, as the specification says.
    const orphan = await call(legacy, 'a');
    expect(orphan.ok).toBe(false);
    expect(orphan.error).toMatch(/Session not found|404/);
    expect(orphan.node).not.toBe(home);
    await legacy.client.close().catch(() => {});
    const fresh = await connect('legacy', 'killed');
    try {
      expect((await call(fresh, 'a')).ok).toBe(true);
    } finally {
      await fresh.client.close();
    }

    await victim.start();
    const c = await connect('modern', 'killed');
    try {
      await waitFor(
        'the restarted node to serve again',
        async () => (await call(c, 'b')).node === home,
        20_000,
      );
    } finally {
      await c.client.close();
    }
  });

  it('degrades while Redis is stopped and recovers without a restart', async () => {
    const outcomes = await load('outage', 24, async () => {
      await new Promise((r) => setTimeout(r, 200));
      await redis.stop();
      await waitFor('a node to report Redis down on /readyz', async () => {
        return (await fetch(`http://${nodes[0]!.address}/readyz`)).status === 503;
      });
    });
    // Rate limits count per node meanwhile (whenStoreDown: local): calls go on.
    expect(outcomes.every((o) => o.ok)).toBe(true);
    for (const o of outcomes) expect(o.ms).toBeLessThan(5000);
    await redis.start();
    await waitFor(
      'every node to reach Redis again',
      async () => {
        const states = await Promise.all(
          nodes.map(async (n) => (await fetch(`http://${n.address}/readyz`)).status),
        );
        return states.every((s) => s === 200);
      },
      15_000,
    );
  });
});
