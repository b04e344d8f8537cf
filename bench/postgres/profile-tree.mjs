// Sums a `node --cpu-prof` profile by inclusive time (a function and everything it called), as a
// share of the busy samples (idle left out), so a bench run says which layer of a call costs what:
// the transport, the SDK's validation, the handler, the database path. Not a test.
//
//   node bench/postgres/profile-tree.mjs <file.cpuprofile> [--top=60] [--match=regexp]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const top = Number(option('top') ?? 60);
const match = option('match') ? new RegExp(option('match')) : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const name = (frame) => {
  const where = frame.url
    .replace(/^.*node_modules\//, '')
    .split('/')
    .slice(-2)
    .join('/');
  return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
};
const inclusive = new Map();
const selfBy = new Map();
let busy = 0;
for (const [id, us] of self) {
  const leaf = byId.get(id).callFrame;
  if (leaf.functionName === '(idle)') continue;
  busy += us;
  selfBy.set(name(leaf), (selfBy.get(name(leaf)) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = name(byId.get(at).callFrame);
    if (seen.has(key)) continue; // recursion counts once
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${(profile.endTime - profile.startTime) / 1000} ms`);
console.log('inclusive  self  function');
let shown = 0;
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1])) {
  if (match && !match.test(key)) continue;
  const pct = (x) => ((100 * x) / busy).toFixed(1).padStart(5);
  console.log(`${pct(us)}% ${pct(selfBy.get(key) ?? 0)}%  ${key}`);
  if (++shown >= top) break;
}
