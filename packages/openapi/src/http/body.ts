/** What was read of a response body: at most `keep` bytes held, the rest counted then dropped. */
export interface ReadBody {
  bytes: Buffer;
  /** Bytes the body had, as far as counted. */
  total: number;
  /** False when counting stopped at the drain limit (the body is larger than `total`). */
  complete: boolean;
}

/** Read a body keeping the first `keep` bytes and counting up to `drainLimit` (memory stays bounded). */
export async function readBounded(response: Response, keep: number, drainLimit: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let held = 0;
  let total = 0;
  if (!response.body) return { bytes: Buffer.alloc(0), total: 0, complete: true };
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (held < keep) {
        const part = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, keep - held));
        chunks.push(Buffer.from(part));
        held += part.byteLength;
      }
      if (total >= drainLimit) {
        const length = Number(response.headers.get('content-length'));
        await reader.cancel().catch(() => {});
        if (Number.isFinite(length) && length > total)
          return { bytes: Buffer.concat(chunks), total: length, complete: true };
        return { bytes: Buffer.concat(chunks), total, complete: false };
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes: Buffer.concat(chunks), total, complete: true };
}

/** Cut UTF-8 bytes at a character boundary, at most `max` bytes. */
export function cutUtf8(bytes: Buffer, max: number): string {
  if (bytes.byteLength <= max) return bytes.toString('utf8');
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
