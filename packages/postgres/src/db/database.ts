import { type Logger, ToolError } from '@mcpkit/core';
import pg from 'pg';
import { CATALOG_FUNCTIONS_SQL, type CatalogFunctions, catalogFunctionsFrom } from '../sql/functions.js';
import { BusyError, Gate, type GateOptions } from './gate.js';
import { KNOWN_TYPES, RAW_TEXT } from './types.js';

export interface DatabaseSettings {
  /** `server`: a PostgreSQL server at a URL; `embedded`: PGlite in a worker thread. */
  mode: 'server' | 'embedded';
  /** Longest a statement may run; the server stops it (and, embedded, the worker is ended). */
  statementTimeoutMs: number;
  /** Longest a statement waits for a lock. */
  lockTimeoutMs: number;
  /** Most rows skipped past the row cap to say how many were cut. */
  countLimit: number;
  /** Longest that count may take. */
  countTimeoutMs: number;
  gate: GateOptions;
  logger: Logger;
}

export interface Column {
  name: string;
  type: string;
  oid: number;
}

export interface ReadResult {
  columns: Column[];
  /** Values as Postgres's text (null for NULL). */
  rows: (string | null)[][];
  /** True when more rows exist than were fetched. */
  hasMore: boolean;
  /** How many rows were left out, when counted: exact, or a lower bound. */
  remaining?: { count: number; exact: boolean };
}

export interface WriteResult {
  command: string;
  rowCount: number;
  columns: Column[];
  rows: (string | null)[][];
}

/** What the server said about itself and the role at start. */
export interface ServerInfo {
  version: string;
  versionNum: number;
  user: string;
  database: string;
  superuser: boolean;
  ownedTables: number;
  writableTables: number;
}

/** The statement every call ends with: the session back to how the pool handed it out. */
const RESET_SQL = [
  'ROLLBACK',
  // DISCARD ALL refuses to run in a multi-statement string; these are its documented parts.
  'CLOSE ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'RESET ALL',
  'DEALLOCATE ALL',
  'UNLISTEN *',
  'SELECT pg_catalog.pg_advisory_unlock_all()',
  'DISCARD PLANS',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
].join('; ');

/**
 * A check that the reset held: no advisory lock of this session survives. pg_locks reads the
 * whole lock table (the costliest part of a call), so it runs where a lock could come from:
 * calls that reached user-defined functions, a connection's first call, and one call in 32.
 */
const VERIFY_SQL = `${RESET_SQL}; SELECT count(*)::int AS advisory FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid()`;
const VERIFY_EVERY = 32;

const CURSOR = 'mcpkit_rows';
const DECLARE_PREFIX = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;

const INFO_SQL = `
SELECT version() AS version,
       current_setting('server_version_num')::int AS version_num,
       current_user AS "user",
       current_database() AS database,
       (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,
       (SELECT count(*)::int FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
           AND pg_catalog.pg_has_role(c.relowner, 'USAGE')) AS owned_tables,
       (SELECT count(*)::int FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
           AND pg_catalog.has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')) AS writable_tables`;

const guarded = new WeakSet<object>();

type PoolClient = pg.PoolClient & {
  connection?: { stream?: { destroy(error?: Error): void; cork?(): void; uncork?(): void } };
};

interface SessionOptions {
  signal?: AbortSignal;
  /** Check after the reset that no advisory lock survived (see VERIFY_SQL). */
  verify?: boolean;
  /** Statement timeout for this call; defaults to the database's. */
  timeoutMs?: number;
  readOnly: boolean;
}

/**
 * One PostgreSQL database behind a bounded gate. Every call takes a connection through the
 * gate, runs inside its own transaction (READ ONLY unless it is a write), pipelines its
 * statements in one round trip, and ends by rolling back and resetting the session, checking
 * that no advisory lock survived. A call that outlives its deadline or is cancelled loses its
 * connection (and, embedded, the worker's session): it can leave nothing behind.
 */
export class Database {
  private readonly gate: Gate;
  private readonly typeNames = new Map<number, string>(
    Object.entries(KNOWN_TYPES).map(([k, v]) => [Number(k), v]),
  );
  private functions: CatalogFunctions | undefined;
  private functionsReadAt = 0;
  private info: ServerInfo | undefined;
  private closed = false;
  /** Resets still running after their call returned. */
  private readonly cleanups = new Set<Promise<void>>();
  private calls = 0;
  private readonly verified = new WeakSet<object>();

