import type { Database } from './db/database.js';
import type { PostgresOptions } from './options.js';
import type { ReadStatement } from './sql/guard.js';
import type { VerdictCache } from './sql/verdicts.js';

/** What every tool, resource and prompt of one server shares. */
export interface PgContext {
  /** Resolves to the database once it is open and its catalog read (embedded opens lazily). */
  database(): Promise<Database>;
  options: PostgresOptions;
  /** The parse layer's verdicts by SQL text (see sql/verdicts.ts). */
  verdicts: VerdictCache;
}

/**
 * The parse layer's verdict on `sql` for the query tool: from the cache when the same text was
 * judged against the same catalog; a statement naming functions the catalog did not have makes
 * it read the catalog again (at most once a second) and judges again.
 */
export async function readVerdict(
  pg: PgContext,
  db: Database,
  sql: string,
  signal?: AbortSignal,
): Promise<ReadStatement> {
  return verdictNow(pg, db, sql) ?? pg.verdicts.check(sql, await db.refreshFunctions(signal));
}

/**
 * The verdict when the catalog as last read suffices (no function it does not know), at once;
 * undefined when the catalog must be read again first (then use readVerdict). Throws a refusal.
 */
export function verdictNow(pg: PgContext, db: Database, sql: string): ReadStatement | undefined {
  const statement = pg.verdicts.check(sql, db.currentFunctions());
  return statement.unknownFunctions.length ? undefined : statement;
}
