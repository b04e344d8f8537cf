// Gateway overhead: 1,000 calls of server-everything's `echo`, one at a time, straight to the server
// and through the gateway (SDK client -> mcpkit runtime over stdio -> upstream module -> process-group
// stdio transport -> server-everything). Prints p50 and p99 of each and the p50 the gateway adds
// (medians over rounds; rounds alternate which path goes first).
//
//   node packages/gateway/bench/overhead.mjs            # 5 rounds of 1,000 calls
//   node packages/gateway/bench/overhead.mjs --quick    # 3 rounds
//   LOG_LEVEL=warn node packages/gateway/bench/overhead.mjs   # without the audit line per call
//
// The gateway side is bundled from the TypeScript sources with esbuild first, so no build is needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const EVERYTHING = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 5;
const CALLS = 1000;
const WARMUP = 200;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function bundleGateway() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-gateway-bench-'));
  const outfile = path.join(dir, 'gateway.mjs');
  await build({
    entryPoints: [path.join(here, 'gateway-server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@mcpkit/source'],
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return { outfile, dir };
}

async function connect(args, tool) {
  const client = new Client({ name: 'gateway-bench', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args, env: { ...process.env }, stderr: 'ignore' }),
  );
  return { client, tool };
}

async function measure({ client, tool }, calls) {
  const latencies = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const result = await client.callTool({ name: tool, arguments: { message: `hello ${i}` } });
    latencies.push(performance.now() - started);
    if (result.isError || result.content?.[0]?.text !== `Echo: hello ${i}`)
      throw new Error(`wrong answer from ${tool}`);
  }
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

const { outfile, dir } = await bundleGateway();
try {
  const paths = {
    direct: () => connect([EVERYTHING, 'stdio'], 'echo'),
    gateway: () => connect([outfile, EVERYTHING], 'ev_echo'),
  };
  const results = { direct: [], gateway: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
    for (const name of order) {
      const target = await paths[name]();
      await measure(target, WARMUP);
      results[name].push(await measure(target, CALLS));
      await target.client.close();
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const p50 = (name) => median(results[name].map((r) => r.p50));
  const p99 = (name) => median(results[name].map((r) => r.p99));
  const fmt = (ms) => `${ms.toFixed(3)} ms`;
  console.log(`Gateway overhead: ${CALLS} echo calls, one at a time, stdio, median of ${ROUNDS} rounds`);
  console.log(
    `(Node ${process.version}, ${os.cpus().length} CPUs, LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'})\n`,
  );
  console.log('| path | p50 | p99 |');
  console.log('|---|---|---|');
  console.log(`| server-everything directly | ${fmt(p50('direct'))} | ${fmt(p99('direct'))} |`);
  console.log(`| through the gateway | ${fmt(p50('gateway'))} | ${fmt(p99('gateway'))} |`);
  console.log(`| **added by the gateway** | **${fmt(p50('gateway') - p50('direct'))}** | |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
