// Toolkit overhead: the same trivial `echo` tool served by mcpkit and by a bare SDK v2 McpServer,
// over stdio and Streamable HTTP, in both protocol eras, one call at a time and 16 in flight;
// then cold start to the first tools/list answer. Prints a markdown table (medians of rounds).
//
//   npm run build && node bench/overhead/run.mjs            # full run (a few minutes)
//   node bench/overhead/run.mjs --quick                     # fewer calls and rounds
//   options: --transport stdio|http, --era legacy|modern, --no-cold, --cold-only,
//            --mcpkit-log-level warn
//
// Both servers run as child processes; the load comes from one SDK client in this process, so
// the client's own cost is in every figure alike. Rounds alternate which server goes first.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 5;
/** Calls per round: HTTP is ~10x slower per call than stdio, so it gets fewer. */
const CALLS = { stdio: quick ? 1000 : 3000, http: quick ? 300 : 1000 };
const WARMUP = 500;
const COLD_RUNS = quick ? 9 : 21;
const option = (name) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const TRANSPORTS = option('transport') ? [option('transport')] : ['stdio', 'http'];
const ERAS = option('era') ? [option('era')] : ['legacy', 'modern'];
const SKIP_COLD = process.argv.includes('--no-cold');
/** mcpkit's stderr log level: `info` (the default) writes one audit line per call. */
const MCPKIT_LOG_LEVEL = option('mcpkit-log-level') ?? 'info';

const SERVERS = {
  'bare SDK': path.join(here, 'echo-bare.mjs'),
  mcpkit: path.join(here, 'echo-mcpkit.mjs'),
};
const eraOptions = (era) => (era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

/** Starts a server over HTTP on a free port; resolves with its URL and a stop function. */
function startHttp(script) {
  const child = spawn(process.execPath, [script, 'http', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: MCPKIT_LOG_LEVEL },
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const match = /listening (\d+)/.exec(err);
      if (match && !child.url) {
        child.url = new URL(`http://127.0.0.1:${match[1]}/mcp`);
        resolve({ url: child.url, pid: child.pid, stop: () => child.kill() });
      }
      if (err.length > 1e5) err = err.slice(-1e4);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}

async function connect(transport, server, era) {
  const client = new Client({ name: 'overhead-bench', version: '1.0.0' }, eraOptions(era));
  if (transport === 'stdio') {
    const stdio = new StdioClientTransport({
      command: process.execPath,
      args: [SERVERS[server], 'stdio'],
      env: { ...process.env, LOG_LEVEL: MCPKIT_LOG_LEVEL },
      stderr: 'ignore',
    });
    await client.connect(stdio);
    return { client, pid: stdio.pid, stop: () => client.close() };
  }
  const http = await startHttp(SERVERS[server]);
  await client.connect(new StreamableHTTPClientTransport(http.url));
  return {
    client,
    pid: http.pid,
    stop: async () => {
      await client.close().catch(() => {});
      http.stop();
    },
  };
}

/**
 * `calls` calls of echo with `concurrency` in flight: calls/s, p50 and p99 (ms), and the server's
 * CPU time per call (µs), which a busy machine disturbs far less than wall-clock rates.
 */
async function measure({ client, pid }, calls, concurrency) {
  const latencies = new Float64Array(calls);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= calls) return;
      const started = performance.now();
      const result = await client.callTool({ name: 'echo', arguments: { text: `hello ${i}` } });
      if (result.isError || result.content?.[0]?.text !== `hello ${i}`) throw new Error('wrong answer');
      latencies[i] = performance.now() - started;
    }
  };
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = ((cpuMs(pid) - cpuBefore) * 1000) / calls;
  latencies.sort();
  return {
    cpu,
    rate: calls / seconds,
    p50: latencies[Math.floor(calls * 0.5)],
    p99: latencies[Math.floor(calls * 0.99)],
  };
}

