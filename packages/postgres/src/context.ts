import type { Database } from './db/database.js';
import type { PostgresOptions } from './options.js';

/** What every tool, resource and prompt of one server shares. */
export interface PgContext {
  /** Resolves to the database once it is open and its catalog read (embedded opens lazily). */
  database(): Promise<Database>;
  options: PostgresOptions;
}
