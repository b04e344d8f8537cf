import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type ServerModule, silentLogger } from '@mcpkit/core';
import { connect, ERAS, resultText, type TestClient } from '@mcpkit/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresServer, loadParser, PostgresOptionsSchema, serverDatabase } from '../src/index.js';
import { type Cluster, startCluster } from './support/cluster.mjs';
import { ATTACKS, expectToolError, FIXTURE_SQL, STATE_SQL } from './support/fixtures.js';

// A real PostgreSQL cluster, started for this file; the server connects as a least-privilege
// role, and every check of "nothing changed" is made by the superuser on its own connection.
let cluster: Cluster;
let before: unknown;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.admin(FIXTURE_SQL);
  await cluster.admin(`
    GRANT USAGE ON SCHEMA sales TO reader, writer;
    GRANT SELECT ON ALL TABLES IN SCHEMA sales TO reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO writer;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO reader, writer;`);
  before = (await cluster.admin(STATE_SQL))[0];
  await loadParser();
});

afterAll(async () => {
  await cluster?.stop();
});

async function expectUnchanged() {
  expect((await cluster.admin(STATE_SQL))[0]).toEqual(before);
}

async function serve(options: Record<string, unknown> = {}, era: 'legacy' | 'modern' = 'legacy') {
  const module = await createPostgresServer({ url: cluster.readerUrl, ...options });
  return connect(module, { era });
}

