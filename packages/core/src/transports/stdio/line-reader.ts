const NEWLINE = 0x0a;

export type LineEvent =
  | { type: 'line'; bytes: Buffer }
  /** A line longer than the cap: its first bytes (to recover the request id) and its full size. */
  | { type: 'oversized'; prefix: Buffer; size: number };

/**
 * Splits a byte stream into newline-delimited lines without ever holding more than `maxBytes`
 * of one line: the rest of an oversized line is counted and dropped as it streams past, so a
 * 50 MB line costs no more memory than a small one.
 */
export class BoundedLineReader {
  private parts: Buffer[] = [];
  private length = 0;
  private overflow = false;
  private prefix: Buffer | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly prefixBytes = 4096,
  ) {}

  push(chunk: Buffer, emit: (event: LineEvent) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) return;
      this.finishLine(emit);
      start = newline + 1;
    }
  }

  /** The stream ended: a final line without a newline still counts. */
  end(emit: (event: LineEvent) => void): void {
    if (this.length > 0 || this.overflow) this.finishLine(emit);
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow) {
      this.length += piece.length;
      return;
    }
    if (this.length + piece.length > this.maxBytes) {
      const held = Buffer.concat([
        ...this.parts,
        piece.subarray(0, Math.max(0, this.prefixBytes - this.length)),
      ]);
      this.prefix = held.subarray(0, this.prefixBytes);
      this.parts = [];
      this.overflow = true;
      this.length += piece.length;
      return;
    }
    // Copy: the stream may reuse its chunk buffers.
    this.parts.push(Buffer.from(piece));
    this.length += piece.length;
  }

  private finishLine(emit: (event: LineEvent) => void): void {
    if (this.overflow) {
      emit({ type: 'oversized', prefix: this.prefix ?? Buffer.alloc(0), size: this.length });
    } else {
      const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
      emit({ type: 'line', bytes });
    }
    this.parts = [];
    this.length = 0;
    this.overflow = false;
    this.prefix = undefined;
  }
}
