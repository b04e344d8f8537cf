// PostgreSQL server benchmark: mcpkit's postgres server (on a URL and embedded) side by side
// with @modelcontextprotocol/server-postgres (the reference) and psql (the floor), on a
// generated 1M-row table. Not a test; prints a Markdown table for bench/RESULTS.md.
//
//   npm run build && node bench/postgres/run.mjs [--rows=1000000] [--calls=2000] [--runs=3]
//
// Every server is its own process over stdio, driven by the SDK v2 client; peak RSS is the
// process's VmHWM from /proc (the embedded database's thread included).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startCluster } from '../../packages/postgres/test/support/cluster.mjs';
import { arg, cli, median, reference, repo } from './common.mjs';

const run = promisify(execFile);
const ROWS = arg('rows', 1_000_000);
const CALLS = arg('calls', 2000);
const RUNS = arg('runs', 3);
const IN_FLIGHT = 16;

const work = path.join(repo, 'bench/.work/postgres');
const dataDir = path.join(work, 'pgdata');

/** Peak resident memory of a process, MB (VmHWM), or undefined once it is gone. */
function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return undefined;
  }
}

async function open(command, args) {
  const transport = new StdioClientTransport({
    command,
    args,
    stderr: process.env.BENCH_STDERR ? 'inherit' : 'ignore',
    cwd: work,
  });
  const client = new Client({ name: 'bench', version: '0' });
  const started = performance.now();
  await client.connect(transport);
  await client.listTools();
  return { client, pid: transport.pid, coldMs: performance.now() - started };
}

function pointQuery(i) {
  return `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % ROWS)}`;
}

