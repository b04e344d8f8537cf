import { createHash } from 'node:crypto';

/**
 * Which functions a read-only query may call. Two rules, either of which refuses a call:
 *
 * 1. A denylist of functions with effects outside the query or access outside the tables
 *    (files, large objects, other connections, settings, sleeping, locks, dynamic SQL), by name
 *    in any schema. It holds even before the catalog is read.
 * 2. An allowlist by volatility, read from the database's own pg_proc: a function name with any
 *    VOLATILE overload is refused unless listed in `VOLATILE_ALLOWED` (pure volatile builtins
 *    such as random()) and every VOLATILE overload of it is Postgres's own (a `public.random()`
 *    of the owner's is refused). Postgres itself forbids writes inside STABLE and IMMUTABLE
 *    functions, so what remains cannot change data.
 *
 * The catalog is read at start, again when a query names a function it did not have, and at
 * most every few seconds while calls come in. Since a function can be made VOLATILE at any
 * moment (CREATE OR REPLACE FUNCTION, or a new overload of the same name in another schema),
 * the names a query calls are also checked again inside the call's own transaction, just
 * before it runs (`LIVE_CHECK_SQL`).
 */

/** Exact names refused in any schema. */
const DENIED = new Set([
  // sleeping past or around the timeout
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  // settings and session state
  'set_config',
  'setseed',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_log_backend_memory_contexts',
  // other backends
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_signal_backend',
  // files on the server
  'pg_read_file',
  'pg_read_binary_file',
  'pg_stat_file',
  'pg_ls_dir',
  'pg_file_write',
  'pg_file_rename',
  'pg_file_unlink',
  'pg_file_sync',
  // notifications
  'pg_notify',
  // sequences
  'nextval',
  'setval',
  // transaction ids and snapshots that assign or export state
  'txid_current',
  'pg_current_xact_id',
  'pg_export_snapshot',
  // dynamic SQL: runs a query string the parser never saw
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'ts_stat',
  'ts_rewrite',
  // WAL, backups, replication, recovery
  'pg_switch_wal',
  'pg_promote',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_create_restore_point',
  'pg_import_system_collations',
]);

/** Name prefixes refused in any schema. */
const DENIED_PREFIXES = [
  'lo_', // large objects: lo_import/lo_export touch server files, lo_create/lo_unlink write
  'dblink', // connections to other databases
  'pg_advisory', // advisory locks outlive statements
  'pg_try_advisory',
  'pg_ls_', // server directory listings
  'pg_replication_',
  'pg_logical_',
  'pg_create_', // replication slots
  'pg_drop_replication',
  'pg_copy_',
  'pg_stat_reset',
  'pg_wal_replay_',
];

/** Volatile builtins with no effect beyond their own result. */
const VOLATILE_ALLOWED = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'statement_timestamp',
  'transaction_timestamp',
  'now',
  'currval',
  'lastval',
  'pg_current_wal_lsn',
  'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn',
  'pg_stat_get_activity',
]);

export function isDeniedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return DENIED.has(lower) || DENIED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** What the database's catalog says about functions and operators, loaded once at start. */
export interface CatalogFunctions {
  /** Every function name the catalog had when read (to notice functions created since). */
  known: ReadonlySet<string>;
  /** Names with an overload in pg_catalog: Postgres's own. */
  builtin: ReadonlySet<string>;
  /** Names with an overload outside pg_catalog: code of the database's owners. */
  user: ReadonlySet<string>;
  /** Function names (bare) with at least one VOLATILE overload. */
  volatile: ReadonlySet<string>;
  /** Names of volatile functions callable as `row.fn` (one argument of a composite type). */
  attributeCallable: ReadonlySet<string>;
  /** Operators whose implementing function is VOLATILE. */
  volatileOperators: ReadonlySet<string>;
  /** Tells two reads apart: equal when the catalog said the same (verdicts stay valid). */
  fingerprint: string;
}

export const CATALOG_FUNCTIONS_SQL = `
SELECT 'f' AS kind, p.proname AS name, bool_or(p.provolatile = 'v') AS volatile,
       bool_or(p.provolatile = 'v' AND p.pronargs = 1 AND t.typtype = 'c') AS composite_arg,
       bool_or(p.pronamespace = 'pg_catalog'::regnamespace) AS builtin,
       bool_or(p.pronamespace <> 'pg_catalog'::regnamespace) AS user_defined,
       bool_or(p.provolatile = 'v' AND p.pronamespace <> 'pg_catalog'::regnamespace) AS user_volatile
  FROM pg_catalog.pg_proc p
  LEFT JOIN pg_catalog.pg_type t ON t.oid = p.proargtypes[0]
 GROUP BY p.proname
UNION ALL
SELECT DISTINCT 'o', o.oprname, true, false, false, false, false
  FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode
 WHERE p.provolatile = 'v'`;

/** One catalog row as text, unambiguously (the name's length before it): what its digest is of. */
const CATALOG_ROW_TEXT = `concat_ws(',', kind, length(name), name, coalesce(volatile::text, '-'),
  coalesce(composite_arg::text, '-'), coalesce(builtin::text, '-'), coalesce(user_defined::text, '-'),
  coalesce(user_volatile::text, '-'))`;
