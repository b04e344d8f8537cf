import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '@mcpkit/core';
import { type HttpServerHandle, serveRuntimeOverHttp } from '@mcpkit/core/http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The restartable cluster of core's fault tests: stopped and started again on the same port and data.
import { hasPostgres, RestartableCluster } from '../../core/test/scale/postgres-cluster.js';
import { createPostgresServer } from '../src/index.js';

/** A password the server is given in its URL (trust auth ignores it): it must never be shown. */
const PASSWORD = 'pw-never-shown-7731';

interface Readyz {
  status: number;
  body: { status: string; checks: Record<string, { ok: boolean; detail?: string; error?: string }> };
  text: string;
}

async function readyz(handle: HttpServerHandle): Promise<Readyz> {
  const response = await fetch(new URL('/readyz', handle.url), { signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

/** Polls /readyz until `wanted` holds; fails with the last answer after a generous deadline. */
async function waitForReadyz(
  handle: HttpServerHandle,
  what: string,
  wanted: (answer: Readyz) => boolean,
  ms = 60_000,
): Promise<Readyz> {
  const deadline = Date.now() + ms;
  let last: Readyz | undefined;
  while (Date.now() < deadline) {
    last = await readyz(handle);
    if (wanted(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; /readyz last said ${last?.status} ${last?.text}`);
}

/** A process's parent, from /proc (Linux). */
function parentOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * The PIDs of the PostgreSQL server at `url`: its postmaster (the parent of a backend this
 * opens) and every process it started. Only these are signalled.
 */
async function serverPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let postmaster: number | undefined;
  try {
    // Read while the backend runs: it exits with its connection.
    postmaster = parentOf(Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
  } finally {
    await client.end();
  }
  if (!postmaster) throw new Error('the postmaster was not found');
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentOf(pid) === postmaster);
  return [postmaster, ...children];
}

/** Signals `pid`; false when it has exited meanwhile (a backend that just ended). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

describe.skipIf(!hasPostgres())('/readyz with a PostgreSQL server (URL mode)', () => {
  let cluster: RestartableCluster;
  let runtime: Runtime;
  let handle: HttpServerHandle;
  let url: string;

  beforeAll(async () => {
    cluster = await RestartableCluster.create();
    url = cluster.url.replace('admin@', `admin:${PASSWORD}@`);
    runtime = await createRuntime(await createPostgresServer({ url }));
    handle = await serveRuntimeOverHttp(runtime, { port: 0 });
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    await runtime?.close();
    await cluster?.destroy();
  }, 60_000);

  it('is ready naming the database, 503 naming it while PostgreSQL is stopped, ready again once it is back', async () => {
    const up = await readyz(handle);
    expect(up.status).toBe(200);
    expect(up.body.checks.dependencies).toEqual({ ok: true, detail: 'database up' });
    const status = await (await fetch(new URL('/?format=json', handle.url))).json();
    expect(status.health).toEqual([
      { name: 'database', state: 'up', detail: expect.stringMatching(/^answered SELECT 1 in \d+ ms$/) },
    ]);

    // pg_ctl stops the postmaster this test started (the PID in its own data folder).
    await cluster.stop();
    const down = await waitForReadyz(handle, 'the database to be reported down', (a) => a.status === 503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.dependencies?.ok).toBe(false);
    expect(down.body.checks.dependencies?.error).toMatch(/^database down \(.+\)$/);
    for (const shown of [
      down.text,
      JSON.stringify(await (await fetch(new URL('/?format=json', handle.url))).json()),
    ]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain('postgresql://');
    }

    await cluster.start();
    const back = await waitForReadyz(handle, 'the database to be reported up again', (a) => a.status === 200);
    expect(back.body.checks.dependencies).toEqual({ ok: true, detail: 'database up' });
  }, 180_000);

  it.skipIf(process.platform !== 'linux')(
    'answers 503 without hanging while the server accepts connections but does not answer, and 200 once it does',
    async () => {
      await waitForReadyz(handle, 'the database to be up', (a) => a.status === 200);
      const stopped: number[] = [];
      try {
        for (const pid of await serverPids(url)) if (signal(pid, 'SIGSTOP')) stopped.push(pid);
        // Each answer comes back (its fetch would be aborted after 15 s): the probe is bounded.
        const down = await waitForReadyz(handle, 'a frozen database reported down', (a) => a.status === 503);
        expect(down.body.checks.dependencies?.error).toMatch(/^database down \(.+\)$/);
        expect(down.text).not.toContain(PASSWORD);
      } finally {
        for (const pid of stopped) signal(pid, 'SIGCONT');
      }
      await waitForReadyz(handle, 'the database to be up again', (a) => a.status === 200);
    },
    180_000,
  );
});

describe('/readyz with the embedded database', () => {
  let root: string;
  let runtime: Runtime;
  let handle: HttpServerHandle;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-readiness-'));
    const module = await createPostgresServer({
      dataDir: path.join(root, 'pgdata'),
      demoData: async () => ({ customers: [], products: [] }),
    });
    runtime = await createRuntime(module);
    handle = await serveRuntimeOverHttp(runtime, { port: 0 });
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    await runtime?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('names the database: starting (ready) while it opens, then up', async () => {
    const first = await readyz(handle);
    expect(first.status).toBe(200);
    expect(first.body.checks.dependencies?.detail).toMatch(/^database (starting|up)$/);
    const open = await waitForReadyz(
      handle,
      'the embedded database to be reported up',
      (a) => a.body.checks.dependencies?.detail === 'database up',
    );
    expect(open.status).toBe(200);
  }, 120_000);
});
