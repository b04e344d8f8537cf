// Small reads, mcpkit against the reference server: latency and server CPU per call (from /proc),
// in rounds of many calls that alternate between the two servers, so both see the same load.
// Steadier than latency.mjs's call-by-call medians on a shared machine: a round's CPU is what the
// server process itself spent. Needs the workloads of bench.mjs (bench/.work/filesystem). Linux
// only (/proc). Not a test; prints a Markdown table for bench/RESULTS.md.
//
//   node bench/filesystem/cpu-per-call.mjs [--calls 1000] [--rounds 5] [--warmup 3000] [--cli a.js]
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { flag, repo, work } from './common.mjs';

const CALLS = Number(flag('calls', '1000'));
const ROUNDS = Number(flag('rounds', '5'));
// mcpkit's path is more code than the reference's: V8 needs a few thousand calls to settle on it.
const WARMUP = Number(flag('warmup', '3000'));
const cli = path.resolve(flag('cli', process.env.MCPKIT_CLI ?? path.join(repo, 'packages/cli/dist/bin.js')));

/** CPU time (user + system) of a process so far, in µs, from /proc (clock ticks of 10 ms). */
function cpuUs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function start(serverArgs) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: serverArgs,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'fs-cpu-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

const smallDir = 'tree/pkg-1/dir-1/sub-7';
const smallFile = fs.readdirSync(path.join(work, smallDir)).find((n) => !n.endsWith('.png'));
const workloads = [
  ['read_text_file head=10, 1 GiB file', { path: 'large.txt', head: 10 }],
  ['read_text_file tail=10, 1 GiB file', { path: 'large.txt', tail: 10 }],
  ['read_text_file head=10, 1 MiB file', { path: 'small.txt', head: 10 }],
  ['read_text_file tail=10, 1 MiB file', { path: 'small.txt', tail: 10 }],
  ['read_text_file, whole small file', { path: `${smallDir}/${smallFile}` }],
];

const servers = {
  mcpkit: await start([cli, 'serve', 'filesystem', work, '--log-level', 'silent']),
  reference: await start([
    path.join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'),
    work,
  ]),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const [label, argsOf] of workloads) {
    const call = { name: 'read_text_file', arguments: argsOf };
    for (const s of Object.values(servers)) for (let i = 0; i < WARMUP; i++) await s.client.callTool(call);
    const seen = { mcpkit: { ms: [], cpu: [] }, reference: { ms: [], cpu: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first, so neither always runs after the other's round.
      const order = round % 2 ? ['reference', 'mcpkit'] : ['mcpkit', 'reference'];
      for (const name of order) {
        const { client, pid } = servers[name];
        const cpu0 = cpuUs(pid);
        const t0 = performance.now();
        for (let i = 0; i < CALLS; i++) await client.callTool(call);
        seen[name].ms.push((performance.now() - t0) / CALLS);
        seen[name].cpu.push((cpuUs(pid) - cpu0) / CALLS);
      }
    }
    rows.push([label, seen]);
  }
} finally {
  for (const s of Object.values(servers)) await s.client.close();
}

const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average at the end: ${load}; ${ROUNDS} rounds of ${CALLS} calls per server and workload`);
console.log('| workload | mcpkit ms/call | reference ms/call | mcpkit CPU µs/call | reference CPU µs/call |');
console.log('|---|---:|---:|---:|---:|');
for (const [label, seen] of rows) {
  const m = seen.mcpkit;
  const r = seen.reference;
  console.log(
    `| ${label} | ${median(m.ms).toFixed(3)} | ${median(r.ms).toFixed(3)} | ${median(m.cpu).toFixed(0)} | ${median(r.cpu).toFixed(0)} |`,
  );
}
