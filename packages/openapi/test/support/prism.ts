import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A path inside @readme/oas-examples. */
export function example(path: string): string {
  return join(dirname(require.resolve('@readme/oas-examples/package.json')), path);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Prism {
  url: string;
  /** Requests Prism has logged as received so far. */
  received(): number;
  /** Whether the Prism process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

/** Prism mocking a spec on 127.0.0.1 (with --errors: it answers invalid requests with 4xx). */
export async function startPrism(spec: string): Promise<Prism> {
  const bin = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bin, 'mock', '-h', '127.0.0.1', '-p', String(port), '--errors', spec],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    const collect = (chunk: Buffer) => {
      log += chunk.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    try {
      await listening(child);
      return {
        url: `http://127.0.0.1:${port}`,
        received: () => log.split('Request received').length - 1,
        alive: () => child.exitCode === null && child.signalCode === null,
        stop: () => stop(child),
      };
    } catch (error) {
      await stop(child);
      if (attempt >= 2) throw error;
    }
  }
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${log.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`prism exited (${code}):\n${log.slice(-2000)}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
