import fs from 'node:fs';
import { O_NOFOLLOW, O_NONBLOCK } from '../sandbox/platform.js';
import {
  type ContentQuery,
  countNewlines,
  type Finder,
  type LineHit,
  searchBuffer,
} from './content-search.js';
import { looksBinary, SNIFF_BYTES } from './text.js';

// No @mcpkit/core here: the search worker thread loads this module.

/** What became of one file of a batch (the tool counts it as the single-threaded search does). */
export const OPEN_FAILED = 0;
export const EMPTY = 1;
export const BINARY = 2;
export const SEARCHED = 3;
export const HARDLINKED = 4;
/** Opened, then a read failed; any hits of earlier windows stand, as they do single-threaded. */
export const FAILED = 5;
/** Larger than one window and left to the worker thread (see BatchScanner `large`). */
export const LARGE = 6;

export interface ScanSettings {
  contextLines: number;
  maxResults: number;
  maxLineChars: number;
  /** Files are searched whole up to this size, and in line-aligned windows of it beyond. */
  windowBytes: number;
  /** The page bound on the answer: a batch stops early once its own hits alone pass it. */
  pageBytes: number;
  allowHardlinks: boolean;
}

export interface BatchResult {
  /** One code per file of the batch. */
  codes: Uint8Array;
  /** The hits of each file that has some, by window, in file order: [file index, hits per window]. */
  hits: [number, LineHit[][]][];
}

/**
 * Searches batches of files named by paths through their folder's descriptor
 * (`/proc/self/fd/N/name`; the caller keeps N open until the batch is done), with the exact
 * steps of the single-threaded search, so the tool can merge the outcomes in walk order and
 * give the same answer. A batch stops early once its own hits reach the cap: the merge reaches
 * the cap at or before that file, so nothing after it could be shown.
 */
export class BatchScanner {
  private buffer = Buffer.allocUnsafe(256 * 1024);
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly find: Finder,
    private readonly settings: ScanSettings,
    /** 'scan': search a large file window by window here; 'defer': answer LARGE. */
    private readonly large: 'scan' | 'defer',
  ) {}

  scan(paths: readonly string[], stopped: () => boolean): BatchResult {
    const result: BatchResult = { codes: new Uint8Array(paths.length), hits: [] };
    this.count = 0;
    this.bytes = 0;
    for (let i = 0; i < paths.length; i++) {
      if (this.full() || stopped()) break; // the rest is past the cap, or not wanted
      result.codes[i] = this.scanFile(paths[i]!, i, result.hits, stopped);
    }
    return result;
  }

  private full(): boolean {
    return this.count >= this.settings.maxResults || this.bytes > this.settings.pageBytes;
  }

  private scanFile(path: string, index: number, out: BatchResult['hits'], stopped: () => boolean): number {
    let fd: number;
    try {
      fd = fs.openSync(path, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch {
      return OPEN_FAILED;
    }
    try {
      let read = fs.readSync(fd, this.buffer, 0, this.buffer.length, 0);
      if (read === 0) return EMPTY;
      if (looksBinary(this.buffer.subarray(0, Math.min(read, SNIFF_BYTES)))) return BINARY;
      if (read === this.buffer.length) {
        const size = fs.fstatSync(fd).size;
        if (size > this.settings.windowBytes) {
          return this.large === 'defer' ? LARGE : this.scanWindows(fd, size, index, out, stopped);
        }
        if (size > read) {
          const grown = Buffer.allocUnsafe(size);
          this.buffer.copy(grown, 0, 0, read);
          this.buffer = grown;
          read += fs.readSync(fd, this.buffer, read, size - read, read);
        }
      }
      const hits = this.take(fd, this.buffer, read, 1);
      if (hits === undefined) return HARDLINKED;
      if (hits.length) out.push([index, [hits]]);
      return SEARCHED;
    } catch {
      return FAILED;
    } finally {
      fs.closeSync(fd);
    }
  }

  private scanWindows(
    fd: number,
    size: number,
    index: number,
    out: BatchResult['hits'],
    stopped: () => boolean,
  ): number {
    const window = Buffer.allocUnsafe(this.settings.windowBytes);
    const windows: LineHit[][] = [];
    try {
      let position = 0;
      let firstLine = 1;
      while (position < size && !this.full() && !stopped()) {
        const read = fs.readSync(fd, window, 0, Math.min(window.length, size - position), position);
        if (read === 0) break;
        let end = read;
        if (position + read < size) {
          // Keep whole lines in the window; the partial last line starts the next one.
          const lastNewline = window.lastIndexOf(0x0a, read - 1);
          if (lastNewline > 0) end = lastNewline + 1;
        }
        const hits = this.take(fd, window, end, firstLine);
        if (hits === undefined) return HARDLINKED;
        windows.push(hits);
        firstLine += countNewlines(window, 0, end);
        position += end;
      }
      return SEARCHED;
    } catch {
      return FAILED;
    } finally {
      if (windows.some((hits) => hits.length)) out.push([index, windows]);
    }
  }

  /** The hits of one window, or undefined when the file is refused under the hard-link policy. */
  private take(fd: number, bytes: Buffer, end: number, firstLine: number): LineHit[] | undefined {
    const { settings } = this;
    const hits = searchBuffer(bytes, end, this.find, {
      contextLines: settings.contextLines,
      maxHits: settings.maxResults - this.count,
      maxLineChars: settings.maxLineChars,
      firstLine,
    });
    if (hits.length && !linkAllowed(fs.fstatSync(fd), settings.allowHardlinks)) return undefined;
    // Counted as the tool counts them, less the path (unknown here): never more than the merge.
    this.count += hits.length;
    for (const hit of hits) {
      this.bytes += hit.text.length + 16;
      for (const line of [...(hit.before ?? []), ...(hit.after ?? [])]) this.bytes += line.length + 16;
    }
    return hits;
  }
}

// The messages between the main thread and the search worker (search-worker.ts).
export type ToWorker =
  | { kind: 'search'; search: number; query: ContentQuery; settings: ScanSettings; control: Int32Array }
  | { kind: 'batch'; search: number; batch: number; paths: string[] }
  | { kind: 'end'; search: number };

export interface FromWorker extends BatchResult {
  search: number;
  batch: number;
  /** The worker could not search the batch: the main thread searches it. */
  lost?: boolean;
}

/** Slots of a search's shared control array. */
export const STOP = 0;
export const DONE = 1;

/** Sandbox.linkAllowed, for a thread without the sandbox. */
function linkAllowed(stat: fs.Stats, allowHardlinks: boolean): boolean {
  return allowHardlinks || !stat.isFile() || stat.nlink <= 1;
}