async function callsPerSecond(client, inFlight) {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      const result = await client.callTool({ name: 'query', arguments: { sql: pointQuery(i) } });
      if (result.isError) throw new Error(`query failed: ${JSON.stringify(result.content)}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return CALLS / ((performance.now() - started) / 1000);
}

async function measureServer(label, command, args) {
  const cold = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const { client, coldMs } = await open(command, args);
    cold.push(coldMs);
    await client.close();
  }
  const { client, pid } = await open(command, args);
  try {
    await callsPerSecond(client, 1); // warm up
    const sequential = [];
    const parallel = [];
    for (let i = 0; i < RUNS; i++) {
      sequential.push(await callsPerSecond(client, 1));
      parallel.push(await callsPerSecond(client, IN_FLIGHT));
    }
    const peakAfterCalls = peakRssMb(pid);
    const big = [];
    for (let i = 0; i < (label.includes('reference') ? 1 : RUNS); i++)
      big.push(await rawBigQuery(command, args));
    const bigMs = median(big.map((b) => b.ms));
    const bigBytes = big[0].bytes;
    const peakMb = Math.max(peakAfterCalls ?? 0, ...big.map((b) => b.peakMb ?? 0));
    return {
      label,
      coldMs: median(cold),
      sequential: median(sequential),
      parallel: median(parallel),
      bigMs,
      bigBytes,
      peakMb,
      peakAfterCallsMb: peakAfterCalls,
      bigPeakMb: Math.max(...big.map((b) => b.peakMb ?? 0)),
    };
  } finally {
    await client.close();
  }
}

/**
 * `SELECT * FROM big` over a bare stdio pipe (JSON-RPC lines written and read by hand): the
 * SDK client refuses replies as large as an uncapped server sends, and the point is to see them.
 * Returns the time from request to reply, the reply's size, and the process's peak RSS.
 */
async function rawBigQuery(command, args) {
  const child = spawn(command, args, { cwd: work, stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = [];
  let parts = []; // chunks of the line being read: a 100 MB reply must not be rescanned per chunk
  let waiting;
  child.stdout.on('data', (chunk) => {
    let start = 0;
    let newline = chunk.indexOf(10);
    while (newline >= 0) {
      parts.push(chunk.subarray(start, newline));
      lines.push(Buffer.concat(parts).toString('utf8'));
      parts = [];
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
    waiting?.();
  });
  const reply = async (id) => {
    for (;;) {
      // The id is near one end of the line (the SDKs order fields differently); never parse 100 MB for it.
      const idPattern = new RegExp(`"id":${id}[,}]`);
      const index = lines.findIndex((line) => idPattern.test(line.slice(0, 80) + line.slice(-80)));
      if (index >= 0) return lines.splice(index, 1)[0];
      await new Promise((resolve) => {
        waiting = resolve;
      });
    }
  };
  const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  try {
    send({
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '0' },
      },
    });
    await reply(1);
    send({ method: 'notifications/initialized' });
    const started = performance.now();
    send({ id: 2, method: 'tools/call', params: { name: 'query', arguments: { sql: 'SELECT * FROM big' } } });
    const answer = await reply(2);
    const ms = performance.now() - started;
    return { ms, bytes: Buffer.byteLength(answer), peakMb: peakRssMb(child.pid) };
  } finally {
    child.kill();
  }
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function measurePsql(url) {
  const psql = 'psql';
  const cold = [];
  for (let i = 0; i < RUNS + 2; i++) cold.push(await timed(() => run(psql, [url, '-qAt', '-c', 'SELECT 1'])));
  const file = path.join(work, 'points.sql');
  writeFileSync(file, Array.from({ length: CALLS }, (_, i) => `${pointQuery(i)};`).join('\n'));
  const perFile = (count) => {
    const part = path.join(work, `points-${count}.sql`);
    writeFileSync(part, Array.from({ length: count }, (_, i) => `${pointQuery(i)};`).join('\n'));
    return part;
  };
  const sequential = [];
  const parallel = [];
  const share = perFile(CALLS); // each stream runs them all: a psql start is not what is measured
  for (let i = 0; i < RUNS; i++) {
    sequential.push(
      CALLS / ((await timed(() => run(psql, [url, '-qAt', '-o', '/dev/null', '-f', file]))) / 1000),
    );
    const ms = await timed(() =>
      Promise.all(
        Array.from({ length: IN_FLIGHT }, () => run(psql, [url, '-qAt', '-o', '/dev/null', '-f', share])),
      ),
    );
    parallel.push((CALLS * IN_FLIGHT) / (ms / 1000));
  }
  const bigTimes = [];
  for (let i = 0; i < RUNS; i++) {
    bigTimes.push(
      await timed(() => run(psql, [url, '-qAt', '-o', '/dev/null', '-c', 'SELECT * FROM big LIMIT 101'])),
    );
  }
  const all = await timed(() =>
    run(psql, [url, '-qAt', '-o', '/dev/null', '-c', 'SELECT * FROM big'], { maxBuffer: 1 << 30 }),
  );
  return {
    label: 'psql (floor)',
    coldMs: median(cold),
    sequential: median(sequential),
    parallel: median(parallel),
    bigMs: median(bigTimes),
    allMs: all,
  };
}

/** The embedded data folder: created by the server itself, then given the same 1M-row table. */
async function prepareEmbedded() {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const { client } = await open(process.execPath, [
    cli,
    'serve',
    'postgres',
    `--data-dir=${dataDir}`,
    '--allow-writes',
    '--statement-timeout=900000',
    '--log-level=error',
  ]);
  try {
    const result = await client.callTool(
      {
        name: 'execute',
        arguments: {
          sql: `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket, timestamptz '2024-01-01' + g * interval '1 second' AS created FROM generate_series(1, ${ROWS}) g`,
        },
      },
      { timeout: 900_000 },
    );
    if (result.isError) throw new Error(JSON.stringify(result.content));
    await client.callTool(
      { name: 'execute', arguments: { sql: 'ALTER TABLE big ADD PRIMARY KEY (id)' } },
      { timeout: 900_000 },
    );
    await client.callTool(
      { name: 'execute', arguments: { sql: 'ANALYZE big' } },
      {
        timeout: 900_000,
      },
    );
  } finally {
    await client.close();
  }
}

async function main() {
  mkdirSync(work, { recursive: true });
  console.error(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  const cluster = await startCluster({ settings: ['shared_buffers=128MB'] });
  try {
    const [{ version }] = await cluster.admin('SELECT version()');
    console.error(version);
    await cluster.admin(
      `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket, timestamptz '2024-01-01' + g * interval '1 second' AS created FROM generate_series(1, ${ROWS}) g;
       ALTER TABLE big ADD PRIMARY KEY (id); ANALYZE big; GRANT SELECT ON big TO reader;`,
    );
    console.error('preparing the embedded data folder');
    await prepareEmbedded();
    const results = [];
    const ours = (extra) => [process.execPath, [cli, 'serve', 'postgres', ...extra, '--log-level=error']];
    const servers = [
      ['mcpkit postgres (URL)', ...ours([cluster.readerUrl])],
      ['mcpkit postgres (embedded)', ...ours([`--data-dir=${dataDir}`])],
      ['reference server-postgres 0.6.2 (URL)', process.execPath, [reference, cluster.readerUrl]],
    ];
    for (const [label, command, args] of servers) {
      if (process.env.BENCH_ONLY && !label.includes(process.env.BENCH_ONLY)) continue;
      results.push(await measureServer(label, command, args));
      console.error(results.at(-1));
    }
    const psql = await measurePsql(cluster.readerUrl);
    console.error(psql);

    const fmt = (n, digits = 0) =>
      n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
    const lines = [
      `| | cold start to tools/list (ms) | 1-row query calls/s, sequential | calls/s, ${IN_FLIGHT} in flight | \`SELECT * FROM big\` (ms) | its reply (bytes) | peak RSS (MB) |`,
      '|---|---:|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.label} | ${fmt(r.coldMs)} | ${fmt(r.sequential)} | ${fmt(r.parallel)} | ${fmt(r.bigMs)} | ${fmt(r.bigBytes)} | ${fmt(r.peakMb)} |`,
      ),
      `| psql (floor; \`-c\` start, one session per stream, \`LIMIT 101\` / all rows) | ${fmt(psql.coldMs)} | ${fmt(psql.sequential)} | ${fmt(psql.parallel)} | ${fmt(psql.bigMs)} / ${fmt(psql.allMs)} | – | – |`,
    ];
    console.log(lines.join('\n'));
  } finally {
    await cluster.stop();
    if (!process.argv.includes('--keep')) rmSync(path.join(work, 'points.sql'), { force: true });
  }
}

await main();
