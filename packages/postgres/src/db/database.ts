import { type Logger, ToolError } from '@mcpkit/core';
import pg from 'pg';
import {
  CATALOG_DIGEST_SQL,
  CATALOG_READ_SQL,
  type CatalogFunctions,
  catalogFunctionsFrom,
  LIVE_CHECK_SQL,
  liveCheckValues,
  volatileCall,
  volatileFunctionNamed,
} from '../sql/functions.js';
import { Batch, type StepResult } from './batch.js';
import { type Cancellation, signalOf } from './cancellation.js';
import { BusyError, Gate, type GateOptions } from './gate.js';
import { KNOWN_TYPES } from './types.js';
import { encodeStep, encodeSteps, type Step, SYNC } from './wire.js';
import { guardConnection, type WireLimiter, type WireLimits } from './wire-guard.js';

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
  /**
   * What one answer may cost in memory (see wire-guard.ts); applied here to server connections,
   * and by the embedded database's thread to its own answers.
   */
  wire: WireLimits;
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
  /** Rows the server sent but that were left out, the answer being over its memory budget. */
  oversized?: number;
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

/**
 * What a write ends with (and any call that failed part way, on its own): the session back to
 * how the pool handed it out. DISCARD ALL cannot run in a batch (it refuses a pipeline and a
 * transaction block); these are its documented parts.
 */
const RESET_STEPS: Step[] = [
  'ROLLBACK',
  'CLOSE ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'RESET ALL',
  'DEALLOCATE ALL',
  'UNLISTEN *',
  'SELECT pg_catalog.pg_advisory_unlock_all()',
  'DISCARD PLANS',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
].map((text) => ({ text }));
/** The same, as one simple-protocol string: sent alone after a batch that failed part way. */
const RESET_SQL = RESET_STEPS.map((step) => step.text).join('; ');

/**
 * What a READ ONLY transaction ends with, when everything before it succeeded: the parts of
 * DISCARD ALL that a rollback does not do. PostgreSQL undoes on rollback every setting made in
 * the transaction (SET, set_config, SET ROLE / SESSION AUTHORIZATION), every LISTEN (they take
 * effect at commit) and every cursor (even WITH HOLD); and a READ ONLY transaction can create
 * no temporary table and advance no sequence. What survives a rollback is a prepared statement
 * and a session-level advisory lock: those are dropped explicitly, before the ROLLBACK (no user
 * code runs after the last fetch).
 */
const READ_END_STEPS: Step[] = [
  'DEALLOCATE ALL',
  'SELECT pg_catalog.pg_advisory_unlock_all()',
  'ROLLBACK',
].map((text) => ({ text }));

/**
 * A check that the reset held: no advisory lock of this session survives. pg_locks reads the
 * whole lock table (the costliest part of a call), so it runs where a lock could come from:
 * calls that reached user-defined functions, writes, a connection's first call, and one in 32.
 */
const VERIFY_SQL = `SELECT count(*)::int AS advisory FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid()`;
const VERIFY_EVERY = 32;

/** How old a read of the function catalog may get while calls come in. */
const CATALOG_MAX_AGE_MS = 5_000;

/** A batch's opening when the call keeps the session's timeouts: its bytes and how many steps. */
const HEADS = {
  read: { bytes: [encodeStep({ text: 'BEGIN TRANSACTION READ ONLY' })], count: 1 },
  write: { bytes: [encodeStep({ text: 'BEGIN TRANSACTION READ WRITE' })], count: 1 },
} as const;
/** The end of a batch: [read or write][verified or not]. */
const ENDS = {
  read: [encodeSteps(READ_END_STEPS), encodeSteps([...READ_END_STEPS, { text: VERIFY_SQL }])],
  write: [encodeSteps(RESET_STEPS), encodeSteps([...RESET_STEPS, { text: VERIFY_SQL }])],
} as const;

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

/**
 * What holds each connection's answers to the wire limits (see wire-guard.ts): on a server, a
 * guard in front of node-postgres's parser; embedded, the socket, which has the worker apply
 * them. A connection is in here once its first call has set it up.
 */
const limiters = new WeakMap<object, WireLimiter>();

type PoolClient = pg.PoolClient & {
  connection?: { stream?: { destroy(error?: Error): void } };
  processID?: number;
};

/** How long a session given a signal source runs before it watches the signal. */
const WATCH_AFTER_MS = 10;
const ONCE = { once: true } as const;

