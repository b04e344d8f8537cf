// Where a GitHub call's wait goes, in-process: the same GET of one issue from the GitHub stand-in
// through the server's own client (Octokit with plugin-throttling and plugin-retry, as
// packages/github/src/api/client.ts makes it), through plain Octokit, and through fetch. Sequential
// calls, latency median / p90 and this process's CPU per call; rounds alternate. Not a test.
//
//   node bench/servers/overhead.mjs --only=github --calls=1 --rounds=1 --warmup=1  # bundles the host
//   npx tsc -b packages/github && node bench/servers/github-client.mjs [--calls=300] [--rounds=5]
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { createClient } from '../../packages/github/dist/api/client.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const CALLS = arg('calls', 300);
const ROUNDS = arg('rounds', 5);

const host = spawn(process.execPath, [path.join(repo, 'bench/.work/servers/standin-host.mjs'), 'github'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const info = await new Promise((resolve) =>
  createInterface({ input: host.stdout }).once('line', (line) => resolve(JSON.parse(line))),
);
const { url, token } = info.bare;
const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}';
const params = { owner: 'octo', repo: 'hello', issue_number: 3 };

const clients = {
  'server client (throttling + retry)': createClient({ apiUrl: url, token }),
  'server client, pacing off (tests)': createClient({ apiUrl: url, token, pacing: false }),
  'Octokit + plugin-throttling only': new (Octokit.plugin(throttling))({
    baseUrl: url,
    auth: token,
    throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
  }),
  'Octokit + plugin-retry only': new (Octokit.plugin(retry))({ baseUrl: url, auth: token }),
  'plain Octokit': new Octokit({ baseUrl: url, auth: token }),
};
const calls = {
  ...Object.fromEntries(Object.entries(clients).map(([k, c]) => [k, () => c.request(route, params)])),
  fetch: async () => {
    const response = await fetch(`${url}/repos/octo/hello/issues/3`, {
      headers: { accept: 'application/vnd.github+json', authorization: `token ${token}` },
    });
    return response.json();
  },
};
const results = Object.fromEntries(Object.keys(calls).map((k) => [k, { ms: [], cpu: [] }]));
for (const call of Object.values(calls)) for (let i = 0; i < 100; i++) await call();
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(calls);
  for (const name of r % 2 ? names.reverse() : names) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      await calls[name]();
      results[name].ms.push(performance.now() - started);
    }
    const used = process.cpuUsage(cpu);
    results[name].cpu.push((used.user + used.system) / CALLS);
  }
}
host.stdin.end();

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${ROUNDS} rounds of ${CALLS}`,
);
console.log('| client | median / p90 ms | client CPU µs/call |');
console.log('|---|---:|---:|');
for (const [name, r] of Object.entries(results))
  console.log(
    `| ${name} | ${q(r.ms, 0.5).toFixed(2)} / ${q(r.ms, 0.9).toFixed(2)} | ${q(r.cpu, 0.5).toFixed(0)} |`,
  );
