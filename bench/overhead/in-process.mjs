// Where mcpkit's per-call cost goes, without pipes or sockets: the same echo tool behind the
// SDK's serveStdio entry on an in-memory pair, as a bare McpServer and as an mcpkit runtime with
// parts of the default chain switched off. CPU time (client + server, one process) per call;
// medians of rounds, variants interleaved. Less disturbed by a busy machine than wall time.
//
//   npm run build && node bench/overhead/in-process.mjs
import { createLogger, createRuntime } from '@mcpkit/core';
import { serveOnConnection } from '@mcpkit/core/stdio';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { bareEchoServer } from './echo-bare.mjs';
import { echoModule } from './echo-module.mjs';

const CALLS = 4000;
const ROUNDS = 9;

async function connect(serve) {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  serve(serverEnd);
  const client = new Client({ name: 'in-process-bench', version: '1.0.0' });
  await client.connect(clientEnd);
  return client;
}
const kit = async (options) => {
  const runtime = await createRuntime(echoModule, options);
  return connect((transport) => serveOnConnection(runtime, transport));
};

// Audit lines go to /dev/null, as a server's stderr would when nobody reads it.
const variants = {
  'bare SDK v2': () => connect((transport) => serveStdio(bareEchoServer, { transport })),
  'mcpkit (defaults, audit log at info)': () =>
    kit({ logger: createLogger({ level: 'info', destination: '/dev/null' }) }),
  'mcpkit, audit off': () => kit({ audit: false }),
  'mcpkit, audit and timeout off': () => kit({ audit: false, timeoutMs: 0 }),
};

const clients = {};
for (const [name, make] of Object.entries(variants)) clients[name] = await make();

async function run(client) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < CALLS) await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    }),
  );
}
for (const client of Object.values(clients)) await run(client); // warm-up

const samples = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(clients);
  for (const name of round % 2 ? names.reverse() : names) {
    const before = process.cpuUsage();
    await run(clients[name]);
    const used = process.cpuUsage(before);
    samples[name].push((used.user + used.system) / CALLS);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples['bare SDK v2']);
console.log(`| variant (16 in flight, ${CALLS} calls x ${ROUNDS} rounds) | CPU µs/call | vs bare |`);
console.log('| --- | --: | --: |');
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(
    `| ${name} | ${m.toFixed(1)} | ${name === 'bare SDK v2' ? '' : `+${(m - base).toFixed(1)} µs`} |`,
  );
}
process.exit(0);