async function throughput() {
  const rows = [];
  for (const transport of TRANSPORTS) {
    for (const era of ERAS) {
      const connections = {};
      for (const server of Object.keys(SERVERS)) {
        connections[server] = await connect(transport, server, era);
        await measure(connections[server], WARMUP, 4);
      }
      for (const concurrency of [1, 16]) {
        const samples = Object.fromEntries(Object.keys(SERVERS).map((s) => [s, []]));
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 ? Object.keys(SERVERS).reverse() : Object.keys(SERVERS);
          for (const server of order) {
            samples[server].push(await measure(connections[server], CALLS[transport], concurrency));
          }
        }
        const result = {};
        for (const [server, runs] of Object.entries(samples)) {
          result[server] = {
            cpu: median(runs.map((r) => r.cpu)),
            rate: median(runs.map((r) => r.rate)),
            p50: median(runs.map((r) => r.p50)),
            p99: median(runs.map((r) => r.p99)),
          };
        }
        rows.push({ transport, era, concurrency, result });
        const [bare, kit] = [result['bare SDK'], result.mcpkit];
        console.error(
          `${transport} ${era} x${concurrency}: bare ${bare.rate.toFixed(0)}/s ${bare.cpu.toFixed(0)} µs, mcpkit ${kit.rate.toFixed(0)}/s ${kit.cpu.toFixed(0)} µs (${((kit.rate / bare.rate - 1) * 100).toFixed(1)}%)`,
        );
      }
      for (const c of Object.values(connections)) await c.stop();
    }
  }
  return rows;
}

/** Spawn to the first tools/list answer, ms; the child is stopped `holdMs` after it. */
function coldStart(args, env = {}, holdMs = 0) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      cwd: root,
      env: { ...process.env, ...env },
    });
    const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cold', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('"id":2')) {
        resolve(performance.now() - started);
        if (holdMs) setTimeout(() => child.kill(), holdMs);
        else child.kill();
      }
    });
    child.once('exit', (code) => (out.includes('"id":2') ? undefined : reject(new Error(`exited ${code}`))));
  });
}

/**
 * echo-bare.mjs bundled as the CLI is (esbuild: one minified ESM file, code-split, node20, the
 * same require banner), so the cold-start comparison is bundle against bundle.
 */
