import { Duplex } from 'node:stream';
import type { WireLimiter, WireLimits } from '../db/wire-guard.js';
import type { EmbeddedHost } from './host.js';

/** Frontend messages that ask the server to answer now: Sync, Flush, Query, CopyDone, CopyFail. */
const ANSWERED = new Set(['S', 'H', 'Q', 'c', 'f']);
const SSL_REQUEST = 80877103;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstrings(...parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `${p}\0`).join(''), 'utf8');
}

/** What a server says after a startup message: trust auth, its settings, ready and idle. */
function startupReply(): Buffer {
  const key = Buffer.alloc(8);
  key.writeInt32BE(process.pid, 0);
  const params: [string, string][] = [
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['standard_conforming_strings', 'on'],
    ['DateStyle', 'ISO, MDY'],
    ['integer_datetimes', 'on'],
  ];
  return Buffer.concat([
    message('R', Buffer.from([0, 0, 0, 0])),
    ...params.map(([name, value]) => message('S', cstrings(name, value))),
    message('K', key),
    message('Z', Buffer.from('I')),
  ]);
}

/**
 * A socket for node-postgres whose other end is the embedded database: pg speaks the wire
 * protocol into it as to a server; messages are passed to the PGlite worker in batches (up to
 * each Sync/Flush/Query) and the answers come back as the server's bytes. The startup exchange
 * is answered here, since the embedded server has one session and no authentication.
 *
 * Ending or destroying this socket while a request is in flight or a transaction is open ends
 * the worker's session too (the host restarts it), so nothing of one connection leaks into the
 * next.
 */
export class EmbeddedSocket extends Duplex implements WireLimiter {
  private buffered: Buffer = Buffer.alloc(0);
  private batch: Buffer[] = [];
  private started = false;
  private inFlight = 0;
  private txStatus = 'I';
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Limits the worker holds the answers to (see db/wire-guard.ts); none for undefined. */
  private wireLimits: WireLimits | undefined;

  constructor(private readonly host: EmbeddedHost) {
    super();
  }

  // net.Socket's surface that pg's Connection uses.
  use(limits: WireLimits | undefined): void {
    this.wireLimits = limits;
  }

  setNoDelay() {
    return this;
  }
  setKeepAlive() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }

  connect(): this {
    this.host.ready().then(
      () => {
        this.generation = this.host.generation;
        this.emit('connect');
      },
      (error: Error) => this.destroy(error),
    );
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept([chunk], callback);
  }

  /** A corked burst arrives whole: it goes to the worker as one request. */
  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.accept(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  private accept(chunks: Buffer[], callback: (error?: Error | null) => void) {
    this.buffered = Buffer.concat([this.buffered, ...chunks]);
    try {
      this.takeMessages();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private takeMessages() {
    let answered = 0; // messages in the batch up to the last one that asks for an answer
    for (;;) {
      if (!this.started) {
        if (this.buffered.length < 8) break;
        const length = this.buffered.readInt32BE(0);
        if (this.buffered.length < length) break;
        const code = this.buffered.readInt32BE(4);
        this.buffered = this.buffered.subarray(length);
        if (code === SSL_REQUEST) this.push(Buffer.from('N'));
        else {
          this.started = true;
          this.push(startupReply());
        }
        continue;
      }
      if (this.buffered.length < 5) break;
      const type = String.fromCharCode(this.buffered[0]!);
      const length = this.buffered.readInt32BE(1) + 1;
      if (this.buffered.length < length) break;
      const whole = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      if (type === 'X') {
        if (answered) this.send(answered);
        this.end();
        this.push(null);
        return;
      }
      this.batch.push(whole);
      if (ANSWERED.has(type)) answered = this.batch.length;
    }
    if (answered) this.send(answered);
  }

  private send(count: number) {
    // One copy of the messages, handed to the worker whole (a call's batch is one request).
    const bytes = new Uint8Array(Buffer.concat(this.batch.slice(0, count)));
    this.batch = this.batch.slice(count);
    this.inFlight++;
    // Answers must come back in the order the batches were written.
    const reply = this.host.request(this.generation, bytes, this.wireLimits);
    this.chain = this.chain.then(async () => {
      try {
        const bytes = Buffer.from(await reply);
        this.inFlight--;
        this.noteStatus(bytes);
        if (!this.destroyed) this.push(bytes);
      } catch (error) {
        this.inFlight--;
        this.destroy(error as Error);
      }
    });
  }

  /** Remembers the transaction status of the last ReadyForQuery in an answer. */
  private noteStatus(bytes: Buffer) {
    let offset = 0;
    while (offset + 5 <= bytes.length) {
      const type = bytes[offset];
      const length = bytes.readInt32BE(offset + 1);
      if (type === 0x5a /* Z */ && offset + 5 < bytes.length)
        this.txStatus = String.fromCharCode(bytes[offset + 5]!);
      offset += 1 + length;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.started && (this.inFlight > 0 || this.txStatus !== 'I')) {
      this.host.kill(error?.message ?? 'a connection closed in the middle of a transaction', this.generation);
    }
    callback(error);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.started && (this.inFlight > 0 || this.txStatus !== 'I')) {
      this.host.kill('a connection ended in the middle of a transaction', this.generation);
    }
    callback();
  }
}
