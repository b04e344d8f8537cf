// Where a 1-row query call's time goes: CPU per call of the server process and of the client
// (the SDK v2 Client in this process), mcpkit postgres (URL) against the reference server on
// the same private cluster, sequential calls after a long warm-up (V8 needs about 10,000 calls
// to settle on mcpkit's path). Not a test; prints a Markdown table for bench/RESULTS.md.
//
//   npm run build && node bench/postgres/cpu-per-call.mjs [--rows=100000] [--calls=2000] [--warmup=10000] [--rounds=5]
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startCluster } from '../../packages/postgres/test/support/cluster.mjs';
import { arg, cli, median, reference } from './common.mjs';

const ROWS = arg('rows', 100_000);
const CALLS = arg('calls', 2000);
const WARMUP = arg('warmup', 10_000);
const ROUNDS = arg('rounds', 5);

/** CPU time (user + system) of a process so far, in µs, from /proc. */
function processCpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
}

async function measure(label, args) {
  const transport = new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' });
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(transport);
  const call = async (i) => {
    const sql = `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % ROWS)}`;
    const result = await client.callTool({ name: 'query', arguments: { sql } });
    if (result.isError) throw new Error(JSON.stringify(result.content));
  };
  for (let i = 0; i < WARMUP; i++) await call(i);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const server = processCpuUs(transport.pid);
    const own = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await call(round * CALLS + i);
    const ms = performance.now() - started;
    const used = process.cpuUsage(own);
    rounds.push({
      perSecond: CALLS / (ms / 1000),
      serverUs: (processCpuUs(transport.pid) - server) / CALLS,
      clientUs: (used.user + used.system) / CALLS,
    });
  }
  await client.close();
  return {
    label,
    perSecond: median(rounds.map((r) => r.perSecond)),
    serverUs: median(rounds.map((r) => r.serverUs)),
    clientUs: median(rounds.map((r) => r.clientUs)),
  };
}

const cluster = await startCluster({ settings: ['shared_buffers=128MB'] });
try {
  await cluster.admin(
    `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket FROM generate_series(1, ${ROWS}) g;
     ALTER TABLE big ADD PRIMARY KEY (id); ANALYZE big; GRANT SELECT ON big TO reader;`,
  );
  const results = [
    await measure('mcpkit postgres (URL)', [
      cli,
      'serve',
      'postgres',
      cluster.readerUrl,
      '--log-level=error',
    ]),
    await measure('reference server-postgres', [reference, cluster.readerUrl]),
  ];
  console.log('| server | calls/s, sequential | server CPU µs/call | client CPU µs/call |');
  console.log('|---|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.perSecond.toFixed(0)} | ${r.serverUs.toFixed(0)} | ${r.clientUs.toFixed(0)} |`,
    );
  }
} finally {
  await cluster.stop();
}
