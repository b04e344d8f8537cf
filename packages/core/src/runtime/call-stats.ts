import { isToolError } from '../errors/tool-error.js';
import type { Call, CallOutcome, Middleware } from '../middleware/types.js';

/** How a call ended. `rate_limited` and `timeout` are refusals by the built-in middleware. */
export type CallResult = 'ok' | 'error' | 'rate_limited' | 'timeout' | 'cancelled';

/** One finished call as the metrics and the status page see it: names only, never arguments. */
export interface CallRecord {
  readonly kind: Call['kind'];
  readonly name: string;
  readonly result: CallResult;
  readonly durationMs: number;
  /** When it ended (ms since the epoch). */
  readonly at: number;
}

export interface CallEvents {
  started?(call: Pick<CallRecord, 'kind' | 'name'>): void;
  finished?(record: CallRecord): void;
}

interface Tally {
  calls: number;
  errors: number;
}

/** The rate limiter's refusal code (middleware/rate-limit.ts). */
const RATE_LIMITED = -32029;
/** The timeout's code (middleware/timeout.ts). */
const TIMED_OUT = -32001;
const RECENT = 50;

/**
 * What a runtime has served: counts per tool (or resource, prompt), the calls running now and
 * the last few finished ones. Plain counters, always on and cheap; the HTTP metrics endpoint and
 * the status page read them, and listeners (the Prometheus collectors) follow each call.
 */
export class CallStats {
  readonly startedAt = Date.now();
  private readonly tallies = new Map<string, Tally>();
  /** The same tallies by kind, then name. */
  private readonly byKind = new Map<string, Map<string, Tally>>();
  private readonly recentCalls: CallRecord[] = [];
  private readonly listeners = new Set<CallEvents>();
  private running = 0;

  /** Calls in progress. */
  get inFlight(): number {
    return this.running;
  }

  /** The last finished calls, newest first. */
  recent(): readonly CallRecord[] {
    return [...this.recentCalls].reverse();
  }

  /** Calls and errors so far per `kind:name`. */
  totals(): ReadonlyMap<string, Readonly<Tally>> {
    return this.tallies;
  }

  /** Follows every call from now on; returns a stop function. */
  listen(events: CallEvents): () => void {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
  }

  /**
   * The middleware that records: placed just inside the error mapping, so it sees refusals by
   * the rate limit and the timeout as the errors they are.
   */
  readonly middleware: Middleware = (call, next) => {
    const started = performance.now();
    this.running++;
    if (this.listeners.size) this.emit((l) => l.started?.({ kind: call.kind, name: call.name }));
    return next().then(
      (outcome) => {
        this.finish(call, resultOf(call, outcome), started);
        return outcome;
      },
      (error: unknown) => {
        this.finish(call, errorResult(call, error), started);
        throw error;
      },
    );
  };

  private finish(call: Call, result: CallResult, started: number): void {
    this.running--;
    const record: CallRecord = {
      kind: call.kind,
      name: call.name,
      result,
      durationMs: performance.now() - started,
      at: Date.now(),
    };
    const tally = this.tallyOf(record.kind, record.name);
    tally.calls++;
    if (record.result !== 'ok') tally.errors++;
    this.recentCalls.push(record);
    if (this.recentCalls.length > RECENT) this.recentCalls.shift();
    if (this.listeners.size) this.emit((l) => l.finished?.(record));
  }

  /** The tally of `kind:name`, found without composing its key on every call. */
  private tallyOf(kind: CallRecord['kind'], name: string): Tally {
    let byName = this.byKind.get(kind);
    if (!byName) {
      byName = new Map();
      this.byKind.set(kind, byName);
    }
    let tally = byName.get(name);
    if (!tally) {
      tally = { calls: 0, errors: 0 };
      byName.set(name, tally);
      this.tallies.set(`${kind}:${name}`, tally);
    }
    return tally;
  }

  private emit(send: (listener: CallEvents) => void): void {
    for (const listener of this.listeners) {
      try {
        send(listener);
      } catch {
        // an observer never breaks a call
      }
    }
  }
}

function resultOf(call: Call, outcome: CallOutcome): CallResult {
  if ((outcome as { isError?: boolean }).isError) return call.signal.aborted ? 'cancelled' : 'error';
  return 'ok';
}

function errorResult(call: Call, error: unknown): CallResult {
  if (isToolError(error) && error.code === RATE_LIMITED) return 'rate_limited';
  if (isToolError(error) && error.code === TIMED_OUT) return 'timeout';
  return call.signal.aborted ? 'cancelled' : 'error';
}
