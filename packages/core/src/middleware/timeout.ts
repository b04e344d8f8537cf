import { ToolError } from '../errors/tool-error.js';
import type { Middleware } from './types.js';

export interface TimeoutOptions {
  /** Default for every call; a tool's own `timeoutMs` wins. */
  ms: number;
}

/**
 * Fails a call that runs too long, and aborts its signal so the handler's own I/O
 * (queries, reads, fetches) stops too instead of running on unseen.
 */
export function timeout(options: TimeoutOptions): Middleware {
  return (call, next) => {
    const ms = (call.kind === 'tool' ? call.tool.timeoutMs : undefined) ?? options.ms;
    if (!Number.isFinite(ms) || ms <= 0) return next();
    // One promise and one timer per call (a race of two promises allocates more on a hot path).
    return new Promise((resolve, reject) => {
      // Time the call spends waiting on the client (a person answering a question) is not
      // counted: the deadline moves by it.
      let credited = 0;
      const fire = () => {
        if (call.held) {
          timer = setTimeout(fire, Math.min(ms, 5000));
          timer.unref?.();
          return;
        }
        const owed = (call.heldMs ?? 0) - credited;
        if (owed > 0) {
          credited += owed;
          timer = setTimeout(fire, owed);
          timer.unref?.();
          return;
        }
        const what =
          call.kind === 'resource'
            ? `Reading ${call.uri}`
            : `${call.kind === 'tool' ? 'Tool' : 'Prompt'} ${call.name}`;
        const error = new ToolError(
          `${what} timed out after ${ms} ms and was stopped. Ask for less (a narrower query, a smaller limit) or retry.`,
          { code: -32001, data: { timeoutMs: ms } },
        );
        call.abort(error);
        reject(error);
      };
      let timer = setTimeout(fire, ms);
      timer.unref?.();
      next().then(
        (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  };
}
