import { afterEach, expect, it } from 'vitest';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/http.js';
import { createRuntime, defineServer, type Runtime } from '../../src/index.js';
import { pingTool } from '../support/ping.js';

/** /readyz without Redis: the module's dependencies (a database) and checks a program adds. */
let runtime: Runtime | undefined;
let handle: HttpServerHandle | undefined;
afterEach(async () => {
  await handle?.close();
  await runtime?.close();
  handle = undefined;
  runtime = undefined;
});

async function serve(options: Parameters<typeof serveRuntimeOverHttp>[1]) {
  runtime = await createRuntime(
    defineServer({
      name: 'ready-test',
      version: '1.0.0',
      tools: [pingTool('noop', 'ok')],
    }),
  );
  handle = await serveRuntimeOverHttp(runtime, { port: 0, ...options });
  return `http://127.0.0.1:${handle.port}/readyz`;
}

it('is ready with no dependencies, and says so', async () => {
  const url = await serve({});
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ready', checks: {} });
});

it('answers 503 naming a dependency that is down, and 200 once it is back', async () => {
  let state: 'up' | 'down' = 'down';
  const url = await serve({
    health: async () => [{ name: 'postgres', state, detail: 'connection refused' }],
  });
  const down = await fetch(url);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({
    status: 'unavailable',
    checks: { dependencies: { ok: false, error: 'postgres down (connection refused)' } },
  });
  state = 'up';
  expect((await fetch(url)).status).toBe(200);
});

it('fails a check that does not answer in time, without hanging, and names no URL', async () => {
  const url = await serve({
    readiness: {
      slow: () => new Promise(() => {}),
      broken: async () => {
        throw new Error('connect ECONNREFUSED redis://user:secret@10.0.0.5:6379\n    at stack');
      },
    },
  });
  const response = await fetch(url);
  expect(response.status).toBe(503);
  const body = await response.json();
  expect(body.checks.slow).toEqual({ ok: false, error: 'no answer within 2000 ms' });
  expect(body.checks.broken).toEqual({ ok: false, error: 'connect ECONNREFUSED <url>' });
  expect(JSON.stringify(body)).not.toContain('secret');
});

it('refuses methods other than GET and HEAD', async () => {
  const url = await serve({});
  expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
});
