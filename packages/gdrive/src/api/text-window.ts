/**
 * Byte windows over UTF-8 text that never split a character: a window ends before an incomplete
 * trailing sequence and the next one starts there, so windows joined give back the exact bytes.
 */

/** Bytes a UTF-8 sequence takes, from its lead byte (0 for a continuation byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 0;
}

/** How many leading bytes of `buf` are continuation bytes of a character begun before it (0..3). */
export function leadingContinuation(buf: Buffer): number {
  let n = 0;
  while (n < 3 && n < buf.length && (buf[n]! & 0xc0) === 0x80) n++;
  return n;
}

/** The length of `buf` without a character cut off at its end. */
export function completeLength(buf: Buffer): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = sequenceLength(b);
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 text, or undefined when the bytes are not text (invalid UTF-8 or NUL bytes). */
export function decodeText(buf: Buffer): string | undefined {
  if (buf.includes(0)) return undefined;
  try {
    return decoder.decode(buf);
  } catch {
    return undefined;
  }
}

export interface ByteWindow {
  /** Byte offset where the window's text starts (a character boundary). */
  start: number;
  /** Byte offset just past it: the next window's offset, when there is more. */
  end: number;
  bytes: Buffer;
}

/**
 * The window of `chunk` (bytes from `chunkStart` of a larger text) that starts and ends on
 * character boundaries. `atEnd` says the chunk reaches the end of the text.
 */
export function alignWindow(chunk: Buffer, chunkStart: number, atEnd: boolean): ByteWindow {
  const skip = chunkStart === 0 ? 0 : leadingContinuation(chunk);
  const body = chunk.subarray(skip);
  const keep = atEnd ? body.length : completeLength(body);
  return { start: chunkStart + skip, end: chunkStart + skip + keep, bytes: body.subarray(0, keep) };
}