interface SessionOptions {
  signal?: Cancellation;
  /** Check after the reset that no advisory lock survived (see VERIFY_SQL). */
  verify?: boolean;
  /** Statement timeout for this call; defaults to the database's. */
  timeoutMs?: number;
  readOnly: boolean;
  /** The batch runs the caller's SQL: its answer is held to the wire limits. */
  limited?: boolean;
}

/** Where a batch failed: the index of the caller's step (or -1: before them) and the error. */
type Failure = { step: number; error: unknown } | undefined;

/**
 * One PostgreSQL database behind a bounded gate. Every call takes a connection through the
 * gate and sends, in one write and one round trip, its whole life: BEGIN (READ ONLY unless it
 * is a write), its statements, ROLLBACK and the session reset (and, where a lock could come
 * from, the check that none survived). A call that outlives its deadline or is cancelled loses
 * its connection (and, embedded, the worker's session): it can leave nothing behind.
 */
export class Database {
  private readonly gate: Gate;
  private readonly typeNames = new Map<number, string>(
    Object.entries(KNOWN_TYPES).map(([k, v]) => [Number(k), v]),
  );
  private functions: CatalogFunctions | undefined;
  private functionsReadAt = 0;
  private functionsReading: Promise<CatalogFunctions> | undefined;
  /** The digest of the rows `functions` was last read from (see CATALOG_READ_SQL). */
  private functionsDigest: string | undefined;
  private info: ServerInfo | undefined;
  private closed = false;
  /** Recoveries still running after their call returned. */
  private readonly cleanups = new Set<Promise<void>>();
  private calls = 0;
  private readonly verified = new WeakSet<object>();
  /** The steps after a read's FETCH (the count's own timeout, the count), encoded once. */
  private readonly countSteps: Buffer[];
  /** FETCH steps by row count, encoded once each (calls mostly ask for the default). */
  private readonly fetchSteps = new Map<number, Buffer>();

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
    this.countSteps = [
      encodeStep({ text: `SET LOCAL statement_timeout = ${settings.countTimeoutMs}` }),
      encodeStep({ text: `MOVE FORWARD ${settings.countLimit} IN ${CURSOR}` }),
    ];
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

  /**
   * The catalog as last read, for a call about to be judged; when that read is older than a few
   * seconds it is read again in the background (operators and attribute-notation functions
   * made since are seen then; the functions a query calls are checked live anyway).
   */
  currentFunctions(): CatalogFunctions | undefined {
    if (this.functions && !this.closed && Date.now() - this.functionsReadAt > CATALOG_MAX_AGE_MS) {
      this.refreshFunctions().catch((error) =>
        this.settings.logger.debug({ err: error }, 'could not read the function catalog again'),
      );
    }
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
   * start, or one turned VOLATILE since); at most once a second, so unknown names cannot turn
   * every call into two. A read whose answer is unchanged keeps the same object (and with it
   * the verdicts cached against it).
   */
  async refreshFunctions(signal?: AbortSignal): Promise<CatalogFunctions> {
    if (this.functions && Date.now() - this.functionsReadAt < 1000) return this.functions;
    if (this.functionsReading) return this.functionsReading;
    this.functionsReadAt = Date.now();
    this.functionsReading = this.readFunctions(signal).finally(() => {
      this.functionsReading = undefined;
    });
    return this.functionsReading;
  }

  /**
   * The catalog's functions: first its digest alone, and when that is the one of the last read,
   * the last read (a busy server re-reads every few seconds, and parsing thousands of rows each
   * time cost a few µs per call); else the rows and their digest, in one statement.
   */
  private async readFunctions(signal?: AbortSignal): Promise<CatalogFunctions> {
    if (this.functions && this.functionsDigest !== undefined) {
      const [row] = await this.catalog<{ digest: string | null }>(CATALOG_DIGEST_SQL, [], { signal });
      if (row?.digest === this.functionsDigest) return this.functions;
    }
    const rows = await this.catalog<any>(CATALOG_READ_SQL, [], { signal });
    const digest = rows.find((row) => row.kind === 'p')?.name as string | null | undefined;
    const read = catalogFunctionsFrom(rows.filter((row) => row.kind !== 'p'));
    if (!this.functions || read.fingerprint !== this.functions.fingerprint) this.functions = read;
    this.functionsDigest = digest ?? undefined;
    return this.functions;
  }

