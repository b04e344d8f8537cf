// Per-call overhead of the new servers over their stand-ins: for GitHub, Slack, Google Drive and
// OpenAPI, `mcpkit serve <server>` (the bundled CLI over stdio) against a bare SDK v2 server
// (bare.mjs) whose one tool makes the same HTTP request to the same stand-in with plain fetch;
// then the gateway: a call proxied by `mcpkit serve --config` with an `mcpServers` upstream
// against the same upstream called directly. Latency per call (median, p90) and each server
// process's CPU per call (from /proc), rounds alternating A, B, A, B so both see the same load.
// Not a test; prints Markdown for bench/RESULTS.md.
//
//   node bench/servers/overhead.mjs [--calls=300] [--rounds=7] [--warmup=300]
//     [--only=github,slack,gdrive,openapi,gateway] [--prof] [--mcpkit-log-level=info]
//
// The stand-ins are the packages' own (packages/<x>/test/standin, examples/openapi/upstream.mjs),
// TypeScript: standin-host.mjs is bundled with esbuild into bench/.work/servers and runs in a
// process of its own. MCPKIT_CLI names another bundle of the CLI than packages/cli/dist/bin.js
// (`MCPKIT_BUNDLE_OUTDIR=bench/.work/servers/cli node packages/cli/scripts/bundle.mjs`).
// `--prof`: every server runs under `node --cpu-prof` (profiles in bench/.work/prof/servers, named
// by the pids it prints; summarise with bench/profile-summary.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { bundle as bundleTs } from './bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

const arg = (name, fallback) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const CALLS = Number(arg('calls', 300));
const ROUNDS = Number(arg('rounds', 7));
const WARMUP = Number(arg('warmup', 300));
const ONLY = arg('only', 'github,slack,gdrive,openapi,gateway').split(',');
const LOG_LEVEL = arg('mcpkit-log-level', 'info');
const PROF = process.argv.includes('--prof');
const cli = process.env.MCPKIT_CLI
  ? path.resolve(process.env.MCPKIT_CLI)
  : path.join(repo, 'packages/cli/dist/bin.js');
const profFlags = PROF
  ? [
      '--cpu-prof',
      // Every 100 µs (the default, 1 ms, leaves about one sample per call).
      '--cpu-prof-interval=100',
      `--cpu-prof-dir=${path.join(repo, 'bench/.work/prof/servers')}`,
      // exit through process.exit on SIGTERM, which writes the profile
      '--import',
      'data:text/javascript,process.on("SIGTERM",()=>process.exit(0))',
    ]
  : [];

/** One representative read call per server (each is one HTTP request once warm; checked below). */
const CASES = {
  github: {
    tool: 'get_issue',
    args: { owner: 'octo', repo: 'hello', issue_number: 3 },
    label: 'get_issue (GET /repos/o/r/issues/3)',
  },
  slack: {
    tool: 'get_channel_history',
    args: { channel: 'C0HIST1000' },
    label: 'get_channel_history, 20 messages (conversations.history)',
  },
  gdrive: {
    tool: 'get_file',
    args: { file_id: 'txt-notes' },
    label: 'get_file (files.get of a text file)',
  },
  openapi: {
    tool: 'fetch_user',
    args: { id: 5 },
    label: 'fetch_user (GET /users/5, jsonplaceholder example)',
    serveArgs: (info) => ['examples/openapi/jsonplaceholder.yaml', '--base-url', info.mcpkit.baseUrl],
  },
};

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const median = (xs) => quantile(xs, 0.5);

/** CPU time (user + system) of a process so far, in µs, from /proc (clock ticks of 10 ms). */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** System (kernel) CPU time of a process so far, in µs. */
function systemUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[12]) * 10_000;
}

