// Since 2025 Slack lets apps outside its Marketplace call conversations.history and conversations.replies
// once a minute, 15 messages a call. The mode is set (--marketplace-app, or marketplaceApp: false) or, by
// default, detected: from a 429 on those methods after few calls, or from a page cut to 15 while more
// remain. Once not in the Marketplace, requests are clamped and every result says so.

export const NON_MARKETPLACE_MAX_MESSAGES = 15;
const LIMITED_METHODS = new Set(['conversations.history', 'conversations.replies']);
/** Tier 3 allows 50 calls a minute; a 429 after fewer than this many means the 1-a-minute rule. */
const DETECTION_CALLS = 5;

export type MarketplaceSetting = boolean | 'auto';

export interface Clamp {
  requested: number;
  applied: number;
  reason: string;
}

export interface RateModeState {
  marketplace: boolean;
  /** How the mode was decided. */
  source: 'flag' | 'default' | 'detected';
}

export class RateMode {
  #marketplace: boolean;
  #source: RateModeState['source'];
  readonly #calls = new Map<string, number[]>();

  constructor(
    private readonly setting: MarketplaceSetting = 'auto',
    private readonly now: () => number = Date.now,
  ) {
    this.#marketplace = setting !== false;
    this.#source = setting === 'auto' ? 'default' : 'flag';
  }

  get state(): RateModeState {
    return { marketplace: this.#marketplace, source: this.#source };
  }

  /** The page size to ask for, and the clamp to report when it is smaller than requested. */
  clampMessages(requested: number): { limit: number; clamp?: Clamp } {
    if (this.#marketplace || requested <= NON_MARKETPLACE_MAX_MESSAGES) return { limit: requested };
    return {
      limit: NON_MARKETPLACE_MAX_MESSAGES,
      clamp: { requested, applied: NON_MARKETPLACE_MAX_MESSAGES, reason: this.reason() },
    };
  }

  reason(): string {
    const how =
      this.#source === 'detected'
        ? 'detected from Slack’s answers'
        : 'as configured (start with --marketplace-app if the app is in the Marketplace)';
    return (
      `Slack lets apps outside its Marketplace read at most ${NON_MARKETPLACE_MAX_MESSAGES} messages per call ` +
      `and call conversations.history/replies once a minute (${how})`
    );
  }

  recordCall(method: string): void {
    if (!LIMITED_METHODS.has(method)) return;
    const since = this.now() - 60_000;
    const calls = (this.#calls.get(method) ?? []).filter((t) => t > since);
    calls.push(this.now());
    this.#calls.set(method, calls);
  }

  /** A 429 on history/replies after few calls: the app is outside the Marketplace. True when newly found. */
  noteRateLimited(method: string): boolean {
    if (this.setting !== 'auto' || !this.#marketplace || !LIMITED_METHODS.has(method)) return false;
    const since = this.now() - 60_000;
    const recent = (this.#calls.get(method) ?? []).filter((t) => t > since).length;
    if (recent >= DETECTION_CALLS) return false;
    return this.#detect();
  }

  /** A page of exactly 15 while more remain, when more were asked for. True when newly found. */
  notePage(method: string, requested: number, received: number, hasMore: boolean): boolean {
    if (this.setting !== 'auto' || !this.#marketplace || !LIMITED_METHODS.has(method)) return false;
    if (!(hasMore && requested > NON_MARKETPLACE_MAX_MESSAGES && received === NON_MARKETPLACE_MAX_MESSAGES)) {
      return false;
    }
    return this.#detect();
  }

  #detect(): boolean {
    this.#marketplace = false;
    this.#source = 'detected';
    return true;
  }
}