  /**
   * Runs `work` on a connection of its own: one batch of BEGIN, the timeouts this call needs,
   * its steps, ROLLBACK and the reset, all in one round trip. `finish` gets the steps' results
   * (and, if one failed, which and why: later ones did not run). A batch that failed before the
   * reset is followed by the reset on its own, in the background, before the connection goes
   * back.
   */
  private async session<T>(
    options: SessionOptions,
    /** Steps, or steps already encoded (one step each). */
    work: (Step | Buffer)[],
    finish: (results: StepResult[], failed: Failure) => T,
  ): Promise<T> {
    if (this.closed) throw new ToolError('The database connection is closed.');
    const timeoutMs = options.timeoutMs ?? this.settings.statementTimeoutMs;
    const release = await this.gate.enter(options.signal);
    let client: PoolClient | undefined;
    let broken = false;
    let stopped: 'timeout' | 'cancel' | undefined;
    let sent = false;
    let recovering = false;
    const kill = (why: 'timeout' | 'cancel') => {
      stopped ??= why;
      broken = true;
      // A server backend would run on after its socket closed: stop its statement first.
      if (client && sent) this.cancelBackend(client.processID);
      client?.connection?.stream?.destroy(new Error(why === 'timeout' ? 'statement timeout' : 'cancelled'));
    };
    // Embedded, Postgres cannot time itself out: the deadline is the timeout. A server stops
    // the statement itself; the deadline there only covers a server or network that hangs.
    const deadlineMs = this.settings.mode === 'embedded' ? timeoutMs : timeoutMs + 2000;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => kill('cancel');
    let watched: AbortSignal | undefined;
    const watch = () => {
      const signal = signalOf(options.signal);
      if (!signal || watched) return;
      watched = signal;
      if (signal.aborted) kill('cancel');
      else signal.addEventListener('abort', onAbort, ONCE);
    };
    // A signal given as such is watched from the start; one from a source once the call runs long.
    const lazy = options.signal !== undefined && !(options.signal instanceof AbortSignal);
    if (!lazy) watch();
    const giveBack = () => {
      clearTimeout(timer);
      watched?.removeEventListener('abort', onAbort);
      client?.release(broken ? true : undefined);
      release();
    };
    try {
      client = (await this.pool.connect()) as PoolClient;
      // A socket destroyed on purpose reports an error; the pool listens only while idle.
      let limiter = limiters.get(client);
      if (!limiter) {
        const stream = client.connection?.stream as unknown;
        limiter =
          this.settings.mode === 'server'
            ? guardConnection(stream as NodeJS.EventEmitter)
            : (stream as WireLimiter);
        limiters.set(client, limiter);
        client.on('error', (error) => this.settings.logger.debug({ err: error }, 'connection closed'));
      }
      if (stopped) throw new Error(stopped);
      // The clock starts with the statement, not while a database opens or restarts.
      if (lazy && deadlineMs > WATCH_AFTER_MS) {
        timer = setTimeout(() => {
          watch();
          if (!stopped) timer = setTimeout(() => kill('timeout'), deadlineMs - WATCH_AFTER_MS);
        }, WATCH_AFTER_MS);
      } else timer = setTimeout(() => kill('timeout'), deadlineMs);
      const head = this.beginSteps(options.readOnly, timeoutMs);
      const verify = options.verify || !this.verified.has(client) || ++this.calls % VERIFY_EVERY === 0;
      this.verified.add(client);
      const end = ENDS[options.readOnly ? 'read' : 'write'][verify ? 1 : 0];
      const bytes: Buffer[] = [];
      for (const step of head.bytes) bytes.push(step);
      for (const step of work) bytes.push(Buffer.isBuffer(step) ? step : encodeStep(step));
      bytes.push(end, SYNC);
      const batch = new Batch(Buffer.concat(bytes));
      // The caller's statements are held to the memory limits; this server's own catalog reads
      // are not (their size is the catalog's, and a cut would corrupt them).
      limiter.use(options.limited ? this.settings.wire : undefined);

      sent = true;
      client.query(batch as unknown as pg.QueryConfig);
      const { results, failed } = await batch.outcome;
      if (stopped) throw new Error(stopped);
      const done = head.count + work.length;
      if (failed && failed.step < done) {
        // The server skipped the rest, ROLLBACK and the reset with it: send them on their own.
        recovering = true;
        this.recover(client, () => {
          broken = true;
        }).finally(giveBack);
        if (failed.step < head.count) throw failed.error;
        return finish(results.slice(head.count), { step: failed.step - head.count, error: failed.error });
      }
      if (failed) {
        broken = true;
        this.settings.logger.warn({ err: failed.error }, 'session reset failed; connection dropped');
      } else if (verify && results.at(-1)?.rows[0]?.[0] !== '0') {
        broken = true;
        this.settings.logger.warn('advisory locks survived the reset; connection dropped');
      }
      return finish(results.slice(head.count, done), undefined);
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
      if (!sent) broken = true;
      if (!recovering) giveBack();
    }
  }

