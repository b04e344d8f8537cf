// The read-only parse layer alone, in this process: checkReadOnly (libpg_query compiled to
// WebAssembly, then the tree walk) on a new 1-row SQL text each call, as the CPU-per-call bench
// sends, against the same text again (what the verdict cache answers). CPU per call; medians.
// Not a test.
//
//   node bench/postgres/guard-in-process.mjs [--calls=5000] [--rounds=7]
import os from 'node:os';
import { arg, importSources, median } from './common.mjs';

const CALLS = arg('calls', 5000);
const ROUNDS = arg('rounds', 7);
const { checkReadOnly, limitWasmTiering, loadLibpg } = await importSources('guard-in-process', [
  "export { checkReadOnly } from './packages/postgres/src/sql/guard.ts';",
  "export * from './packages/postgres/src/sql/libpg.ts';",
]);
limitWasmTiering(); // as the server does
await loadLibpg();
const sql = (i) => `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % 100_000)}`;
const perCall = (fn) => {
  const cpu = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fn(i);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / CALLS;
};
for (let i = 0; i < 3000; i++) checkReadOnly(sql(i));
const fresh = [];
for (let r = 0; r < ROUNDS; r++) fresh.push(perCall((i) => checkReadOnly(sql(r * CALLS + i))));
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `checkReadOnly, a new 1-row SELECT text each call: ${median(fresh).toFixed(1)} µs of CPU per call`,
);
