// Peak RSS of the embedded PostgreSQL server under the query load of run.mjs (a warm-up, then
// 3 rounds of 2,000 calls one at a time and 2,000 calls 16 in flight, then `SELECT * FROM big`),
// two builds of the CLI alternating in one run (say, before and after a change), each a fresh
// process per round. Not a test; prints a Markdown table for bench/RESULTS.md.
//
//   node bench/postgres/embedded-rss.mjs --a=<bin.js> --b=<bin.js> [--rows=100000] [--rounds=3]
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { arg, median, repo } from './common.mjs';

const ROWS = arg('rows', 100_000);
const ROUNDS = arg('rounds', 3);
const CALLS = arg('calls', 2000);
const text = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const builds = [
  ['a', path.resolve(text('a') ?? path.join(repo, 'packages/cli/dist/bin.js'))],
  ['b', path.resolve(text('b') ?? path.join(repo, 'packages/cli/dist/bin.js'))],
];
const work = path.join(repo, 'bench/.work/postgres-embedded');
const dataDir = path.join(work, `pgdata-${ROWS}`);

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024);
}

async function open(bin, extra = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'serve', 'postgres', `--data-dir=${dataDir}`, '--log-level=error', ...extra],
    stderr: 'ignore',
    cwd: work,
  });
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

async function callsPerSecond(client, inFlight) {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < CALLS) {
      const sql = `SELECT * FROM big WHERE id = ${1 + ((next++ * 7919) % ROWS)}`;
      const result = await client.callTool({ name: 'query', arguments: { sql } });
      if (result.isError) throw new Error(JSON.stringify(result.content));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return CALLS / ((performance.now() - started) / 1000);
}

mkdirSync(work, { recursive: true });
if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
  const { client } = await open(builds[0][1], ['--allow-writes', '--statement-timeout=900000']);
  for (const sql of [
    `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket, timestamptz '2024-01-01' + g * interval '1 second' AS created FROM generate_series(1, ${ROWS}) g`,
    'ALTER TABLE big ADD PRIMARY KEY (id)',
    'ANALYZE big',
  ]) {
    const result = await client.callTool({ name: 'execute', arguments: { sql } }, { timeout: 900_000 });
    if (result.isError) throw new Error(JSON.stringify(result.content));
  }
  await client.close();
}

const results = Object.fromEntries(builds.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, bin] of builds) {
    const { client, pid } = await open(bin);
    await callsPerSecond(client, 1);
    const sequential = [];
    const parallel = [];
    for (let i = 0; i < 3; i++) {
      sequential.push(await callsPerSecond(client, 1));
      parallel.push(await callsPerSecond(client, 16));
    }
    const big = await client.callTool({ name: 'query', arguments: { sql: 'SELECT * FROM big' } });
    if (big.isError) throw new Error(JSON.stringify(big.content));
    results[name].push({ peak: peakRssMb(pid), sequential: median(sequential), parallel: median(parallel) });
    await client.close();
    console.error(name, results[name].at(-1));
  }
}
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('| build | peak RSS MB (median; each round) | calls/s sequential | calls/s 16 in flight |');
console.log('|---|---:|---:|---:|');
for (const [name, bin] of builds) {
  const r = results[name];
  const m = (key) => median(r.map((x) => x[key])).toFixed(0);
  console.log(
    `| ${name}: ${path.relative(repo, bin)} | ${m('peak')} (${r.map((x) => x.peak).join(', ')}) | ${m('sequential')} | ${m('parallel')} |`,
  );
}
