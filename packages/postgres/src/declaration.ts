import { declareServer } from '@mcpkit/core';
import { PostgresOptionsSchema } from './options.js';

/** How `mcpkit serve postgres [URL]` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'postgres',
    description:
      'PostgreSQL, read-only by default: query, explain_query, list_schemas, list_tables, describe_table (execute with --allow-writes). Without a URL, an embedded database with demo tables',
    options: PostgresOptionsSchema,
    args: { option: 'url', synopsis: '[postgresql://user@host/db]' },
    env: { url: 'DATABASE_URL' },
    paths: ['dataDir'],
    // Writes change data other people rely on: the execute tool only with --allow-writes.
    writes: 'off',
    async create(options, { logger, cwd }) {
      // The server's code (pg, PGlite, the parser) loads only when it is created.
      const { createPostgresServer } = await import('./server.js');
      const { writes, readOnly: _r, ...rest } = options;
      return createPostgresServer({ ...rest, allowWrites: writes, logger, cwd });
    },
  }),
];
