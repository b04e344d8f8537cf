import { registerServer } from '@mcpkit/core';

// Registration is cheap: the server's code (pg, PGlite, the parser) loads only when created.
registerServer({
  name: 'postgres',
  description:
    'PostgreSQL, read-only by default: query, explain_query, list_schemas, list_tables, describe_table (execute with --allow-writes). Without a URL, an embedded database with demo tables in ./.mcpkit/pgdata',
  usage:
    '[postgresql://user@host/db] [--allow-writes] [--data-dir=<dir>] [--max-rows=<n>] [--statement-timeout=<ms>]',
  async create(args, options, { logger, cwd }) {
    const { createPostgresServer } = await import('./server.js');
    if (args.length > 1) throw new Error('postgres takes at most one argument: the postgresql:// URL');
    const url =
      args[0] ?? (typeof options.url === 'string' ? options.url : undefined) ?? process.env.DATABASE_URL;
    return createPostgresServer({
      ...options,
      ...(url ? { url } : {}),
      logger,
      cwd,
      // The demo rows are the seed's catalog data, shipped with the examples.
      demoData: async () => {
        try {
          const { loadCatalog } = await import('@mcpkit/examples');
          const { customers, products } = await loadCatalog();
          return { customers, products };
        } catch (error) {
          logger.warn({ err: error }, 'demo data not found; the embedded database starts empty');
          return undefined;
        }
      },
    });
  },
});
