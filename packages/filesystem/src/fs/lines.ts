import type { ReadableFile } from '../sandbox/sandbox.js';
import { utf8Prefix } from './text.js';

const NEWLINE = 0x0a;
const SCAN_CHUNK = 1024 * 1024;
const FIRST_STEP = 16 * 1024;
const TAIL_CHUNK = 64 * 1024;

/** What one read by lines returned, and where the next one starts. */
export interface LineWindow {
  /** The bytes read, decoded as UTF-8 (a leading BOM removed). */
  text: string;
  /** First line shown (1-based), when known (tail reads do not count lines). */
  firstLine?: number;
  /** Lines shown (a cut line counts as one). */
  lines: number;
  startByte: number;
  endByte: number;
  /** The last line shown was longer than the byte budget and is cut short. */
  cutLine: boolean;
  /** The line to pass as `offset` to continue, when there is more after this window. */
  nextOffset?: number;
}

/**
 * Where lines start in files read recently: (line, byte) checkpoints, so reading on from
 * where the last read stopped costs one seek however deep into a large file it is. Keyed by
 * device and inode, and dropped when size or modification time changes.
 */
class LineIndex {
  private readonly files = new Map<string, { version: string; marks: [number, number][] }>();

  constructor(private readonly maxFiles = 64) {}

  private entry(key: string, version: string) {
    let entry = this.files.get(key);
    if (entry && entry.version !== version) entry = undefined;
    if (!entry) {
      entry = { version, marks: [[1, 0]] };
      this.files.set(key, entry);
      if (this.files.size > this.maxFiles) this.files.delete(this.files.keys().next().value!);
    }
    return entry;
  }

  /** The nearest known line start at or before `line`. */
  nearest(key: string, version: string, line: number): [number, number] {
    const marks = this.entry(key, version).marks;
    let lo = 0;
    let hi = marks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (marks[mid]![0] <= line) lo = mid;
      else hi = mid - 1;
    }
    return marks[lo]!;
  }

  record(key: string, version: string, line: number, byte: number): void {
    const marks = this.entry(key, version).marks;
    let at = marks.length;
    while (at > 0 && marks[at - 1]![0] > line) at--;
    if (at > 0 && marks[at - 1]![0] === line) return;
    marks.splice(at, 0, [line, byte]);
    if (marks.length > 4096) marks.splice(1 + Math.floor(Math.random() * (marks.length - 1)), 1);
  }
}

const index = new LineIndex();

export interface FileIdentity {
  /** Stable for the file (device:inode). */
  key: string;
  /** Changes when the file does (size and modification time). */
  version: string;
  size: number;
}

/**
 * The byte where line `line` (1-based) starts, scanning forward from the nearest known
 * checkpoint, or the file's line count when it has fewer lines. Only a first jump deep into a file
 * scans; reading on is one seek.
 */
async function lineStart(
  handle: ReadableFile,
  file: FileIdentity,
  line: number,
  signal?: AbortSignal,
): Promise<{ start: number } | { total: number }> {
  let [known, position] = index.nearest(file.key, file.version, line);
  if (known === line && (position < file.size || line === 1)) return { start: position };
  const buffer = Buffer.allocUnsafe(SCAN_CHUNK);
  let knownStart = position;
  while (position < file.size) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, SCAN_CHUNK, position);
    if (bytesRead === 0) break;
    const view = buffer.subarray(0, bytesRead);
    let at = view.indexOf(NEWLINE);
    let lastStart = -1;
    while (at !== -1) {
      known++;
      lastStart = position + at + 1;
      knownStart = lastStart;
      if (known === line) {
        index.record(file.key, file.version, known, lastStart);
        if (lastStart < file.size) return { start: lastStart };
        return { total: known - 1 };
      }
      at = view.indexOf(NEWLINE, at + 1);
    }
    if (lastStart !== -1) index.record(file.key, file.version, known, lastStart);
    position += bytesRead;
  }
  return { total: knownStart < file.size ? known : known - 1 };
}

/**
 * Reads up to `limit` lines from line `offset` (1-based), at most `maxBytes` bytes, never
 * more of the file than that (plus a scan for the start line when it is not yet known).
 */
