// The query tool with its database work replaced by a stored answer of the same shape and size
// (the CSV text and the structured rows of a 1-row `SELECT * FROM big WHERE id = n`): what the
// toolkit, the SDK and stdio cost per call without the database path. cpu-per-call.mjs --stored
// runs it beside the real servers. Not a test.
//
//   node bench/postgres/stored-answer.mjs mcpkit   (an mcpkit runtime, as `mcpkit serve` runs one)
//   node bench/postgres/stored-answer.mjs bare     (a bare SDK v2 McpServer)
//   node bench/postgres/stored-answer.mjs v1       (the SDK the reference server runs on, 1.0.1,
//                                                   its low-level Server, as the reference uses it)
import { createLogger, createRuntime, defineServer, defineTool } from '@mcpkit/core';
import { serveRuntimeOverStdio } from '@mcpkit/core/stdio';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const JsonValue = z.union([
  z.string().describe('text'),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);
const input = z.object({
  sql: z.string().min(1).max(100_000),
  params: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .max(100)
    .optional(),
  maxRows: z.number().int().min(1).max(2000).optional(),
  format: z.enum(['csv', 'table']).optional(),
});
const output = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(JsonValue)),
  rowCount: z.number().int(),
  truncated: z.boolean(),
  moreRows: z.object({ count: z.number().int(), exact: z.boolean() }).optional(),
});
const columns = [
  { name: 'id', type: 'integer' },
  { name: 'label', type: 'text' },
  { name: 'bucket', type: 'integer' },
];

/** What the real tool answers for `… WHERE id = n`. */
function answer(sql) {
  const id = Number(/(\d+)\s*$/.exec(sql)?.[1] ?? 1);
  const label = 'c4ca4238a0b923820dcc509a6f75849b';
  return {
    content: [{ type: 'text', text: `id,label,bucket\n${id},${label},${id % 100}\n(1 row)` }],
    structuredContent: { columns, rows: [[id, label, id % 100]], rowCount: 1, truncated: false },
  };
}

if (process.argv[2] === 'v1') {
  // The reference server's own copy of the SDK (it pins 1.0.1), loaded from its folder.
  const sdk = new URL(
    '../../node_modules/@modelcontextprotocol/server-postgres/node_modules/@modelcontextprotocol/sdk/dist/',
    import.meta.url,
  );
  const { Server } = await import(new URL('server/index.js', sdk).href);
  const { StdioServerTransport } = await import(new URL('server/stdio.js', sdk).href);
  const { CallToolRequestSchema, ListToolsRequestSchema } = await import(new URL('types.js', sdk).href);
  const server = new Server({ name: 'stored-v1', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'query', description: 'A stored answer', inputSchema: { type: 'object' } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name !== 'query') throw new Error('Unknown tool');
    return answer(String(request.params.arguments?.sql ?? ''));
  });
  await server.connect(new StdioServerTransport());
} else if (process.argv[2] === 'bare') {
  serveStdio(() => {
    const server = new McpServer({ name: 'stored-bare', version: '1.0.0' });
    server.registerTool(
      'query',
      { description: 'A stored answer', inputSchema: input, outputSchema: output },
      async ({ sql }) => answer(sql),
    );
    return server;
  });
} else {
  const module = defineServer({
    name: 'stored-mcpkit',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'query',
        description: 'A stored answer',
        input,
        output,
        annotations: { readOnlyHint: true },
        cache: false,
        handler: async ({ sql }) => answer(sql),
      }),
    ],
  });
  const runtime = await createRuntime(module, { logger: createLogger({ level: 'error' }) });
  serveRuntimeOverStdio(runtime, { onClosed: () => process.exit(0) });
}
