// The bare SDK v2 baseline: one trivial tool on a plain McpServer, nothing else.
// Usage: node echo-bare.mjs stdio | node echo-bare.mjs http <port>
import { createServer } from 'node:http';
import {
  localhostHostValidation,
  localhostOriginValidation,
  toNodeHandler,
} from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const factory = () => {
  const server = new McpServer({ name: 'echo-bare', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echo the text back', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
};

const [mode, port] = process.argv.slice(2);
if (mode === 'http') {
  // The SDK's documented node:http mount: Host and Origin guards in front of the handler.
  const node = toNodeHandler(createMcpHandler(factory));
  const host = localhostHostValidation();
  const origin = localhostOriginValidation();
  const server = createServer((req, res) => {
    if (!host(req, res) || !origin(req, res)) return;
    void node(req, res);
  });
  server.listen(Number(port), '127.0.0.1', () =>
    process.stderr.write(`listening ${server.address().port}\n`),
  );
} else {
  serveStdio(factory);
}
