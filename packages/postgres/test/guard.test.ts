import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFunctionsFrom } from '../src/sql/functions.js';
import { checkReadOnly, checkWrite } from '../src/sql/guard.js';
import { loadParser } from '../src/sql/parse.js';

// The parse layer alone, with no database: what it lets through and what it refuses.
beforeAll(() => loadParser());

const catalog = catalogFunctionsFrom([
  { kind: 'f', name: 'my_volatile_fn', composite_arg: false },
  { kind: 'f', name: 'touch_row', composite_arg: true },
  { kind: 'f', name: 'random', composite_arg: false, builtin: true },
  { kind: 'f', name: 'lower', volatile: false, composite_arg: false, builtin: true },
  { kind: 'o', name: '@@@', composite_arg: false },
]);

describe('read-only guard: allowed', () => {
  it.each([
    'SELECT 1',
    'select * from customers where city = $1 order by id limit 10;',
    'WITH c AS (SELECT * FROM customers) SELECT count(*) FROM c',
    'VALUES (1, 2), (3, 4)',
    'TABLE customers',
    'SELECT random(), now(), lower(name) FROM customers',
    'EXPLAIN SELECT * FROM products',
    '-- a comment\nSELECT 1 /* inline */',
    "SELECT 'a; DROP TABLE t' AS text",
    'SELECT $$ ; DELETE FROM t $$',
    'SELECT a.b FROM (SELECT 1 AS b) a',
  ])('%s', (sql) => {
    expect(() => checkReadOnly(sql, catalog)).not.toThrow();
  });

  it('names the functions the catalog does not know', () => {
    const checked = checkReadOnly('SELECT lower(x), brand_new(1) FROM t', catalog);
    expect(checked.unknownFunctions).toEqual(['brand_new']);
    expect(checked.callsUserCode).toBe(true);
    expect(checkReadOnly('SELECT lower(x), random() FROM t', catalog).callsUserCode).toBe(false);
  });

  it('returns the statement text without the trailing semicolon', () => {
    expect(checkReadOnly('  SELECT 1 ;  ', catalog)).toEqual({
      kind: 'select',
      text: 'SELECT 1',
      unknownFunctions: [],
      callsUserCode: false,
    });
    expect(checkReadOnly('EXPLAIN SELECT 1', catalog).kind).toBe('explain');
  });
});

