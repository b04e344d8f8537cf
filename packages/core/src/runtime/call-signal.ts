/**
 * The abort signal of one call, made only when something asks for it: most handlers never read
 * `ctx.signal`, and an AbortController plus a listener on the request's signal per call is a
 * measurable share of a trivial call. Aborted by the request's own signal (client cancel,
 * disconnect) or by `abort()` (the timeout), whichever comes first, before or after it is made.
 */
export class CallSignal {
  private controller: AbortController | undefined;
  private early: { reason: unknown } | undefined;

  constructor(private readonly request: AbortSignal) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const request = this.request;
      if (this.early) controller.abort(this.early.reason);
      else if (request.aborted) controller.abort(request.reason);
      else request.addEventListener('abort', () => controller.abort(request.reason), { once: true });
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason);
    else this.early ??= { reason };
  }
}