  constructor(
    private readonly pool: pg.Pool,
    readonly settings: DatabaseSettings,
    private readonly onClose?: () => Promise<void>,
  ) {
    this.gate = new Gate(settings.gate, () =>
      settings.gate.capacity === 1
        ? 'the one connection is'
        : `all ${settings.gate.capacity} connections are`,
    );
    pool.on('error', (error) => settings.logger.warn({ err: error }, 'idle database connection failed'));
  }

  get mode() {
    return this.settings.mode;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.info;
  }

  get catalogFunctions(): CatalogFunctions | undefined {
    return this.functions;
  }

  get load() {
    return this.gate.stats;
  }

  /** Reads what the server says about itself and which functions are VOLATILE. */
  async init(signal?: AbortSignal): Promise<ServerInfo> {
    // On a server, both at once on two connections; embedded, one after the other (one
    // connection, and the first waits for the database to open, longer than a queue wait).
    const [[info]] =
      this.settings.mode === 'server'
        ? await Promise.all([this.catalog<any>(INFO_SQL, [], { signal }), this.refreshFunctions(signal)])
        : [await this.catalog<any>(INFO_SQL, [], { signal }), await this.refreshFunctions(signal)];
    this.info = {
      version: info.version,
      versionNum: info.version_num,
      user: info.user,
      database: info.database,
      superuser: info.superuser === true,
      ownedTables: info.owned_tables,
      writableTables: info.writable_tables,
    };
    return this.info;
  }

  /**
   * Reads again which functions exist and which are VOLATILE (a query named one created since
   * start); at most once a second, so unknown names cannot turn every call into two.
   */
  async refreshFunctions(signal?: AbortSignal): Promise<CatalogFunctions> {
    if (this.functions && Date.now() - this.functionsReadAt < 1000) return this.functions;
    this.functionsReadAt = Date.now();
    this.functions = catalogFunctionsFrom(await this.catalog<any>(CATALOG_FUNCTIONS_SQL, [], { signal }));
    return this.functions;
  }

  /**
   * The statement that opens each call's transaction. A server connection starts with the
   * default timeouts as session settings (see serverDatabase), so only a call with its own
   * timeout sets one; the embedded database has no timeouts of its own (the deadline is ours).
   */
  private beginSql(readOnly: boolean, timeoutMs: number): string {
    const begin = readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION READ WRITE';
    if (this.settings.mode === 'embedded' || timeoutMs === this.settings.statementTimeoutMs) return begin;
    const ms = Math.max(1, Math.round(timeoutMs));
    return `${begin}; SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${Math.min(ms, this.settings.lockTimeoutMs)}`;
  }

