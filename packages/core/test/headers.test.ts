import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  annotations,
  createRuntime,
  defineServer,
  defineTool,
  mcpHeader,
  type Runtime,
  text,
} from '../src/index.js';
import { connect, resultText } from '../src/testing/index.js';
import { modernRpc } from './support/rpc.js';

/** SEP-2243: a tool parameter mirrored into an `Mcp-Param-*` HTTP header, checked against the body. */

const module = defineServer({
  name: 'headers',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'deploy_status',
      description: 'Status of a region',
      input: z.object({ region: mcpHeader(z.string(), 'Region'), verbose: z.boolean().optional() }),
      annotations: annotations.readOnly,
      handler: ({ region }) => text(`status of ${region}`),
    }),
  ],
});

let runtime: Runtime;
let rpc: ReturnType<typeof modernRpc>['rpc'];
let close: () => Promise<void>;
beforeAll(async () => {
  runtime = await createRuntime(module, { audit: false });
  ({ rpc, close } = modernRpc(runtime.factory));
});
afterAll(async () => {
  await close();
  await runtime.close();
});

describe('parameters mirrored into headers', () => {
  it('are declared in the listed input schema', async () => {
    const client = await connect(runtime, { era: 'modern' });
    try {
      const [tool] = (await client.listTools()).tools;
      expect((tool?.inputSchema.properties as any)?.region?.['x-mcp-header']).toBe('Region');
    } finally {
      await client.close();
    }
  });

  it('a matching header (literal or base64) is accepted', async () => {
    const call = { name: 'deploy_status', arguments: { region: 'eu-west' } };
    const plain = await rpc('tools/call', call, { headers: { 'mcp-param-region': 'eu-west' } });
    expect(resultText(plain.result)).toBe('status of eu-west');
    const encoded = `=?base64?${Buffer.from('eu-west').toString('base64')}?=`;
    const base64 = await rpc('tools/call', call, { headers: { 'mcp-param-region': encoded } });
    expect(resultText(base64.result)).toBe('status of eu-west');
  });

  it('a missing, different or malformed header is refused with HeaderMismatch (400, -32020)', async () => {
    const call = { name: 'deploy_status', arguments: { region: 'eu-west' } };
    for (const headers of [
      {},
      { 'mcp-param-region': 'us-east' },
      { 'mcp-param-region': '=?base64?ZXUt!!!?=' },
    ]) {
      const reply = await rpc('tools/call', call, { headers });
      expect(reply.status, JSON.stringify(headers)).toBe(400);
      expect(reply.error?.code).toBe(-32020);
    }
  });

  it('mcpHeader refuses a name that is not an HTTP header name', () => {
    expect(() => mcpHeader(z.string(), 'Bad Name')).toThrow(/not a valid HTTP header name/);
  });
});
