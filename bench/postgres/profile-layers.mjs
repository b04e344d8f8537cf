// Splits the busy samples of a `node --cpu-prof` profile of the postgres server into the layers
// of a call, by the innermost frame that names one: kernel-bound writes (to Postgres, to
// stdout), the garbage collector, the read-only parse layer, the database path (batch, wire
// guard, node-postgres), result shaping, zod (the SDK's request and result validation), the
// SDK, mcpkit's runtime and stdio transport. A frame in a bundle made with
// MCPKIT_BUNDLE_MINIFY=0 is placed by the `// packages/...` or `// node_modules/...` comment
// that esbuild writes above each module. Not a test.
//
//   node bench/postgres/profile-layers.mjs <file.cpuprofile> [calls] [--detail=<layer regexp>]
// `--detail` also lists, for the layers it matches, the functions their samples ended in (the
// frame that named the layer, with its source module), so a layer's cost can be traced.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, calls] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const detailOption = process.argv.find((a) => a.startsWith('--detail='))?.slice(9);
const detail = detailOption ? new RegExp(detailOption) : undefined;
const details = new Map();
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

/** For a bundle file: the source module each line came from. */
const modules = new Map();
function sourceOf(frame) {
  const url = frame.url;
  // Any bundle file (chunks/*.js, or main.cjs when the CLI loads one script with a code cache).
  if (!url.startsWith('file://') || !/\/chunks\/|\.cjs$/.test(url)) return url;
  let starts = modules.get(url);
  if (!starts) {
    starts = [];
    readFileSync(fileURLToPath(url), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /^\/\/ ((?:packages|node_modules)\/\S+)$/.exec(line);
        if (m) starts.push([i, m[1]]);
      });
    modules.set(url, starts);
  }
  let found = url;
  for (const [line, source] of starts) {
    if (line > frame.lineNumber) break;
    found = source;
  }
  return found;
}

const SHAPING = /^(rowsResult|shape|toCsv|csvCell|clipCells|rowsWithin|jsonValue|plural|thousands)$/;
// Checked from the leaf up; the first rule a frame matches names the sample's layer.
const rules = [
  ['write to Postgres (syscall)', (f, _src, up) => f.functionName === 'writeBuffer' && up.has('submit')],
  ['write to stdout (syscall)', (f) => /^(writeUtf8String|writeBuffer)$/.test(f.functionName)],
  ['read (syscall)', (f, src) => /^(onStreamRead|read)$/.test(f.functionName) && src.startsWith('node:')],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['parse layer (libpg_query, tree walk)', (_f, src) => /postgres\/src\/sql\/|^wasm|libpg-query/.test(src)],
  ['result shaping (CSV, structured)', (f, src) => SHAPING.test(f.functionName) && /postgres\/src/.test(src)],
  ['wire guard', (_f, src) => /postgres\/src\/db\/wire-guard/.test(src)],
  ['database path (handler, session, batch)', (_f, src) => /postgres\/src\//.test(src)],
  [
    'node-postgres (protocol parser, client, pool)',
    (_f, src) => /pg-protocol|\/pg\/lib|pg-pool|pg-types/.test(src),
  ],
  ['zod (request, input and result validation)', (_f, src) => /\/zod\//.test(src)],
  ['mcpkit stdio transport', (_f, src) => /core\/src\/transports\/stdio/.test(src)],
  [
    'runtime (mcpkit middleware and context; AbortSignal)',
    (_f, src) => /core\/src\/|abort_controller|event_target/.test(src),
  ],
  ['MCP SDK (protocol, server)', (_f, src) => /@modelcontextprotocol\/(sdk|server)\//.test(src)],
  ['reference server (its handler)', (_f, src) => /server-postgres\/dist/.test(src)],
  ['start-up (module loading)', (_f, src) => /modules\/|bootstrap/.test(src)],
];
const totals = new Map();
let busy = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  if (byId.get(id).callFrame.functionName === '(idle)') return;
  busy += us;
  const frames = [];
  for (let at = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at).callFrame);
  const up = new Set(frames.map((f) => f.functionName));
  let layer = 'other (Node streams, timers, microtasks)';
  let named = frames[0];
  search: for (const frame of frames) {
    const src = sourceOf(frame);
    for (const [name, test] of rules) {
      if (test(frame, src, up)) {
        layer = name;
        named = frame;
        break search;
      }
    }
  }
  totals.set(layer, (totals.get(layer) ?? 0) + us);
  if (detail?.test(layer)) {
    const key = `${layer.split(' (')[0]}: ${named.functionName || '(anonymous)'} ${sourceOf(named)}`;
    details.set(key, (details.get(key) ?? 0) + us);
  }
});
const perCall = calls ? `, ${(busy / Number(calls)).toFixed(0)} µs per call` : '';
console.log(`busy ${(busy / 1000).toFixed(0)} ms${perCall}`);
for (const [layer, us] of [...totals].sort((a, b) => b[1] - a[1])) {
  const share = `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`${share}${calls ? `${(us / Number(calls)).toFixed(0).padStart(6)} µs` : ''}  ${layer}`);
}
if (detail) {
  console.log('');
  for (const [key, us] of [...details].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
    const share = `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
    console.log(`${share}${calls ? `${(us / Number(calls)).toFixed(1).padStart(7)} µs` : ''}  ${key}`);
  }
}
