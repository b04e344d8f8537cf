import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HardenedStdioTransport } from '../src/transports/stdio/hardened-stdio-transport.js';

/**
 * A reader that takes nothing until told to: what a client that stopped reading its pipe looks
 * like. It records how much the stream ever held buffered.
 */
class StalledReader extends Writable {
  readonly lines: string[] = [];
  mostBuffered = 0;
  private waiting: (() => void)[] = [];
  private flowing = false;

  constructor() {
    super({ highWaterMark: 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const take = () => {
      this.lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    };
    if (this.flowing) setImmediate(take);
    else this.waiting.push(take);
  }

  override write(...args: Parameters<Writable['write']>): boolean {
    const accepted = super.write(...args);
    this.mostBuffered = Math.max(this.mostBuffered, this.writableLength);
    return accepted;
  }

  release(): void {
    this.flowing = true;
    for (const take of this.waiting.splice(0)) take();
  }
}

describe('stdio writes honour backpressure', () => {
  it('holds further writes while the reader is stalled, then delivers them whole and in order', async () => {
    const output = new StalledReader();
    const transport = new HardenedStdioTransport(new PassThrough(), output);
    await transport.start();
    const filler = 'x'.repeat(3000); // each reply is bigger than the pipe's buffer
    let settled = 0;
    const sends = Array.from({ length: 200 }, (_, i) =>
      transport.send({ jsonrpc: '2.0', id: i, result: { filler } }).then(() => {
        settled++;
      }),
    );
    // Let every queued write that could go out go out: with the reader stalled, one line is in
    // the stream and the rest wait in the transport, not in memory the stream holds.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(output.mostBuffered).toBeLessThan(2 * (filler.length + 100));
    expect(settled).toBe(0); // the caller is told to wait as well
    output.release();
    await Promise.all(sends);
    expect(output.mostBuffered).toBeLessThan(2 * (filler.length + 100));
    const ids = output.lines.map((line) => JSON.parse(line).id);
    expect(ids).toEqual([...Array(200).keys()]);
  });
});