/** Children of a process (the gateway's upstream), from /proc. */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A stand-in host process: its settings line, and `count()` of requests it has received. */
async function startHost(bundle, which) {
  const child = spawn(process.execPath, [bundle, which], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const info = await next();
  return {
    info,
    pid: child.pid,
    async count() {
      const reply = next();
      child.stdin.write('count\n');
      return reply;
    },
    stop: () => child.stdin.end(),
  };
}

async function open(label, command, args, env) {
  const transport = new StdioClientTransport({
    command,
    args,
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'ignore',
    cwd: repo,
  });
  const client = new Client({ name: 'servers-overhead-bench', version: '1.0.0' });
  await client.connect(transport);
  // Profiles are named by pid: say whose is whose.
  if (PROF)
    console.error(
      `profile of ${label} (${args.find((a) => !a.startsWith('-') && !a.startsWith('data:'))}): pid ${transport.pid}`,
    );
  return { label, client, pid: transport.pid, latencies: [], cpu: [], system: [], extraCpu: [], standin: [] };
}

/** `calls` sequential calls: every latency (ms) kept, CPU µs per call of the server (and its children). */
async function round(server, { tool, args }, calls, check, host) {
  const watch = [server.pid, ...(server.children ?? [])];
  const answered = await host?.count();
  const before = watch.map(cpuUs);
  const system = systemUs(server.pid);
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const result = await server.client.callTool({ name: tool, arguments: args });
    const ms = performance.now() - started;
    if (result.isError) throw new Error(`${server.label}: ${JSON.stringify(result.content).slice(0, 300)}`);
    if (check) check(result);
    server.latencies.push(ms);
  }
  const after = watch.map(cpuUs);
  if (host) server.standin.push(((await host.count()).answering - answered.answering) / calls);
  server.cpu.push((after[0] - before[0]) / calls);
  server.system.push((systemUs(server.pid) - system) / calls);
  if (watch.length > 1) server.extraCpu.push((after[1] - before[1]) / calls);
}

/** Warm-up, then ROUNDS rounds alternating between the two; returns their summaries. */
async function sideBySide(a, b, call, check, host) {
  for (const s of [a, b]) {
    for (let i = 0; i < WARMUP; i++) await s.client.callTool({ name: call.tool, arguments: call.args });
    s.latencies.length = 0;
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [b, a] : [a, b];
    for (const s of order) await round(s, call, CALLS, check, host);
  }
  const sum = (s) => ({
    p50: median(s.latencies),
    p90: quantile(s.latencies, 0.9),
    cpu: median(s.cpu),
    system: median(s.system),
    extraCpu: s.extraCpu.length ? median(s.extraCpu) : undefined,
    standin: s.standin.length ? median(s.standin) : undefined,
  });
  return [sum(a), sum(b)];
}

async function serverRow(bundle, which) {
  const call = CASES[which];
  const host = await startHost(bundle, which);
  const servers = [];
  try {
    const kit = await open(
      'mcpkit',
      process.execPath,
      [...profFlags, cli, 'serve', which, ...(call.serveArgs?.(host.info) ?? []), '--log-level', LOG_LEVEL],
      host.info.mcpkit.env,
    );
    servers.push(kit);
    const bare = await open(
      'bare SDK',
      process.execPath,
      [...profFlags, path.join(here, 'bare.mjs'), which],
      {
        BARE_STANDIN: JSON.stringify(host.info.bare),
      },
    );
    servers.push(bare);
    // Both make the same requests per call once warm: first calls may fetch a token or names.
    const perCall = {};
    for (const s of servers) {
      for (let i = 0; i < 3; i++) await s.client.callTool({ name: call.tool, arguments: call.args });
      const before = await host.count();
      await s.client.callTool({ name: call.tool, arguments: call.args });
      const after = await host.count();
      perCall[s.label] = after.recent.slice(after.recent.length - (after.count - before.count));
    }
    if (JSON.stringify(perCall.mcpkit) !== JSON.stringify(perCall['bare SDK']))
      throw new Error(`${which}: the two servers make different requests: ${JSON.stringify(perCall)}`);
    console.error(`${which}: one call = ${perCall.mcpkit.join(', ').slice(0, 120)}`);
    const [k, b] = await sideBySide(kit, bare, call, undefined, host);
    console.error(
      `${which}: mcpkit ${k.p50.toFixed(2)} ms ${k.cpu.toFixed(0)} µs, bare ${b.p50.toFixed(2)} ms ${b.cpu.toFixed(0)} µs`,
    );
    return { name: which, label: call.label, kit: k, bare: b, requests: perCall.mcpkit.length };
  } finally {
    for (const s of servers) await s.client.close().catch(() => {});
    host.stop();
  }
}