describe('read-only guard: refused', () => {
  it.each([
    // several statements, however disguised
    ['COMMIT; DROP TABLE customers', /2 statements/],
    ['END; DELETE FROM customers', /2 statements/],
    ['ROLLBACK; DELETE FROM customers', /2 statements/],
    ['SELECT 1; SELECT 2', /2 statements/],
    // transaction and session control
    ['SET TRANSACTION READ WRITE', /SET/],
    ['BEGIN READ WRITE', /transaction control/],
    ['COMMIT', /transaction control/],
    ['SET statement_timeout = 0', /SET/],
    ['RESET ALL', /not a read/],
    ['DISCARD ALL', /not a read/],
    ['LISTEN ch', /not a read/],
    ['NOTIFY ch', /not a read/],
    ['PREPARE p AS SELECT 1', /not a read/],
    ['EXECUTE p', /not a read/],
    ['DECLARE c CURSOR WITH HOLD FOR SELECT 1', /not a read/],
    // writes
    ['DELETE FROM customers', /DELETE is not a read/],
    ['INSERT INTO customers DEFAULT VALUES', /INSERT/],
    ['UPDATE products SET stock = 0', /UPDATE/],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', /MERGE/],
    ['TRUNCATE customers', /not a read/],
    ['DROP TABLE customers', /not a read/],
    ['CREATE TABLE x (a int)', /not a read/],
    ['CREATE TABLE x AS SELECT 1', /not a read/],
    ['ALTER TABLE customers ADD COLUMN x int', /not a read/],
    ['GRANT ALL ON customers TO PUBLIC', /not a read/],
    ['VACUUM customers', /not a read/],
    // writable CTEs, at any depth
    ['WITH d AS (DELETE FROM customers RETURNING *) SELECT * FROM d', /data-modifying/],
    ['WITH u AS (UPDATE products SET stock = 0 RETURNING 1) SELECT 1', /data-modifying/],
    ['SELECT * FROM (WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i) s', /data-modifying/],
    // SELECT INTO and locks
    ['SELECT * INTO copy FROM customers', /INTO/],
    ['SELECT * FROM customers FOR UPDATE', /FOR UPDATE/],
    ['SELECT * FROM customers FOR SHARE', /FOR UPDATE/],
    ['SELECT * FROM (SELECT * FROM customers FOR NO KEY UPDATE) s', /FOR UPDATE/],
    ['SELECT * FROM customers FOR KEY SHARE SKIP LOCKED', /FOR UPDATE/],
    ['LOCK TABLE customers IN ACCESS EXCLUSIVE MODE', /LOCK/],
    // COPY, DO, CALL
    ["COPY customers TO PROGRAM 'touch /tmp/pwned'", /COPY/],
    ["COPY customers TO '/tmp/out.csv'", /COPY/],
    ["COPY customers FROM '/etc/passwd'", /COPY/],
    ['COPY (SELECT 1) TO STDOUT', /COPY/],
    ["DO $$ BEGIN EXECUTE 'DROP TABLE customers'; END $$", /DO/],
    ['CALL my_proc()', /CALL/],
    // functions with effects or file access
    ["SELECT pg_read_file('/etc/passwd')", /pg_read_file/],
    ["SELECT pg_catalog.pg_read_binary_file('/etc/passwd')", /pg_read_binary_file/],
    ["SELECT * FROM pg_ls_dir('.')", /pg_ls_dir/],
    ["SELECT lo_import('/etc/passwd')", /lo_import/],
    ["SELECT lo_export(1, '/tmp/x')", /lo_export/],
    ['SELECT lo_unlink(1)', /lo_unlink/],
    ["SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)", /dblink/],
    ["SELECT set_config('statement_timeout', '0', false)", /set_config/],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', /pg_terminate_backend/],
    ['SELECT pg_cancel_backend(1)', /pg_cancel_backend/],
    ['SELECT pg_sleep(10)', /pg_sleep/],
    ["SELECT pg_sleep_for('10 seconds')", /pg_sleep_for/],
    ['SELECT 1 WHERE pg_sleep(10) IS NULL', /pg_sleep/],
    ['SELECT pg_advisory_lock(1)', /pg_advisory_lock/],
    ['SELECT pg_try_advisory_lock(1)', /pg_try_advisory_lock/],
    ["SELECT pg_notify('ch', 'x')", /pg_notify/],
    ["SELECT nextval('s')", /nextval/],
    ["SELECT setval('s', 1)", /setval/],
    ['SELECT pg_reload_conf()', /pg_reload_conf/],
    ["SELECT query_to_xml('DELETE FROM t', true, true, '')", /query_to_xml/],
    ['SELECT txid_current()', /txid_current/],
    // WAL, backups, replication, recovery (the README's deny list)
    ["SELECT pg_backup_start('x')", /pg_backup_start/],
    ['SELECT pg_backup_stop()', /pg_backup_stop/],
    ["SELECT pg_start_backup('x')", /pg_start_backup/],
    ['SELECT pg_stop_backup()', /pg_stop_backup/],
    ['SELECT pg_switch_wal()', /pg_switch_wal/],
    ['SELECT pg_promote()', /pg_promote/],
    ["SELECT pg_create_restore_point('x')", /pg_create_restore_point/],
    ["SELECT pg_create_physical_replication_slot('s')", /pg_create_physical_replication_slot/],
    ["SELECT * FROM pg_create_logical_replication_slot('s', 'pgoutput')", /pg_create_logical/],
    ["SELECT pg_drop_replication_slot('s')", /pg_drop_replication_slot/],
    ["SELECT pg_copy_physical_replication_slot('a', 'b')", /pg_copy_physical_replication_slot/],
    ["SELECT pg_replication_origin_create('o')", /pg_replication_origin_create/],
    ["SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)", /pg_logical_slot_get_changes/],
    ['SELECT pg_catalog.pg_wal_replay_pause()', /pg_wal_replay_pause/],
    ['SELECT pg_stat_reset()', /pg_stat_reset/],
    // the catalog's own verdicts: VOLATILE functions and operators
    ['SELECT my_volatile_fn()', /VOLATILE/],
    ['SELECT public.my_volatile_fn(1)', /VOLATILE/],
    ['SELECT t.touch_row FROM customers t', /attribute notation/],
    ['SELECT 1 @@@ 2', /operator/],
    // EXPLAIN of writes, ANALYZE or not
    ['EXPLAIN ANALYZE DELETE FROM customers', /EXPLAIN of DELETE/],
    ['EXPLAIN DELETE FROM customers', /EXPLAIN of DELETE/],
    ['EXPLAIN ANALYZE SELECT pg_sleep(5)', /pg_sleep/],
    // nothing, or not SQL
    ['', /No SQL/],
    ['-- only a comment', /No SQL/],
    ['SELEC 1', /syntax error/],
    ['SHOW search_path', /SHOW/],
  ])('%s', (sql, message) => {
    expect(() => checkReadOnly(sql, catalog)).toThrow(message);
  });

  it('reads a backslash inside quotes as standard_conforming_strings does: one statement, a read', () => {
    // The parser sees one SELECT of two string literals; the connection forces the same reading,
    // and the extended protocol refuses several statements anyway.
    const checked = checkReadOnly("SELECT 'a\\' AS x, ' ; DROP TABLE t; --'", catalog);
    expect(checked.kind).toBe('select');
    expect(checked.text).toContain('DROP TABLE t; --');
  });
});

describe('write guard', () => {
  it.each([
    'INSERT INTO t VALUES ($1)',
    'UPDATE t SET a = 1 WHERE id = $1',
    'DELETE FROM t',
    'CREATE TABLE x (a int)',
    'ALTER TABLE t ADD COLUMN b int',
    'DROP TABLE t',
  ])('allows %s', (sql) => {
    expect(() => checkWrite(sql)).not.toThrow();
  });

  it.each([
    ['INSERT INTO t VALUES (1); DROP TABLE t', /2 statements/],
    ['COMMIT', /transaction control/],
    ['BEGIN', /transaction control/],
    ["COPY t TO PROGRAM 'id'", /PROGRAM/],
    ["COPY t FROM '/etc/passwd'", /server file/],
    ['COPY t FROM STDIN', /STDIN/],
    ['SET search_path = evil', /SET/],
    ['LISTEN ch', /LISTEN/],
    ['PREPARE p AS SELECT 1', /PREPARE/],
    ['ALTER SYSTEM SET fsync = off', /ALTER SYSTEM/],
  ])('refuses %s', (sql, message) => {
    expect(() => checkWrite(sql)).toThrow(message);
  });
});
