// The query tool's own work, in this process, layer by layer: the parse layer's verdict on a new
// SQL text, Database.read (the batch through the wire guard), and the whole handler (verdict,
// read, result shaping), each against the reference's database path (node-postgres: BEGIN
// TRANSACTION READ ONLY, the query, ROLLBACK), a new 1-row SQL text each call, rounds
// alternating. CPU per call of this process (the database's is not counted). What the server
// costs beyond the handler is the toolkit, the SDK and stdio (see cpu-per-call.mjs). Not a test.
//
//   node [--cpu-prof] bench/postgres/handler-in-process.mjs [--rows=100000] [--calls=3000] [--rounds=5]
//     [--only=handler] [--before=<folder with an earlier packages/postgres/src>]
// It bundles packages/postgres/src with esbuild first (TypeScript sources, no build needed).
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  arg,
  clusterWithBig,
  importSources,
  median,
  referenceRead,
  repo,
  runRounds,
  silent,
} from './common.mjs';

const ROWS = arg('rows', 100_000);
const CALLS = arg('calls', 3000);
const ROUNDS = arg('rounds', 5);

/** The postgres sources under `root` (the repository, or an older copy of its files), bundled. */
const bundle = (root, name) =>
  importSources(
    name,
    [
      "export { loadParser, serverDatabase } from './packages/postgres/src/index.ts';",
      "export { VerdictCache } from './packages/postgres/src/sql/verdicts.ts';",
      "export { queryTool } from './packages/postgres/src/tools/statements.ts';",
    ],
    { root, workspaceSources: true },
  );
const { VerdictCache, loadParser, queryTool, serverDatabase } = await bundle(repo, 'handler-in-process');
await loadParser();
// --before=<dir>: a folder holding an earlier packages/postgres/src (say, from `git archive`),
// whose Database.read and query handler run in the same rounds.
const beforeDir = process.argv.find((a) => a.startsWith('--before='))?.slice(9);
const before = beforeDir ? await bundle(path.resolve(beforeDir), 'handler-in-process-before') : undefined;
await before?.loadParser();

const cluster = await clusterWithBig(ROWS);
try {
  const options = {
    url: cluster.readerUrl,
    maxRows: 100,
    maxRowsLimit: 2000,
    maxResultBytes: 96 * 1024,
    statementTimeout: 30_000,
    poolSize: 1,
    queueSize: 64,
    queueWait: 10_000,
    demo: false,
    allowWrites: false,
  };
  const db = serverDatabase(cluster.readerUrl, options, silent);
  await db.init();
  const verdicts = new VerdictCache();
  const tool = queryTool({ database: async () => db, options, verdicts });
  const old = before?.serverDatabase(cluster.readerUrl, options, silent);
  await old?.init();
  const oldTool =
    old && before.queryTool({ database: async () => old, options, verdicts: new before.VerdictCache() });
  const refPool = new pg.Pool({ connectionString: cluster.readerUrl, max: 1 });
  const sql = (i) => `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % ROWS)}`;
  const ctx = { signal: new AbortController().signal };
  const contenders = {
    'verdict (parse layer, new text)': async (i) => {
      new VerdictCache().check(sql(i), db.catalogFunctions);
    },
    'Database.read': async (i) => {
      const r = await db.read(sql(i), [], { maxRows: 100, signal: ctx.signal });
      if (r.rows.length !== 1) throw new Error('expected one row');
    },
    'query handler (verdict, read, shaping)': async (i) => {
      const r = await tool.handler({ sql: sql(i) }, ctx);
      if (r.structuredContent.rowCount !== 1) throw new Error('expected one row');
    },
    ...(old
      ? {
          'Database.read, before': async (i) => {
            const r = await old.read(sql(i), [], { maxRows: 100, signal: ctx.signal });
            if (r.rows.length !== 1) throw new Error('expected one row');
          },
          'query handler, before': async (i) => {
            const r = await oldTool.handler({ sql: sql(i) }, ctx);
            if (r.structuredContent.rowCount !== 1) throw new Error('expected one row');
          },
        }
      : {}),
    'reference (BEGIN READ ONLY, query, ROLLBACK)': referenceRead(refPool, sql, { format: true }),
  };
  // --only=text runs the paths whose name contains it (for a profile of one).
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  if (only) for (const name of Object.keys(contenders)) if (!name.includes(only)) delete contenders[name];
  const results = await runRounds(contenders, { rounds: ROUNDS, calls: CALLS });
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`load average at the end: ${load}`);
  console.log('| path | CPU µs/call (median) | of which user | calls/s |');
  console.log('|---|---:|---:|---:|');
  for (const [name, rs] of Object.entries(results)) {
    const m = (key, digits) => median(rs.map((x) => x[key])).toFixed(digits);
    console.log(`| ${name} | ${m('us', 1)} | ${m('userUs', 1)} | ${m('perSecond', 0)} |`);
  }
  await db.close();
  await old?.close();
  await refPool.end();
} finally {
  await cluster.stop();
}