describe.each(ERAS)('tools over %s', (era) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve({}, era);
  });
  afterAll(() => client.close());

  it('lists the read-only tools, without execute', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'describe_table',
      'explain_query',
      'list_schemas',
      'list_tables',
      'query',
    ]);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('query returns CSV text and typed structured rows', async () => {
    const result = await client.callTool({
      name: 'query',
      arguments: {
        sql: 'SELECT id, name, since, $1::int AS n, true AS b FROM customers WHERE city = $2 ORDER BY id',
        params: [7, 'Lisbon'],
      },
    });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toBe(
      'id,name,since,n,b\nC-1,Ann,2020-01-02,7,t\nC-3,Cy,2022-05-06,7,t\n(2 rows)',
    );
    expect(result.structuredContent).toEqual({
      columns: [
        { name: 'id', type: 'text' },
        { name: 'name', type: 'text' },
        { name: 'since', type: 'date' },
        { name: 'n', type: 'integer' },
        { name: 'b', type: 'boolean' },
      ],
      rows: [
        ['C-1', 'Ann', '2020-01-02', 7, true],
        ['C-3', 'Cy', '2022-05-06', 7, true],
      ],
      rowCount: 2,
      truncated: false,
    });
  });

  it('caps rows at maxRows and says how many were left out', async () => {
    const result = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT * FROM big ORDER BY id', maxRows: 10 },
    });
    expect(result.structuredContent).toMatchObject({
      rowCount: 10,
      truncated: true,
      moreRows: { count: 4990, exact: true },
    });
    expect(resultText(result)).toMatch(/10 rows shown; 4,990 more not shown/);
  });

  it('caps at the default of 100 rows', async () => {
    const result = await client.callTool({ name: 'query', arguments: { sql: 'SELECT * FROM big' } });
    expect(result.structuredContent).toMatchObject({
      rowCount: 100,
      truncated: true,
      moreRows: { count: 4900 },
    });
  });

  it('renders an aligned table on request, and EXPLAIN through query', async () => {
    const table = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT name, stock FROM products ORDER BY id', format: 'table' },
    });
    expect(resultText(table)).toBe('name | stock\n-----+------\ncup  | 10\nmug  | 0\n(2 rows)');
    const plan = await client.callTool({
      name: 'query',
      arguments: { sql: 'EXPLAIN SELECT * FROM big WHERE id = 1' },
    });
    expect(resultText(plan)).toMatch(/Seq Scan on big/);
  });

  it('bad SQL gives a clear error', async () => {
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELEC * FROM customers' } }),
      /syntax error at or near "SELEC"/,
    );
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT nope FROM customers' } }),
      /column "nope" does not exist \(at character 8\)/,
    );
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT * FROM missing_table' } }),
      /relation "missing_table" does not exist/,
    );
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1/0' } }),
      /division by zero/,
    );
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT $1::int', params: ['x'] } }),
      /invalid input syntax for type integer/,
    );
  });

  it('list_schemas and list_tables cover every schema, with estimates and sizes', async () => {
    const schemas = await client.callTool({ name: 'list_schemas', arguments: {} });
    expect((schemas.structuredContent as any).schemas.map((s: any) => s.name)).toEqual(['public', 'sales']);
    const tables = await client.callTool({ name: 'list_tables', arguments: {} });
    const byName = Object.fromEntries(
      (tables.structuredContent as any).tables.map((t: any) => [`${t.schema}.${t.name}`, t]),
    );
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['public.customers', 'public.big', 'public.city_counts', 'sales.targets']),
    );
    expect(byName['public.big']).toMatchObject({ kind: 'table', rowEstimate: 5000 });
    expect(byName['public.big'].bytes).toBeGreaterThan(0);
    expect(byName['public.city_counts']).toMatchObject({ kind: 'view', rowEstimate: null });
    expect(byName['public.customers'].comment).toBe('People who buy');
    const page = await client.callTool({ name: 'list_tables', arguments: { limit: 2, offset: 1 } });
    expect(page.structuredContent).toMatchObject({
      total: (tables.structuredContent as any).total,
      nextOffset: 3,
    });
    const sales = await client.callTool({ name: 'list_tables', arguments: { schema: 'sales' } });
    expect((sales.structuredContent as any).tables).toHaveLength(1);
  });

  it('describe_table shows columns, keys both ways, indexes, constraints and comments', async () => {
    const orders = await client.callTool({ name: 'describe_table', arguments: { table: 'orders' } });
    const o = orders.structuredContent as any;
    expect(o.primaryKey).toEqual(['id']);
    expect(o.columns[0]).toMatchObject({ name: 'id', type: 'bigint', nullable: false, identity: 'always' });
    expect(o.columns[3]).toMatchObject({ name: 'quantity', default: '1' });
    expect(o.foreignKeys.map((f: any) => f.references).sort()).toEqual(['customers', 'products']);
    expect(o.indexes.map((i: any) => i.name)).toContain('orders_customer_idx');
    const customers = await client.callTool({
      name: 'describe_table',
      arguments: { table: 'public.customers' },
    });
    const c = customers.structuredContent as any;
    expect(c.comment).toBe('People who buy');
    expect(c.columns.find((x: any) => x.name === 'since').comment).toBe('Date joined');
    expect(c.referencedBy[0]).toMatchObject({ table: 'orders' });
    const products = await client.callTool({ name: 'describe_table', arguments: { table: 'products' } });
    expect(resultText(products)).toMatch(/CHECK \(price >= 0/);
    expect(resultText(products)).toMatch(/UNIQUE \(name\)/);
    expect(resultText(products)).toMatch(/DEFAULT nextval/);
    const view = await client.callTool({ name: 'describe_table', arguments: { table: 'city_counts' } });
    expect((view.structuredContent as any).viewDefinition).toMatch(/GROUP BY/);
    const other = await client.callTool({ name: 'describe_table', arguments: { table: 'sales.targets' } });
    expect((other.structuredContent as any).primaryKey).toEqual(['region']);
    expectToolError(
      await client.callTool({ name: 'describe_table', arguments: { table: 'order' } }),
      /No table or view named "order". Similar: public.orders/,
    );
  });

  it('explain_query plans writes without running them and analyzes only reads', async () => {
    const plan = await client.callTool({
      name: 'explain_query',
      arguments: { sql: 'SELECT * FROM big WHERE id = $1', params: [3] },
    });
    expect(resultText(plan)).toMatch(/Seq Scan on big/);
    // planning a write needs the privilege to write: this role has none
    expectToolError(
      await client.callTool({ name: 'explain_query', arguments: { sql: 'DELETE FROM orders' } }),
      /permission denied/,
    );
    const analyzed = await client.callTool({
      name: 'explain_query',
      arguments: { sql: 'SELECT count(*) FROM big', analyze: true },
    });
    expect(resultText(analyzed)).toMatch(/actual time=/);
    expectToolError(
      await client.callTool({
        name: 'explain_query',
        arguments: { sql: 'DELETE FROM orders', analyze: true },
      }),
      /not a read/,
    );
    expectToolError(
      await client.callTool({ name: 'explain_query', arguments: { sql: 'DROP TABLE orders' } }),
      /not DROP/,
    );
    await expectUnchanged();
  });

  it('serves every table of every schema as a resource, paginated', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('postgres://tables/public/customers');
    expect(uris).toContain('postgres://tables/sales/targets');
    const read = await client.readResource({ uri: 'postgres://tables/sales/targets' });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body).toMatchObject({ schema: 'sales', name: 'targets', primaryKey: ['region'] });
  });

  it('the question_to_sql prompt embeds the schema', async () => {
    const prompt = await client.getPrompt({
      name: 'question_to_sql',
      arguments: { question: 'Who ordered cups?' },
    });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(/public\.orders/);
    expect(text).toMatch(/customer_id text NOT NULL/);
    expect(text).toMatch(/Question: Who ordered cups\?/);
  });
});

