import { formatCount } from '@mcpkit/core';
import { PathError } from '../sandbox/errors.js';
import type { ReadableFile, Resolved, Sandbox } from '../sandbox/sandbox.js';
import { type FileIdentity, type LineWindow, readLines, readTail } from './lines.js';
import { decodeText, isUtf16, looksBinary, SNIFF_BYTES } from './text.js';

/** Largest UTF-16 file read: it is decoded whole, since its lines cannot be found byte-wise. */
const MAX_UTF16_BYTES = 16 * 1024 * 1024;

export type TextRequest =
  | { mode: 'lines'; offset: number; limit: number; maxBytes: number }
  | { mode: 'tail'; count: number; maxBytes: number };

export interface TextRead {
  window: LineWindow;
  size: number;
}

/** First bytes of an open file, to tell text from binary. */
export async function sniff(handle: ReadableFile, size: number): Promise<Buffer> {
  const length = Math.min(size, SNIFF_BYTES);
  const buffer = Buffer.allocUnsafe(length);
  const { bytesRead } = length ? await handle.read(buffer, 0, length, 0) : { bytesRead: 0 };
  return buffer.subarray(0, bytesRead);
}

/**
 * Reads part of a text file by lines, touching only the bytes it returns (plus, for a first
 * jump deep into a file, a scan for newlines): head, tail and paging cost the same on a
 * 1 GB file as on a small one. Binary files are refused with a pointer to read_media_file.
 */
export async function readText(
  sandbox: Sandbox,
  resolved: Resolved,
  request: TextRequest,
  signal?: AbortSignal,
): Promise<TextRead> {
  const { handle, stat } = await sandbox.openRead(resolved);
  try {
    const size = Number(stat.size);
    const file: FileIdentity = {
      key: `${stat.dev}:${stat.ino}`,
      version: `${stat.size}:${stat.mtimeNs}`,
      size,
    };
    const head = await sniff(handle, size);
    if (isUtf16(head)) return { window: await readUtf16(handle, resolved, size, request), size };
    if (looksBinary(head))
      throw new PathError(resolved.input, 'a binary file, not text (use read_media_file or get_file_info)');
    if (request.mode === 'tail') {
      return {
        window: await readTail(handle, file, { count: request.count, maxBytes: request.maxBytes }),
        size,
      };
    }
    const window = await readLines(handle, file, { ...request, signal, prefetch: head });
    if ('pastEnd' in window) {
      throw new PathError(
        resolved.input,
        `offset ${formatCount(request.offset)} is past the end: the file has ${formatCount(window.pastEnd)} lines`,
      );
    }
    return { window, size };
  } finally {
    // Not awaited: the answer need not wait a thread-pool round trip for a read-only
    // descriptor to close (it is closed right after, whatever happened).
    handle.close().catch(() => {});
  }
}

async function readUtf16(handle: ReadableFile, resolved: Resolved, size: number, request: TextRequest) {
  if (size > MAX_UTF16_BYTES)
    throw new PathError(resolved.input, 'a UTF-16 file over 16 MiB; only smaller UTF-16 files can be read');
  const bytes = Buffer.allocUnsafe(size);
  const { bytesRead } = await handle.read(bytes, 0, size, 0);
  const lines = decodeText(bytes.subarray(0, bytesRead)).text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  let first = request.mode === 'tail' ? Math.max(1, total - request.count + 1) : request.offset;
  if (first > Math.max(total, 1))
    throw new PathError(resolved.input, `offset ${first} is past the end: the file has ${total} lines`);
  const wanted = request.mode === 'tail' ? total - first + 1 : Math.min(request.limit, total - first + 1);
  const shown: string[] = [];
  let bytes16 = 0;
  for (let i = first - 1; i < first - 1 + wanted; i++) {
    const line = `${lines[i]}\n`;
    bytes16 += Buffer.byteLength(line);
    if (bytes16 > request.maxBytes && shown.length) break;
    shown.push(line);
  }
  if (request.mode === 'tail' && shown.length < wanted) first = total - shown.length + 1;
  const last = first + shown.length - 1;
  return {
    text: shown.join(''),
    firstLine: first,
    lines: shown.length,
    startByte: 0,
    endByte: size,
    cutLine: false,
    nextOffset: last < total && request.mode === 'lines' ? last + 1 : undefined,
  } satisfies LineWindow;
}

/** The note after a partial read: what was shown, and the argument that gets the rest. */
export function continuationNote(
  read: TextRead,
  maxBytes: number,
  tool = 'read_text_file',
): string | undefined {
  const { window, size } = read;
  const parts: string[] = [];
  if (window.cutLine) {
    parts.push(
      `The last line shown is longer than the ${formatCount(maxBytes)}-byte limit; only its start is shown.`,
    );
  }
  if (window.firstLine !== undefined && window.nextOffset !== undefined) {
    const last = window.firstLine + window.lines - 1;
    parts.push(
      `Showing lines ${formatCount(window.firstLine)}-${formatCount(last)} (bytes ${formatCount(window.startByte)}-${formatCount(window.endByte)} of ${formatCount(size)}). More follows: call ${tool} with offset=${window.nextOffset} to continue.`,
    );
  } else if (window.firstLine === undefined && window.startByte > 0) {
    parts.push(
      `Showing the last ${formatCount(window.lines)} lines (bytes ${formatCount(window.startByte)}-${formatCount(window.endByte)} of ${formatCount(size)}); earlier lines: use head or offset.`,
    );
  }
  return parts.length ? `[${parts.join(' ')}]` : undefined;
}
