// The bare SDK v2 baseline: one trivial tool on a plain McpServer, nothing else.
// Usage: node echo-bare.mjs stdio | node echo-bare.mjs http <port>
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  localhostHostValidation,
  localhostOriginValidation,
  toNodeHandler,
} from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

/** A bare SDK v2 server factory: one McpServer, one tool, nothing else. */
export function bareEchoServer() {
  const server = new McpServer({ name: 'echo-bare', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echo the text back', inputSchema: z.object({ text: z.string() }) },
    async ({ text: value }) => ({ content: [{ type: 'text', text: value }] }),
  );
  return server;
}
const [mode, port] = process.argv.slice(2);
const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (!main) {
  // imported (by in-process.mjs) for the factory alone
} else if (mode === 'http') {
  // The SDK's documented node:http mount: Host and Origin guards in front of the handler.
  const node = toNodeHandler(createMcpHandler(bareEchoServer));
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
  serveStdio(bareEchoServer);
}