  /**
   * The statements that open a call's transaction. A server connection starts with the
   * default timeouts as session settings (see serverDatabase), so only a call with its own
   * timeout sets one; the embedded database has no timeouts of its own (the deadline is ours).
   */
  private beginSteps(readOnly: boolean, timeoutMs: number): { bytes: readonly Buffer[]; count: number } {
    const head = HEADS[readOnly ? 'read' : 'write'];
    if (this.settings.mode === 'embedded' || timeoutMs === this.settings.statementTimeoutMs) return head;
    const ms = Math.max(1, Math.round(timeoutMs));
    const lock = Math.min(ms, this.settings.lockTimeoutMs);
    return {
      bytes: [
        ...head.bytes,
        encodeStep({ text: `SET LOCAL statement_timeout = ${ms}` }),
        encodeStep({ text: `SET LOCAL lock_timeout = ${lock}` }),
      ],
      count: 3,
    };
  }

  /** After a failed batch: ROLLBACK and the reset, then the lock check; a failure drops the connection. */
  private recover(client: PoolClient, drop: () => void): Promise<void> {
    const recovery = client
      .query<{ advisory: number }>(`${RESET_SQL}; ${VERIFY_SQL}`)
      .then(
        (value) => {
          const last = ([] as pg.QueryResult[]).concat(value as any).at(-1);
          if (last?.rows?.[0]?.advisory !== 0) {
            drop();
            this.settings.logger.warn('advisory locks survived the reset; connection dropped');
          }
        },
        (error) => {
          drop();
          this.settings.logger.debug({ err: error }, 'session reset failed; connection dropped');
        },
      )
      .finally(() => this.cleanups.delete(recovery));
    this.cleanups.add(recovery);
    return recovery;
  }

  /**
   * Runs a statement the read-only guard passed, through a cursor: fetches at most
   * `maxRows + 1` rows (never the whole result), then counts what was left out up to
   * `countLimit` rows without fetching them. `functions` are checked again, inside the same
   * transaction, not to be VOLATILE now (see sql/functions.ts).
   */
  async read(
    text: string,
    params: unknown[],
    options: {
      maxRows: number;
      /** The call's signal, or a source of it (see Cancellation). */
      signal?: Cancellation;
      timeoutMs?: number;
      verify?: boolean;
      functions?: string[];
    },
  ): Promise<ReadResult> {
    const check = liveCheckStep(options.functions);
    const steps: (Step | Buffer)[] = check.length ? [check[0]!] : [];
    steps.push(
      { prefix: DECLARE_PREFIX, text, values: params },
      this.fetchStep(options.maxRows + 1),
      this.countSteps[0]!,
      this.countSteps[1]!,
    );
    const result = await this.session(sessionOptions(options, true, true), steps, (results, failed) => {
      const at = check.length;
      if (failed && failed.step < at) this.refused(failed.error);
      if (failed?.step === at) throw databaseError(failed.error, DECLARE_PREFIX.length);
      if (failed && failed.step < at + 3) throw databaseError(failed.error);
      const page = results[at + 1]!;
      // The FETCH tag counts every row the server sent, the wire guard's left-out ones too.
      const sent = Math.max(page.rowCount, page.rows.length);
      const oversized = sent - page.rows.length;
      const hasMore = sent > options.maxRows || oversized > 0;
      const rows = page.rows.length > options.maxRows ? page.rows.slice(0, options.maxRows) : page.rows;
      let remaining: ReadResult['remaining'];
      // A count that ran out of time (failed) leaves how many were cut unknown.
      if (hasMore && !failed) {
        const skipped = results[at + 3]!.rowCount;
        // Rows fetched but not returned (the one fetched to see that more exist, those over
        // the memory budget) are among those left out.
        remaining = { count: skipped + sent - rows.length, exact: skipped < this.settings.countLimit };
      }
      const read: ReadResult = { columns: NO_COLUMNS, rows, hasMore };
      if (remaining) read.remaining = remaining;
      if (oversized) read.oversized = oversized;
      return { read, fields: page.fields };
    });
    const columns = this.knownColumns(result.fields);
    result.read.columns = columns ?? (await this.columns(result.fields, signalOf(options.signal)));
    return result.read;
  }

