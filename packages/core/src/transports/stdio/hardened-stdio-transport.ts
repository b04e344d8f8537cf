import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { formatBytes } from '../../output/truncate.js';
import { type GuardLimits, INVALID_REQUEST, inspectLine, sniffId } from '../jsonrpc/message-guard.js';
import { BoundedLineReader, type LineEvent } from './line-reader.js';

export interface HardenedStdioOptions {
  /** Largest message accepted, in bytes; a longer line is refused and skipped. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Deepest JSON nesting accepted. Default 64. */
  maxDepth?: number;
  /** Longest string id accepted. Default 256. */
  maxIdLength?: number;
  /** Reports (never alters) what was refused; for the log. */
  onRefused?: (reason: string) => void;
  /** Called once after the transport closed (stdin ended, the pipe broke, or close()). */
  onClosed?: () => void;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const DONE: Promise<void> = Promise.resolve();

/**
 * A stdio Transport that survives hostile input. The SDK's own stdio transport closes on a line
 * over its buffer cap and drops malformed lines silently; this one answers every malformed or
 * invalid message with its JSON-RPC error (-32700 / -32600, id null where unknown), refuses an
 * oversized line without buffering it, and keeps serving. Writes are queued and honour
 * backpressure, so replies never interleave and a flood cannot grow memory without bound on
 * a slow reader.
 */
export class HardenedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly reader: BoundedLineReader;
  private readonly limits: GuardLimits;
  private readonly maxMessageBytes: number;
  /** The last write still waiting for the output to drain, if any: later lines queue behind it. */
  private backlog: Promise<void> | undefined;
  private started = false;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly options: HardenedStdioOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.reader = new BoundedLineReader(this.maxMessageBytes);
    this.limits = { maxDepth: options.maxDepth ?? 64, maxIdLength: options.maxIdLength ?? 256 };
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('HardenedStdioTransport already started');
    this.started = true;
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onOutputError);
  }

  private readonly onData = (chunk: Buffer | string) => {
    this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, this.handleLine);
  };

  private readonly onEnd = () => {
    this.reader.end(this.handleLine);
    void this.close();
  };

  private readonly onInputError = (error: Error) => {
    this.onerror?.(error);
    void this.close();
  };

  private readonly onOutputError = (error: Error) => {
    // EPIPE: the client went away. Nothing more can be written.
    this.onerror?.(error);
    void this.close();
  };

  private readonly handleLine = (event: LineEvent) => {
    if (this.closed) return;
    if (event.type === 'oversized') {
      const reason = `message of ${formatBytes(event.size)} exceeds the ${formatBytes(this.maxMessageBytes)} limit`;
      this.options.onRefused?.(reason);
      void this.send({
        jsonrpc: '2.0',
        id: sniffId(event.prefix, this.limits) as string,
        error: { code: INVALID_REQUEST, message: `Invalid Request: ${reason}` },
      });
      return;
    }
    const inspection = inspectLine(event.bytes, this.limits);
    if (!inspection) return;
    if (!inspection.ok) {
      this.options.onRefused?.(inspection.reply.error.message);
      void this.send(inspection.reply);
      return;
    }
    try {
      this.onmessage?.(inspection.message);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  };

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return DONE;
    const line = `${JSON.stringify(message)}\n`;
    // Nothing waits for the pipe to drain: written now, without a promise chain per reply.
    if (!this.backlog) return this.write(line);
    const queued = this.backlog.then(() => this.write(line));
    this.follow(queued);
    return queued;
  }

  /**
   * Writes one line. Resolves on drain rather than per write when the pipe is full, and later
   * lines queue behind it: a flood is bounded by the pipe, not by memory.
   */
  private write(line: string): Promise<void> {
    if (this.closed || this.output.destroyed) return DONE;
    if (this.output.write(line)) return DONE;
    const drained = new Promise<void>((resolve) => this.output.once('drain', resolve));
    if (!this.backlog) this.follow(drained);
    return drained;
  }

  /** Makes `tail` the write later lines wait for, until it settles. */
  private follow(tail: Promise<void>): void {
    this.backlog = tail;
    const settled = () => {
      if (this.backlog === tail) this.backlog = undefined;
    };
    tail.then(settled, settled);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onInputError);
    this.input.pause();
    this.output.off('error', this.onOutputError);
    try {
      this.onclose?.();
    } finally {
      this.options.onClosed?.();
    }
  }
}
