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

/**
 * The servers a side-by-side filesystem bench starts on `work`: each mcpkit CLI named by `--cli`
 * (comma-separated; the repository's build by default), then the reference server.
 */
export function serversToCompare() {
  const clis = flag('cli', path.join(repo, 'packages/cli/dist/bin.js')).split(',');
  return [
    ...clis.map((cli) => ({
      name: clis.length > 1 ? `mcpkit (${path.relative(repo, cli)})` : 'mcpkit',
      args: [path.resolve(cli), 'serve', 'filesystem', work, '--log-level', 'silent'],
    })),
    {
      name: 'reference',
      args: [path.join(repo, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), work],
    },
  ];
}
