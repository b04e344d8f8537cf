import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A private PostgreSQL cluster for one test file: initdb in a temp dir, a free 127.0.0.1 port,
 * started and stopped by its own pg_ctl. initdb refuses to run as root, so as root the cluster
 * belongs to the `postgres` OS user (the Debian package creates it) and runs through runuser.
 */
/**
 * @typedef {object} Cluster
 * @property {number} port
 * @property {string} adminUrl A superuser URL, for setup and for checking from outside that nothing changed.
 * @property {string} readerUrl A least-privilege role: LOGIN, SELECT where granted, nothing else.
 * @property {string} writerUrl A role that owns nothing but may write where granted (for execute).
 * @property {(sql: string, params?: unknown[]) => Promise<any[]>} admin Runs SQL as the superuser on a fresh connection.
 * @property {() => Promise<void>} stop
 */

/** @param {string} name */
function findBin(name) {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath && !onPath.startsWith('/usr/bin/')) return onPath; // Debian's /usr/bin ones are wrappers
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin', name);
  }
  if (onPath) return onPath;
  throw new Error(`${name} not found: install the PostgreSQL server (apt-get install postgresql)`);
}

/** @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root. */
/** @param {string} bin @param {string[]} args */
async function pgRun(bin, args) {
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', bin, ...args], { cwd: os.tmpdir() });
  else await run(bin, args);
}

/**
 * @param {{ settings?: string[] }} [options] extra `-c name=value` server settings
 * @returns {Promise<Cluster>}
 */
export async function startCluster(extra = {}) {
  const initdb = findBin('initdb');
  const pgCtl = path.join(path.dirname(initdb), 'pg_ctl');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-pg-'));
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  const password = 'admin-pw';
  writeFileSync(pwfile, password);
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs the `postgres` OS user');
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  await pgRun(initdb, [
    '-D',
    data,
    '-U',
    'admin',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=120',
    '-c shared_buffers=32MB',
    ...(extra.settings ?? []).map((s) => `-c ${s}`),
  ].join(' ');
  await pgRun(pgCtl, ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);

  const url = (/** @type {string} */ user, /** @type {string} */ pw) =>
    `postgresql://${user}:${pw}@127.0.0.1:${port}/postgres`;
  const adminUrl = url('admin', password);
  const admin = async (/** @type {string} */ sql, /** @type {unknown[]} */ params) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query(sql, /** @type {any[]} */ (params))).rows;
    } finally {
      await client.end();
    }
  };
  await admin(`
    CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
    CREATE ROLE writer LOGIN PASSWORD 'writer-pw';
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO writer;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO writer;
  `);
  let stopped = false;
  return {
    port,
    adminUrl,
    readerUrl: url('reader', 'reader-pw'),
    writerUrl: url('writer', 'writer-pw'),
    admin,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgRun(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