// sha256 (PostgreSQL 11+), not md5: md5() fails on a server in FIPS mode, and no collision may
// hide a change in the catalog.
const CATALOG_TEXT = `string_agg(${CATALOG_ROW_TEXT}, E'\\n' ORDER BY kind, name)`;
const CATALOG_DIGEST = `(SELECT encode(sha256(convert_to(${CATALOG_TEXT}, 'UTF8')), 'hex') FROM fns)`;

/**
 * CATALOG_FUNCTIONS_SQL's rows and, first, a row of kind `p` whose name is a digest of them, in
 * one statement (so of one snapshot): a later CATALOG_DIGEST_SQL that gives the same digest
 * means the catalog says the same, and the rows need not be read and parsed again.
 */
export const CATALOG_READ_SQL = `WITH fns AS (${CATALOG_FUNCTIONS_SQL})
SELECT 'p' AS kind, ${CATALOG_DIGEST} AS name, NULL::boolean AS volatile, NULL::boolean AS composite_arg,
       NULL::boolean AS builtin, NULL::boolean AS user_defined, NULL::boolean AS user_volatile
UNION ALL SELECT * FROM fns`;

/** The digest alone (see CATALOG_READ_SQL). */
export const CATALOG_DIGEST_SQL = `WITH fns AS (${CATALOG_FUNCTIONS_SQL}) SELECT ${CATALOG_DIGEST} AS digest`;

type Flag = boolean | string | null | undefined;
const isTrue = (flag: Flag) => flag === true || flag === 't';

export function catalogFunctionsFrom(
  rows: readonly {
    kind: string;
    name: string;
    volatile?: Flag;
    composite_arg: Flag;
    builtin?: Flag;
    user_defined?: Flag;
    user_volatile?: Flag;
  }[],
): CatalogFunctions {
  const known = new Set<string>();
  const builtin = new Set<string>();
  const user = new Set<string>();
  const volatile = new Set<string>();
  const attributeCallable = new Set<string>();
  const volatileOperators = new Set<string>();
  const hash = createHash('sha256');
  for (const row of rows) {
    hash.update(
      `${row.kind}\0${row.name}\0${[row.volatile, row.composite_arg, row.builtin, row.user_defined, row.user_volatile].map(isTrue).join()}\n`,
    );
    if (row.kind === 'o') {
      volatileOperators.add(row.name);
      continue;
    }
    known.add(row.name);
    if (isTrue(row.builtin)) builtin.add(row.name);
    if (isTrue(row.user_defined)) user.add(row.name);
    if (!isTrue(row.volatile ?? true)) continue;
    if (VOLATILE_ALLOWED.has(row.name) && !isTrue(row.user_volatile)) continue;
    volatile.add(row.name);
    if (isTrue(row.composite_arg)) attributeCallable.add(row.name);
  }
  return {
    known,
    builtin,
    user,
    volatile,
    attributeCallable,
    volatileOperators,
    fingerprint: hash.digest('hex'),
  };
}

/**
 * Why a call of `name` is refused, or undefined when it is allowed. The name is the function's
 * own (last) part; schemas do not matter, so `pg_catalog.pg_sleep` and a look-alike in another
 * schema are refused alike.
 */
export function refusedFunction(name: string, catalog: CatalogFunctions | undefined): string | undefined {
  if (isDeniedFunction(name)) {
    return `calls ${name}(), which is not allowed in read-only queries (it has effects outside the query or reads outside the tables)`;
  }
  if (catalog?.volatile.has(name)) return volatileCall(name);
  return undefined;
}

export const volatileCall = (name: string) =>
  `calls ${name}(), a VOLATILE function; read-only queries may call only STABLE or IMMUTABLE functions (and pure builtins such as random())`;

const VOLATILE_MARK = 'mcpkit: VOLATILE function ';

/**
 * The volatility rule again, inside the call's transaction, for the names the query calls
 * ($1): a row means one of them is VOLATILE now, and its text, cast to int, fails the
 * statement, so the batch stops before the query is declared. Postgres evaluates the cast only
 * for a row that exists (it is not a constant), and looks the names up by pg_proc's name index.
 */
export const LIVE_CHECK_SQL = `SELECT ('${VOLATILE_MARK}' || p.proname)::int
  FROM pg_catalog.pg_proc p
 WHERE p.proname = ANY ($1::pg_catalog.name[]) AND p.provolatile = 'v'
   AND (p.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace OR NOT p.proname = ANY ($2::pg_catalog.name[]))
 LIMIT 1`;

/** The live check's parameters for the names a query calls. */
export function liveCheckValues(names: readonly string[]): unknown[] {
  return [names, ALLOWED_LIST];
}
const ALLOWED_LIST = [...VOLATILE_ALLOWED];

/** The function the live check found VOLATILE, from its error; undefined for any other error. */
export function volatileFunctionNamed(error: unknown): string | undefined {
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code !== '22P02' || typeof e.message !== 'string') return undefined;
  const at = e.message.indexOf(VOLATILE_MARK);
  if (at < 0) return undefined;
  return e.message.slice(at + VOLATILE_MARK.length).replace(/"$/, '');
}
