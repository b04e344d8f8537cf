// Where a call's time goes below the MCP layer, in-process: the same request to the package's own
// stand-in through the client library the server uses (made as the server makes it, from the
// package's TypeScript source) and through plain fetch. Sequential calls; latency median / p90 and
// this process's CPU per call (the stand-in runs in a process of its own); rounds alternate.
// GitHub also gets its Octokit plugins one at a time. Not a test.
//
//   node bench/servers/clients.mjs [--calls=300] [--rounds=5] [--only=github,slack,gdrive]
//
// Run unbundled, it bundles itself with esbuild (bundle.mjs; the stand-in host too) and runs the bundle.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!process.env.MCPKIT_BENCH_BUNDLED) {
  const { bundle } = await import('./bundle.mjs');
  await bundle(path.join(here, 'standin-host.mjs'));
  const out = await bundle(fileURLToPath(import.meta.url), 'clients.mjs');
  const run = spawnSync(process.execPath, [out, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MCPKIT_BENCH_BUNDLED: '1' },
  });
  process.exit(run.status ?? 1);
}

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const CALLS = Number(arg('calls', 300));
const ROUNDS = Number(arg('rounds', 5));
const ONLY = arg('only', 'github,slack,gdrive').split(',');
const WARMUP = 100;

// Timers started per call, by delay: a library that yields to the event loop with setTimeout(0)
// waits at least 1 ms each time (Node's minimum), which no CPU figure shows.
const realSetTimeout = globalThis.setTimeout;
let zeroTimers = 0;
globalThis.setTimeout = (fn, ms, ...rest) => {
  if (!(ms > 1)) zeroTimers++;
  return realSetTimeout(fn, ms, ...rest);
};

/** The stand-in host (bundled beside this file) for one server; resolves with its settings. */
async function standin(which) {
  const host = spawn(process.execPath, [path.join(here, 'standin-host.mjs'), which], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = await new Promise((resolve) =>
    createInterface({ input: host.stdout }).once('line', (line) => resolve(JSON.parse(line))),
  );
  return { info, stop: () => host.stdin.end() };
}

/** Each variant: a function making the one request. */
async function github(info) {
  const { retry } = await import('@octokit/plugin-retry');
  const { throttling } = await import('@octokit/plugin-throttling');
  const { Octokit } = await import('@octokit/rest');
  const { createClient } = await import('../../packages/github/src/api/client.ts');
  const { url, token } = info.bare;
  const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}';
  const params = { owner: 'octo', repo: 'hello', issue_number: 3 };
  const noLimit = { onRateLimit: () => false, onSecondaryRateLimit: () => false };
  const clients = {
    "the server's client (Octokit + plugin-throttling + plugin-retry)": createClient({ apiUrl: url, token }),
    "the server's client, pacing off (as tests run it)": createClient({ apiUrl: url, token, pacing: false }),
    'Octokit + plugin-throttling only': new (Octokit.plugin(throttling))({
      baseUrl: url,
      auth: token,
      throttle: noLimit,
    }),
    'Octokit + plugin-retry only': new (Octokit.plugin(retry))({ baseUrl: url, auth: token }),
    'plain Octokit': new Octokit({ baseUrl: url, auth: token }),
  };
  return {
    ...Object.fromEntries(Object.entries(clients).map(([k, c]) => [k, () => c.request(route, params)])),
    fetch: async () =>
      (
        await fetch(`${url}/repos/octo/hello/issues/3`, {
          headers: { accept: 'application/vnd.github+json', authorization: `token ${token}` },
        })
      ).json(),
  };
}

async function slack(info) {
  const { createWebClient } = await import('../../packages/slack/src/api/client.ts');
  const { url, token } = info.bare;
  const web = createWebClient(token, { apiUrl: url });
  return {
    "the server's client (@slack/web-api WebClient, as createWebClient makes it)": () =>
      web.conversations.history({ channel: 'C0HIST1000', limit: 20 }),
    fetch: async () =>
      (
        await fetch(`${url}conversations.history`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ channel: 'C0HIST1000', limit: '20' }),
        })
      ).json(),
  };
}

async function gdrive(info) {
  const { DriveApi, FILE_DETAIL_FIELDS } = await import('../../packages/gdrive/src/api/drive-api.ts');
  const { createDriveAuth } = await import('../../packages/gdrive/src/auth/provider.ts');
  const { resolveAuthSettings } = await import('../../packages/gdrive/src/auth/settings.ts');
  const env = info.mcpkit.env;
  const settings = resolveAuthSettings(
    {
      clientId: env.GDRIVE_CLIENT_ID,
      clientSecret: env.GDRIVE_CLIENT_SECRET,
      tokenFile: env.GDRIVE_TOKEN_FILE,
      tokenUrl: env.GDRIVE_TOKEN_URL,
    },
    {},
  );
  const api = new DriveApi({ auth: createDriveAuth(settings), rootUrl: env.GDRIVE_ROOT_URL });
  const token = (
    await (
      await fetch(info.bare.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: info.bare.refreshToken,
          client_id: info.bare.clientId,
          client_secret: info.bare.clientSecret,
        }),
      })
    ).json()
  ).access_token;
  const query = new URLSearchParams({ supportsAllDrives: 'true', fields: FILE_DETAIL_FIELDS });
  return {
    "the server's client (DriveApi: googleapis, gaxios)": () => api.getFile('txt-notes'),
    fetch: async () =>
      (
        await fetch(`${info.bare.url}drive/v3/files/txt-notes?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json(),
  };
}

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )} at the start; ${ROUNDS} rounds of ${CALLS} sequential calls after ${WARMUP} warm-up; Node ${process.version}\n`,
);
console.log('| server | client | median / p90 ms | client CPU µs/call | setTimeout(0) per call |');
console.log('|---|---|---:|---:|---:|');
for (const [which, make] of Object.entries({ github, slack, gdrive })) {
  if (!ONLY.includes(which)) continue;
  const host = await standin(which);
  try {
    const calls = await make(host.info);
    const results = Object.fromEntries(Object.keys(calls).map((k) => [k, { ms: [], cpu: [], timers: [] }]));
    for (const call of Object.values(calls)) for (let i = 0; i < WARMUP; i++) await call();
    for (let r = 0; r < ROUNDS; r++) {
      const names = Object.keys(calls);
      for (const name of r % 2 ? names.reverse() : names) {
        const cpu = process.cpuUsage();
        const timers = zeroTimers;
        for (let i = 0; i < CALLS; i++) {
          const started = performance.now();
          await calls[name]();
          results[name].ms.push(performance.now() - started);
        }
        const used = process.cpuUsage(cpu);
        results[name].cpu.push((used.user + used.system) / CALLS);
        results[name].timers.push((zeroTimers - timers) / CALLS);
      }
    }
    for (const [name, r] of Object.entries(results))
      console.log(
        `| ${which} | ${name} | ${q(r.ms, 0.5).toFixed(2)} / ${q(r.ms, 0.9).toFixed(2)} | ${q(r.cpu, 0.5).toFixed(0)} | ${q(r.timers, 0.5).toFixed(1)} |`,
      );
  } finally {
    host.stop();
  }
}
console.log(
  `\nload average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
