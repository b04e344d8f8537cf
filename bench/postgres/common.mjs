// What the PostgreSQL benchmarks share: where things are, their numeric options, medians.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The bundled mcpkit CLI (`npm run build` makes it). */
export const cli = path.join(repo, 'packages/cli/dist/bin.js');
/** The reference server, @modelcontextprotocol/server-postgres, from the bench's dependencies. */
export const reference = path.join(repo, 'node_modules/@modelcontextprotocol/server-postgres/dist/index.js');

/** A numeric `--name=value` option of the command line. */
export function arg(name, fallback) {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
