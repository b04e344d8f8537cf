import type { UpstreamStatus, UpstreamSupervisor } from './supervisor.js';

/**
 * How an upstream's state is shared: "shared" is one upstream for every caller (right for stateless
 * servers); "perPrincipal" is one stdio child per authenticated principal; "perSession" is one
 * remote connection per client session. An upstream that keeps per-client state (roots,
 * subscriptions, a login) must not be shared, or one user's state reaches another.
 */
export type UpstreamScope = 'shared' | 'perPrincipal' | 'perSession';

export interface PoolOptions {
  /** Instances kept at most; the least recently used idle one is stopped to make room. Default 32. */
  maxInstances?: number;
  /** An instance unused this long is stopped. Default 10 minutes; 0 keeps them. */
  idleMs?: number;
}

interface Entry {
  supervisor: UpstreamSupervisor;
  lastUsed: number;
  busy: number;
}

/**
 * The supervisors of one upstream entry, one per isolation key (a principal, a session), made on
 * first use and stopped when idle or when the cap needs room. The shared scope has one key.
 */
export class UpstreamPool {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #idleMs: number;
  #sweeper?: NodeJS.Timeout;

  constructor(
    readonly scope: UpstreamScope,
    private readonly create: (key: string) => UpstreamSupervisor,
    options: PoolOptions = {},
  ) {
    this.#max = Math.max(1, options.maxInstances ?? 32);
    this.#idleMs = options.idleMs ?? 10 * 60_000;
  }

  /** The isolation key for a caller: nothing for shared, else the principal or the session. */
  keyFor(caller: { principal?: string; sessionId?: string }): string {
    if (this.scope === 'perPrincipal') return `principal:${caller.principal ?? 'anonymous'}`;
    if (this.scope === 'perSession') return `session:${caller.sessionId ?? caller.principal ?? 'anonymous'}`;
    return 'shared';
  }

  /** The supervisor for `key`, created (not started) if needed. */
  get(key: string): UpstreamSupervisor {
    let entry = this.#entries.get(key);
    if (!entry) {
      this.#makeRoom();
      entry = { supervisor: this.create(key), lastUsed: Date.now(), busy: 0 };
      this.#entries.set(key, entry);
      this.#startSweeper();
    }
    entry.lastUsed = Date.now();
    return entry.supervisor;
  }

  /** Runs `fn` with the supervisor for `key`, marked busy so that it is not evicted meanwhile. */
  async use<T>(key: string, fn: (supervisor: UpstreamSupervisor) => Promise<T>): Promise<T> {
    const supervisor = this.get(key);
    const entry = this.#entries.get(key)!;
    entry.busy++;
    try {
      return await fn(supervisor);
    } finally {
      entry.busy--;
      entry.lastUsed = Date.now();
    }
  }

  /** The supervisor for `key` if one exists. */
  peek(key: string): UpstreamSupervisor | undefined {
    return this.#entries.get(key)?.supervisor;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  statuses(): Array<UpstreamStatus & { key: string }> {
    return [...this.#entries].map(([key, entry]) => ({ key, ...entry.supervisor.status() }));
  }

  /** Stops and forgets the instance for `key` (a session ended). */
  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    await entry.supervisor.stop();
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const all = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(all.map((entry) => entry.supervisor.stop()));
  }

  #makeRoom(): void {
    if (this.#entries.size < this.#max) return;
    const idle = [...this.#entries].filter(([, entry]) => entry.busy === 0);
    const [key, entry] = (idle.length ? idle : [...this.#entries]).sort(
      (a, b) => a[1].lastUsed - b[1].lastUsed,
    )[0]!;
    this.#entries.delete(key);
    void entry.supervisor.stop();
  }

  #startSweeper(): void {
    if (this.#sweeper || this.#idleMs <= 0 || this.scope === 'shared') return;
    this.#sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const [key, entry] of this.#entries) {
          if (entry.busy === 0 && now - entry.lastUsed > this.#idleMs) {
            this.#entries.delete(key);
            void entry.supervisor.stop();
          }
        }
      },
      Math.min(this.#idleMs, 60_000),
    );
    this.#sweeper.unref();
  }
}
