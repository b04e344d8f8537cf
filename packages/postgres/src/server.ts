import path from 'node:path';
import {
  defineServer,
  type Logger,
  packageVersion,
  parseOptions,
  type ServerModule,
  silentLogger,
} from '@mcpkit/core';
import pg from 'pg';
import type { PgContext } from './context.js';
import { Database, type ServerInfo } from './db/database.js';
import { loadDemoData } from './embedded/demo.js';
import { type DemoData, embeddedPool, openEmbedded } from './embedded/open.js';
import { FIELD_CUT_BYTES } from './format.js';
import { type DatabaseHealth, embeddedHealth, serverHealth } from './health.js';
import {
  defaultDataDir,
  PostgresModuleOptionsSchema,
  type PostgresOptions,
  type PostgresOptionsInput,
} from './options.js';
import { questionToSqlPrompt, tableSchemaResource } from './resources.js';
import { loadParser } from './sql/parse.js';
import { VerdictCache } from './sql/verdicts.js';
import { describeTableTool, listSchemasTool, listTablesTool } from './tools/catalog.js';
import { executeTool, explainTool, queryTool } from './tools/statements.js';

export interface PostgresServerOptions extends PostgresOptionsInput {
  logger?: Logger;
  /** Folder a relative dataDir resolves against (default: the working directory). */
  cwd?: string;
  /** The demo rows for a new embedded database (default: the seed's customers and products, in demo/). */
  demoData?: () => Promise<DemoData | undefined>;
}

const VERSION = packageVersion(import.meta.url);

/** Settings pg sends at connect: they hold for every transaction and survive RESET ALL. */
function startupOptions(options: PostgresOptions): string {
  const timeouts = sessionSettings(options, silentLogger());
  return [
    `-c statement_timeout=${timeouts.statementTimeoutMs}`,
    `-c lock_timeout=${timeouts.lockTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${timeouts.statementTimeoutMs + 10_000}`,
    '-c default_transaction_read_only=on', // writes must say BEGIN READ WRITE, which only execute does
    '-c standard_conforming_strings=on', // the parser and the server read backslashes alike
    '-c backslash_quote=safe_encoding',
    '-c application_name=mcpkit-postgres',
  ].join(' ');
}

/**
 * A Database on a server at `url`: a pool of up to poolSize connections behind the gate,
 * every connection read-only by default from its first packet on.
 */
export function serverDatabase(url: string, options: PostgresOptions, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    options: startupOptions(options),
  } as pg.PoolConfig);
  return new Database(pool, {
    ...sessionSettings(options, logger),
    mode: 'server',
    countLimit: 1_000_000,
    gate: { capacity: options.poolSize, maxWaiting: options.queueSize, waitMs: options.queueWait },
  });
}

function sessionSettings(options: PostgresOptions, logger: Logger) {
  return {
    statementTimeoutMs: options.statementTimeout,
    lockTimeoutMs: Math.min(5_000, options.statementTimeout),
    countTimeoutMs: Math.min(1_000, options.statementTimeout),
    // What one answer to the caller's SQL may hold in memory, whatever the query (see
    // db/wire-guard.ts): values cut past what a tool shows, rows past a budget left out.
    wire: {
      fieldBytes: FIELD_CUT_BYTES,
      rowBytes: Math.max(8 * 2 ** 20, 2 * options.maxResultBytes),
      messageBytes: 64 * 1024,
    },
    logger,
  };
}

/** Warns on stderr when read-only mode rests on mcpkit's layers alone. */
function warnAboutRole(info: ServerInfo, options: PostgresOptions, logger: Logger) {
  if (options.allowWrites) return;
  const how =
    'connect as a least-privilege role instead (see "Least-privilege role" in the @mcpkit/postgres README)';
  if (info.superuser) {
    logger.warn(
      `read-only mode, but role "${info.user}" is a superuser: it could read server files and bypass every privilege; ${how}`,
    );
  } else if (info.ownedTables > 0) {
    logger.warn(
      `read-only mode, but role "${info.user}" owns ${info.ownedTables} tables and views: it could alter or drop them; ${how}`,
    );
  } else if (info.writableTables > 0) {
    logger.warn(`read-only mode, but role "${info.user}" may write to ${info.writableTables} tables; ${how}`);
  }
}

/**
 * The PostgreSQL server: with a URL, a pool on that server; without, the embedded database
 * (PGlite) in a data folder, created with the demo tables on first start. Read-only unless
 * allowWrites adds the execute tool.
 */
export async function createPostgresServer(input: PostgresServerOptions = {}): Promise<ServerModule> {
  const { logger = silentLogger(), cwd = process.cwd(), demoData, ...rest } = input;
  const options = parseOptions('postgres', PostgresModuleOptionsSchema, rest);
  await loadParser();

  let database: Promise<Database>;
  let opened: Database;
  let health: DatabaseHealth;
  let closing = false;
  if (options.url) {
    const db = serverDatabase(options.url, options, logger);
    try {
      const info = await db.init();
      logger.info(
        { server: info.version.split(' (')[0], user: info.user, database: info.database },
        'connected',
      );
      warnAboutRole(info, options, logger);
    } catch (error) {
      await db.close();
      throw new Error(`Cannot use the database at the given URL: ${(error as Error).message}`);
    }
    opened = db;
    database = Promise.resolve(db);
    health = serverHealth(options.url);
  } else {
    const dataDir = options.dataDir ? path.resolve(cwd, options.dataDir) : defaultDataDir();
    logger.info({ dataDir }, `opening the embedded database in ${dataDir}`);
    const host = await openEmbedded(dataDir, {
      logger,
      demo: options.demo ? (demoData ?? loadDemoData) : undefined,
    });
    const db = new Database(
      embeddedPool(host),
      {
        ...sessionSettings(options, logger),
        mode: 'embedded',
        countLimit: 20_000,
        gate: { capacity: 1, maxWaiting: options.queueSize, waitMs: options.queueWait },
      },
      () => host.close(),
    );
    opened = db;
    // Opening takes about a second: serve tools/list now, and let the first call wait for it.
    database = db.init().then(
      (info) => {
        logger.info({ server: info.version.split(' (')[0], dataDir }, 'embedded database open');
        return db;
      },
      async (error) => {
        if (!closing) logger.error({ err: error }, 'the embedded database did not open');
        throw new Error(`The embedded database did not open: ${(error as Error).message}`);
      },
    );
    database.catch(() => {});
    health = embeddedHealth(database, host);
  }

  const context: PgContext = { database: () => database, options, verdicts: new VerdictCache() };
  const tools = [
    queryTool(context),
    explainTool(context),
    listSchemasTool(context),
    listTablesTool(context),
    describeTableTool(context),
    ...(options.allowWrites ? [executeTool(context)] : []),
  ];
  return defineServer({
    name: 'postgres',
    version: VERSION,
    title: 'PostgreSQL',
    instructions: [
      options.url
        ? 'A PostgreSQL database.'
        : 'An embedded PostgreSQL database (PGlite) with demo tables customers and products.',
      'Start with list_tables and describe_table, then query with one read-only SELECT per call, passing values as params.',
      options.allowWrites ? 'execute runs one writing statement per call.' : 'The server is read-only.',
    ].join(' '),
    tools,
    resources: [tableSchemaResource(context)],
    prompts: [questionToSqlPrompt(context)],
    health: () => health.check(),
    async close() {
      closing = true;
      await Promise.all([opened.close(), health.close()]);
    },
  });
}