describe('what a query builds cannot blow up the server', () => {
  let client: TestClient;
  beforeAll(async () => {
    // Building a 540 MB value takes minutes on a loaded 2-core machine: every limit on the way
    // (statement, runtime, client request) is set past the test's own.
    const module = await createPostgresServer({ url: cluster.readerUrl, statementTimeout: 170_000 });
    client = await connect(module, { timeoutMs: 175_000 });
  });
  afterAll(() => client.close());

  it('a value longer than a JS string can be is cut on arrival and shown shortened', async () => {
    // 540 MB: past V8's longest string (2^29 - 24 characters), which node-postgres could not
    // even decode. Answered only because the wire guard cut it before the parser saw it.
    const result = await client.callTool(
      {
        name: 'query',
        arguments: { sql: "SELECT 1 AS n, repeat('x', 540000000) AS huge, 'after' AS tail" },
      },
      undefined,
      { timeout: 178_000 },
    );
    expect(result.isError).toBeFalsy();
    const text = resultText(result);
    expect(text).toMatch(/^n,huge,tail\n1,x{4000}…\[at least \d+ more characters\],after\n\(1 row\)/);
    expect(text).toMatch(/1 value longer than 4000 characters shortened/);
    const after = await client.callTool({
      name: 'query',
      arguments: { sql: 'SELECT count(*) AS n FROM big' },
    });
    expect(resultText(after)).toBe('n\n5000\n(1 row)');
  }, 180_000); // the database builds 540 MB first: minutes on a loaded 2-core machine

  it('rows past the memory budget are counted, not read, and the answer says so', async () => {
    // 2,000 rows of 10 KB: 20 MB on the wire, over the 8 MB budget of one answer.
    const result = await client.callTool({
      name: 'query',
      arguments: {
        sql: "SELECT g, repeat('y', 10000) AS wide FROM generate_series(1, 2000) g",
        maxRows: 2000,
      },
    });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      rowCount: number;
      truncated: boolean;
      moreRows: { count: number };
    };
    expect(out.truncated).toBe(true);
    expect(out.rowCount).toBeGreaterThan(0);
    expect(out.rowCount + out.moreRows.count).toBe(2000);
    expect(resultText(result)).toMatch(
      /\d+ rows left out unread: the rows are too large to hold \(over 8\.0 MiB in all\)/,
    );
  });

  it('an error quoting a huge value is shortened', async () => {
    const result = await client.callTool({
      name: 'query',
      arguments: { sql: "SELECT ('1' || repeat('x', 5000000))::int AS n" },
    });
    expect(result.isError).toBe(true);
    const text = resultText(result);
    expect(text).toMatch(/^Database error: invalid input syntax for type integer: "1xxx/);
    expect(text.length).toBeLessThan(3000);
  });
});

