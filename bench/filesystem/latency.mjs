// Per-call latency of small reads, mcpkit builds and the reference server interleaved call by
// call (one call to each in turn, so all see the same load on a shared machine): read_text_file
// head=10 / tail=10 of the 1 GiB and 1 MiB files, a whole small file, read_multiple_files of 100
// small files. Medians. Needs the workloads of bench.mjs (bench/.work/filesystem). Not a test.
//
//   node bench/filesystem/latency.mjs [--calls 300] [--cli a.js,b.js]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { flag, serversToCompare, work } from './common.mjs';

const CALLS = Number(flag('calls', '300'));
const servers = serversToCompare();

const small = (p) => {
  const dir = `tree/pkg-${p % 50}/dir-${p % 10}/sub-${(p * 7) % 10}`;
  return `${dir}/${fs.readdirSync(path.join(work, dir)).find((n) => !n.endsWith('.png'))}`;
};
const hundred = Array.from({ length: 100 }, (_, i) => small(i));
const workloads = [
  ['read_text_file head=10, 1 GiB file', 'read_text_file', { path: 'large.txt', head: 10 }],
  ['read_text_file tail=10, 1 GiB file', 'read_text_file', { path: 'large.txt', tail: 10 }],
  ['read_text_file head=10, 1 MiB file', 'read_text_file', { path: 'small.txt', head: 10 }],
  ['read_text_file tail=10, 1 MiB file', 'read_text_file', { path: 'small.txt', tail: 10 }],
  ['read_text_file, whole small file', 'read_text_file', { path: small(3) }],
  ['read_multiple_files, 100 small files', 'read_multiple_files', { paths: hundred }],
];

for (const server of servers) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: server.args,
    stderr: 'ignore',
  });
  server.client = new Client({ name: 'fs-latency', version: '0' });
  await server.client.connect(transport);
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};
const rows = [];
for (const [label, tool, toolArgs] of workloads) {
  const times = servers.map(() => []);
  const calls = tool === 'read_multiple_files' ? Math.ceil(CALLS / 5) : CALLS;
  for (let i = 0; i < calls + 20; i++) {
    for (const [s, server] of servers.entries()) {
      const began = performance.now();
      const result = await server.client.callTool({ name: tool, arguments: toolArgs });
      const elapsed = performance.now() - began;
      if (result.isError) throw new Error(`${server.name} ${tool}: ${JSON.stringify(result.content)}`);
      if (i >= 20) times[s].push(elapsed); // the first 20 warm up
    }
  }
  rows.push([label, ...times.map((t) => median(t))]);
  console.error(label, times.map((t) => median(t).toFixed(2)).join(' '));
}
for (const server of servers) await server.client.close();
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${CALLS} calls each`,
);
console.log(`| workload | ${servers.map((s) => `${s.name} median ms`).join(' | ')} |`);
console.log(`|---|${servers.map(() => '---:').join('|')}|`);
for (const [label, ...values] of rows)
  console.log(`| ${label} | ${values.map((v) => v.toFixed(2)).join(' | ')} |`);
