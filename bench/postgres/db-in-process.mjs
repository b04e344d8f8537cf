// The database path alone, in this process: mcpkit's Database.read (one batch: BEGIN READ ONLY,
// DECLARE, FETCH, MOVE, DEALLOCATE ALL, advisory unlock, ROLLBACK, through the wire guard)
// against what the reference server does per call (node-postgres: BEGIN TRANSACTION READ ONLY,
// the query, ROLLBACK, three round trips), a new 1-row SQL text each call, rounds alternating.
// CPU per call of this process (the database's is not counted). Not a test.
//
//   node bench/postgres/db-in-process.mjs [--rows=100000] [--calls=4000] [--rounds=7] [--prof]
// It bundles packages/postgres/src/db with esbuild first (TypeScript sources, no build needed).
import os from 'node:os';
import pg from 'pg';
import { arg, clusterWithBig, importSources, median, referenceRead, runRounds, silent } from './common.mjs';

const ROWS = arg('rows', 100_000);
const CALLS = arg('calls', 4000);
const ROUNDS = arg('rounds', 7);

const { Database } = await importSources('db-in-process', [
  "export { Database } from './packages/postgres/src/db/database.ts';",
]);

const cluster = await clusterWithBig(ROWS);
try {
  const db = new Database(
    new pg.Pool({ connectionString: cluster.readerUrl, max: 1, idleTimeoutMillis: 30_000 }),
    {
      mode: 'server',
      statementTimeoutMs: 30_000,
      lockTimeoutMs: 5_000,
      countLimit: 1_000_000,
      countTimeoutMs: 1_000,
      wire: { fieldBytes: 64 * 1024, rowBytes: 8 * 2 ** 20, messageBytes: 64 * 1024 },
      gate: { capacity: 1, maxWaiting: 64, waitMs: 10_000 },
      logger: silent,
    },
  );
  await db.init();
  const refPool = new pg.Pool({ connectionString: cluster.readerUrl, max: 1 });
  const sql = (i) => `SELECT * FROM big WHERE id = ${1 + ((i * 7919) % ROWS)}`;
  const contenders = {
    'mcpkit Database.read': async (i) => {
      const r = await db.read(sql(i), [], { maxRows: 100 });
      if (r.rows.length !== 1) throw new Error('expected one row');
    },
    'reference (BEGIN READ ONLY, query, ROLLBACK)': referenceRead(refPool, sql),
  };
  const results = await runRounds(contenders, { rounds: ROUNDS, calls: CALLS });
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| path | CPU µs/call (median) | of which user | calls/s |');
  console.log('|---|---:|---:|---:|');
  for (const [name, rs] of Object.entries(results)) {
    console.log(
      `| ${name} | ${median(rs.map((x) => x.us)).toFixed(1)} | ${median(rs.map((x) => x.userUs)).toFixed(1)} | ${median(rs.map((x) => x.perSecond)).toFixed(0)} |`,
    );
  }
  await db.close();
  await refPool.end();
} finally {
  await cluster.stop();
}