  /**
   * Runs `work` on a connection of its own inside a transaction, then rolls back (unless the
   * work committed) and resets the session. `work` issues its queries without awaiting them in
   * between (pipelined); the reset goes out right behind them.
   */
  private async session<T>(
    options: SessionOptions,
    work: (client: PoolClient) => Promise<unknown>[],
    finish: (results: PromiseSettledResult<unknown>[]) => T,
  ): Promise<T> {
    if (this.closed) throw new ToolError('The database connection is closed.');
    const timeoutMs = options.timeoutMs ?? this.settings.statementTimeoutMs;
    const release = await this.gate.enter(options.signal);
    let client: PoolClient | undefined;
    let broken = false;
    let stopped: 'timeout' | 'cancel' | undefined;
    let reset: Promise<unknown> | undefined;
    const kill = (why: 'timeout' | 'cancel') => {
      stopped ??= why;
      broken = true;
      // A server backend would run on after its socket closed: stop its statement first.
      if (client && reset) this.cancelBackend((client as { processID?: number }).processID);
      client?.connection?.stream?.destroy(new Error(why === 'timeout' ? 'statement timeout' : 'cancelled'));
    };
    // Embedded, Postgres cannot time itself out: the deadline is the timeout. A server stops
    // the statement itself; the deadline there only covers a server or network that hangs.
    const deadlineMs = this.settings.mode === 'embedded' ? timeoutMs : timeoutMs + 2000;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => kill('cancel');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // The connection goes back (or is dropped) only once the reset is done and checked.
    const giveBack = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      client?.release(broken ? true : undefined);
      release();
    };
    try {
      client = (await this.pool.connect()) as PoolClient;
      // A socket destroyed on purpose reports an error; the pool listens only while idle.
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', (error) => this.settings.logger.debug({ err: error }, 'connection closed'));
      }
      if (stopped) throw new Error(stopped);
      // The clock starts with the statement, not while a database opens or restarts.
      timer = setTimeout(() => kill('timeout'), deadlineMs);
      // Everything goes out in one write: pg pipelines, the socket is corked meanwhile.
      const stream = client.connection?.stream;
      stream?.cork?.();
      let begin: Promise<unknown>;
      let issued: Promise<unknown>[];
      try {
        begin = client.query(this.beginSql(options.readOnly, timeoutMs));
        issued = work(client);
        const verify = options.verify || !this.verified.has(client) || ++this.calls % VERIFY_EVERY === 0;
        this.verified.add(client);
        reset = client.query<{ advisory: number }>(verify ? VERIFY_SQL : RESET_SQL);
      } finally {
        stream?.uncork?.();
      }
      // The reset runs on the server while the result goes back to the caller.
      const cleanup: Promise<void> = reset
        .then(
          (value) => {
            const last = ([] as pg.QueryResult[]).concat(value as any).at(-1);
            if (last?.rows?.[0] && last.rows[0].advisory !== 0) {
              broken = true;
              this.settings.logger.warn('advisory locks survived the reset; connection dropped');
            }
          },
          (error) => {
            broken = true;
            if (!stopped)
              this.settings.logger.warn({ err: error }, 'session reset failed; connection dropped');
          },
        )
        .finally(() => {
          giveBack();
          this.cleanups.delete(cleanup);
        });
      this.cleanups.add(cleanup);
      const results = await Promise.allSettled([begin, ...issued]);
      if (stopped) throw new Error(stopped);
      if (results[0]!.status === 'rejected') throw results[0]!.reason;
      return finish(results.slice(1));
    } catch (error) {
      if (stopped === 'timeout' || isStatementTimeout(error)) {
        throw new ToolError(
          `The query ran longer than the ${timeoutMs} ms statement timeout and was stopped. Narrow it (WHERE, LIMIT, fewer joins) or check its plan with explain_query.`,
          { data: { timeoutMs } },
        );
      }
      if (stopped === 'cancel') throw new ToolError('The query was cancelled.');
      if (error instanceof ToolError) throw error;
      throw databaseError(error);
    } finally {
      if (!reset) {
        broken = true;
        giveBack();
      }
    }
  }

  /**
   * Runs a statement the read-only guard passed, through a cursor: fetches at most
   * `maxRows + 1` rows (never the whole result), then counts what was left out up to
   * `countLimit` rows without fetching them.
   */
  async read(
    text: string,
    params: unknown[],
    options: { maxRows: number; signal?: AbortSignal; timeoutMs?: number; verify?: boolean },
  ): Promise<ReadResult> {
    const result = await this.session(
      { ...options, readOnly: true },
      (client) => [
        client.query({ text: DECLARE_PREFIX + text, values: params, queryMode: 'extended' } as any),
        client.query({
          text: `FETCH FORWARD ${options.maxRows + 1} FROM ${CURSOR}`,
          rowMode: 'array',
          types: RAW_TEXT,
        }),
        client.query(
          `SET LOCAL statement_timeout = ${this.settings.countTimeoutMs}; MOVE FORWARD ${this.settings.countLimit} IN ${CURSOR}`,
        ),
      ],
      ([declared, fetched, moved]) => {
        if (declared!.status === 'rejected') throw databaseError(declared!.reason, DECLARE_PREFIX.length);
        if (fetched!.status === 'rejected') throw databaseError(fetched!.reason);
        const page = fetched!.value as pg.QueryResult<any[]>;
        const hasMore = page.rows.length > options.maxRows;
        const rows = hasMore ? page.rows.slice(0, options.maxRows) : page.rows;
        let remaining: ReadResult['remaining'];
        if (hasMore && moved!.status === 'fulfilled') {
          const move = ([] as pg.QueryResult[]).concat(moved!.value as any).at(-1);
          const skipped = move?.rowCount ?? 0;
          // The extra row fetched to see that more exist is one of those left out.
          remaining = { count: skipped + 1, exact: skipped < this.settings.countLimit };
        }
        return { fields: page.fields, rows, hasMore, remaining };
      },
    );
    return {
      columns: await this.columns(result.fields, options.signal),
      rows: result.rows,
      hasMore: result.hasMore,
      ...(result.remaining ? { remaining: result.remaining } : {}),
    };
  }

  /**
   * Runs an EXPLAIN in a read-only transaction and returns the plan's lines: `prefix` (say
   * `EXPLAIN `) is put before `text`, or is empty when `text` is an EXPLAIN already.
   */
  async explain(
    text: string,
    params: unknown[],
    options: { prefix: string; signal?: AbortSignal; timeoutMs?: number; verify?: boolean },
  ): Promise<string[]> {
    const explain = options.prefix;
    return this.session(
      { ...options, readOnly: true },
      (client) => [
        client.query({
          text: explain + text,
          values: params,
          rowMode: 'array',
          types: RAW_TEXT,
          queryMode: 'extended',
        } as any),
      ],
      ([plan]) => {
        if (plan!.status === 'rejected') throw databaseError(plan!.reason, explain.length);
        return (plan!.value as pg.QueryResult<any[]>).rows.map((row) => String(row[0]));
      },
    );
  }

  /** Runs one statement in a read-write transaction and commits it. */
  async write(
    text: string,
    params: unknown[],
    options: { maxRows: number; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<WriteResult> {
    const result = await this.session(
      { ...options, readOnly: false, verify: true },
      (client) => [
        client.query({
          text,
          values: params,
          rowMode: 'array',
          types: RAW_TEXT,
          queryMode: 'extended',
        } as any),
        client.query('COMMIT'),
      ],
      ([statement, commit]) => {
        if (statement!.status === 'rejected') throw databaseError(statement!.reason);
        if (commit!.status === 'rejected') throw databaseError(commit!.reason);
        const done = statement!.value as pg.QueryResult<any[]>;
        return {
          command: done.command ?? '',
          rowCount: done.rowCount ?? 0,
          fields: done.fields ?? [],
          rows: (done.rows ?? []).slice(0, options.maxRows),
        };
      },
    );
    return {
      command: result.command,
      rowCount: result.rowCount,
      columns: await this.columns(result.fields, options.signal),
      rows: result.rows,
    };
  }

  /** A query of the server's own (catalog reads): read-only, parsed values, all rows. */
  async catalog<T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
    options: { signal?: AbortSignal } = {},
  ): Promise<T[]> {
    return this.session(
      { ...options, readOnly: true },
      (client) => [client.query({ text, values: params, queryMode: 'extended' } as any)],
      ([rows]) => {
        if (rows!.status === 'rejected') throw databaseError(rows!.reason);
        return (rows!.value as pg.QueryResult).rows as T[];
      },
    );
  }

  /** Column names and type names; type names not known yet are looked up once. */
  private async columns(fields: pg.FieldDef[], signal?: AbortSignal): Promise<Column[]> {
    const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => !this.typeNames.has(oid)))];
    if (unknown.length) {
      const rows = await this.catalog<{ oid: number; name: string }>(
        'SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
        [unknown],
        { signal },
      ).catch(() => []);
      for (const row of rows) this.typeNames.set(row.oid, row.name);
    }
    return fields.map((f) => ({
      name: f.name,
      oid: f.dataTypeID,
      type: this.typeNames.get(f.dataTypeID) ?? `oid ${f.dataTypeID}`,
    }));
  }

  /**
   * Cancels the statement a server backend is running, from a connection of its own (outside
   * the pool, which may be full): a role may cancel its own backends. Best effort.
   */
  private cancelBackend(pid: number | undefined): void {
    if (this.settings.mode !== 'server' || !pid) return;
    const side = new pg.Client({ ...(this.pool as unknown as { options: pg.ClientConfig }).options });
    side
      .connect()
      .then(() => side.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]))
      .catch((error) => this.settings.logger.debug({ err: error }, 'could not cancel a backend'))
      .finally(() => side.end().catch(() => {}));
  }

  /** Resolves once every call's connection is reset and back (what a check from outside waits for). */
  async settled(): Promise<void> {
    while (this.cleanups.size) await Promise.allSettled([...this.cleanups]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.settled();
    await this.pool.end().catch(() => {});
    await this.onClose?.();
  }
}

function isStatementTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === '57014' &&
    /statement timeout/i.test(error.message)
  );
}

/**
 * A database error as the caller should read it: Postgres's message, detail and hint, and
 * where in their SQL it happened (`offset` removes the text this server put before theirs).
 */
export function databaseError(error: unknown, offset = 0): Error {
  if (error instanceof ToolError) return error;
  if (isStatementTimeout(error)) return error as Error;
  const e = error as { message?: string; code?: string; detail?: string; hint?: string; position?: string };
  if (!e || typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) {
    return new ToolError(`Database connection problem: ${(e?.message ?? String(error)).split('\n')[0]}`);
  }
  const parts = [`Database error: ${e.message}`];
  const position = Number(e.position);
  if (Number.isFinite(position) && position > offset) parts.push(`(at character ${position - offset})`);
  if (e.detail) parts.push(`Detail: ${e.detail}`);
  if (e.hint) parts.push(`Hint: ${e.hint}`);
  if (e.code === '25006') parts.push('This tool is read-only.');
  return new ToolError(parts.join(' '), { data: { sqlstate: e.code } });
}

export { BusyError };
