// Sums a `node --cpu-prof` profile of a server by kind of work (stream writes, GC, zod, the HTTP
// client library, the toolkit and SDK code, ...), leaving out start-up and warm-up (the first 40% of
// the profile's time by default), so two servers' profiles from one overhead.mjs --prof run can be
// compared share by share. bench/profile-summary.mjs gives the functions themselves. Not a test.
//
//   node bench/servers/profile-shares.mjs <file.cpuprofile> [--from=0.4]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
const from = Number(process.argv.find((a) => a.startsWith('--from='))?.split('=')[1] ?? 0.4);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

const HTTP_CLIENTS =
  /undici|node-fetch|gaxios|googleapis|@slack\/web-api|axios|bottleneck|@octokit|_http_|node:net|json-with-bigint/;
const MODULE_LOADING =
  /node:internal\/modules|node:internal\/bootstrap|^compileSourceTextModule|^wrapSafe|^compileForInternalLoader/;

/** Whether a chunk of the CLI bundle is zod's (esbuild puts zod in a chunk of its own). */
const zodChunks = new Map();
function isZodChunk(url) {
  if (!zodChunks.has(url)) {
    let text = '';
    try {
      text = readFileSync(fileURLToPath(url), 'utf8');
    } catch {}
    zodChunks.set(url, text.includes('_zod') && text.includes('ZodError'));
  }
  return zodChunks.get(url);
}

function kind(functionName, url) {
  if (functionName === '(idle)') return undefined;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (/^(writeUtf8String|writeLatin1String|writev|writeBuffer)$/.test(functionName))
    return 'stream writes (native)';
  if (MODULE_LOADING.test(url.startsWith('node:') ? url : functionName)) return 'module loading';
  if (url.includes('node_modules/zod/') || (url.includes('/chunks/') && isZodChunk(url))) return 'zod';
  if (HTTP_CLIENTS.test(url)) return 'HTTP client (library and node:http/undici)';
  if (/ajv/.test(url)) return 'ajv';
  if (/\/chunks\//.test(url)) return 'mcpkit bundle (core, SDK, server code)';
  if (/@modelcontextprotocol/.test(url)) return 'SDK';
  if (url === '') return 'other native';
  return 'other JS (node internals)';
}

const start = profile.startTime + (profile.endTime - profile.startTime) * from;
const shares = new Map();
let time = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  time += profile.timeDeltas[i];
  if (time < start) continue;
  const { functionName, url } = byId.get(profile.samples[i]).callFrame;
  const k = kind(functionName, url);
  if (k) shares.set(k, (shares.get(k) ?? 0) + profile.timeDeltas[i]);
}
const busy = [...shares.values()].reduce((a, b) => a + b, 0);
console.log(`busy ${(busy / 1000).toFixed(0)} ms after the first ${from * 100}% of the profile`);
for (const [k, us] of [...shares].sort((a, b) => b[1] - a[1]))
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
