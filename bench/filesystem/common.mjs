// What the filesystem benches share: where the repository and the workloads are, and flags.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The workloads bench.mjs generates (a 1 GiB file, a 1 MiB file, the 100k-file tree). */
export const work = path.join(repo, 'bench/.work/filesystem');

/** The value after `--name` on the command line, or the fallback. */
export function flag(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
}