  /** `FETCH FORWARD rows`, with the row description; a few row counts kept encoded. */
  private fetchStep(rows: number): Buffer {
    let step = this.fetchSteps.get(rows);
    if (!step) {
      if (this.fetchSteps.size >= 16) this.fetchSteps.clear();
      step = encodeStep({ text: `FETCH FORWARD ${rows} FROM ${CURSOR}`, describe: true });
      this.fetchSteps.set(rows, step);
    }
    return step;
  }

  /** The live volatility check failed: the query calls a function that is VOLATILE now. */
  private refused(error: unknown): never {
    const name = volatileFunctionNamed(error);
    if (name === undefined) throw databaseError(error);
    this.functionsReadAt = 0; // the catalog changed: read it again on the next call
    void this.refreshFunctions().catch(() => {});
    throw new ToolError(
      `Refused: the query ${volatileCall(name)}. The query tool runs one read-only statement: SELECT, WITH ... SELECT, VALUES, TABLE or EXPLAIN.`,
    );
  }

  /**
   * Runs an EXPLAIN in a read-only transaction and returns the plan's lines: `prefix` (say
   * `EXPLAIN `) is put before `text`, or is empty when `text` is an EXPLAIN already.
   */
  async explain(
    text: string,
    params: unknown[],
    options: {
      prefix: string;
      signal?: AbortSignal;
      timeoutMs?: number;
      verify?: boolean;
      functions?: string[];
    },
  ): Promise<string[]> {
    const explain = options.prefix;
    const check = liveCheckStep(options.functions);
    return this.session(
      sessionOptions(options, true, true),
      [...check, { text: explain + text, values: params, describe: true }],
      (results, failed) => {
        if (failed && failed.step < check.length) this.refused(failed.error);
        if (failed) throw databaseError(failed.error, explain.length);
        return results[check.length]!.rows.map((row) => String(row[0]));
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
      { signal: options.signal, timeoutMs: options.timeoutMs, readOnly: false, verify: true, limited: true },
      [{ text, values: params, describe: true }, { text: 'COMMIT' }],
      ([done], failed) => {
        if (failed) throw databaseError(failed.error);
        return {
          command: done!.command,
          rowCount: done!.rowCount,
          fields: done!.fields,
          rows: done!.rows.slice(0, options.maxRows),
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

  /** A query of the server's own (catalog reads): read-only, values parsed as node-postgres does, all rows. */
  async catalog<T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
    options: { signal?: AbortSignal } = {},
  ): Promise<T[]> {
    return this.session(
      { signal: options.signal, readOnly: true },
      [{ text, values: params, describe: true }],
      ([result], failed) => {
        if (failed) throw databaseError(failed.error);
        return rowObjects<T>(result!);
      },
    );
  }

  /** Column names and type names when every type is known already (the common case), else undefined. */
  private knownColumns(fields: pg.FieldDef[]): Column[] | undefined {
    const columns: Column[] = [];
    for (const f of fields) {
      const type = this.typeNames.get(f.dataTypeID);
      if (type === undefined) return undefined;
      columns.push({ name: f.name, oid: f.dataTypeID, type });
    }
    return columns;
  }

  /** Column names and type names; type names not known yet are looked up once. */
  private async columns(fields: pg.FieldDef[], signal?: AbortSignal): Promise<Column[]> {
    let unknown: number[] | undefined;
    for (const field of fields) {
      if (this.typeNames.has(field.dataTypeID) || unknown?.includes(field.dataTypeID)) continue;
      unknown ??= [];
      unknown.push(field.dataTypeID);
    }
    if (unknown) {
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

/** A read's columns until they are named (never written to). */
const NO_COLUMNS: Column[] = [];

/** A session's options from a call's, as one literal (a spread copies every key per call). */
function sessionOptions(
  options: { signal?: Cancellation; timeoutMs?: number; verify?: boolean },
  readOnly: boolean,
  limited: boolean,
): SessionOptions {
  return { signal: options.signal, verify: options.verify, timeoutMs: options.timeoutMs, readOnly, limited };
}

/** The live volatility check (see sql/functions.ts), when the statement calls functions. */
function liveCheckStep(functions: readonly string[] | undefined): Step[] {
  return functions?.length ? [{ text: LIVE_CHECK_SQL, values: liveCheckValues(functions) }] : [];
}

/** Rows as objects, each value parsed by node-postgres's parser for its type. */
function rowObjects<T>(result: StepResult): T[] {
  const parsers = result.fields.map((field) => pg.types.getTypeParser(field.dataTypeID, 'text'));
  return result.rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      object[result.fields[i]!.name] = value === null || value === undefined ? null : parsers[i]!(value);
    }
    return object as T;
  });
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
