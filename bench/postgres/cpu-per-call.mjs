// Where a 1-row query call's time goes: CPU per call of the server process, of the client (the
// SDK v2 Client in this process) and of the database cluster, mcpkit postgres (URL) against the
// reference server on the same private cluster, one call at a time and 16 in flight, after a
// long warm-up (V8 needs about 10,000 calls to settle on mcpkit's path; then 500 calls 16 at a
// time, so the connections the 16-in-flight rounds use are open). Rounds alternate between the
// servers.
// Not a test; prints a Markdown table for bench/RESULTS.md. `--prof` writes CPU profiles.
//
//   npm run build && node bench/postgres/cpu-per-call.mjs [--rows=100000] [--calls=2000]
//     [--warmup=10000] [--rounds=5] [--flight=16] [--prof] [--before=<an earlier bin.js>]
//     [--stored]
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import pg from 'pg';
import { arg, cli, clusterWithBig, median, nodeFlags, reference, repo } from './common.mjs';

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

/**
 * CPU time of the whole database cluster so far, in µs: the postmaster, its children (the
 * backends serving the calls, the background workers) and the children it has reaped. Only one
 * server runs calls at a time, so a round's difference is what its calls cost the database.
 */
function clusterCpuUs(postmaster) {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fields;
    try {
      fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
    } catch {
      continue; // exited meanwhile
    }
    const pid = Number(entry);
    if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]); // reaped children
    if (pid === postmaster || Number(fields[1]) === postmaster)
      ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10_000;
}

/** The cluster's postmaster: the parent of a backend. */
async function postmasterOf(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ pid }] = (await client.query('SELECT pg_catalog.pg_backend_pid() AS pid')).rows;
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } finally {
    await client.end();
  }
}

let postmaster;
const stored = `${repo}/bench/postgres/stored-answer.mjs`;

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
  // Then some calls FLIGHT at a time, so each server has opened the connections those rounds use
  // (a connection's SCRAM handshake is not a call's cost).
  let next = 0;
  const lane = async () => {
    while (next < 500) await call(WARMUP + next++);
  };
  await Promise.all(Array.from({ length: FLIGHT }, lane));
  return { label, transport, client, call, rounds: { 1: [], [FLIGHT]: [] } };
}

/** One round of CALLS calls, `inFlight` at a time: calls/s, server and client CPU per call. */
async function round(server, inFlight, offset) {
  const cpu = processCpuUs(server.transport.pid);
  const system = processSystemUs(server.transport.pid);
  const database = clusterCpuUs(postmaster);
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
    databaseUs: (clusterCpuUs(postmaster) - database) / CALLS,
  });
}

const cluster = await clusterWithBig(ROWS);
try {
  postmaster = await postmasterOf(cluster.adminUrl);
  // --before=<bundle>: an earlier build of the CLI as a third server, in the same rounds.
  const before = process.argv.find((a) => a.startsWith('--before='))?.slice(9);
  const servers = [
    await open('mcpkit postgres (URL)', [cli, 'serve', 'postgres', cluster.readerUrl, '--log-level=error']),
    ...(before
      ? [
          await open('mcpkit postgres (URL), before', [
            before,
            'serve',
            'postgres',
            cluster.readerUrl,
            '--log-level=error',
          ]),
        ]
      : []),
    // --stored: the same tool answering from memory (stored-answer.mjs), on mcpkit, on the bare SDK
    // v2 and on the SDK the reference server runs on (1.0.1).
    ...(process.argv.includes('--stored')
      ? [
          await open('mcpkit runtime, stored answer', [stored, 'mcpkit']),
          await open('bare SDK v2, stored answer', [stored, 'bare']),
          await open("the reference's SDK (1.0.1), stored answer", [stored, 'v1']),
        ]
      : []),
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
  console.log(
    '| server | in flight | calls/s | server CPU µs/call | of which kernel | client CPU µs/call | database CPU µs/call |',
  );
  console.log('|---|--:|---:|---:|---:|---:|---:|');
  for (const inFlight of [1, FLIGHT]) {
    for (const server of servers) {
      const rounds = server.rounds[inFlight];
      const m = (key) => median(rounds.map((x) => x[key])).toFixed(0);
      console.log(
        `| ${server.label} | ${inFlight} | ${m('perSecond')} | ${m('serverUs')} | ${m('systemUs')} | ${m('clientUs')} | ${m('databaseUs')} |`,
      );
    }
  }
} finally {
  await cluster.stop();
}
