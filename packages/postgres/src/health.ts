import { redactSecrets, type ServerModule } from '@mcpkit/core';
import pg from 'pg';
import type { EmbeddedHost } from './embedded/host.js';

type HealthEntry = Awaited<ReturnType<NonNullable<ServerModule['health']>>>[number];

/** What `/readyz`, the status page and the metrics learn about the database. */
export interface DatabaseHealth {
  check(): Promise<HealthEntry[]>;
  close(): Promise<void>;
}

/** How long connecting, and then one SELECT 1, may take (under the runtime's bound on a report). */
const PROBE_TIMEOUT_MS = 1000;

const NAME = 'database';

/** How long a probe waits for the embedded database's thread before saying it is starting. */
const THREAD_START_WAIT_MS = 500;

/**
 * A server at `url`: SELECT 1 on a connection of its own (one, kept open between probes), so a
 * probe never waits behind the callers' queries nor takes a connection from them: a busy node
 * is not a down database. A failed probe drops its connection; the next one connects again.
 */
export function serverHealth(url: string): DatabaseHealth {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    keepAlive: true,
    options: [
      `-c statement_timeout=${PROBE_TIMEOUT_MS}`,
      '-c default_transaction_read_only=on',
      '-c application_name=mcpkit-postgres-health',
    ].join(' '),
  } as pg.PoolConfig);
  // An idle connection the server ended (a restart): the next probe connects again.
  pool.on('error', () => {});
  return {
    async check() {
      const started = performance.now();
      let client: pg.PoolClient | undefined;
      try {
        client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        const ms = Math.round(performance.now() - started);
        return [{ name: NAME, state: 'up', detail: `answered SELECT 1 in ${ms} ms` }];
      } catch (error) {
        client?.release(true);
        return [{ name: NAME, state: 'down', detail: reasonOf(error, url) }];
      }
    },
    close: () => pool.end(),
  };
}

/**
 * The embedded database: starting while it opens, down if it did not, else up while its thread
 * runs (or starts again after a query was stopped). No query is sent: its one session belongs
 * to the callers, and a probe must not wait behind one of them.
 */
export function embeddedHealth(opening: Promise<unknown>, host: EmbeddedHost): DatabaseHealth {
  let state: 'starting' | 'open' | { failed: unknown } = 'starting';
  opening.then(
    () => {
      state = 'open';
    },
    (error: unknown) => {
      state = { failed: error };
    },
  );
  return {
    async check() {
      if (state === 'starting') {
        return [{ name: NAME, state: 'starting', detail: 'the embedded database is opening' }];
      }
      if (state !== 'open') return [{ name: NAME, state: 'down', detail: reasonOf(state.failed) }];
      // A thread that restarts (after a query was stopped) is starting, not down: it is back in
      // about a second, and readiness should not flap meanwhile.
      let timer: NodeJS.Timeout | undefined;
      const starting = new Promise<'starting'>((resolve) => {
        timer = setTimeout(() => resolve('starting'), THREAD_START_WAIT_MS);
      });
      try {
        const outcome = await Promise.race([host.ready().then(() => 'up' as const), starting]);
        return outcome === 'up'
          ? [{ name: NAME, state: 'up', detail: 'embedded (PGlite)' }]
          : [{ name: NAME, state: 'starting', detail: 'the embedded database thread is starting' }];
      } catch (error) {
        return [{ name: NAME, state: 'down', detail: reasonOf(error) }];
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {},
  };
}

/** One line on why, with no URL, password or path (it is shown on an unauthenticated endpoint). */
function reasonOf(error: unknown, url?: string): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const known: string[] = [];
  if (url) {
    known.push(url);
    try {
      const password = new URL(url).password;
      if (password) known.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL (a keyword/value string): the patterns below still apply.
    }
  }
  const reason = redactSecrets(message, known)
    .replace(/\w+:\/\/\S+/g, '<url>')
    .replace(/(?:^|\s)\/\S+/g, ' <path>')
    .trim();
  return (reason || 'no reason given').slice(0, 200);
}
