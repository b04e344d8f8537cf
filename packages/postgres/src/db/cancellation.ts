/**
 * How a call is cancelled: its AbortSignal, or what makes that signal on first use (a handler's
 * context, `ctx`). Making one costs a few µs in Node 20 (each AbortSignal gets a hidden class of
 * its own, garbage for the old generation), so a session given a source reads the signal only
 * when the call waits for a connection or runs longer than a few ms (Database's
 * WATCH_AFTER_MS); a cancellation is then acted on at most that late.
 */
export type Cancellation = AbortSignal | { readonly signal: AbortSignal };

/** The signal of a cancellation, made now if it was not yet. */
export function signalOf(cancel: Cancellation | undefined): AbortSignal | undefined {
  return cancel === undefined || cancel instanceof AbortSignal ? cancel : cancel.signal;
}
