/**
 * What one answer of the server may cost this process, enforced on the bytes as they arrive,
 * before node-postgres reads them. node-postgres holds a whole message in memory before it
 * parses it, so one huge value (`SELECT repeat('x', 500000000)`) or many wide rows would cost
 * their full size however few of them a tool then shows. Here, on the stream of backend
 * messages (protocol 3.0):
 *
 * - a DataRow value longer than `fieldBytes` is cut to that length (the rest is read past, never
 *   kept); `fieldBytes` is more than the longest value a tool shows, so what the caller sees is
 *   the same, still marked as shortened;
 * - once the DataRows of one batch (up to its ReadyForQuery) reach `rowBytes`, later ones are
 *   left out whole: the command tag still counts them, so the caller knows how many are missing;
 * - an ErrorResponse or NoticeResponse longer than `messageBytes` keeps each of its fields' first
 *   bytes (an error message can quote a huge value).
 *
 * Everything else passes through untouched, as slices of the chunks it came in.
 */
export interface WireLimits {
  fieldBytes: number;
  rowBytes: number;
  messageBytes: number;
}

/** Whatever applies limits to a connection's next answers (undefined: none). */
export interface WireLimiter {
  use(limits: WireLimits | undefined): void;
}

enum At {
  Header,
  Pass,
  Skip,
  Count,
  FieldLength,
  FieldKeep,
  FieldSkip,
  Text,
}

const DATA_ROW = 0x44; // 'D'
const ERROR = 0x45; // 'E'
const NOTICE = 0x4e; // 'N'
const READY = 0x5a; // 'Z'
/** Nothing cut, nothing left out: the server's messages pass as they are. */
export const UNLIMITED: WireLimits = { fieldBytes: Infinity, rowBytes: Infinity, messageBytes: Infinity };

/** What each field of a shortened ErrorResponse or NoticeResponse keeps. */
const TEXT_FIELD_BYTES = 2048;

export class WireGuard implements WireLimiter {
  private at = At.Header;
  /** The message header, or a DataRow's field count or field length, being read. */
  private readonly small = Buffer.alloc(5);
  private have = 0;
  private headerStart = -1;
  /** Body bytes of the current message not read yet. */
  private left = 0;
  private type = 0;
  // A DataRow being rewritten: its new body, and where its fields stand.
  private row: Buffer[] = [];
  private rowSize = 0;
  private fieldsLeft = 0;
  private fieldLeft = 0;
  private fieldSkip = 0;
  // A long ErrorResponse or NoticeResponse: the bytes kept.
  private text: Buffer[] = [];
  private textSize = 0;
  /** DataRow bytes let through since the last ReadyForQuery; past the budget, rows are left out. */
  private used = 0;
  private full = false;
  private out: Buffer[] = [];
  private span: { chunk: Buffer; start: number; end: number } | undefined;

  constructor(private limits: WireLimits = UNLIMITED) {}

  /** The limits for the next answers (a connection's own catalog reads are not limited). */
  use(limits: WireLimits | undefined): void {
    this.limits = limits ?? UNLIMITED;
  }

  /** Feeds a chunk as it arrived; returns what to pass on (possibly nothing). */
  push(chunk: Buffer): Buffer[] {
    this.out = [];
    let i = 0;
    while (i < chunk.length) {
      switch (this.at) {
        case At.Header: {
          if (this.have === 0 && i + 5 <= chunk.length) {
            // The whole header is in this chunk (the common case): read it in place, no copy.
            this.headerStart = i;
            this.begin(chunk, chunk[i]!, chunk.readInt32BE(i + 1));
            i += 5;
            break;
          }
          if (this.have === 0) this.headerStart = i;
          i = this.fill(chunk, i, 5);
          if (this.have < 5)
            this.headerStart = -1; // it continues in the next chunk
          else this.begin(chunk, this.small[0]!, this.small.readInt32BE(1));
          break;
        }
        case At.Pass: {
          const end = Math.min(chunk.length, i + this.left);
          this.emit(chunk, i, end);
          this.left -= end - i;
          i = end;
          if (this.left === 0) this.at = At.Header;
          break;
        }
        case At.Skip: {
          const take = Math.min(chunk.length - i, this.left);
          this.left -= take;
          i += take;
          if (this.left === 0) this.at = At.Header;
          break;
        }
        case At.Count: {
          i = this.fill(chunk, i, 2);
          if (!this.whole(2)) break;
          this.fieldsLeft = this.small.readInt16BE(0);
          this.row = [Buffer.from(this.small.subarray(0, 2))];
          this.rowSize = 2;
          this.nextField();
          break;
        }
        case At.FieldLength: {
          i = this.fill(chunk, i, 4);
          if (!this.whole(4)) break;
          const length = this.small.readInt32BE(0);
          const keep = length < 0 ? length : Math.min(length, this.limits.fieldBytes);
          const head = Buffer.alloc(4);
          head.writeInt32BE(keep, 0);
          this.row.push(head);
          this.rowSize += 4;
          this.fieldsLeft--;
          if (length <= 0) this.nextField();
          else {
            this.fieldLeft = keep;
            this.fieldSkip = length - keep;
            this.at = At.FieldKeep;
          }
          break;
        }
        case At.FieldKeep: {
          const end = Math.min(chunk.length, i + this.fieldLeft);
          this.row.push(chunk.subarray(i, end));
          this.rowSize += end - i;
          this.fieldLeft -= end - i;
          this.left -= end - i;
          i = end;
          if (this.fieldLeft === 0) {
            if (this.fieldSkip > 0) this.at = At.FieldSkip;
            else this.nextField();
          }
          break;
        }
        case At.FieldSkip: {
          const take = Math.min(chunk.length - i, this.fieldSkip);
          this.fieldSkip -= take;
          this.left -= take;
          i += take;
          if (this.fieldSkip === 0) this.nextField();
          break;
        }
        case At.Text: {
          const take = Math.min(chunk.length - i, this.left);
          const keep = Math.min(take, this.limits.messageBytes - this.textSize);
          if (keep > 0) {
            this.text.push(chunk.subarray(i, i + keep));
            this.textSize += keep;
          }
          this.left -= take;
          i += take;
          if (this.left === 0) this.endText();
          break;
        }
      }
    }
    this.flush();
    return this.out;
  }

