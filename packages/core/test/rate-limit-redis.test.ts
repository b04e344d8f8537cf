import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../src/index.js';
import { connect, resultText } from '../src/testing/index.js';
import { createLab } from './support/lab.js';
import { freePort, hasRedis, startRedis } from './support/redis.js';

// CI installs redis-server (.ci/run); a developer machine without it skips this file.
describe.skipIf(!hasRedis())('rate limits shared through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('counts calls across two runtimes (two processes behind a load balancer) as one budget', async () => {
    const options = {
      rateLimit: {
        points: 3,
        durationSec: 60,
        store: { kind: 'redis' as const, url: redis.url, keyPrefix: `t${Date.now()}` },
      },
    };
    const first = await createRuntime(createLab().module, options);
    const second = await createRuntime(createLab().module, options);
    const a = await connect(first);
    const b = await connect(second);
    try {
      expect((await a.callTool({ name: 'counter', arguments: {} })).isError).toBeFalsy();
      expect((await b.callTool({ name: 'counter', arguments: {} })).isError).toBeFalsy();
      expect((await a.callTool({ name: 'counter', arguments: {} })).isError).toBeFalsy();
      const refused = await b.callTool({ name: 'counter', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toMatch(/at most 3 calls per 60 s\. Retry after \d+ s/);
    } finally {
      await a.close();
      await b.close();
      await first.close();
      await second.close();
    }
  });

  it('falls back to a per-process limit when Redis is unreachable', async () => {
    const deadPort = await freePort();
    const runtime = await createRuntime(createLab().module, {
      rateLimit: {
        points: 1,
        durationSec: 60,
        connectTimeoutMs: 200,
        store: { kind: 'redis', url: `redis://127.0.0.1:${deadPort}` },
      },
    });
    const client = await connect(runtime);
    try {
      expect((await client.callTool({ name: 'counter', arguments: {} })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'counter', arguments: {} })).isError).toBe(true);
    } finally {
      await client.close();
      await runtime.close();
    }
  });
});
