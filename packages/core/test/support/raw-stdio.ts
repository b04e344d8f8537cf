import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/client';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { eraClientOptions } from '../../src/client/in-process.js';
import type { Era } from '../../src/define/context.js';

export type Reply = {
  jsonrpc: '2.0';
  id: string | number | null;
  error?: { code: number; message: string };
  result?: unknown;
};

/**
 * Spawns a server and talks to it two ways over the same pipes: an SDK Client (numeric ids)
 * through a transport we control, and raw bytes we write ourselves. Replies with a null id or
 * a string id starting with "fuzz" are ours; everything else goes to the SDK client. Every
 * stdout line must be JSON: anything else fails the harness.
 */
export class RawStdioHarness {
  readonly child: ChildProcessWithoutNullStreams;
  readonly client: Client;
  readonly rawReplies: Reply[] = [];
  readonly badLines: string[] = [];
  private waiters: (() => void)[] = [];
  private transport: Transport;
  stderr = '';

  constructor(command: string, args: string[], era: Era) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    const harness = this;
    this.transport = {
      async start() {},
      async send(message: JSONRPCMessage) {
        await harness.write(`${JSON.stringify(message)}\n`);
      },
      async close() {
        harness.child.stdin.end();
      },
    };
    createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      let message: Reply;
      try {
        message = JSON.parse(line);
      } catch {
        this.badLines.push(line.slice(0, 200));
        return;
      }
      if (message.id === null || (typeof message.id === 'string' && message.id.startsWith('fuzz'))) {
        this.rawReplies.push(message);
        for (const wake of this.waiters.splice(0)) wake();
      } else {
        this.transport.onmessage?.(message as JSONRPCMessage);
      }
    });
    this.child.on('exit', () => this.transport.onclose?.());
    this.client = new Client({ name: 'fuzzer', version: '1.0.0' }, eraClientOptions(era));
  }

  connect(): Promise<void> {
    return this.client.connect(this.transport);
  }

  /** Writes bytes, honouring backpressure. */
  write(data: string | Buffer): Promise<void> {
    const stdin = this.child.stdin;
    return new Promise((resolve, reject) => {
      // Each write's listeners go once it settles (thousands of writes would otherwise pile them up).
      const done = () => {
        stdin.off('error', fail);
        resolve();
      };
      const fail = (error: Error) => {
        stdin.off('drain', done);
        reject(error);
      };
      stdin.once('error', fail);
      if (stdin.write(data)) done();
      else stdin.once('drain', done);
    });
  }

  /** Waits until at least `count` raw replies arrived (or times out). */
  async waitForReplies(count: number, timeoutMs = 20_000): Promise<Reply[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.rawReplies.length < count) {
      if (this.child.exitCode !== null)
        throw new Error(`server exited (${this.child.exitCode}): ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.rawReplies.length}/${count} replies`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.rawReplies.splice(0, count);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async close(): Promise<number | null> {
    await this.client.close().catch(() => {});
    this.child.stdin.end();
    if (this.child.exitCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          resolve(undefined);
        }, 5000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    return this.child.exitCode;
  }
}
