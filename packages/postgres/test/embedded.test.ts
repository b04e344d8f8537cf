import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Middleware } from '@mcpkit/core';
import { checkToolSnapshots, connect, resultText, type TestClient } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/embedded/demo.js';
import { createPostgresServer } from '../src/index.js';
import { defaultDataDir } from '../src/options.js';
import { ATTACKS, expectToolError } from './support/fixtures.js';

// The embedded database (PGlite in a worker thread) in a temp data folder: created once with
// the demo tables for this file, reused by every server below.
const root = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-pglite-'));
const dataDir = path.join(root, 'pgdata');
const demoData = () => loadDemoData();

const STATE_SQL = `SELECT
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM customers t) AS customers,
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM products t) AS products,
  (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace) AS relations,
  (SELECT count(*)::int FROM pg_largeobject_metadata) AS large_objects`;

/** Reads the folder directly with PGlite, as a second connection would: the server must be closed. */
async function stateOnDisk() {
  const db = await PGlite.create(dataDir);
  try {
    return (await db.query(STATE_SQL)).rows[0];
  } finally {
    await db.close();
  }
}

let client: TestClient;
let initial: unknown;

beforeAll(async () => {
  const module = await createPostgresServer({ dataDir, demoData, allowWrites: true });
  client = await connect(module);
});

afterAll(async () => {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('embedded database', () => {
  it('is created on first start with the demo tables, and nothing half-made is left beside it', async () => {
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(root)).toEqual(['pgdata']);
    const counts = await client.callTool({
      name: 'query',
      arguments: {
        sql: 'SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM products) AS products',
      },
    });
    const catalog = await loadDemoData();
    expect(counts.structuredContent).toMatchObject({
      rows: [[catalog.customers.length, catalog.products.length]],
    });
  });

  it('every tool matches its schema snapshot', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'describe_table',
      'execute',
      'explain_query',
      'list_schemas',
      'list_tables',
      'query',
    ]);
    checkToolSnapshots(tools, fileURLToPath(new URL('./__toolsnaps__', import.meta.url)));
  });

  it('answers the catalog tools and typed queries', async () => {
    const tables = await client.callTool({ name: 'list_tables', arguments: {} });
    expect(resultText(tables)).toMatch(
      /public\.customers \(table, ~\d+ rows, \d+ kB\) -- Customers of the demo catalog/,
    );
    const products = await client.callTool({ name: 'describe_table', arguments: { table: 'products' } });
    expect(products.structuredContent).toMatchObject({ primaryKey: ['id'] });
    expect(resultText(products)).toMatch(/price numeric\(10,2\) NOT NULL/);
    const priced = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT id, price, stock FROM products WHERE id = $1', params: ['P-001'] },
    });
    expect(priced.structuredContent).toMatchObject({
      columns: [
        { name: 'id', type: 'text' },
        { name: 'price', type: 'numeric' },
        { name: 'stock', type: 'integer' },
      ],
      rows: [['P-001', '12.00', 82]],
    });
    const capped = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT * FROM customers', maxRows: 5 },
    });
    expect(capped.structuredContent).toMatchObject({
      rowCount: 5,
      truncated: true,
      moreRows: { count: 35, exact: true },
    });
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT nope FROM customers' } }),
      /column "nope" does not exist/,
    );
  });

  it('refuses every escape from read-only', async () => {
    // the VOLATILE function the attacks call, created after start
    const created = await client.callTool({
      name: 'execute',
      arguments: { sql: "CREATE FUNCTION public.bump() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1'" },
    });
    expect(created.isError).toBeFalsy();
    // The catalog is read again at most once a second: wait until it knows the new function.
    await expect
      .poll(
        async () => {
          const probe = await client.callTool({ name: 'query', arguments: { sql: 'SELECT public.bump()' } });
          return probe.isError === true && /VOLATILE/.test(resultText(probe));
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    // The data before and after every attack, read by the database itself (STATE_SQL is a read).
    const fingerprint = async () => {
      const state = await client.callTool({ name: 'query', arguments: { sql: STATE_SQL } });
      expect(state.isError).toBeFalsy();
      return state.structuredContent;
    };
    const before = await fingerprint();
    for (const { sql, message } of ATTACKS) {
      expectToolError(await client.callTool({ name: 'query', arguments: { sql } }), message);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('serves calls in flight one at a time on its one connection', async () => {
    const calls = Array.from({ length: 16 }, (_, i) =>
      client.callTool({ name: 'query', arguments: { sql: 'SELECT $1::int AS i', params: [i] } }),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => (r.structuredContent as any).rows[0][0])).toEqual([...Array(16).keys()]);
  });

  it('cuts a huge value and leaves out rows past the memory budget, in its thread', async () => {
    const huge = await client.callTool({
      name: 'query',
      arguments: { sql: "SELECT repeat('x', 30000000) AS huge, 'after' AS tail" },
    });
    expect(resultText(huge)).toMatch(/^huge,tail\nx{4000}…\[at least \d+ more characters\],after\n\(1 row\)/);
    const wide = await client.callTool({
      name: 'query',
      arguments: {
        sql: "SELECT g, repeat('y', 10000) AS wide FROM generate_series(1, 2000) g",
        maxRows: 2000,
      },
    });
    const out = wide.structuredContent as { rowCount: number; moreRows: { count: number } };
    expect(out.rowCount + out.moreRows.count).toBe(2000);
    expect(resultText(wide)).toMatch(/rows left out unread: the rows are too large to hold/);
  });

  it('gives back the memory a huge value made it take (the database is reopened between calls)', async () => {
    const rssMb = () => process.memoryUsage().rss / 2 ** 20;
    await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } }); // the database is open
    const before = rssMb();
    // Postgres builds the value in its WebAssembly memory (hundreds of MB), which only grows.
    const big = await client.callTool({
      name: 'query',
      arguments: { sql: "SELECT length(repeat('x', 200000000)) AS n" },
    });
    expect(resultText(big)).toBe('n\n200000000\n(1 row)');
    const next = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT count(*) AS n FROM customers' },
    });
    expect(resultText(next)).toBe('n\n40\n(1 row)');
    // The old database's memory comes back when it is collected, on the runtime's schedule: wait
    // for the process's own view of it, not for a time.
    const gc = (globalThis as { gc?: () => void }).gc;
    await expect
      .poll(
        () => {
          gc?.();
          return rssMb() - before;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeLessThan(150);
  });

  it('execute writes, and a failed write leaves nothing', async () => {
    const inserted = await client.callTool({
      name: 'execute',
      arguments: { sql: "INSERT INTO products VALUES ('P-900', 'Tray', 'kitchen', 5, 'USD', 1)" },
    });
    expect(inserted.structuredContent).toMatchObject({ command: 'INSERT', rowsAffected: 1 });
    expectToolError(
      await client.callTool({
        name: 'execute',
        arguments: { sql: "INSERT INTO products VALUES ('P-900', 'Dup', 'x', 1, 'USD', 1)" },
      }),
      /duplicate key/,
    );
    const deleted = await client.callTool({
      name: 'execute',
      arguments: { sql: "DELETE FROM products WHERE id = 'P-900'" },
    });
    expect(deleted.structuredContent).toMatchObject({ rowsAffected: 1 });
  });
});

