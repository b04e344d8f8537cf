// What the PostgreSQL benchmarks share: where things are, their numeric options, medians.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { startCluster } from '../../packages/postgres/test/support/cluster.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The bundled mcpkit CLI (`npm run build` makes it); MCPKIT_CLI names another bundle, such as a
 * private one (`MCPKIT_BUNDLE_OUTDIR=bench/.work/cli node packages/cli/scripts/bundle.mjs`).
 */
export const cli = process.env.MCPKIT_CLI
  ? path.resolve(process.env.MCPKIT_CLI)
  : path.join(repo, 'packages/cli/dist/bin.js');

/**
 * `--prof`: the servers run under `node --cpu-prof`, their profiles written to bench/.work/prof
 * (or PROF_DIR); each exits on SIGTERM through process.exit, which writes the profile (the
 * reference server would otherwise die without one).
 */
export const nodeFlags = process.argv.includes('--prof')
  ? [
      '--cpu-prof',
      // Every 100 µs (the default, 1 ms, leaves a few samples per thousand calls).
      '--cpu-prof-interval=100',
      `--cpu-prof-dir=${process.env.PROF_DIR ? path.resolve(process.env.PROF_DIR) : path.join(repo, 'bench/.work/prof')}`,
      '--import',
      'data:text/javascript,process.on("SIGTERM",()=>process.exit(0))',
    ]
  : [];
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

/**
 * In-process rounds: every contender warms up (4,000 calls), then each round runs `calls` calls of
 * each in turn, so all see the same machine. Per contender and round: CPU µs per call (all and
 * user only) and calls per second.
 */
export async function runRounds(contenders, { rounds, calls }) {
  const results = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const call of Object.values(contenders)) for (let i = 0; i < 4000; i++) await call(i);
  for (let r = 0; r < rounds; r++) {
    for (const [name, call] of Object.entries(contenders)) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < calls; i++) await call(r * calls + i);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      results[name].push({
        us: (used.user + used.system) / calls,
        userUs: used.user / calls,
        perSecond: calls / (ms / 1000),
      });
    }
  }
  return results;
}

/**
 * What the reference server does per query, in-process: a pooled client, BEGIN TRANSACTION READ
 * ONLY, the query, ROLLBACK not awaited; `format` adds its JSON.stringify of the rows.
 */
export function referenceRead(pool, sql, { format = false } = {}) {
  return async (i) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      const r = await client.query(sql(i));
      if (r.rows.length !== 1) throw new Error('expected one row');
      if (format) JSON.stringify(r.rows, null, 2);
    } finally {
      client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  };
}

/**
 * Bundles TypeScript sources of the repository (or of an older copy of its files at `root`) with
 * esbuild into bench/.work/<name>.mjs and imports that: no build needed. `exports` are the lines
 * of the entry module. Other packages load from node_modules; with `workspaceSources`, the
 * workspace's own (`@mcpkit/*`) are bundled from their sources too.
 */
export async function importSources(name, exports, { root = repo, workspaceSources = false } = {}) {
  const out = path.join(repo, 'bench/.work', `${name}.mjs`);
  await build({
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'ts' },
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@mcpkit/source'],
    logLevel: 'warning',
    ...(workspaceSources
      ? {
          plugins: [
            {
              name: 'external-packages',
              setup(b) {
                b.onResolve({ filter: /^[^./]/ }, (args) =>
                  args.path.startsWith('@mcpkit/') ? undefined : { path: args.path, external: true },
                );
              },
            },
          ],
        }
      : { packages: 'external' }),
  });
  return import(pathToFileURL(out).href);
}

/**
 * A private cluster holding `big` (`rows` rows: id, label, bucket; id the primary key), which the
 * read-only `reader` role may read: the table every 1-row query of these benches reads.
 */
export async function clusterWithBig(rows) {
  const cluster = await startCluster({ settings: ['shared_buffers=128MB'] });
  try {
    await cluster.admin(
      `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 100 AS bucket FROM generate_series(1, ${rows}) g;
       ALTER TABLE big ADD PRIMARY KEY (id); ANALYZE big; GRANT SELECT ON big TO reader;`,
    );
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** A logger that says nothing, for code run in the bench's own process. */
export const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
