import { type ChildProcess, spawn } from 'node:child_process';
import {
  deserializeMessage,
  type JSONRPCMessage,
  serializeMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import { groupAlive, signalGroup, trackGroup, untrackGroup } from './process-groups.js';
import type { StderrRing } from './stderr-ring.js';

export interface ProcessGroupTransportOptions {
  command: string;
  args?: readonly string[];
  /** The complete environment of the child (build it with `upstreamEnvironment`). */
  env: Record<string, string>;
  cwd?: string;
  /** Where stderr lines go (redacted, bounded); without it stderr is read and dropped. */
  stderr?: StderrRing;
  /** Longest stdout line accepted, in bytes; a longer one closes the transport. Default 16 MiB. */
  maxLineBytes?: number;
  /** Lines on stdout that are not JSON-RPC tolerated before the transport closes. Default 100. */
  maxGarbageLines?: number;
  /** How long the child may take to exit after its stdin ends, before SIGTERM. Default 1000 ms. */
  exitGraceMs?: number;
  /** How long the group may take to die after SIGTERM, before SIGKILL. Default 2000 ms. */
  termGraceMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Waits until the group has no live member or `ms` passed; true when it is gone. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * A stdio client transport whose child leads its own process group (`detached`), so that closing
 * it, or the child dying, takes the whole tree down: wrappers such as `npx`, `uvx` or
 * `sh -c 'helper & exec server'` leave their grandchildren behind otherwise (the SDK's own stdio
 * transport signals the direct child only). The close is: end stdin, wait, SIGTERM to the group,
 * wait, SIGKILL to the group. `onclose` fires when the child exits, not when its pipes close: a
 * grandchild holding stdout must not keep a dead upstream looking alive.
 */
export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  #child?: ChildProcess;
  #pgid?: number;
  #buffer: Buffer[] = [];
  #delivery: Promise<void> = Promise.resolve();
  #buffered = 0;
  #garbage = 0;
  #closed = false;
  #exit?: Promise<void>;
  #exitInfo?: { code: number | null; signal: NodeJS.Signals | null };

  constructor(private readonly options: ProcessGroupTransportOptions) {}

  /** The child's pid (also its process group id) once started. */
  get pid(): number | undefined {
    return this.#pgid;
  }

  /** How the child ended, once it has. */
  get exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.#exitInfo;
  }

  /** Lines on stdout that were not JSON-RPC. */
  get garbageLines(): number {
    return this.#garbage;
  }

  start(): Promise<void> {
    if (this.#child) throw new Error('ProcessGroupTransport already started');
    const { command, args = [], env, cwd } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env,
        ...(cwd ? { cwd } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
      this.#child = child;
      child.once('error', (error) => {
        // Spawn failures (ENOENT, EACCES) arrive here; later ones are pipe errors.
        if (!this.#pgid) {
          this.#closed = true;
          reject(error);
          return;
        }
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        this.#pgid = child.pid;
        if (this.#pgid) trackGroup(this.#pgid);
        resolve();
      });
      this.#exit = new Promise((done) => {
        child.once('exit', (code, signal) => {
          this.#exitInfo = { code, signal };
          this.options.stderr?.flush();
          this.options.stderr?.push(
            signal ? `[gateway] process ended by ${signal}` : `[gateway] process exited with code ${code}`,
          );
          done();
          void this.#reap();
        });
      });
      child.stdin.on('error', (error) => this.onerror?.(error));
      child.stdout.on('error', (error) => this.onerror?.(error));
      child.stdout.on('data', (chunk: Buffer) => this.#read(chunk));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => this.options.stderr?.write(chunk));
      child.stderr.on('error', () => {});
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (this.#closed || !stdin || stdin.destroyed) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve, reject) => {
      const ok = stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const child = this.#child;
    const pgid = this.#pgid;
    if (child && pgid) {
      const exited = this.#exitInfo !== undefined;
      try {
        child.stdin?.end();
      } catch {}
      if (!exited) {
        await Promise.race([this.#exit, sleep(this.options.exitGraceMs ?? 1000)]);
      }
      await this.#killGroup(pgid);
    }
    this.#finish();
  }

  /** The child exited on its own (a crash, or the end of its work): the rest of its group goes too. */
  async #reap(): Promise<void> {
    const pgid = this.#pgid;
    if (!this.#closed) {
      this.#closed = true;
      this.#finish();
    }
    if (pgid) await this.#killGroup(pgid);
  }

  async #killGroup(pgid: number): Promise<void> {
    if (groupAlive(pgid)) {
      signalGroup(pgid, 'SIGTERM');
      if (!(await groupGone(pgid, this.options.termGraceMs ?? 2000))) signalGroup(pgid, 'SIGKILL');
    }
    untrackGroup(pgid);
  }

  #finishing = false;
  #finish(): void {
    if (this.#finishing) return;
    this.#finishing = true;
    const child = this.#child;
    child?.stdout?.destroy();
    child?.stdin?.destroy();
    child?.stderr?.destroy();
    this.#buffer = [];
    this.#buffered = 0;
    this.onclose?.();
  }

  #read(chunk: Buffer): void {
    let start = 0;
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, index);
      const line = this.#buffered ? Buffer.concat([...this.#buffer, piece]) : piece;
      this.#buffer = [];
      this.#buffered = 0;
      start = index + 1;
      this.#line(line.toString('utf8').replace(/\r$/, ''));
      if (this.#closed) return;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.#buffered += rest.length;
      this.#buffer.push(rest);
      const max = this.options.maxLineBytes ?? 16 * 1024 * 1024;
      if (this.#buffered > max) {
        this.#fail(`upstream wrote a line over ${max} bytes to stdout`);
      }
    }
  }

  #line(line: string): void {
    if (line.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch {
      this.#garbage++;
      this.options.stderr?.push(`[stdout, not JSON-RPC] ${line.slice(0, 200)}`);
      const max = this.options.maxGarbageLines ?? 100;
      if (this.#garbage > max)
        this.#fail(`upstream wrote more than ${max} lines to stdout that are not JSON-RPC`);
      return;
    }
    // One message per microtask turn: the SDK runs notification handlers a microtask after they
    // arrive but responses at once, so a progress notification and the response right behind it
    // in one chunk would otherwise lose the progress (its handler is gone with the response).
    this.#delivery = this.#delivery.then(() => {
      if (!this.#finishing) this.onmessage?.(message);
    });
  }

  #fail(reason: string): void {
    this.options.stderr?.push(`[gateway] ${reason}; closing`);
    this.onerror?.(new Error(reason));
    void this.close();
  }
}
