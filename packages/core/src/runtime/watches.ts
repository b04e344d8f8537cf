import type { Logger } from 'pino';
import type { ServerModule } from '../define/server.js';

/**
 * The resource watches of one connection, reference-counted: each URI is watched once, however
 * many subscriptions name it, and stops being watched when the last one ends. Only what some
 * client subscribed to is ever watched, so a huge tree costs nothing until asked for.
 */
export class ResourceWatches {
  private readonly byUri = new Map<string, { stop: () => void; holders: Set<unknown> }>();
  private readonly byHolder = new Map<unknown, Set<string>>();

  constructor(
    private readonly module: ServerModule,
    private readonly notify: (uri: string) => void,
    private readonly logger?: Logger,
  ) {}

  /**
   * Watches `uris` on behalf of `holder` (a listen request id, or the URI itself for a 2025
   * subscribe). Returns the URIs this server cannot watch (not its resources).
   */
  add(holder: unknown, uris: readonly string[]): string[] {
    const refused: string[] = [];
    const held = this.byHolder.get(holder) ?? new Set<string>();
    for (const uri of uris) {
      if (held.has(uri)) continue;
      let entry = this.byUri.get(uri);
      if (!entry) {
        let stop: (() => void) | undefined;
        try {
          stop = this.module.watch?.(uri, () => this.notify(uri));
        } catch (error) {
          this.logger?.debug({ err: error, uri }, 'cannot watch');
        }
        if (!stop) {
          refused.push(uri);
          continue;
        }
        entry = { stop, holders: new Set() };
        this.byUri.set(uri, entry);
      }
      entry.holders.add(holder);
      held.add(uri);
    }
    if (held.size) this.byHolder.set(holder, held);
    return refused;
  }

  /** Ends everything `holder` watched. */
  remove(holder: unknown): void {
    const held = this.byHolder.get(holder);
    if (!held) return;
    this.byHolder.delete(holder);
    for (const uri of held) {
      const entry = this.byUri.get(uri);
      if (!entry) continue;
      entry.holders.delete(holder);
      if (entry.holders.size === 0) {
        this.byUri.delete(uri);
        entry.stop();
      }
    }
  }

  /** URIs watched right now (for tests and diagnostics). */
  get watched(): string[] {
    return [...this.byUri.keys()];
  }

  closeAll(): void {
    for (const holder of [...this.byHolder.keys()]) this.remove(holder);
  }
}
