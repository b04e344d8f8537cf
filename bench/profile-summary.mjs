// Sums a `node --cpu-prof` profile by self time: the top functions and the top files, so a bench
// run says where the time goes. Not a test.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [--top=30]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoUrl = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')).href;

const file = process.argv[2];
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const files = new Map();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const short = (url || '(native)').replace(/^.*\/node_modules\//, '').replace(`${repoUrl}/`, '');
  const fn = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  files.set(short, (files.get(short) ?? 0) + us);
}
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
show('self time by function', fns);
show('self time by file', files);
