import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { Logger } from '@mcpkit/core';
import pg from 'pg';
import { EmbeddedHost } from './host.js';
import { EmbeddedSocket } from './socket.js';

/** Rows to load into a new embedded database: the seed's customers and products. */
export interface DemoData {
  customers: readonly Record<string, unknown>[];
  products: readonly Record<string, unknown>[];
}

const DEMO_SCHEMA = `
CREATE TABLE customers (
  id    text PRIMARY KEY,
  name  text NOT NULL,
  email text NOT NULL UNIQUE,
  city  text NOT NULL,
  since date NOT NULL
);
COMMENT ON TABLE customers IS 'Customers of the demo catalog (examples/data/customers.json)';
COMMENT ON COLUMN customers.since IS 'Date the customer joined';
CREATE TABLE products (
  id       text PRIMARY KEY,
  name     text NOT NULL,
  category text NOT NULL,
  price    numeric(10, 2) NOT NULL CHECK (price >= 0),
  currency char(3) NOT NULL,
  stock    integer NOT NULL CHECK (stock >= 0)
);
COMMENT ON TABLE products IS 'Products of the demo catalog (examples/data/products.json)';
CREATE INDEX products_category_idx ON products (category);
`;

/**
 * Embedded, this process holds two JS heaps and two WebAssembly memories (the parser's and
 * PGlite's). V8 lets an old generation grow by up to about half again before collecting it, so
 * under a steady load the server's heap drifts up by tens of MB of garbage; growing it by 10 %
 * steps instead kept a 20,000-call run near 200 MB (231 MB before) at the same calls/s
 * (bench/RESULTS.md). Process-wide, set once, only when the embedded database is used.
 */
function limitHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=10');
  // The young generation stays at its size from here on (see keepYoungGenerationSmall in host.ts).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/** A node-postgres pool over the embedded database: one connection (a call's batch is one request). */
export function embeddedPool(host: EmbeddedHost): pg.Pool {
  return new pg.Pool({
    max: 1,
    user: 'postgres',
    database: 'postgres',
    stream: () => new EmbeddedSocket(host),
    idleTimeoutMillis: 0,
  } as pg.PoolConfig);
}

/**
 * Opens the embedded database in `dataDir`, creating it on first use: initdb and the demo
 * tables happen in a folder beside it that is renamed into place only when complete, so an
 * interrupted first start never leaves a half-made database behind.
 */
export async function openEmbedded(
  dataDir: string,
  options: { logger: Logger; demo?: () => Promise<DemoData | undefined> },
): Promise<EmbeddedHost> {
  limitHeapGrowth();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(
        `The embedded data folder ${path.basename(dataDir)} is not empty and holds no database; give another --data-dir`,
      );
    }
    mkdirSync(path.dirname(dataDir), { recursive: true });
    const staging = `${dataDir}.creating-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    options.logger.info('creating the embedded database (first start only)');
    const host = new EmbeddedHost(staging, options.logger);
    try {
      await host.ready();
      const demo = await options.demo?.();
      if (demo) {
        const pool = embeddedPool(host);
        try {
          await pool.query(`BEGIN; ${DEMO_SCHEMA}`);
          await pool.query(
            'INSERT INTO customers SELECT * FROM json_populate_recordset(NULL::customers, $1::json)',
            [JSON.stringify(demo.customers)],
          );
          await pool.query(
            'INSERT INTO products SELECT * FROM json_populate_recordset(NULL::products, $1::json)',
            [JSON.stringify(demo.products)],
          );
          await pool.query('COMMIT; ANALYZE');
        } finally {
          await pool.end();
        }
      }
    } catch (error) {
      await host.close();
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    renameSync(staging, dataDir);
  }
  const host = new EmbeddedHost(dataDir, options.logger);
  return host;
}