describe('every escape from read-only is refused, and nothing changes', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve();
  });
  afterAll(() => client.close());

  it.each(ATTACKS)('$sql', async ({ sql, message }) => {
    expectToolError(await client.callTool({ name: 'query', arguments: { sql } }), message);
  });

  it('the database is as it was, the admin session alive, no lock or object left behind', async () => {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    try {
      for (const { sql } of ATTACKS) await client.callTool({ name: 'query', arguments: { sql } });
      expect((await admin.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);
      await expectUnchanged();
    } finally {
      await admin.end();
    }
  });

  it('a VOLATILE function created after the server started is refused too', async () => {
    await cluster.admin(
      "CREATE FUNCTION public.late_bump() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1'; GRANT EXECUTE ON FUNCTION public.late_bump() TO reader",
    );
    await new Promise((r) => setTimeout(r, 1100)); // the catalog is read again at most once a second
    expectToolError(
      await client.callTool({ name: 'query', arguments: { sql: 'SELECT late_bump()' } }),
      /late_bump\(\), a VOLATILE function/,
    );
    await cluster.admin('DROP FUNCTION public.late_bump()');
  });

  it('a VOLATILE operator created after the server started is refused once the catalog is read again', async () => {
    // Only the catalog knows an operator's function (the live check sees function calls), and a
    // re-read that finds the catalog's digest unchanged keeps the last read: this one changed.
    await cluster.admin(
      "CREATE FUNCTION public.late_op(int, int) RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1'; CREATE OPERATOR public.@#@ (LEFTARG = int, RIGHTARG = int, FUNCTION = public.late_op); GRANT EXECUTE ON FUNCTION public.late_op(int, int) TO reader",
    );
    try {
      // Read again in the background once the last read is 5 s old.
      await expect
        .poll(
          async () =>
            resultText(await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1 @#@ 2 AS x' } })),
          { timeout: 20_000, interval: 250 },
        )
        .toMatch(/operator @#@ runs a VOLATILE function/);
    } finally {
      await cluster.admin('DROP OPERATOR public.@#@ (int, int); DROP FUNCTION public.late_op(int, int)');
    }
  });

  it('a backslash trick is one harmless SELECT: strings are read the same by the parser and the server', async () => {
    const result = await client.callTool({
      name: 'query',
      arguments: { sql: "SELECT 'a\\' AS x, ' ; DELETE FROM orders; --' AS y" },
    });
    expect(result.structuredContent).toMatchObject({ rows: [['a\\', ' ; DELETE FROM orders; --']] });
    await expectUnchanged();
  });

  it('session settings are as they were after every call', async () => {
    const result = await client.callTool({
      name: 'query',
      arguments: {
        sql: "SELECT current_setting('transaction_read_only') ro, current_setting('search_path') sp, current_user u",
      },
    });
    expect((result.structuredContent as any).rows[0]).toEqual(['on', '"$user", public', 'reader']);
  });
});

describe('verdicts are remembered by text, volatility is checked live', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve();
  });
  afterAll(() => client.close());
  const call = (sql: string, params?: unknown[]) =>
    client.callTool({ name: 'query', arguments: { sql, ...(params ? { params } : {}) } });

  it('a function made VOLATILE after its query was judged (and remembered) is refused at once', async () => {
    await cluster.admin(
      "CREATE FUNCTION public.price_band(numeric) RETURNS text LANGUAGE sql STABLE AS $$SELECT CASE WHEN $1 > 15 THEN 'high' ELSE 'low' END$$; GRANT EXECUTE ON FUNCTION public.price_band(numeric) TO reader",
    );
    try {
      const sql = 'SELECT name, price_band(price) AS band FROM products ORDER BY id';
      for (let i = 0; i < 2; i++) {
        expect((await call(sql)).structuredContent).toMatchObject({
          rows: [
            ['cup', 'low'],
            ['mug', 'high'],
          ],
        });
      }
      // No pause: the catalog read at start still says STABLE, and the verdict is remembered.
      await cluster.admin(
        "CREATE OR REPLACE FUNCTION public.price_band(numeric) RETURNS text LANGUAGE sql VOLATILE AS $$SELECT 'x'$$",
      );
      expectToolError(await call(sql), /price_band\(\), a VOLATILE function/);
      expectToolError(await call(sql), /price_band\(\), a VOLATILE function/);
      // through EXPLAIN ANALYZE (which runs it) too
      expectToolError(
        await client.callTool({ name: 'explain_query', arguments: { sql, analyze: true } }),
        /price_band\(\), a VOLATILE function/,
      );
      await expectUnchanged();
    } finally {
      await cluster.admin('DROP FUNCTION public.price_band(numeric)');
    }
  });

  it('a VOLATILE overload made later under the name of a builtin, in another schema, is refused', async () => {
    expect((await call('SELECT upper($1::text) AS u', ['a'])).structuredContent).toMatchObject({
      rows: [['A']],
    });
    await cluster.admin(
      "CREATE FUNCTION public.upper(int) RETURNS text LANGUAGE sql VOLATILE AS $$SELECT 'shadow'$$; GRANT EXECUTE ON FUNCTION public.upper(int) TO reader",
    );
    try {
      expectToolError(await call('SELECT upper(5) AS u'), /upper\(\), a VOLATILE function/);
      expectToolError(await call('SELECT upper($1::text) AS u', ['a']), /upper\(\), a VOLATILE function/);
    } finally {
      await cluster.admin('DROP FUNCTION public.upper(int)');
    }
  });

  it("an owner's VOLATILE function named like a pure builtin (random) is refused", async () => {
    expect((await call('SELECT random() < 2 AS ok')).isError).toBeFalsy();
    await cluster.admin(
      "CREATE FUNCTION public.random() RETURNS float8 LANGUAGE sql VOLATILE AS 'SELECT 0.5::float8'; GRANT EXECUTE ON FUNCTION public.random() TO reader",
    );
    try {
      expectToolError(await call('SELECT public.random()'), /random\(\), a VOLATILE function/);
      expectToolError(await call('SELECT random() < 2 AS ok'), /random\(\), a VOLATILE function/);
    } finally {
      await cluster.admin('DROP FUNCTION public.random()');
    }
  });

  it('parameters reach the server as given: arrays with quotes, backslashes and NULLs, numbers, booleans', async () => {
    const tricky = ['a"b', 'c\\d', null, '{x,y}', 'NULL', ''];
    const result = await call(
      'SELECT $1::text[] = ARRAY[$$a"b$$, $$c\\d$$, NULL, $${x,y}$$, $$NULL$$, $$$$] AS same, array_length($1::text[], 1) AS n, $2::int + 1 AS next, $3::boolean AS b, $4::text IS NULL AS z',
      [tricky, 41, true, null],
    );
    // array equality takes NULL elements as equal
    expect(result.structuredContent).toMatchObject({ rows: [[true, 6, 42, true, true]] });
    const elements = await call(
      'SELECT e, e IS NULL AS isnull FROM unnest($1::text[]) WITH ORDINALITY AS u(e, i) ORDER BY i',
      [tricky],
    );
    expect((elements.structuredContent as { rows: unknown[][] }).rows).toEqual(
      tricky.map((value) => [value, value === null]),
    );
    const any = await call('SELECT id FROM customers WHERE id = ANY($1) ORDER BY id', [
      ['C-1', 'C-3', 'nope'],
    ]);
    expect(any.structuredContent).toMatchObject({ rows: [['C-1'], ['C-3']] });
  });

  it('SQL with a NUL character is refused before it reaches the server', async () => {
    expectToolError(await call('SELECT 1\u0000; DROP TABLE customers'), /NUL/);
  });

  it('a statement that fails part way leaves a clean session for the next call on the connection', async () => {
    const one = await serve({ poolSize: 1 });
    const state = async () =>
      (
        await one.callTool({
          name: 'query',
          arguments: {
            sql: "SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS timeout, (SELECT string_agg(name, ',' ORDER BY name) FROM pg_catalog.pg_cursors) AS cursors, (SELECT count(*) FROM pg_catalog.pg_prepared_statements) AS prepared",
          },
        })
      ).structuredContent as { rows: unknown[][] };
    try {
      const clean = await state();
      expect(clean.rows[0]).toEqual(['on', '30s', ',mcpkit_rows', 0]); // this query's own portal and cursor
      for (let i = 0; i < 3; i++) {
        expectToolError(
          await one.callTool({
            name: 'query',
            arguments: { sql: 'SELECT 1 / (id - 3) FROM big ORDER BY id' },
          }),
          /division by zero/,
        );
        expect(await state()).toEqual(clean);
      }
    } finally {
      await one.close();
    }
  });
});

