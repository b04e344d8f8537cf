// Slack's rate limits: per method and token, a number of calls per minute by tier, answered with HTTP 429
// and Retry-After (seconds). The window is configurable so tests can use a short one.

export type Tier = 1 | 2 | 3 | 4 | 'post' | 'special';

/** Calls allowed per window for each tier (https://docs.slack.dev/apis/web-api/rate-limits). */
export const TIER_LIMITS: Record<Tier, number> = { 1: 1, 2: 20, 3: 50, 4: 100, post: 60, special: 100 };

export class SlidingWindowLimiter {
  readonly #calls = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Records a call under `key` if `limit` allows it; otherwise the seconds until one is allowed. */
  take(key: string, limit: number, now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    const since = now - this.windowMs;
    const calls = (this.#calls.get(key) ?? []).filter((t) => t > since);
    if (calls.length >= limit) {
      this.#calls.set(key, calls);
      const waitMs = calls[0]! + this.windowMs - now;
      return { ok: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    calls.push(now);
    this.#calls.set(key, calls);
    return { ok: true };
  }

  reset(): void {
    this.#calls.clear();
  }
}
