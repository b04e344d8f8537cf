import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthEntry } from '../../src/define/server.js';
import { compose, createRuntime, defineServer, type Runtime } from '../../src/index.js';
import { connect } from '../../src/testing/index.js';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/transports/http/serve-http.js';
import { pingTool } from '../support/ping.js';
import { hasRedis, startRedis } from '../support/redis.js';

/** A module that depends on a database whose state the test sets (or whose probe never answers). */
function databaseModule(name: string, report: () => Promise<readonly HealthEntry[]>) {
  return defineServer({
    name,
    version: '1.0.0',
    tools: [pingTool()],
    health: report,
  });
}

let runtime: Runtime | undefined;
let handle: HttpServerHandle | undefined;
afterEach(async () => {
  await handle?.close();
  await runtime?.close();
  handle = undefined;
  runtime = undefined;
});

async function serveComposed(
  mounts: Record<string, ReturnType<typeof databaseModule>>,
  options: Parameters<typeof serveRuntimeOverHttp>[1] = {},
) {
  runtime = await createRuntime(compose({ name: 'two-databases', version: '1.0.0' }, mounts));
  handle = await serveRuntimeOverHttp(runtime, { port: 0, ...options });
  return new URL(handle.url);
}

const get = (base: URL, path: string) => fetch(new URL(path, base), { signal: AbortSignal.timeout(15_000) });

describe('module health on /readyz', () => {
  it("reaches /readyz, the status page and metrics under each module's namespace, merged with options.health", async () => {
    let second: HealthEntry['state'] = 'up';
    const base = await serveComposed(
      {
        db: databaseModule('first', async () => [{ name: 'database', state: 'up', detail: 'answered' }]),
        db2: databaseModule('second', async () => [
          { name: 'database', state: second, detail: second === 'down' ? 'connection refused' : 'answered' },
        ]),
      },
      { health: async () => [{ name: 'upstream github', state: 'up' }] },
    );

    const ready = await get(base, '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        dependencies: { ok: true, detail: 'db_database up; db2_database up; upstream github up' },
      },
    });

    second = 'down';
    const down = await get(base, '/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'unavailable',
      checks: { dependencies: { ok: false, error: 'db2_database down (connection refused)' } },
    });
    const status = await (await get(base, '/?format=json')).json();
    expect(status.health).toEqual([
      { name: 'db_database', state: 'up', detail: 'answered' },
      { name: 'db2_database', state: 'down', detail: 'connection refused' },
      { name: 'upstream github', state: 'up', detail: '' },
    ]);
    const metrics = await (await get(base, '/metrics')).text();
    expect(metrics).toMatch(/mcpkit_upstream_state\{upstream="db2_database",state="down"[^}]*\} 1/);

    second = 'up';
    expect((await get(base, '/readyz')).status).toBe(200);
  });

  it('counts a report that never answers as down, naming its namespace, without hiding the others', async () => {
    const base = await serveComposed({
      db: databaseModule('first', async () => [{ name: 'database', state: 'up' }]),
      db2: databaseModule('second', () => new Promise(() => {})),
    });
    const down = await get(base, '/readyz');
    expect(down.status).toBe(503);
    expect((await down.json()).checks.dependencies).toEqual({
      ok: false,
      error: 'db2 down (no health report within 1500 ms)',
    });
    const status = await (await get(base, '/?format=json')).json();
    expect(status.health.map((h: HealthEntry) => [h.name, h.state])).toEqual([
      ['db_database', 'up'],
      ['db2', 'down'],
    ]);
  });

  it('shows a failed report as down with its first line, no URL and no secret', async () => {
    const base = await serveComposed({
      db: databaseModule('first', async () => {
        throw new Error('connect ECONNREFUSED postgres://app:hunter22@10.0.0.5/app\n    at stack');
      }),
    });
    const response = await get(base, '/readyz');
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.checks.dependencies).toEqual({ ok: false, error: 'db down (connect ECONNREFUSED <url>)' });
    expect(JSON.stringify(body)).not.toContain('hunter22');
  });
});

// CI installs redis-server (.ci/run); a developer machine without it skips this part.
describe.skipIf(!hasRedis())('closing the runtime', () => {
  it('closes the Redis connection the shared response cache opened', async () => {
    const redis = await startRedis();
    const observer = new Redis(redis.url, { lazyConnect: true });
    try {
      await observer.connect();
      const clients = async () =>
        String(await observer.client('LIST'))
          .trim()
          .split('\n').length;
      const before = await clients();
      runtime = await createRuntime(
        databaseModule('cached', async () => []),
        {
          cache: { ttlMs: 60_000, redis: { url: redis.url, keyPrefix: `readiness${Date.now()}:` } },
        },
      );
      const client = await connect(runtime);
      try {
        expect((await client.callTool({ name: 'ping', arguments: {} })).isError).toBeFalsy();
      } finally {
        await client.close();
      }
      // The cache opened its connection for that call.
      expect(await clients()).toBe(before + 1);
      await runtime.close();
      runtime = undefined;
      await waitFor(async () => (await clients()) === before);
      expect(await clients()).toBe(before);
    } finally {
      observer.disconnect();
      await redis.stop();
    }
  });
});

/** Polls until `check` holds; throws after a generous deadline (never a fixed sleep). */
async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
