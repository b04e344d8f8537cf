// The first tool call of a session: spawn a server, connect an SDK v2 client, list the tools,
// then time one read_text_file head=10 of the 1 GiB file (and the client's own CPU during it,
// which includes what the client does once per session, such as compiling output-schema
// validators). mcpkit builds and the reference server take turns, round by round. Medians and
// ranges. Needs the workloads of bench.mjs (bench/.work/filesystem). Not a test.
//
//   node bench/filesystem/first-call.mjs [--rounds 5] [--cli a.js,b.js]
import os from 'node:os';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { flag, serversToCompare } from './common.mjs';

const ROUNDS = Number(flag('rounds', '5'));
const servers = serversToCompare();

async function firstCall(server) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: server.args,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'fs-first-call', version: '0' });
  await client.connect(transport);
  await client.listTools();
  const cpu = process.cpuUsage();
  const began = performance.now();
  await client.callTool({ name: 'read_text_file', arguments: { path: 'large.txt', head: 10 } });
  const ms = performance.now() - began;
  const used = process.cpuUsage(cpu);
  await client.close();
  return { ms, clientMs: (used.user + used.system) / 1000 };
}

for (const server of servers) server.runs = [];
for (let r = 0; r < ROUNDS; r++) for (const server of servers) server.runs.push(await firstCall(server));
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const range = (values) => `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${ROUNDS} rounds`,
);
console.log('| server | first call ms, median (range) | client CPU ms during it, median |');
console.log('|---|---:|---:|');
for (const s of servers) {
  const ms = s.runs.map((r) => r.ms);
  console.log(
    `| ${s.name} | ${median(ms).toFixed(1)} (${range(ms)}) | ${median(s.runs.map((r) => r.clientMs)).toFixed(1)} |`,
  );
}
