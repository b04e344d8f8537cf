import { formatBytes } from '../output/truncate.js';

/** One window of a longer text, and where the next one starts. */
export interface TextWindow {
  /** The text of this window (whole characters only). */
  text: string;
  /** Byte offset (UTF-8) of this window in the whole. */
  offset: number;
  /** Bytes in the whole text. */
  totalBytes: number;
  /** Byte offset to pass for the next window; absent when this window reaches the end. */
  nextOffset?: number;
}

/**
 * A window of at most `maxBytes` UTF-8 bytes from `offset`, cut on character boundaries, so that
 * following `nextOffset` from 0 reproduces the whole text byte for byte. An offset inside a
 * character moves back to that character's start.
 */
export function textWindow(source: string | Buffer, offset: number, maxBytes: number): TextWindow {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  const total = bytes.length;
  let start = Math.max(0, Math.min(Math.floor(offset), total));
  while (start > 0 && start < total && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  let end = Math.min(total, start + Math.max(1, Math.floor(maxBytes)));
  if (end < total) {
    while (end > start && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    if (end === start) end = Math.min(total, start + 4); // one character wider than the window
  }
  return {
    text: bytes.subarray(start, end).toString('utf8'),
    offset: start,
    totalBytes: total,
    ...(end < total ? { nextOffset: end } : {}),
  };
}

/** The sentence a model reads under a window that is not the last: how much is left and how to get it. */
export function windowNote(window: TextWindow, how = 'call again with offset='): string | undefined {
  if (window.nextOffset === undefined) return undefined;
  const left = window.totalBytes - window.nextOffset;
  return `[${formatBytes(left)} more of ${formatBytes(window.totalBytes)}: ${how}${window.nextOffset}]`;
}

/** A window of whole lines: `start` is 1-based; the next window starts at `nextLine`. */
export interface LineWindow {
  lines: string[];
  startLine: number;
  totalLines: number;
  nextLine?: number;
}

/**
 * Up to `maxLines` lines from line `start` (1-based), also stopping before `maxBytes` of text; a
 * single line longer than that is cut and said so by the caller through `lineCut`.
 */
export function lineWindow(
  text: string,
  start: number,
  maxLines: number,
  maxBytes = Number.POSITIVE_INFINITY,
): LineWindow & { lineCut: boolean } {
  const all = text.split(/\r?\n/);
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  const first = Math.max(1, Math.floor(start));
  const lines: string[] = [];
  let bytes = 0;
  let lineCut = false;
  let index = first - 1;
  for (; index < all.length && lines.length < maxLines; index++) {
    const line = all[index]!;
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes + size > maxBytes) {
      if (lines.length === 0) {
        lines.push(textWindow(line, 0, maxBytes).text);
        lineCut = true;
        index++;
      }
      break;
    }
    bytes += size;
    lines.push(line);
  }
  return {
    lines,
    startLine: first,
    totalLines: all.length,
    lineCut,
    ...(index < all.length ? { nextLine: index + 1 } : {}),
  };
}

/**
 * Cuts a text to at most `maxChars` characters for a model to read, with a visible mark saying
 * how much was left out (for message bodies, descriptions, comments).
 */
export function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never half a surrogate pair
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}
