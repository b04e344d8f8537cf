import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@mcpkit/core';
import type { WireLimits } from '../db/wire-guard.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';

/** The compiled worker beside this file; from the TypeScript sources (tests), the built one. */
function workerFile(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL(here.href.replace('/src/embedded/', '/dist/embedded/'));
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('The embedded database worker is not built: run `npm run build` first');
}

/**
 * Embedded, this process holds PGlite (~70 MB of WebAssembly) beside the server: the server's
 * young generation is kept at its size now instead of doubling under load up to 16 MB a
 * semi-space (~30 MB more resident; the bin sets the same at start for `serve postgres` with no
 * URL). V8 reads the growth factor each time it grows the young generation, but setting up a
 * new isolate (each worker) puts a factor under 2 back to 2 for the whole process: so it is set
 * again once the worker's isolate exists. bench/RESULTS.md has the peaks with and without.
 */
function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

interface Pending {
  resolve: (reply: Uint8Array) => void;
  reject: (error: Error) => void;
}

/**
 * Settings every embedded start uses: small buffers keep the process's memory bounded. PGlite
 * touches all of shared_buffers at start (16 MB would be 12 MB more resident memory); pages
 * beyond it are read through the operating system's cache, which costs a point query on a
 * 1M-row table nothing measurable.
 */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_buffers: '4MB',
  work_mem: '4MB',
  temp_buffers: '4MB',
  maintenance_work_mem: '16MB',
};

/**
 * Owns the worker thread that runs PGlite on one data folder. Requests are protocol messages
 * in, Postgres's answer out, in order. `kill()` ends the worker at once (a query past its
 * deadline, a cancelled call) and starts a fresh one on the same folder; every connection of
 * the old worker fails, so nothing of a killed session survives.
 */
export class EmbeddedHost {
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Bumped each time a worker starts; a connection belongs to one generation. */
  generation = 0;

  constructor(
    readonly dataDir: string,
    private readonly logger?: Logger,
  ) {}

  /** Resolves when a worker is up (starting one if none is). */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The embedded database is closed'));
    this.starting ??= this.start();
    return this.starting;
  }

  private start(): Promise<void> {
    const generation = ++this.generation;
    // A worker that was terminated leaves its lock file behind; it is ours and it is dead.
    rmSync(path.join(this.dataDir, 'postmaster.pid'), { force: true });
    const init: WorkerInit = { dataDir: this.dataDir, settings: EMBEDDED_SETTINGS };
    // PGlite's own memory is WebAssembly's; its thread's JS heap needs little (saves ~20 MB).
    const worker = new Worker(workerFile(), {
      workerData: init,
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.worker = worker;
    worker.once('online', keepYoungGenerationSmall);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerReply) => {
        if ('ready' in message) return resolve();
        if ('fatal' in message) {
          reject(new Error(`The embedded database did not start: ${message.fatal}`));
          void worker.terminate();
          return;
        }
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if ('error' in message) pending.reject(new Error(message.error));
        else pending.resolve(message.reply);
      });
      worker.on('error', (error) => {
        this.logger?.error({ err: error }, 'embedded database worker failed');
        reject(error);
      });
      worker.on('exit', () => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.starting = undefined;
        }
        if (generation === this.generation) this.failPending(new Error('The embedded database stopped'));
        reject(new Error('The embedded database stopped while starting'));
      });
    });
  }

  /** Sends protocol messages of one connection of `generation`; resolves with the answer. */
  async request(generation: number, bytes: Uint8Array, limits?: WireLimits): Promise<Uint8Array> {
    await this.ready();
    const worker = this.worker;
    if (!worker || generation !== this.generation) throw new Error('The embedded database was restarted');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, limits } satisfies WorkerRequest, [bytes.buffer as ArrayBuffer]);
    });
  }

  /**
   * Ends the running worker now (its query with it) and starts a fresh one in the background.
   * With `generation`, only if that worker is still the one running (a connection of an
   * already-replaced worker must not end its successor).
   */
  kill(reason: string, generation?: number): void {
    const worker = this.worker;
    if (!worker || (generation !== undefined && generation !== this.generation)) return;
    this.logger?.warn({ reason }, 'stopping the embedded database thread');
    this.worker = undefined;
    this.starting = undefined;
    this.failPending(new Error(`The embedded database query was stopped: ${reason}`));
    void worker.terminate().then(() => {
      if (!this.closed) this.ready().catch(() => {}); // warm up the next one
    });
  }

  private failPending(error: Error) {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const id = this.nextId++;
    const done = new Promise<void>((resolve) => {
      this.pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
      worker.postMessage({ id, close: true } satisfies WorkerRequest);
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([done, timeout]);
    await worker.terminate();
  }
}