async function bundledBare() {
  const { build } = await import('esbuild');
  const outdir = path.join(root, 'bench/.work/echo-bare-bundle');
  await build({
    entryPoints: { 'echo-bare': SERVERS['bare SDK'] },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return path.join(outdir, 'echo-bare.js');
}

/**
 * The same bare server as one CommonJS file exporting main(), as the CLI is built for Node 20,
 * to be started through the CLI's code-cache loader (code-cached.mjs).
 */
async function bundledBareCommonJs() {
  const { build } = await import('esbuild');
  const outfile = path.join(root, 'bench/.work/echo-bare-bundle/echo-bare-main.cjs');
  await build({
    stdin: {
      contents: [
        `import { bareEchoServer } from ${JSON.stringify(SERVERS['bare SDK'])};`,
        "import { serveStdio } from '@modelcontextprotocol/server/stdio';",
        'export async function main() { serveStdio(bareEchoServer); }',
      ].join('\n'),
      resolveDir: here,
    },
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    supported: { 'dynamic-import': false },
    logLevel: 'error',
  });
  return outfile;
}

async function coldStarts() {
  // MCPKIT_CLI names another bundle of the CLI (say, a private one; see packages/cli/scripts/bundle.mjs).
  const cli = process.env.MCPKIT_CLI
    ? path.resolve(process.env.MCPKIT_CLI)
    : path.join(root, 'packages/cli/dist/bin.js');
  // On Node 20 the CLI keeps V8's code cache in its cache folder (packages/cli/src/code-cache.ts),
  // written by a command's first start: one start of each target before timing writes it (and
  // warms the page cache alike), and a row with a cache folder that cannot be made shows a
  // first start. MCPKIT_CODE_CACHE=0 in this process's environment turns the cache off.
  const FIRST_START = 'mcpkit CLI (`mcpkit serve filesystem .`), a first start (no code cache on Node 20)';
  const BARE_CACHED =
    'bare SDK v2 (echo-bare.mjs) as one CommonJS file through the code-cache loader of the CLI';
  /** The environment a target starts with, beyond this process's. */
  const envs = {
    [FIRST_START]: { MCPKIT_CACHE_DIR: path.join(root, 'package.json', 'no-cache') },
    [BARE_CACHED]: { MCPKIT_CACHE_DIR: path.join(root, 'bench/.work/code-cache') },
  };
  const targets = {
    'mcpkit CLI (`mcpkit serve catalog`, bundled)': [cli, 'serve', 'catalog'],
    'mcpkit CLI (`mcpkit serve filesystem .`, bundled)': [cli, 'serve', 'filesystem', root],
    [FIRST_START]: [cli, 'serve', 'filesystem', root],
    'bare SDK v2 (echo-bare.mjs, bundled the same way)': [await bundledBare(), 'stdio'],
    [BARE_CACHED]: [path.join(here, 'code-cached.mjs'), await bundledBareCommonJs(), 'stdio'],
    'mcpkit as a library (echo-mcpkit.mjs, unbundled)': [SERVERS.mcpkit, 'stdio'],
    'bare SDK v2 (echo-bare.mjs, unbundled)': [SERVERS['bare SDK'], 'stdio'],
    'node itself (a script that answers JSON-RPC by hand)': [path.join(here, 'node-floor.mjs')],
  };
  // Each runs a few seconds once: the code cache is written a couple of seconds into a run.
  await Promise.all(
    Object.entries(targets).map(([name, args]) => coldStart(args, envs[name], 3000).catch(() => undefined)),
  );
  await new Promise((resolve) => setTimeout(resolve, 3500));
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let run = 0; run < COLD_RUNS; run++) {
    // A target that fails to start (say, a dist folder mid-rebuild) is left out of its median.
    for (const [name, args] of Object.entries(targets)) {
      const ms = await coldStart(args, envs[name]).catch(() => undefined);
      if (ms !== undefined) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.length ? median(v) : Number.NaN]));
}

const rows = process.argv.includes('--cold-only') ? [] : await throughput();
const cold = SKIP_COLD ? {} : await coldStarts();

const fmt = (n, digits = 0) => n.toFixed(digits);
const lines = [
  `Machine: ${os.cpus().length}x ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} at the end.`,
  `mcpkit log level: ${MCPKIT_LOG_LEVEL}${MCPKIT_LOG_LEVEL === 'info' ? ' (the default: one audit line per call on stderr)' : ' (audit lines off)'}.`,
  `Medians of ${ROUNDS} rounds (${CALLS.stdio} calls each over stdio, ${CALLS.http} over HTTP) after ${WARMUP} warm-up calls; one SDK client in the bench process.`,
  '',
  '| transport | era | in flight | bare SDK calls/s | mcpkit calls/s | mcpkit vs bare | bare p50 / p99 ms | mcpkit p50 / p99 ms | server CPU µs/call bare / mcpkit |',
  '| --- | --- | --: | --: | --: | --: | --: | --: | --: |',
  ...rows.map(({ transport, era, concurrency, result }) => {
    const bare = result['bare SDK'];
    const kit = result.mcpkit;
    return `| ${transport} | ${era === 'legacy' ? '2025-11-25' : '2026-07-28'} | ${concurrency} | ${fmt(bare.rate)} | ${fmt(kit.rate)} | ${fmt((kit.rate / bare.rate - 1) * 100, 1)}% | ${fmt(bare.p50, 2)} / ${fmt(bare.p99, 2)} | ${fmt(kit.p50, 2)} / ${fmt(kit.p99, 2)} | ${fmt(bare.cpu)} / ${fmt(kit.cpu)} |`;
  }),
  '',
  `Cold start, spawn to the first tools/list answer over stdio (median of ${COLD_RUNS}):`,
  '',
  '| what starts | ms |',
  '| --- | --: |',
  ...Object.entries(cold).map(([name, ms]) => `| ${name} | ${fmt(ms)} |`),
];
console.log(lines.join('\n'));
