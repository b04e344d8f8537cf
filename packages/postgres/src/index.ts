/**
 * @mcpkit/postgres: a PostgreSQL MCP server, read-only by default, on a server at a
 * postgresql:// URL or on an embedded PostgreSQL (PGlite) in a data folder.
 */

export { Database, type ReadResult, type ServerInfo } from './db/database.js';
export { BusyError } from './db/gate.js';
export { loadDemoData } from './embedded/demo.js';
export type { DemoData } from './embedded/open.js';
export { DEFAULT_DATA_DIR, defaultDataDir, type PostgresOptions, PostgresOptionsSchema } from './options.js';
export { createPostgresServer, type PostgresServerOptions, serverDatabase } from './server.js';
export { type CatalogFunctions, isDeniedFunction } from './sql/functions.js';
export { checkReadOnly, checkWrite, type ReadStatement } from './sql/guard.js';
export { loadParser } from './sql/parse.js';
