// Where a 1-row query call's time goes: CPU per call of the server process and of the client
// (the SDK v2 Client in this process), mcpkit postgres (URL) against the reference server on
// the same private cluster, one call at a time and 16 in flight, after a long warm-up (V8 needs
// about 10,000 calls to settle on mcpkit's path). Rounds alternate between the two servers.
// Not a test; prints a Markdown table for bench/RESULTS.md. `--prof` writes CPU profiles.
//
//   npm run build && node bench/postgres/cpu-per-call.mjs [--rows=100000] [--calls=2000]
//     [--warmup=10000] [--rounds=5] [--flight=16] [--prof]
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startCluster } from '../../packages/postgres/test/support/cluster.mjs';
import { arg, cli, median, nodeFlags, reference } from './common.mjs';

const ROWS = arg('rows', 100_000);
const CALLS = arg('calls', 2000);
const WARMUP = arg('warmup', 10_000);
const ROUNDS = arg('rounds', 5);
const FLIGHT = arg('flight', 16);

/** CPU time (user + system) of a process so far, in µs, from /proc. */
function processCpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
}

/** System (kernel) CPU time of a process so far, in µs. */
function processSystemUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[12]) * 10_000;
}

/** A server process with an SDK v2 client on it, warmed up. */
async function open(label, args) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...nodeFlags, ...args],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(transport);
  const call = async (i) => {
    const sql = `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % ROWS)}`;
    const result = await client.callTool({ name: 'query', arguments: { sql } });
    if (result.isError) throw new Error(JSON.stringify(result.content));
  };
  for (let i = 0; i < WARMUP; i++) await call(i);
  return { label, transport, client, call, rounds: { 1: [], [FLIGHT]: [] } };
}

/** One round of CALLS calls, `inFlight` at a time: calls/s, server and client CPU per call. */
async function round(server, inFlight, offset) {
  const cpu = processCpuUs(server.transport.pid);
  const system = processSystemUs(server.transport.pid);
  const own = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < CALLS) await server.call(offset + next++);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const ms = performance.now() - started;
  const used = process.cpuUsage(own);
  server.rounds[inFlight].push({
    perSecond: CALLS / (ms / 1000),
    serverUs: (processCpuUs(server.transport.pid) - cpu) / CALLS,
    systemUs: (processSystemUs(server.transport.pid) - system) / CALLS,
    clientUs: (used.user + used.system) / CALLS,
  });
}

const cluster = await startCluster({ settings: ['shared_buffers=128MB'] });
try {
  await cluster.admin(
    `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket FROM generate_series(1, ${ROWS}) g;
     ALTER TABLE big ADD PRIMARY KEY (id); ANALYZE big; GRANT SELECT ON big TO reader;`,
  );
  const servers = [
    await open('mcpkit postgres (URL)', [cli, 'serve', 'postgres', cluster.readerUrl, '--log-level=error']),
    await open('reference server-postgres', [reference, cluster.readerUrl]),
  ];
  // Rounds alternate between the servers so both see the same load on a shared machine.
  for (let r = 0; r < ROUNDS; r++) {
    for (const inFlight of [1, FLIGHT])
      for (const server of servers) await round(server, inFlight, r * CALLS);
  }
  for (const server of servers) await server.client.close();
  const load = (await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`load average at the end: ${load}`);
  console.log('| server | in flight | calls/s | server CPU µs/call | of which kernel | client CPU µs/call |');
  console.log('|---|--:|---:|---:|---:|---:|');
  for (const inFlight of [1, FLIGHT]) {
    for (const server of servers) {
      const rounds = server.rounds[inFlight];
      const m = (key) => median(rounds.map((x) => x[key])).toFixed(0);
      console.log(
        `| ${server.label} | ${inFlight} | ${m('perSecond')} | ${m('serverUs')} | ${m('systemUs')} | ${m('clientUs')} |`,
      );
    }
  }
} finally {
  await cluster.stop();
}