describe('embedded database, reopened', () => {
  beforeAll(async () => {
    await client.close();
    initial = await stateOnDisk();
  });

  it('a slow query is stopped at the timeout (its thread ended), and the next call works', async () => {
    const module = await createPostgresServer({ dataDir, demoData, statementTimeout: 1500 });
    const slow = await connect(module);
    try {
      expectToolError(
        await slow.callTool({
          name: 'query',
          arguments: { sql: 'SELECT count(*) FROM generate_series(1, 1e10)' },
        }),
        /1500 ms statement timeout/,
      );
      // calls arriving while the next thread starts all wait for it, and none ends it again
      const next = await Promise.all(
        [1, 2, 3].map(() =>
          slow.callTool({ name: 'query', arguments: { sql: 'SELECT count(*) AS n FROM customers' } }),
        ),
      );
      expect(next.map((r) => r.isError ?? false)).toEqual([false, false, false]);
    } finally {
      await slow.close();
    }
  });

  it('with its connection busy, a call waits in the bounded queue, then gets a busy error', async () => {
    const module = await createPostgresServer({
      dataDir,
      demoData,
      statementTimeout: 8000,
      queueWait: 1500,
      queueSize: 1,
    });
    const busy = await connect(module);
    try {
      await busy.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } }); // opened
      const slow = busy.callTool({
        name: 'query',
        arguments: { sql: 'SELECT count(*) FROM generate_series(1, 1e10)' },
      });
      // Wait until the slow one holds the connection (the server's own answer says so): a probe
      // that waits in the queue and is turned away as busy.
      await expect
        .poll(
          async () => {
            const probe = await busy.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } });
            return probe.isError === true && /busy: waited 1500 ms/.test(resultText(probe));
          },
          { timeout: 30_000, interval: 0 },
        )
        .toBe(true);
      const waiting = busy.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } });
      expectToolError(
        await busy.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } }),
        /busy: the one connection is in use/,
      );
      expectToolError(await waiting, /busy: waited 1500 ms/);
      expectToolError(await slow, /statement timeout/);
    } finally {
      await busy.close();
    }
  });

  it('a cancelled call stops its statement (the thread is ended), and the next call is served', async () => {
    // Without the cancellation the statement would hold the one connection for 60 s, and the next
    // call would be turned away after waiting 20 s in the queue.
    const module = await createPostgresServer({
      dataDir,
      demoData,
      statementTimeout: 60_000,
      queueWait: 20_000,
    });
    const started: string[] = [];
    const watch: Middleware = (call, next) => {
      started.push(call.name);
      return next();
    };
    const cancelling = await connect(module, { middleware: [watch] });
    try {
      await cancelling.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } }); // opened
      const controller = new AbortController();
      const slow = cancelling.callTool(
        { name: 'query', arguments: { sql: 'SELECT count(*) FROM generate_series(1, 1e11)' } },
        { signal: controller.signal },
      );
      await expect.poll(() => started.length, { timeout: 30_000 }).toBe(2);
      controller.abort(new Error('stopped by the test'));
      await expect(slow).rejects.toThrow('stopped by the test');
      const next = await cancelling.callTool({
        name: 'query',
        arguments: { sql: 'SELECT count(*) AS n FROM customers' },
      });
      expect(next.isError ?? false).toBe(false);
      expect(resultText(next)).toBe('n\n40\n(1 row)');
    } finally {
      await cancelling.close();
    }
  }, 60_000);

  it('nothing the calls above did is in the data folder', async () => {
    expect(await stateOnDisk()).toEqual(initial);
  });

  it('a later start reuses the folder and keeps its data', async () => {
    let loaded = false;
    const module = await createPostgresServer({
      dataDir,
      demoData: async () => {
        loaded = true;
        return loadDemoData();
      },
    });
    const again = await connect(module);
    try {
      const count = await again.callTool({
        name: 'query',
        arguments: { sql: 'SELECT count(*) FROM products' },
      });
      expect((count.structuredContent as any).rows[0][0]).toBe((await loadDemoData()).products.length);
      expect(loaded).toBe(false);
    } finally {
      await again.close();
    }
  });
});