describe('each layer holds without the parse layer', () => {
  // The Database runs whatever it is given: these statements reach the server unchecked.
  const db = serverDatabase(
    'postgresql://reader:reader-pw@127.0.0.1:1/postgres',
    PostgresOptionsSchema.parse({ statementTimeout: 800, poolSize: 2 }),
    silentLogger(),
  );
  let direct: typeof db;
  beforeAll(async () => {
    direct = serverDatabase(
      cluster.readerUrl,
      PostgresOptionsSchema.parse({ statementTimeout: 800, poolSize: 2 }),
      silentLogger(),
    );
    await direct.init();
  });
  afterAll(async () => {
    await direct.close();
    await db.close();
  });
  const read = async (sql: string) => {
    try {
      return await direct.read(sql, [], { maxRows: 10 });
    } finally {
      await direct.settled(); // checks from outside come after the call's reset
    }
  };

  it('the cursor and the extended protocol refuse writes and second statements', async () => {
    await expect(read('DELETE FROM orders')).rejects.toThrow(/syntax error/);
    await expect(read('SELECT 1; DELETE FROM orders')).rejects.toThrow(/multiple commands|syntax/);
  });

  it.each(["SELECT nextval('counter')", 'SELECT public.bump()', 'SELECT * FROM customers FOR UPDATE'])(
    'the READ ONLY transaction refuses %s',
    async (sql) => {
      await expect(read(sql)).rejects.toThrow(/read-only transaction/);
    },
  );

  it('the rollback undoes what a read-only transaction still allows', async () => {
    await read('SELECT lo_create(0)'); // large objects may be created in a READ ONLY transaction
    await expectUnchanged(); // ...but the call's ROLLBACK removed it
  });

  it('the least-privilege role refuses server files', async () => {
    await expect(read("SELECT pg_read_file('/etc/hostname')")).rejects.toThrow(/permission denied/);
  });

  it('the statement timeout stops pg_sleep', async () => {
    await expect(read('SELECT pg_sleep(10)')).rejects.toThrow(/800 ms statement timeout/);
  });

  it('the session reset releases advisory locks and settings', async () => {
    await read('SELECT pg_advisory_lock(4242)');
    await read("SELECT set_config('search_path', 'evil', false), set_config('work_mem', '1GB', false)");
    const rows = (await read("SELECT current_setting('search_path'), current_setting('work_mem')")).rows;
    expect(rows[0]).toEqual(['"$user", public', '4MB']);
    const locks = await cluster.admin("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
    expect(locks[0].n).toBe(0);
    await expectUnchanged();
  });

  it('a connection that cannot be reached gives a clear error', async () => {
    await expect(db.read('SELECT 1', [], { maxRows: 1 })).rejects.toThrow(
      /Database connection problem: connect ECONNREFUSED/,
    );
  });
});

describe('timeouts, cancellation and load', () => {
  it('a slow query stops at the statement timeout and the server goes on', async () => {
    const client = await serve({ statementTimeout: 700 });
    try {
      expectToolError(
        await client.callTool({
          name: 'query',
          arguments: { sql: 'SELECT count(*) FROM generate_series(1, 1e10)' },
        }),
        /700 ms statement timeout/,
      );
      const next = await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1 AS one' } });
      expect(next.structuredContent).toMatchObject({ rows: [[1]] });
    } finally {
      await client.close();
    }
  });

  it('a plain query answers while 20 slow ones run', async () => {
    const client = await serve({ statementTimeout: 15_000 });
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    try {
      await admin.query('BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
      let slowDone = 0;
      const slow = Array.from({ length: 20 }, () =>
        client
          .callTool({ name: 'query', arguments: { sql: 'SELECT count(*) FROM locked' } })
          .finally(() => slowDone++),
      );
      // all 20 are on the server, waiting for the lock
      const blocked = async () =>
        (
          await cluster.admin(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'reader' AND wait_event_type = 'Lock'",
          )
        )[0].n;
      while ((await blocked()) < 20) await new Promise((r) => setTimeout(r, 50));
      const plain = await client.callTool({ name: 'query', arguments: { sql: 'SELECT 2 AS two' } });
      expect(plain.structuredContent).toMatchObject({ rows: [[2]] });
      expect(slowDone).toBe(0); // answered while every slow one still ran (they wait for the lock)
      await admin.query('ROLLBACK');
      const done = await Promise.all(slow);
      expect(done.every((r) => !r.isError)).toBe(true);
    } finally {
      await admin.end();
      await client.close();
    }
  });

  it('a cancelled call stops its statement on the server too', async () => {
    // A statement that computes for far longer than the test waits (5000^3 rows, no lock, so the
    // 5 s lock timeout cannot end it, and nothing spilled to disk): only the cancellation can
    // stop it before the 60 s statement timeout. Its text on the server is the cursor's FETCH,
    // so its backend is found as the reader's one that became active after the call was made.
    const client = await serve({ statementTimeout: 60_000 });
    const active = async () =>
      (
        await cluster.admin(
          "SELECT pid FROM pg_stat_activity WHERE usename = 'reader' AND state = 'active' AND query LIKE 'FETCH%mcpkit_rows%'",
        )
      ).map((row) => row.pid as number);
    const earlier = new Set(await active());
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'query', arguments: { sql: 'SELECT count(*) FROM big a, big b, big c' } },
      { signal: controller.signal },
    );
    try {
      let pid: number | undefined;
      await expect
        .poll(
          async () => {
            pid = (await active()).find((p) => !earlier.has(p));
            return pid;
          },
          { timeout: 40_000, interval: 50 },
        )
        .toBeDefined();
      controller.abort();
      // the client may see its own abort or the server's answer to the cancellation
      const ended = await call.then(
        (result) => resultText(result),
        (error: Error) => error.message,
      );
      expect(ended).toMatch(/cancel|abort/i);
      await expect
        .poll(async () => (await active()).includes(pid!), { timeout: 40_000, interval: 100 })
        .toBe(false);
      const next = await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1 AS one' } });
      expect(next.isError).toBeFalsy();
    } finally {
      controller.abort();
      await call.catch(() => {});
      await client.close();
    }
  }, 120_000);

  it('with every connection busy, calls wait in a bounded queue and then get a busy error', async () => {
    const client = await serve({ statementTimeout: 15_000, poolSize: 2, queueSize: 1, queueWait: 300 });
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    try {
      await admin.query('BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
      const blocked = [1, 2].map(() =>
        client.callTool({ name: 'query', arguments: { sql: 'SELECT count(*) FROM locked' } }),
      );
      // Both connections are taken once both statements wait on the lock (the server's own view).
      await expect
        .poll(
          async () =>
            (
              await cluster.admin(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'reader' AND wait_event_type = 'Lock'",
              )
            )[0].n,
          { timeout: 30_000, interval: 20 },
        )
        .toBe(2);
      const waiting = client.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } });
      const refused = await client.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } });
      expectToolError(refused, /busy: all 2 connections are in use and 1 calls are already waiting/);
      expectToolError(await waiting, /busy: waited 300 ms for a connection/);
      await admin.query('ROLLBACK');
      expect((await Promise.all(blocked)).every((r) => !r.isError)).toBe(true);
    } finally {
      await admin.end();
      await client.close();
    }
  });
});

