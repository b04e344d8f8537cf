/**
 * Run in a child process (bundled by esbuild): starts the server the way `mcpkit serve openapi` does
 * (the declaration, core's runtime, an MCP client in memory), lists its tools and describes one
 * operation, then prints timing and memory as one JSON line. A process of its own, so the memory is
 * the server's alone.
 */
import { createDeclaredServer, silentLogger } from '@mcpkit/core';
import { connect, resultText } from '@mcpkit/core/testing';
import { servers } from '../../src/declaration.js';

const started = performance.now();
const module = await createDeclaredServer(
  servers[0]!,
  { args: [process.argv[2]!] },
  { logger: silentLogger(), cwd: process.cwd(), env: {} },
);
const client = await connect(module, { era: 'modern' });
const { tools } = await client.listTools();
const readyMs = performance.now() - started;
// CPU time (all threads) to get here: what start-up costs, whatever else the machine is running.
const cpu = process.cpuUsage();
const readyCpuMs = (cpu.user + cpu.system) / 1000;
const described = await client.callTool({
  name: 'describe_operation',
  arguments: { id: 'issues/list-for-repo' },
});
await client.close();
process.stdout.write(
  `${JSON.stringify({
    readyMs,
    readyCpuMs,
    tools: tools.map((t) => t.name),
    describedBytes: Buffer.byteLength(resultText(described)),
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