  /** Copies up to `size` bytes of a fixed-size piece into `small`; returns the new position. */
  private fill(chunk: Buffer, i: number, size: number): number {
    const take = Math.min(size - this.have, chunk.length - i);
    chunk.copy(this.small, this.have, i, i + take);
    this.have += take;
    return i + take;
  }

  /** True once a `size`-byte piece of the body is in `small` (then counted as read). */
  private whole(size: number): boolean {
    if (this.have < size) return false;
    this.have = 0;
    this.left -= size;
    return true;
  }

  /** A message header (its type and length) has been read: decide how its body is handled. */
  private begin(chunk: Buffer, type: number, length: number) {
    this.have = 0;
    this.type = type;
    this.left = length - 4;
    if (this.type === READY) {
      this.used = 0;
      this.full = false;
    }
    if (this.type === DATA_ROW) {
      // A row none of whose values can be over the limit passes as it is (the common case).
      if (this.left <= this.limits.fieldBytes + 6) {
        if (this.admit(5 + this.left)) return this.passBody(chunk);
        return this.skipBody();
      }
      if (this.full) return this.skipBody();
      this.at = At.Count;
      return;
    }
    if ((this.type === ERROR || this.type === NOTICE) && this.left > this.limits.messageBytes) {
      this.text = [];
      this.textSize = 0;
      this.at = At.Text;
      return;
    }
    this.passBody(chunk);
  }

  /** Counts a row against the batch's budget; false once it is spent (the row is left out). */
  private admit(size: number): boolean {
    if (this.full || this.used + size > this.limits.rowBytes) {
      this.full = true;
      return false;
    }
    this.used += size;
    return true;
  }

  private passBody(chunk: Buffer) {
    // The header goes out as it came when it lies in this chunk, else as a copy.
    const start = this.headerStart;
    if (start >= 0) this.emit(chunk, start, start + 5);
    else this.emitCopy(Buffer.from(this.small));
    this.at = this.left > 0 ? At.Pass : At.Header;
  }

  private skipBody() {
    this.at = this.left > 0 ? At.Skip : At.Header;
  }

  private nextField() {
    if (this.fieldsLeft > 0) {
      this.at = At.FieldLength;
      return;
    }
    // The row is complete: out it goes, with its new length, if the budget allows.
    if (this.admit(5 + this.rowSize)) {
      const head = Buffer.alloc(5);
      head[0] = DATA_ROW;
      head.writeInt32BE(4 + this.rowSize, 1);
      this.emitCopy(Buffer.concat([head, ...this.row], 5 + this.rowSize));
    }
    this.row = [];
    this.rowSize = 0;
    // Bytes the field count promised but did not hold would be a broken stream: read past them.
    this.at = this.left > 0 ? At.Skip : At.Header;
  }

  /** A long ErrorResponse or NoticeResponse: each field keeps its first bytes. */
  private endText() {
    const kept = Buffer.concat(this.text, this.textSize);
    const fields: Buffer[] = [];
    let i = 0;
    while (i < kept.length && kept[i] !== 0) {
      const code = kept[i]!;
      let end = kept.indexOf(0, i + 1);
      if (end < 0) end = kept.length; // the field that was cut
      const value = kept.subarray(i + 1, Math.min(end, i + 1 + TEXT_FIELD_BYTES));
      fields.push(Buffer.from([code]), value, Buffer.from([0]));
      i = end + 1;
    }
    fields.push(Buffer.from([0]));
    const body = Buffer.concat(fields);
    const head = Buffer.alloc(5);
    head[0] = this.type;
    head.writeInt32BE(4 + body.length, 1);
    this.emitCopy(Buffer.concat([head, body]));
    this.text = [];
    this.textSize = 0;
    this.at = At.Header;
  }

  /** Passes on bytes of the current chunk, joined with the previous span when they continue it. */
  private emit(chunk: Buffer, start: number, end: number) {
    if (end <= start) return;
    const span = this.span;
    if (span && span.chunk === chunk && span.end === start) span.end = end;
    else {
      this.flush();
      this.span = { chunk, start, end };
    }
  }

  private emitCopy(bytes: Buffer) {
    this.flush();
    this.out.push(bytes);
  }

  private flush() {
    const span = this.span;
    if (!span) return;
    this.out.push(
      span.start === 0 && span.end === span.chunk.length
        ? span.chunk
        : span.chunk.subarray(span.start, span.end),
    );
    this.span = undefined;
  }
}

/**
 * Puts a WireGuard between a connection's socket and node-postgres's parser (its `data`
 * listeners), once the connection is up (after TLS, if any, so on the clear bytes).
 */
export function guardConnection(stream: NodeJS.EventEmitter): WireLimiter {
  const listeners = stream.listeners('data') as ((chunk: Buffer) => void)[];
  stream.removeAllListeners('data');
  const guard = new WireGuard();
  stream.on('data', (chunk: Buffer) => {
    for (const part of guard.push(chunk)) for (const listener of listeners) listener.call(stream, part);
  });
  return guard;
}
