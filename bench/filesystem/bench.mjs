// Filesystem server benchmark: mcpkit's server side by side with the reference server
// (@modelcontextprotocol/server-filesystem, as installed in this workspace) and with find/grep as
// the floor, on a generated tree of 100k files and a 1 GiB text file. Not a test; not run by CI.
//
//   npm run build && node bench/filesystem/bench.mjs [--runs 5] [--only name,name]
//
// Cold start: spawn to the first tools/list answered, `runs` fresh processes. Every other
// workload gets fresh server processes, one warm-up call, then `runs` interleaved rounds
// (mcpkit, reference, floor command) so all see the same load; medians are reported. Peak RSS
// is each process's VmHWM (Linux) after the workload. Figures go to stdout as Markdown and
// to bench/.work/filesystem/results.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { flag, repo, work } from './common.mjs';
import { generateLargeFile, generateTree, RARE } from './generate.mjs';

const RUNS = Number(flag('runs', '5'));
const ONLY = flag('only', '')?.split(',').filter(Boolean);

// MCPKIT_CLI names another bundle of the CLI (say, a private one built with MCPKIT_BUNDLE_OUTDIR).
const CLI = process.env.MCPKIT_CLI
  ? path.resolve(process.env.MCPKIT_CLI)
  : path.join(repo, 'packages/cli/dist/bin.js');
// --prof: mcpkit's server runs under `node --cpu-prof` (profiles in bench/.work/prof).
const PROFILE = process.argv.includes('--prof')
  ? ['--cpu-prof', `--cpu-prof-dir=${path.join(repo, 'bench/.work/prof')}`]
  : [];
const REFERENCE = path.join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const referenceVersion = JSON.parse(
  fs.readFileSync(
    path.join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/package.json'),
    'utf8',
  ),
).version;

