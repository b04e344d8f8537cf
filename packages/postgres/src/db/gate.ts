import { ToolError } from '@mcpkit/core';
import { type Cancellation, signalOf } from './cancellation.js';

export interface GateOptions {
  /** Calls that may hold a connection at once. */
  capacity: number;
  /** Calls that may wait for one; past that a call is refused at once. */
  maxWaiting: number;
  /** How long a call waits before it is refused. */
  waitMs: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/** The error a call gets when every connection is busy and the wait ran out or is full. */
export class BusyError extends ToolError {
  constructor(message: string) {
    super(message, { code: -32002, data: { busy: true } });
  }
}

/**
 * Admission in front of the connections: at most `capacity` calls hold one, at most
 * `maxWaiting` wait in FIFO order for `waitMs`, and every other call is refused at once with a
 * busy error, so a burst of slow queries never piles up unbounded work or memory.
 */
export class Gate {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly options: GateOptions,
    /** Names the connections with their verb, e.g. "all 5 connections are". */
    private readonly describe: () => string,
  ) {}

  get stats() {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * Resolves with a release function once the call may proceed. A signal source (see
   * Cancellation) is read only when the call has to wait.
   */
  enter(cancel?: Cancellation): Promise<() => void> {
    if (cancel instanceof AbortSignal && cancel.aborted) {
      return Promise.reject(new ToolError('The call was cancelled.'));
    }
    if (this.active < this.options.capacity && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    const signal = signalOf(cancel);
    if (signal?.aborted) return Promise.reject(new ToolError('The call was cancelled.'));
    if (this.waiting.length >= this.options.maxWaiting) {
      return Promise.reject(
        new BusyError(
          `The database is busy: ${this.describe()} in use and ${this.waiting.length} calls are already waiting. Retry in a moment; long-running queries stop at their statement timeout.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        timer: setTimeout(() => {
          this.drop(waiter);
          reject(
            new BusyError(
              `The database is busy: waited ${this.options.waitMs} ms for a connection (${this.describe()} in use). Retry in a moment; long-running queries stop at their statement timeout.`,
            ),
          );
        }, this.options.waitMs),
      };
      if (signal) {
        waiter.onAbort = () => {
          this.drop(waiter);
          reject(new ToolError('The call was cancelled while waiting for a database connection.'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
    });
  }

  private drop(waiter: Waiter) {
    clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    const index = this.waiting.indexOf(waiter);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        this.drop(next);
        next.resolve(this.releaser()); // the slot passes straight to the next waiter
      } else {
        this.active--;
      }
    };
  }
}
