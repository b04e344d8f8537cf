import { expect, it } from 'vitest';
import { createRuntime, defineServer } from '../../src/index.js';
import { connect, resultText } from '../../src/testing/index.js';
import { pingTool } from '../support/ping.js';
import { freePort } from '../support/redis.js';

/** Rate limits while their Redis is unreachable: refused (closed) or let through (open), at once. */
function module() {
  return defineServer({
    name: 'limited',
    version: '1.0.0',
    tools: [pingTool()],
  });
}

async function callWith(whenStoreDown: 'open' | 'closed') {
  const deadPort = await freePort(); // nothing listens there
  const runtime = await createRuntime(module(), {
    rateLimit: {
      points: 1,
      durationSec: 60,
      store: { kind: 'redis', url: `redis://127.0.0.1:${deadPort}` },
      whenStoreDown,
      connectTimeoutMs: 200,
    },
  });
  const client = await connect(runtime);
  try {
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client.callTool({ name: 'ping', arguments: {} }));
    return { results, ms: Date.now() - started };
  } finally {
    await client.close();
    await runtime.close();
  }
}

it('refuses calls while the store is unreachable when it fails closed, saying to retry', async () => {
  const { results, ms } = await callWith('closed');
  for (const result of results) {
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(
      /Rate limit store unreachable: tool ping is refused .* Retry in a few seconds/,
    );
  }
  expect(ms).toBeLessThan(5000);
});

it('lets calls through uncounted while the store is unreachable when it fails open', async () => {
  const { results, ms } = await callWith('open');
  // Three calls pass a budget of one: nothing counted them.
  for (const result of results) expect(resultText(result)).toBe('pong');
  expect(ms).toBeLessThan(5000);
});
