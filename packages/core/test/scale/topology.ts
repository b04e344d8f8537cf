import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { eraClientOptions } from '../../src/client/in-process.js';
import type { Era } from '../../src/define/context.js';
import { freePort } from '../support/redis.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../../..');
export const haproxyConfig = path.join(repoRoot, 'deploy/haproxy.cfg');

function haproxyBinary(): string | undefined {
  for (const candidate of ['haproxy', '/usr/sbin/haproxy']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  return undefined;
}

export function hasTopologyTools(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0 && haproxyBinary() !== undefined;
}

/** Waits for `check` to hold, polling; throws with `what` after `ms`. Never a fixed sleep. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** A redis-server on a fixed loopback port that the test can stop and start again. */
export class RedisProcess {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
      child.stdout?.on('data', (chunk) => {
        if (String(chunk).includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = exited(child);
    child.kill('SIGTERM');
    await gone;
  }
}

/** One `mcpkit serve --config … --http` node (the built CLI), stopped by its PID. */
export class CliNode {
  private child?: ChildProcess;
  output = '';
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
    const child = spawn(
      process.execPath,
      [bin, 'serve', ...this.args, '--http', this.address, '--log-level', 'warn'],
      { cwd: repoRoot, env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.on('data', (chunk) => {
      this.output = (this.output + String(chunk)).slice(-20_000);
    });
    await waitFor(
      `${this.name} to answer /healthz`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output.slice(-2000)}`);
        return (await fetch(`http://${this.address}/healthz`)).ok;
      },
      20_000,
    );
  }

  /** SIGKILL: no goodbye, no closing of streams (a crashed machine). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** HAProxy running deploy/haproxy.cfg itself, the node addresses given through the environment. */
export class Balancer {
  private child?: ChildProcess;
  output = '';
  private constructor(readonly port: number) {}

  static async start(nodes: readonly string[]): Promise<Balancer> {
    const balancer = new Balancer(await freePort());
    const env: NodeJS.ProcessEnv = { ...process.env, MCPKIT_LISTEN: `127.0.0.1:${balancer.port}` };
    nodes.forEach((address, i) => {
      env[`MCPKIT_NODE${i + 1}`] = address;
    });
    const child = spawn(haproxyBinary()!, ['-db', '-f', haproxyConfig], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    balancer.child = child;
    const keep = (chunk: unknown) => {
      balancer.output = (balancer.output + String(chunk)).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor('HAProxy to route to a node', async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${balancer.output.slice(-2000)}`);
      return (await fetch(`${balancer.origin}/healthz`)).ok;
    });
    return balancer;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get url(): URL {
    return new URL(`${this.origin}/mcp`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = exited(child);
    child.kill('SIGTERM');
    await gone;
  }
}

/** An SDK client of one era through the balancer, recording which node answered each request. */
export async function connectVia(
  url: URL,
  era: Era,
  servedBy: string[] = [],
): Promise<{ client: Client; transport: StreamableHTTPClientTransport; servedBy: string[] }> {
  const fetchRecording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const node = response.headers.get('x-served-by');
    if (node) servedBy.push(node);
    return response;
  };
  const client = new Client({ name: 'scale-test', version: '1.0.0' }, eraClientOptions(era));
  const transport = new StreamableHTTPClientTransport(url, { fetch: fetchRecording });
  await client.connect(transport);
  return { client, transport, servedBy };
}

export function builtCli(): boolean {
  return existsSync(path.join(repoRoot, 'packages/cli/dist/bin.js'));
}
