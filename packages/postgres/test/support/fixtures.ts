import { resultText } from '@mcpkit/core/testing';
import { expect } from 'vitest';

/** Test tables: customers/products like the demo, a bigger table, keys, a view, a second schema. */
export const FIXTURE_SQL = `
CREATE TABLE customers (
  id text PRIMARY KEY,
  name text NOT NULL,
  city text NOT NULL DEFAULT 'Lisbon',
  since date NOT NULL
);
COMMENT ON TABLE customers IS 'People who buy';
COMMENT ON COLUMN customers.since IS 'Date joined';
CREATE TABLE products (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  price numeric(10, 2) NOT NULL CHECK (price >= 0),
  stock integer NOT NULL
);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id),
  product_id integer NOT NULL REFERENCES products (id),
  quantity integer NOT NULL DEFAULT 1
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label, g % 7 AS bucket FROM generate_series(1, 5000) g;
CREATE TABLE locked (id int);
CREATE VIEW city_counts AS SELECT city, count(*) AS n FROM customers GROUP BY city;
CREATE SEQUENCE counter;
INSERT INTO customers VALUES ('C-1', 'Ann', 'Lisbon', '2020-01-02'), ('C-2', 'Bo', 'Osaka', '2021-03-04'), ('C-3', 'Cy', 'Lisbon', '2022-05-06');
INSERT INTO products (name, price, stock) VALUES ('cup', 12.5, 10), ('mug', 20, 0);
INSERT INTO orders (customer_id, product_id, quantity) VALUES ('C-1', 1, 2), ('C-2', 2, 1);
CREATE SCHEMA sales;
CREATE TABLE sales.targets (region text PRIMARY KEY, amount numeric);
INSERT INTO sales.targets VALUES ('north', 100);
CREATE FUNCTION public.bump() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO products (name, price, stock) VALUES (''bumped'', 1, 1) RETURNING 1';
ANALYZE;
`;

/** Everything a call could change, read by the superuser on its own connection. */
export const STATE_SQL = `
SELECT
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM customers t) AS customers,
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM products t) AS products,
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM orders t) AS orders,
  (SELECT count(*) FROM big) AS big,
  (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM sales.targets t) AS targets,
  (SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY 1)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%') AS relations,
  (SELECT count(*) FROM pg_largeobject_metadata) AS large_objects,
  (SELECT last_value FROM counter) AS counter,
  (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND a.usename <> 'admin') AS advisory_locks,
  (SELECT count(*) FROM pg_prepared_xacts) AS prepared_xacts,
  (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname !~ '^pg_') AS roles`;

export interface Attack {
  sql: string;
  /** What the refusal or failure must say. */
  message: RegExp;
}

/** Every known way out of a read-only query, for the query tool. */
export const ATTACKS: Attack[] = [
  { sql: 'COMMIT; DROP TABLE customers', message: /2 statements/ },
  { sql: 'END; DELETE FROM customers', message: /2 statements/ },
  { sql: 'ROLLBACK; DELETE FROM customers', message: /2 statements/ },
  { sql: 'SELECT 1; UPDATE products SET stock = 0', message: /2 statements/ },
  { sql: 'SET TRANSACTION READ WRITE', message: /Refused/ },
  { sql: 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', message: /Refused/ },
  { sql: 'WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d', message: /data-modifying/ },
  {
    sql: "WITH i AS (INSERT INTO customers VALUES ('X', 'x', 'x', now()) RETURNING 1) SELECT 1",
    message: /data-modifying/,
  },
  { sql: 'SELECT * INTO stolen FROM customers', message: /INTO/ },
  { sql: 'SELECT * FROM customers FOR UPDATE', message: /FOR UPDATE/ },
  { sql: 'SELECT * FROM products FOR SHARE NOWAIT', message: /FOR UPDATE/ },
  { sql: 'LOCK TABLE customers IN ACCESS EXCLUSIVE MODE', message: /LOCK/ },
  { sql: "COPY customers TO PROGRAM 'touch /tmp/mcpkit-pwned'", message: /COPY/ },
  { sql: "COPY customers TO '/tmp/mcpkit-out.csv'", message: /COPY/ },
  { sql: "COPY customers FROM '/etc/hostname'", message: /COPY/ },
  { sql: "DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$", message: /DO/ },
  { sql: "SELECT pg_read_file('/etc/passwd')", message: /pg_read_file/ },
  { sql: "SELECT * FROM pg_ls_dir('.')", message: /pg_ls_dir/ },
  { sql: "SELECT lo_import('/etc/hostname')", message: /lo_import/ },
  { sql: 'SELECT lo_create(0)', message: /lo_create/ },
  { sql: "SELECT * FROM dblink('dbname=postgres', 'DELETE FROM orders') AS t(x text)", message: /dblink/ },
  { sql: "SELECT set_config('default_transaction_read_only', 'off', false)", message: /set_config/ },
  { sql: "SELECT set_config('statement_timeout', '0', false)", message: /set_config/ },
  {
    sql: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'admin'",
    message: /pg_terminate_backend/,
  },
  { sql: 'SELECT pg_sleep(30)', message: /pg_sleep/ },
  { sql: 'SELECT pg_advisory_lock(42)', message: /pg_advisory_lock/ },
  { sql: "SELECT nextval('counter')", message: /nextval/ },
  { sql: "SELECT pg_notify('ch', 'hi')", message: /pg_notify/ },
  { sql: 'SELECT public.bump()', message: /VOLATILE/ },
  { sql: "SELECT query_to_xml('SELECT public.bump()', true, true, '')", message: /query_to_xml/ },
  { sql: 'LISTEN ch', message: /Refused/ },
  { sql: 'PREPARE p AS SELECT 1', message: /Refused/ },
  { sql: 'DECLARE c CURSOR WITH HOLD FOR SELECT 1', message: /Refused/ },
  { sql: 'CREATE TEMP TABLE t AS SELECT 1', message: /Refused/ },
  { sql: 'EXPLAIN ANALYZE DELETE FROM orders', message: /EXPLAIN of DELETE/ },
  { sql: 'DROP TABLE customers', message: /Refused/ },
  { sql: 'TRUNCATE orders', message: /Refused/ },
];

/** Asserts a tool result is an error whose text matches. */
export function expectToolError(result: { isError?: boolean; content?: unknown }, message: RegExp) {
  const text = resultText(result);
  expect(result.isError, text).toBe(true);
  expect(text).toMatch(message);
}