describe('writes', () => {
  it('execute exists only with allowWrites, commits one statement and reports rows affected', async () => {
    const module = await createPostgresServer({ url: cluster.writerUrl, allowWrites: true });
    const client = await connect(module);
    try {
      const { tools } = await client.listTools();
      const execute = tools.find((t) => t.name === 'execute');
      expect(execute?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
      const inserted = await client.callTool({
        name: 'execute',
        arguments: {
          sql: 'INSERT INTO products (name, price, stock) VALUES ($1, $2, 3) RETURNING name, stock',
          params: ['tray', 9.5],
        },
      });
      expect(inserted.structuredContent).toMatchObject({
        command: 'INSERT',
        rowsAffected: 1,
        rows: [['tray', 3]],
      });
      expect(resultText(inserted)).toMatch(/^INSERT 1 \(1 row affected\)/);
      const updated = await client.callTool({
        name: 'execute',
        arguments: { sql: "UPDATE products SET stock = stock + 1 WHERE name = 'tray'" },
      });
      expect(updated.structuredContent).toMatchObject({ command: 'UPDATE', rowsAffected: 1 });
      expect((await cluster.admin("SELECT stock FROM products WHERE name = 'tray'"))[0].stock).toBe(4);
      // a failing statement leaves nothing behind
      expectToolError(
        await client.callTool({
          name: 'execute',
          arguments: { sql: "INSERT INTO products (name, price, stock) VALUES ('tray', 1, 1)" },
        }),
        /duplicate key/,
      );
      expectToolError(
        await client.callTool({
          name: 'execute',
          arguments: { sql: 'DELETE FROM orders; DELETE FROM customers' },
        }),
        /2 statements/,
      );
      expectToolError(
        await client.callTool({ name: 'execute', arguments: { sql: 'COMMIT' } }),
        /transaction control/,
      );
      const plan = await client.callTool({ name: 'explain_query', arguments: { sql: 'DELETE FROM orders' } });
      expect(resultText(plan)).toMatch(/Delete on orders/);
      // query stays read-only even here
      expectToolError(
        await client.callTool({ name: 'query', arguments: { sql: 'DELETE FROM orders' } }),
        /not a read/,
      );
      await client.callTool({
        name: 'execute',
        arguments: { sql: "DELETE FROM products WHERE name = 'tray'" },
      });
      await expectUnchanged();
    } finally {
      await client.close();
    }
  });
});

describe('start', () => {
  it('warns on stderr when read-only rests on a superuser, a table owner or a writer', async () => {
    const log = path.join(os.tmpdir(), `mcpkit-pg-log-${process.pid}.jsonl`);
    // A role that owns the tables through membership in their owner, without being a superuser;
    // dropped again below, so the state every other test compares against is unchanged.
    await cluster.admin("CREATE ROLE keeper LOGIN PASSWORD 'keeper-pw'; GRANT admin TO keeper");
    try {
      const logger = createLogger({ destination: log, level: 'warn' });
      const keeperUrl = cluster.readerUrl.replace('reader:reader-pw', 'keeper:keeper-pw');
      for (const url of [cluster.adminUrl, keeperUrl, cluster.writerUrl, cluster.readerUrl]) {
        const server = await createPostgresServer({ url, logger });
        await server.close?.();
      }
      // With writes allowed there is nothing to warn about, whoever connects.
      const writing = await createPostgresServer({ url: cluster.writerUrl, logger, allowWrites: true });
      await writing.close?.();
      await new Promise<void>((resolve) => logger.flush(() => resolve())); // lines are gathered before written
      const lines = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg as string);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/role "admin" is a superuser.*least-privilege role/);
      expect(lines[1]).toMatch(
        /role "keeper" owns \d+ tables and views: it could alter or drop them.*least-privilege/,
      );
      expect(lines[2]).toMatch(/role "writer" may write to \d+ tables.*least-privilege role/);
    } finally {
      rmSync(log, { force: true });
      await cluster.admin('DROP ROLE keeper');
    }
  });

  it('a bad URL or password fails at start with a clear message', async () => {
    await expect(
      createPostgresServer({ url: cluster.readerUrl.replace('reader-pw', 'wrong') }),
    ).rejects.toThrow(/Cannot use the database.*password authentication failed/);
    await expect(createPostgresServer({ url: 'mysql://x' } as never)).rejects.toThrow(/postgresql:\/\/ URL/);
  });
});

export type { ServerModule };
