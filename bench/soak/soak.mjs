// Soak: a fixed rate of mixed tool calls, both protocol eras, for a fixed time, against the quick
// start's HTTP server (one node) or the three-node topology (HAProxy with deploy/haproxy.cfg,
// Redis shared), all on 127.0.0.1. Prints, each sample period, calls, errors, p50/p99 latency and
// every node's RSS; at the end a summary with RSS growth from minute 5 (or the first sample) on.
//
//   npm run build
//   node bench/soak/soak.mjs --topology single  --minutes 30 --rate 200
//   node bench/soak/soak.mjs --topology cluster --minutes 30 --rate 200
//   options: --sample-sec 60 (how often a line is printed), --max-in-flight 400,
//            --ramp-sec 30 (the rate rises linearly from 0 over this warm-up, then holds for
//            --minutes; calls during the warm-up count like any other)
//
// The load is open-loop: a call starts every 1/rate s whatever the previous ones do; a call that
// would pass --max-in-flight counts as an error instead (the load stays bounded). Every process
// it starts (nodes, HAProxy, Redis) it stops by PID at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};
const topology = option('topology', 'single');
const minutes = Number(option('minutes', '1'));
const rate = Number(option('rate', '200'));
const sampleSec = Number(option('sample-sec', '60'));
const maxInFlight = Number(option('max-in-flight', '400'));
const rampSec = Number(option('ramp-sec', '30'));
if (!['single', 'cluster'].includes(topology)) throw new Error('--topology single|cluster');

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const children = [];
function start(command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push(child);
  child.output = () => output;
  return child;
}
async function waitHttp(url, child, what) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${child.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer ${url}`);
}
function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// The quick start's catalog and files (read-only), as one config every node runs.
const work = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-soak-'));
const configFile = path.join(work, 'soak.yaml');
const data = path.join(root, 'examples/data');
let config = `name: soak\nservers:\n  catalog:\n    server: catalog\n  files:\n    server: filesystem\n    args: [${JSON.stringify(data)}]\n    readOnly: true\n`;
const nodes = [];
let url;
try {
  if (topology === 'cluster') {
    const redisPort = await freePort();
    const redis = start('redis-server', [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await new Promise((r) => setTimeout(r, 300));
    config += `redis:\n  url: redis://127.0.0.1:${redisPort}\n  keyPrefix: 'soak:'\ncache:\n  ttlMs: 1000\n`;
    if (redis.exitCode !== null) throw new Error(`redis-server: ${redis.output()}`);
  }
  writeFileSync(configFile, config);
  const count = topology === 'cluster' ? 3 : 1;
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = start(process.execPath, [
      path.join(root, 'packages/cli/dist/bin.js'),
      'serve',
      '--config',
      configFile,
      '--http',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
    ]);
    await waitHttp(`http://127.0.0.1:${port}/healthz`, child, `node ${i + 1}`);
    nodes.push({ child, port });
  }
  if (topology === 'cluster') {
    const listen = await freePort();
    const env = { MCPKIT_LISTEN: `127.0.0.1:${listen}` };
    nodes.forEach((n, i) => {
      env[`MCPKIT_NODE${i + 1}`] = `127.0.0.1:${n.port}`;
    });
    const haproxy = start(
      spawnSync('haproxy', ['-v']).status === 0 ? 'haproxy' : '/usr/sbin/haproxy',
      ['-db', '-f', path.join(root, 'deploy/haproxy.cfg')],
      env,
    );
    await waitHttp(`http://127.0.0.1:${listen}/healthz`, haproxy, 'haproxy');
    url = new URL(`http://127.0.0.1:${listen}/mcp`);
  } else url = new URL(`http://127.0.0.1:${nodes[0].port}/mcp`);

  // Clients: 2026-07-28 ones (stateless) and 2025 sessions, half the calls each.
  const connect = async (era) => {
    const client = new Client(
      { name: 'soak', version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(new StreamableHTTPClientTransport(url));
    return client;
  };
  const clients = [];
  for (let i = 0; i < 4; i++) clients.push(await connect('modern'), await connect('legacy'));
  const calls = [
    { name: 'search_customers', arguments: { query: 'a' } },
    { name: 'get_product_price', arguments: { product_id: 'P-001' } },
    { name: 'files_read_text_file', arguments: { path: path.join(data, 'customers.json'), head: 20 } },
    { name: 'files_list_directory', arguments: { path: data } },
  ];
  const listed = new Set((await clients[0].listTools()).tools.map((t) => t.name));
  const mix = calls
    .map((c) => ({
      ...c,
      name: listed.has(c.name) ? c.name : listed.has(`catalog_${c.name}`) ? `catalog_${c.name}` : c.name,
    }))
    .filter((c) => listed.has(c.name));
  if (!mix.length) throw new Error(`none of the mixed tools is served (served: ${[...listed].join(', ')})`);

  const rss = (pid) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    } catch {
      return Number.NaN;
    }
  };
  const pct = (sorted, p) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
  console.log(
    `soak: ${topology}, ${nodes.length} node(s), ${rate} calls/s for ${minutes} min after a ${rampSec}-s ramp, tools: ${mix.map((c) => c.name).join(', ')}`,
  );
  console.log('| t (s) | calls | errors | p50 ms | p99 ms | RSS MiB per node |');
  console.log('| ---: | ---: | ---: | ---: | ---: | --- |');

  let inFlight = 0;
  let window = [];
  let windowErrors = 0;
  let total = 0;
  let totalErrors = 0;
  const errorSamples = new Set();
  const samples = [];
  let n = 0;
  const started = Date.now();
  const end = started + rampSec * 1000 + minutes * 60_000;
  // Calls due after `t` seconds: the integral of a rate rising linearly to `rate` over the ramp.
  const dueAt = (t) =>
    t < rampSec ? (rate * t * t) / (2 * rampSec) : (rate * rampSec) / 2 + rate * (t - rampSec);
  const fire = () => {
    if (inFlight >= maxInFlight) {
      windowErrors++;
      errorSamples.add('over --max-in-flight');
      return;
    }
    const client = clients[n % clients.length];
    const call = mix[n % mix.length];
    n++;
    inFlight++;
    const t0 = performance.now();
    client
      .callTool(call, { timeout: 30_000 })
      .then((result) => {
        if (result.isError) throw new Error(String(result.content?.[0]?.text).slice(0, 120));
        window.push(performance.now() - t0);
      })
      .catch((error) => {
        windowErrors++;
        if (errorSamples.size < 5) errorSamples.add(String(error.message ?? error).slice(0, 160));
      })
      .finally(() => {
        inFlight--;
      });
  };
  // Open loop: as many calls as the elapsed time says, checked every 5 ms.
  let fired = 0;
  let nextSample = started + sampleSec * 1000;
  while (Date.now() < end) {
    const due = Math.floor(dueAt((Date.now() - started) / 1000));
    while (fired < due) {
      fire();
      fired++;
    }
    if (Date.now() >= nextSample) {
      const sorted = window.sort((a, b) => a - b);
      const memory = nodes.map((node) => rss(node.child.pid));
      samples.push({ t: Math.round((Date.now() - started) / 1000), memory });
      console.log(
        `| ${samples.at(-1).t} | ${sorted.length + windowErrors} | ${windowErrors} | ${pct(sorted, 0.5).toFixed(1)} | ${pct(sorted, 0.99).toFixed(1)} | ${memory.map((m) => m.toFixed(0)).join(' / ')} |`,
      );
      total += sorted.length + windowErrors;
      totalErrors += windowErrors;
      window = [];
      windowErrors = 0;
      nextSample += sampleSec * 1000;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const drainUntil = Date.now() + 30_000;
  while (inFlight > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  total += window.length + windowErrors;
  totalErrors += windowErrors;
  const from = samples.find((s) => s.t >= rampSec + 300) ?? samples[0];
  const last = samples.at(-1);
  const growth =
    from && last && from !== last
      ? from.memory.map((m, i) => `${(((last.memory[i] - m) / m) * 100).toFixed(1)} %`).join(' / ')
      : 'n/a (too short)';
  console.log(
    `\ntotal calls ${total}, errors ${totalErrors}, RSS growth from t=${from?.t ?? '?'} s to the end: ${growth}`,
  );
  if (errorSamples.size) console.log(`error samples: ${[...errorSamples].join(' | ')}`);
  for (const client of clients) await client.close().catch(() => {});
} finally {
  stopAll();
  rmSync(work, { recursive: true, force: true });
}