const SERVERS = {
  mcpkit: [
    process.execPath,
    ...PROFILE,
    CLI,
    'serve',
    'filesystem',
    work,
    '--log-level',
    'silent',
    ...(process.env.FS_EXTRA ? process.env.FS_EXTRA.split(' ') : []),
  ],
  reference: [process.execPath, REFERENCE, work],
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => (value === undefined ? 'n/a' : value < 10 ? value.toFixed(2) : value.toFixed(0));
const mb = (kb) => (kb === undefined ? 'n/a' : (kb / 1024).toFixed(0));

function peakRssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

/**
 * Starts a server, timing spawn to the first tools/list answer. Retried twice: in a shared
 * workspace a concurrent rebuild can leave a dist file missing for a moment.
 */
async function start(name, attempt = 1) {
  try {
    return await startOnce(name);
  } catch (error) {
    if (attempt >= 3) throw error;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return start(name, attempt + 1);
  }
}

async function startOnce(name) {
  const [command, ...rest] = SERVERS[name];
  const began = performance.now();
  const transport = new StdioClientTransport({
    command,
    args: rest,
    stderr: process.env.BENCH_DEBUG ? 'inherit' : 'ignore',
  });
  const client = new Client({ name: 'fs-bench', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  const coldMs = performance.now() - began;
  // VmHWM is a high-water mark; sampling it keeps the figure of a process that later dies.
  const pid = transport.pid;
  const sampled = { peak: peakRssKb(pid) ?? 0 };
  const sampler = setInterval(() => {
    sampled.peak = Math.max(sampled.peak, peakRssKb(pid) ?? 0);
  }, 50);
  const peak = () => Math.max(sampled.peak, peakRssKb(pid) ?? 0) || undefined;
  return { client, transport, coldMs, pid, peak, stopSampling: () => clearInterval(sampler) };
}

/** Times one tool call; fails loudly on a tool error so a broken figure is never recorded. */
async function timed(client, tool, toolArgs) {
  const began = performance.now();
  const result = await client.callTool({ name: tool, arguments: toolArgs }, undefined, { timeout: 900_000 });
  const elapsed = performance.now() - began;
  if (result.isError) throw new Error(`${tool} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
  const bytes = Buffer.byteLength(JSON.stringify(result));
  return { elapsed, bytes, result };
}

/** Calls every page of a paginated tool (mcpkit's cursor), timing the whole walk. */
async function timedAllPages(client, tool, toolArgs) {
  const began = performance.now();
  let cursor;
  let bytes = 0;
  let items = 0;
  do {
    const result = await client.callTool(
      { name: tool, arguments: { ...toolArgs, ...(cursor ? { cursor } : {}) } },
      undefined,
      { timeout: 900_000 },
    );
    if (result.isError) throw new Error(`${tool} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
    bytes += Buffer.byteLength(JSON.stringify(result));
    items += result.structuredContent?.matches?.length ?? 0;
    cursor = result.structuredContent?.nextCursor;
  } while (cursor);
  return { elapsed: performance.now() - began, bytes, items };
}

/** One run of a shell floor command: wall time and peak RSS (via /usr/bin/time). */
function runFloor([command, ...commandArgs]) {
  const began = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', command, ...commandArgs], {
    cwd: work,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return { elapsed: performance.now() - began, rssKb: Number(run.stderr.trim().split('\n').pop()) };
}

/**
 * One workload, interleaved: fresh server processes, one warm-up call each, then `runs`
 * rounds of (mcpkit call, reference call, floor command), so all three see the same machine
 * load. Medians per contender; peak RSS is each process's high-water mark (VmHWM).
 */
async function compare(workload, contenders, notes = {}) {
  const started = {};
  for (const server of ['mcpkit', 'reference']) {
    if (contenders[server]) started[server] = await start(server);
  }
  const times = { mcpkit: [], reference: [], floor: [] };
  const failed = {};
  let floorRss = 0;
  // A contender that fails (say, a reply too big for the client) is recorded as failed, once.
  const attempt = async (server) => {
    if (failed[server]) return;
    const began = performance.now();
    try {
      return (await contenders[server](started[server].client)).elapsed;
    } catch (error) {
      failed[server] = `failed after ${ms(performance.now() - began)} ms: ${error.message}`;
    }
  };
  try {
    for (const server of Object.keys(started)) await attempt(server);
    if (contenders.floor) runFloor(contenders.floor.command);
    for (let i = 0; i < (contenders.runs ?? RUNS); i++) {
      for (const server of Object.keys(started)) {
        const elapsed = await attempt(server);
        if (elapsed !== undefined) times[server].push(elapsed);
      }
      if (contenders.floor) {
        const run = runFloor(contenders.floor.command);
        times.floor.push(run.elapsed);
        floorRss = Math.max(floorRss, run.rssKb);
      }
    }
    for (const server of ['mcpkit', 'reference']) {
      if (failed[server]) {
        record(workload, server, { rssKb: started[server].peak() }, failed[server]);
      } else if (started[server]) {
        const figures = { median: median(times[server]), rssKb: started[server].peak() };
        record(workload, server, figures, notes[server]);
      } else if (notes[server]) record(workload, server, {}, notes[server]);
    }
    if (contenders.floor) {
      record(workload, contenders.floor.name, { median: median(times.floor), rssKb: floorRss }, notes.floor);
    }
  } finally {
    for (const { client, transport, stopSampling } of Object.values(started)) {
      stopSampling();
      await client.close().catch(() => {});
      await transport.close().catch(() => {});
    }
  }
}

async function coldStart(server) {
  const times = [];
  let rss;
  for (let i = 0; i < RUNS; i++) {
    const { client, transport, coldMs, pid, stopSampling } = await start(server);
    stopSampling();
    times.push(coldMs);
    rss = Math.max(rss ?? 0, peakRssKb(pid) ?? 0);
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
  }
  return { median: median(times), rssKb: rss };
}

function pickFiles(count) {
  const files = [];
  for (let p = 0; files.length < count; p++) {
    const dir = `tree/pkg-${p % 50}/dir-${p % 10}/sub-${(p * 7) % 10}`;
    const name = fs.readdirSync(path.join(work, dir)).find((n) => !n.endsWith('.png'));
    files.push(`${dir}/${name}`);
  }
  return files;
}

const rows = [];
const record = (workload, server, figures, note = '') => {
  rows.push({ workload, server, ...figures, note });
  console.error(
    `${workload.padEnd(44)} ${server.padEnd(10)} ${ms(figures.median).padStart(8)} ms  ${mb(figures.rssKb).padStart(5)} MB ${note}`,
  );
};
const want = (name) => !ONLY?.length || ONLY.includes(name);

async function main() {
  if (!fs.existsSync(CLI)) throw new Error('Build first: npm run build');
  console.error(`generating workloads under ${path.relative(repo, work)} (once) ...`);
  generateTree(path.join(work, 'tree'));
  generateLargeFile(path.join(work, 'large.txt'));
  fs.writeFileSync(
    path.join(work, 'small.txt'),
    fs.readFileSync(path.join(work, 'large.txt')).subarray(0, 1024 * 1024),
  );
  const hundred = pickFiles(100);

  if (want('cold')) {
    for (const server of ['mcpkit', 'reference'])
      record('cold start to first tools/list', server, await coldStart(server));
  }

  if (want('search')) {
    await compare('search_files, ~100 rare names', {
      mcpkit: (c) => timedAllPages(c, 'search_files', { path: 'tree', pattern: 'image-*.png' }),
      reference: (c) => timed(c, 'search_files', { path: 'tree', pattern: '**/image-*.png' }),
      floor: { name: 'find', command: ['find', 'tree', '-name', 'image-*.png'] },
    });
    await compare('search_files, *.md (12k names, every page)', {
      mcpkit: (c) => timedAllPages(c, 'search_files', { path: 'tree', pattern: '*.md' }),
      reference: (c) => timed(c, 'search_files', { path: 'tree', pattern: '**/*.md' }),
      floor: { name: 'find', command: ['find', 'tree', '-name', '*.md'] },
    });
  }

  if (want('tree')) {
    await compare(
      'directory_tree of the 100k tree',
      {
        mcpkit: (c) => timed(c, 'directory_tree', { path: 'tree' }),
        reference: (c) => timed(c, 'directory_tree', { path: 'tree' }),
        floor: { name: 'find', command: ['find', 'tree'] },
      },
      {
        mcpkit: 'capped at 1000 entries, level by level',
        reference: 'whole tree as JSON',
        floor: 'whole tree, names',
      },
    );
  }

  if (want('grep')) {
    await compare(
      'content search, rare string',
      {
        mcpkit: (c) => timed(c, 'search_file_contents', { path: 'tree', query: RARE, caseSensitive: true }),
        floor: { name: 'grep -rn', command: ['grep', '-rn', RARE, 'tree'] },
      },
      { reference: 'no content search' },
    );
    await compare('content search, rare string, any case', {
      mcpkit: (c) =>
        timed(c, 'search_file_contents', { path: 'tree', query: RARE.toUpperCase(), caseSensitive: false }),
      floor: { name: 'grep -rni', command: ['grep', '-rni', RARE.toUpperCase(), 'tree'] },
    });
  }

  if (want('headtail')) {
    for (const [file, label] of [
      ['large.txt', '1 GiB'],
      ['small.txt', '1 MiB'],
    ]) {
      for (const mode of ['head', 'tail']) {
        await compare(`read_text_file ${mode}=10, ${label} file`, {
          runs: Math.max(RUNS, 21), // milliseconds: more runs to steady the median
          mcpkit: (c) => timed(c, 'read_text_file', { path: file, [mode]: 10 }),
          reference: (c) => timed(c, 'read_text_file', { path: file, [mode]: 10 }),
          floor: { name: mode, command: [mode, '-n', '10', file] },
        });
      }
    }
  }

  if (want('multi')) {
    await compare('read_multiple_files, 100 files', {
      mcpkit: (c) => timed(c, 'read_multiple_files', { paths: hundred }),
      reference: (c) => timed(c, 'read_multiple_files', { paths: hundred }),
      floor: { name: 'cat', command: ['cat', ...hundred] },
    });
  }

  const machine = {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    kernel: os.release(),
    reference: `@modelcontextprotocol/server-filesystem ${referenceVersion}`,
    runs: RUNS,
  };
  fs.writeFileSync(path.join(work, 'results.json'), JSON.stringify({ machine, rows }, null, 2));
  console.log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}; ${machine.reference}; median of ${RUNS} warm runs (cold start: ${RUNS} fresh processes).\n`,
  );
  console.log('| workload | server | median ms | peak RSS MB | note |');
  console.log('| --- | --- | ---: | ---: | --- |');
  for (const row of rows)
    console.log(`| ${row.workload} | ${row.server} | ${ms(row.median)} | ${mb(row.rssKb)} | ${row.note} |`);
}

await main();
