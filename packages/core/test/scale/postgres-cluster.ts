import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/redis.js';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** The newest PostgreSQL server binaries (Debian keeps them off PATH), or undefined. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  return onPath ? path.dirname(onPath) : undefined;
}

export function hasPostgres(): boolean {
  return binDir() !== undefined && (!asRoot || spawnSync('id', ['-u', 'postgres']).status === 0);
}

async function pg(bin: string, args: string[]): Promise<void> {
  const command = path.join(binDir()!, bin);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: os.tmpdir() });
  else await run(command, args);
}

/**
 * A private PostgreSQL cluster the test can stop and start again on the same port and data
 * (a database restart). Trust authentication on 127.0.0.1 only; stopped by pg_ctl.
 */
export class RestartableCluster {
  private running = false;
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<RestartableCluster> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-pg-restart-'));
    if (asRoot) {
      const id = (flag: string) =>
        Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(dir, id('-u'), id('-g'));
    }
    await pg('initdb', [
      '-D',
      path.join(dir, 'data'),
      '-U',
      'admin',
      '--auth=trust',
      '--no-locale',
      '--no-sync',
    ]);
    const cluster = new RestartableCluster(dir, await freePort());
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgresql://admin@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`;
    await pg('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      'start',
    ]);
    this.running = true;
  }

  /** A fast shutdown: open connections are ended, as on a database restart. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await pg('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
