import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DirHandle } from '../sandbox/sandbox.js';
import type { ContentQuery, Finder, LineHit } from './content-search.js';
import {
  type BatchResult,
  BatchScanner,
  DONE,
  type FromWorker,
  LARGE,
  type ScanSettings,
  STOP,
  type ToWorker,
} from './file-scan.js';

/**
 * When a content search brings in its second thread, and how it shares the work. A small
 * search never pays for the worker; tests lower the thresholds (and the batch size).
 */
export const searchParallelism = {
  enabled: true,
  /** Files the walk has met, or milliseconds since the search began, before going parallel. */
  afterFiles: 2000,
  afterMs: 30,
  /** Files per batch handed out; batches the worker may have queued before the main thread helps. */
  batchFiles: 128,
  inFlight: 2,
};

/** What parallel searches did, for tests: searches run, batches searched by each thread. */
export const parallelCounts = { searches: 0, workerBatches: 0, hereBatches: 0, largeToWorker: 0 };

/** The compiled worker beside this file; from the TypeScript sources (tests), the built one. */
function workerFile(): URL | undefined {
  const here = new URL('./search-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL(here.href.replace('/src/fs/', '/dist/fs/'));
  if (existsSync(fileURLToPath(built))) return built;
  return undefined; // not built: searches stay single-threaded
}

interface SearchHooks {
  reply(reply: FromWorker): void;
  /** The worker stopped: every batch it had is searched again by the main thread. */
  lost(): void;
}

/**
 * The one search worker of the process, started by the first large search and kept for the
 * next ones. Unreferenced while no search uses it, so it never keeps the process alive.
 */
class SearchWorker {
  private worker: Worker | undefined;
  private failures = 0;
  private readonly searches = new Map<number, SearchHooks>();
  private nextSearch = 1;

  /** A worker ready to take messages, or undefined when none can run. */
  private ensure(): Worker | undefined {
    if (this.worker) return this.worker;
    if (this.failures >= 3) return undefined;
    const file = workerFile();
    if (!file) {
      this.failures = 3;
      return undefined;
    }
    let worker: Worker;
    try {
      worker = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    } catch {
      this.failures++;
      return undefined;
    }
    worker.unref();
    worker.on('message', (reply: FromWorker) => this.searches.get(reply.search)?.reply(reply));
    const gone = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failures++;
      for (const hooks of [...this.searches.values()]) hooks.lost();
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    this.worker = worker;
    return worker;
  }

  /** Registers a search; undefined when no worker can run (the search stays single-threaded). */
  begin(message: Omit<Extract<ToWorker, { kind: 'search' }>, 'kind' | 'search'>, hooks: SearchHooks) {
    const worker = this.ensure();
    if (!worker) return undefined;
    const search = this.nextSearch++;
    this.searches.set(search, hooks);
    if (this.searches.size === 1) worker.ref(); // a search is waiting on it
    worker.postMessage({ kind: 'search', search, ...message } satisfies ToWorker);
    return search;
  }

  /** False when the worker is gone (the caller searches the batch itself). */
  post(message: ToWorker): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(message);
    return true;
  }

  /** Ends the worker once no search uses it (a later search starts a new one). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.searches.size > 0) return;
    this.worker = undefined;
    await worker.terminate();
  }

  end(search: number): void {
    if (!this.searches.delete(search)) return;
    this.worker?.postMessage({ kind: 'end', search } satisfies ToWorker);
    if (this.searches.size === 0) this.worker?.unref();
  }
}

const sharedWorker = new SearchWorker();

/**
 * Ends the search worker if it is idle. It never holds the process open (it is unreferenced
 * between searches), so this is only tidiness: for a server's close hook.
 */
export function closeSearchWorker(): Promise<void> {
  return sharedWorker.close();
}

interface Job {
  dir: DirHandle;
  name: string;
  rel: string;
}

interface Unit {
  jobs: Job[];
  result?: BatchResult;
  /** Results of files the main thread left to the worker (larger than one window), by index. */
  large?: Map<number, BatchResult>;
  /** Messages of this unit the worker has not answered. */
  waiting: number;
}

function largeOf(unit: Unit): Map<number, BatchResult> {
  unit.large ??= new Map();
  return unit.large;
}

/** Takes one file's outcome in walk order; false once the answer is full (the search stops). */
export type Commit = (code: number, windows: LineHit[][] | undefined, rel: string) => boolean;

/**
 * One content search spread over the main thread and the worker. The walk (with .gitignore,
 * include and exclude) stays on the main thread and hands files out in batches: to the worker
 * while it has fewer than `inFlight` batches queued, else the main thread searches the batch
 * itself. Outcomes are taken strictly in walk order, so the answer (hits, caps, counts) is the
 * single-threaded one. Every folder named in a batch is held open until the batch is done.
 */
export class ParallelScan {
  private readonly units = new Map<number, Unit>();
  /** Messages sent to the worker and not answered: message number -> unit and file index. */
  private readonly posted = new Map<number, { unit: Unit; index?: number }>();
  private current: Job[] = [];
  private nextUnit = 0;
  private nextCommit = 0;
  private nextMessage = 0;
  private sent = 0;
  private stopped = false;
  private readonly here: BatchScanner;
  private wholeHere: BatchScanner | undefined;
  private settled: (() => void) | undefined;

  private constructor(
    private readonly search: number,
    /** Shared with the worker: STOP (set here), DONE (batches it has answered). */
    private readonly control: Int32Array,
    private readonly find: Finder,
    private readonly settings: ScanSettings,
    private readonly commit: Commit,
  ) {
    this.here = new BatchScanner(find, settings, 'defer');
  }

  /** A parallel search, or undefined when no worker can run here. */
  static start(
    query: ContentQuery,
    find: Finder,
    settings: ScanSettings,
    commit: Commit,
  ): ParallelScan | undefined {
    let scan: ParallelScan | undefined;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const search = sharedWorker.begin(
      { query, settings, control },
      { reply: (reply) => scan?.onReply(reply), lost: () => scan?.onLost() },
    );
    if (search === undefined) return undefined;
    scan = new ParallelScan(search, control, find, settings, commit);
    parallelCounts.searches++;
    return scan;
  }

  /** Queues a file; false once the answer is full and the walk should stop. */
  add(dir: DirHandle, name: string, rel: string): boolean {
    if (this.stopped) return false;
    dir.hold();
    this.current.push({ dir, name, rel });
    if (this.current.length >= searchParallelism.batchFiles) this.dispatch();
    return !this.stopped;
  }

  private dispatch(): void {
    const jobs = this.current;
    if (!jobs.length) return;
    this.current = [];
    const id = this.nextUnit++;
    const unit: Unit = { jobs, waiting: 0 };
    this.units.set(id, unit);
    const queued = this.sent - Atomics.load(this.control, DONE);
    const paths = jobs.map((job) => job.dir.child(job.name));
    if (queued < searchParallelism.inFlight && this.post(unit, paths)) parallelCounts.workerBatches++;
    else {
      parallelCounts.hereBatches++;
      unit.result = this.here.scan(paths, () => this.stopped);
      unit.result.codes.forEach((code, index) => {
        if (code !== LARGE) return;
        if (this.post(unit, [paths[index]!], index)) parallelCounts.largeToWorker++;
        else {
          // No worker any more: searched here, window by window.
          largeOf(unit).set(index, this.scanWhole([paths[index]!]));
        }
      });
    }
    this.drain();
  }

  private post(unit: Unit, paths: string[], index?: number): boolean {
    const batch = this.nextMessage++;
    if (!sharedWorker.post({ kind: 'batch', search: this.search, batch, paths })) return false;
    this.posted.set(batch, { unit, index });
    unit.waiting++;
    this.sent++;
    return true;
  }

  private scanWhole(paths: string[]): BatchResult {
    this.wholeHere ??= new BatchScanner(this.find, this.settings, 'scan');
    return this.wholeHere.scan(paths, () => this.stopped);
  }

  private onReply(reply: FromWorker): void {
    const post = this.posted.get(reply.batch);
    if (!post) return;
    this.posted.delete(reply.batch);
    const { unit, index } = post;
    let result: BatchResult = reply;
    if (reply.lost) {
      const jobs = index === undefined ? unit.jobs : [unit.jobs[index]!];
      result = this.scanWhole(jobs.map((job) => job.dir.child(job.name)));
    }
    if (index === undefined) unit.result = result;
    else largeOf(unit).set(index, result);
    unit.waiting--;
    this.drain();
  }

  /** The worker died: what it had is searched here (its folders are still held). */
  private onLost(): void {
    for (const [batch] of [...this.posted]) {
      this.onReply({ search: this.search, batch, codes: new Uint8Array(0), hits: [], lost: true });
    }
  }

  /** Takes every finished unit in order, and releases the folders of each. */
  private drain(): void {
    for (let unit = this.units.get(this.nextCommit); unit; unit = this.units.get(this.nextCommit)) {
      if (unit.waiting > 0 || !unit.result) break;
      this.units.delete(this.nextCommit++);
      if (!this.stopped) this.take(unit);
      for (const job of unit.jobs) job.dir.release();
    }
    if (this.posted.size === 0) this.settled?.();
  }

  private take(unit: Unit): void {
    const { codes, hits } = unit.result!;
    let next = 0;
    for (let i = 0; i < unit.jobs.length; i++) {
      let code = codes[i]!;
      let windows: LineHit[][] | undefined;
      if (next < hits.length && hits[next]![0] === i) windows = hits[next++]![1];
      if (code === LARGE) {
        const large = unit.large!.get(i)!;
        code = large.codes[0]!;
        windows = large.hits[0]?.[1];
      }
      if (!this.commit(code, windows, unit.jobs[i]!.rel)) {
        this.stop();
        return;
      }
    }
  }

  private stop(): void {
    this.stopped = true;
    Atomics.store(this.control, STOP, 1); // the worker skips the rest of what it has
  }

  /**
   * Searches what is left and takes every outcome (`abort`: drops the rest); resolves once
   * the worker has answered every batch and every folder is released.
   */
  async finish(abort = false): Promise<void> {
    if (abort || this.stopped) {
      this.stop();
      for (const job of this.current) job.dir.release();
      this.current = [];
    } else this.dispatch();
    try {
      if (this.posted.size > 0) {
        await new Promise<void>((resolve) => {
          this.settled = resolve;
        });
      }
    } finally {
      this.settled = undefined;
      // Stopped early: units after the cap or the cancel are dropped with their holds.
      for (const unit of this.units.values()) for (const job of unit.jobs) job.dir.release();
      this.units.clear();
      sharedWorker.end(this.search);
    }
  }
}