export async function readLines(
  handle: ReadableFile,
  file: FileIdentity,
  options: { offset: number; limit: number; maxBytes: number; signal?: AbortSignal; prefetch?: Buffer },
): Promise<LineWindow | { pastEnd: number }> {
  const found =
    options.offset === 1 ? { start: 0 } : await lineStart(handle, file, options.offset, options.signal);
  if ('total' in found) return { pastEnd: found.total };
  const start = found.start;
  // Read in growing steps until enough lines are in: a head of 10 lines reads a few KiB, not
  // the whole byte budget.
  const want = Math.max(0, Math.min(options.maxBytes, file.size - start));
  let buffer = Buffer.allocUnsafe(Math.min(want, FIRST_STEP));
  let bytesRead = 0;
  let lines = 0;
  let end = 0;
  const count = (filled: number) => {
    const view = buffer.subarray(0, filled);
    for (
      let at = view.indexOf(NEWLINE, end);
      at !== -1 && lines < options.limit;
      at = view.indexOf(NEWLINE, end)
    ) {
      lines++;
      end = at + 1;
    }
  };
  if (start === 0 && options.prefetch?.length) {
    // The first bytes were already read (to tell text from binary): no second read for them.
    bytesRead = options.prefetch.copy(buffer, 0, 0, Math.min(options.prefetch.length, buffer.length));
    count(bytesRead);
  }
  while (bytesRead < want && lines < options.limit) {
    if (bytesRead === buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(want, buffer.length * 4));
      buffer.copy(grown, 0, 0, bytesRead);
      buffer = grown;
    }
    const { bytesRead: got } = await handle.read(
      buffer,
      bytesRead,
      buffer.length - bytesRead,
      start + bytesRead,
    );
    if (got === 0) break;
    bytesRead += got;
    count(bytesRead);
  }
  const view = buffer.subarray(0, bytesRead);
  let cutLine = false;
  const reachedEof = start + bytesRead >= file.size;
  if (lines < options.limit && end < bytesRead) {
    if (reachedEof) {
      lines++; // the last line has no newline
      end = bytesRead;
    } else if (lines === 0) {
      cutLine = true; // one line longer than the budget: show its start
      lines = 1;
      end = utf8Prefix(view, bytesRead);
    }
  }
  const endByte = start + end;
  let nextOffset: number | undefined;
  if (endByte < file.size) {
    // After a cut line, reading goes on from the line after it.
    nextOffset = options.offset + lines;
    if (!cutLine) index.record(file.key, file.version, nextOffset, endByte);
  }
  let text = view.subarray(0, end).toString('utf8');
  if (start === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, firstLine: options.offset, lines, startByte: start, endByte, cutLine, nextOffset };
}

/**
 * The last `count` lines, reading backwards from the end: at most `maxBytes` bytes are read
 * whatever the file's size, so a tail of a huge file costs what a tail of a small one does.
 */
export async function readTail(
  handle: ReadableFile,
  file: FileIdentity,
  options: { count: number; maxBytes: number },
): Promise<LineWindow> {
  const size = file.size;
  if (size === 0) return { text: '', lines: 0, startByte: 0, endByte: 0, cutLine: false };
  const chunks: Buffer[] = [];
  let position = size;
  let newlines = 0;
  let start = -1;
  let skipTrailing = true;
  // Scan back for the newline that ends the line before the first one wanted.
  let step = 4096; // grows: a tail of a few lines reads a few KiB
  outer: while (position > 0 && size - position < options.maxBytes) {
    const length = Math.min(step, position, options.maxBytes - (size - position));
    step = Math.min(step * 2, TAIL_CHUNK);
    position -= length;
    const chunk = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    const view = chunk.subarray(0, bytesRead);
    chunks.unshift(view);
    for (let i = view.length - 1; i >= 0; i--) {
      if (view[i] !== NEWLINE) {
        skipTrailing = false;
        continue;
      }
      if (skipTrailing && position + i === size - 1) {
        skipTrailing = false;
        continue; // the final newline ends the last line; it starts nothing
      }
      newlines++;
      if (newlines === options.count) {
        start = position + i + 1;
        break outer;
      }
    }
  }
  const window = Buffer.concat(chunks);
  let cutLine = false;
  if (start === -1) {
    if (position === 0) start = 0;
    else {
      // The budget ran out first: begin at the first whole line inside it.
      const first = window.indexOf(NEWLINE);
      if (first !== -1 && first + 1 < window.length) start = position + first + 1;
      else {
        start = position;
        cutLine = true;
      }
    }
  }
  let from = start - position;
  if (cutLine) while (from < window.length && ((window[from] ?? 0) & 0xc0) === 0x80) from++;
  const bytes = window.subarray(from);
  let lines = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) lines++;
  if (bytes.length && bytes[bytes.length - 1] !== NEWLINE) lines++;
  let text = bytes.toString('utf8');
  if (start === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, lines, startByte: position + from, endByte: size, cutLine };
}