describe('mcpkit serve postgres', () => {
  const cli = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

  it.skipIf(!existsSync(cli))(
    'with no URL serves the embedded database in the per-user data folder',
    async () => {
      const cwd = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-serve-pg-'));
      const stdio = new Client({ name: 'test', version: '0' });
      try {
        await stdio.connect(
          new StdioClientTransport({
            command: process.execPath,
            args: [cli, 'serve', 'postgres', '--log-level=error'],
            cwd,
            // The per-user data folder on Linux (and other Unix) is $XDG_DATA_HOME.
            env: { ...process.env, XDG_DATA_HOME: path.join(cwd, 'data-home') } as Record<string, string>,
            stderr: 'ignore',
          }),
        );
        const { tools } = await stdio.listTools();
        expect(tools.map((t) => t.name)).toContain('query');
        expect(tools.map((t) => t.name)).not.toContain('execute');
        const result = await stdio.callTool({
          name: 'query',
          arguments: { sql: "SELECT name FROM customers WHERE id = 'C-001'" },
        });
        expect(resultText(result)).toBe('name\nJohn Doe\n(1 row)');
        const expected = process.platform === 'linux' ? path.join(cwd, 'data-home') : undefined;
        if (expected) expect(existsSync(path.join(expected, 'mcpkit', 'pgdata', 'PG_VERSION'))).toBe(true);
        expect(existsSync(path.join(cwd, '.mcpkit'))).toBe(false); // nothing in the working folder
      } finally {
        await stdio.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  );
});

describe('the default data folder', () => {
  it('is mcpkit/pgdata in the per-user data folder of each platform', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/u')).toBe('/x/data/mcpkit/pgdata');
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/mcpkit/pgdata');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe(
      '/home/u/.local/share/mcpkit/pgdata',
    );
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/mcpkit/pgdata',
    );
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Local\\mcpkit\\pgdata',
    );
  });
});