/** The gateway: server-everything's echo through `mcpkit serve --config` (mcpServers) and directly. */
async function gatewayRow() {
  const everything = path.join(
    path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
    'dist/index.js',
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-bench-gateway-'));
  const config = path.join(dir, 'claude_desktop_config.json');
  writeFileSync(
    config,
    JSON.stringify({ mcpServers: { ev: { command: process.execPath, args: [everything, 'stdio'] } } }),
  );
  const servers = [];
  try {
    // A private state folder: pins and the catalog cache stay out of the user's.
    const env = { MCPKIT_STATE_DIR: path.join(dir, 'state') };
    const gateway = await open(
      'gateway',
      process.execPath,
      [...profFlags, cli, 'serve', '--config', config, '--log-level', LOG_LEVEL],
      env,
    );
    servers.push(gateway);
    const direct = await open('direct', process.execPath, [...profFlags, everything, 'stdio'], {});
    servers.push(direct);
    // The upstream starts on first use and its tools appear once it has answered: wait for them.
    let tool;
    let tools = [];
    for (const deadline = Date.now() + 30_000; !tool && Date.now() < deadline; ) {
      tools = (await gateway.client.listTools()).tools.map((t) => t.name);
      tool = tools.find((t) => /(^|_)echo$/.test(t));
      if (!tool) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!tool) throw new Error(`no echo tool through the gateway: ${tools.join(' ')}`);
    await gateway.client.callTool({ name: tool, arguments: { message: 'start' } });
    gateway.children = childrenOf(gateway.pid);
    if (gateway.children.length !== 1) throw new Error(`gateway children: ${gateway.children}`);
    const message = { message: 'hello' };
    const check = (result) => {
      if (result.content?.[0]?.text !== 'Echo: hello') throw new Error('wrong echo');
    };
    // The gateway serves echo under its namespace (ev_echo): its client maps the name.
    gateway.client = renamed(gateway.client, tool);
    const [g, d] = await sideBySide(gateway, direct, { tool: 'echo', args: message }, check);
    console.error(`gateway: ${g.p50.toFixed(3)} ms vs direct ${d.p50.toFixed(3)} ms`);
    return { tool, gateway: g, direct: d };
  } finally {
    for (const s of servers) await s.client.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A client whose calls of `echo` go to the gateway's namespaced name. */
function renamed(client, name) {
  return {
    callTool: (params) => client.callTool({ ...params, name }),
    close: () => client.close(),
  };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadStart = load();
const bundle = await bundleTs(path.join(here, 'standin-host.mjs'));
const rows = [];
for (const which of Object.keys(CASES)) if (ONLY.includes(which)) rows.push(await serverRow(bundle, which));
const gateway = ONLY.includes('gateway') ? await gatewayRow() : undefined;

const f = (n, d = 2) => n.toFixed(d);
const cpuModel = os.cpus()[0]?.model.trim();
console.log(
  `Machine: ${os.cpus().length} CPUs (${cpuModel}), Node ${process.version}; load average ${loadStart} at the start, ${load()} at the end.`,
);
console.log(
  `${ROUNDS} rounds of ${CALLS} sequential calls per server after ${WARMUP} warm-up calls, rounds alternating; mcpkit log level ${LOG_LEVEL}${LOG_LEVEL === 'info' ? ' (the default: one audit line per call)' : ''}; CLI ${path.relative(repo, cli)}.`,
);
console.log('');
if (rows.length) {
  console.log(
    '| server | call | mcpkit median / p90 ms | bare SDK median / p90 ms | ratio (median) | CPU µs/call mcpkit / bare (of which kernel) | stand-in ms/call mcpkit / bare |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.label} | ${f(r.kit.p50)} / ${f(r.kit.p90)} | ${f(r.bare.p50)} / ${f(r.bare.p90)} | ${f(r.kit.p50 / r.bare.p50)}x | ${f(r.kit.cpu, 0)} / ${f(r.bare.cpu, 0)} (${f(r.kit.system, 0)} / ${f(r.bare.system, 0)}) | ${f(r.kit.standin)} / ${f(r.bare.standin)} |`,
    );
}
if (gateway) {
  const g = gateway.gateway;
  const d = gateway.direct;
  console.log('');
  console.log('| path | median / p90 ms | CPU µs/call |');
  console.log('|---|---:|---:|');
  console.log(
    `| server-everything echo, directly | ${f(d.p50, 3)} / ${f(d.p90, 3)} | ${f(d.cpu, 0)} (the server; kernel ${f(d.system, 0)}) |`,
  );
  console.log(
    `| the same through \`mcpkit serve --config\` (mcpServers, \`${gateway.tool}\`) | ${f(g.p50, 3)} / ${f(g.p90, 3)} | ${f(g.cpu, 0)} (the gateway; kernel ${f(g.system, 0)}) + ${f(g.extraCpu, 0)} (its upstream) |`,
  );
  console.log(`| **added by the gateway** | **${f(g.p50 - d.p50, 3)}** (median) | **${f(g.cpu, 0)}** |`);
}
