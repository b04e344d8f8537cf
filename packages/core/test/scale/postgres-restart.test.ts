import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resultText } from '../../src/testing/index.js';
import { freePort } from '../support/redis.js';
import { hasPostgres, RestartableCluster } from './postgres-cluster.js';
import { builtCli, CliNode } from './topology.js';

/**
 * The postgres server over HTTP (the built CLI) while its database restarts: calls meanwhile get
 * a clear isError, none hangs past the call timeout, and the pool serves again within 5 s of the
 * database coming back.
 */
const TIMEOUT_MS = 4000;
let cluster: RestartableCluster | undefined;
let node: CliNode | undefined;
let client: Client | undefined;

beforeAll(async () => {
  if (!hasPostgres() || !builtCli()) return;
  cluster = await RestartableCluster.create();
  node = new CliNode(
    'pg-node',
    await freePort(),
    ['postgres', cluster.url, '--timeout', String(TIMEOUT_MS)],
    {},
  );
  await node.start();
  client = new Client(
    { name: 'pg-restart', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://${node.address}/mcp`)));
}, 90_000);

afterAll(async () => {
  await client?.close();
  await node?.stop();
  await cluster?.destroy();
});

async function query(): Promise<{ ok: boolean; text: string; ms: number }> {
  const started = Date.now();
  const result = await client!.callTool({ name: 'query', arguments: { sql: 'SELECT 42 AS answer' } });
  return { ok: !result.isError, text: resultText(result), ms: Date.now() - started };
}

it.skipIf(!hasPostgres() || !builtCli())(
  'answers isError while PostgreSQL restarts, never hangs, and recovers within 5 s',
  { timeout: 60_000 },
  async () => {
    expect(await query()).toMatchObject({ ok: true, text: expect.stringContaining('42') });
    await cluster!.stop();
    const during: Awaited<ReturnType<typeof query>>[] = [];
    for (let i = 0; i < 4; i++) during.push(await query());
    for (const outcome of during) {
      expect(outcome.ok).toBe(false);
      expect(outcome.text.length).toBeGreaterThan(0);
      expect(outcome.text).not.toMatch(/\n\s+at /); // no stack trace
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + 1500);
    }
    await cluster!.start();
    const back = Date.now();
    let recovered: number | undefined;
    while (Date.now() - back < 10_000) {
      const outcome = await query();
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + 1500);
      if (outcome.ok) {
        recovered = Date.now() - back;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered, 'the pool served again after the restart').toBeDefined();
    expect(recovered!).toBeLessThan(5000);
    console.log(
      `isError while down: ${during[0]!.text.slice(0, 200)}; recovered ${recovered} ms after start`,
    );
  },
);
