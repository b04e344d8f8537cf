import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, WatchResource } from '@mcpkit/core';
import type { FSWatcher } from 'chokidar';
import type { Sandbox } from '../sandbox/sandbox.js';

/**
 * Watches subscribed files and folders, and only those, so a 100k-file tree costs nothing
 * until someone subscribes. A file is watched for changes, replacement (an atomic write renames
 * a new file over it), removal and re-creation; a folder for entries added, removed or changed
 * directly inside it (not deeper: subscribe to a subfolder for that). Bursts of events are
 * folded into one notification, sent within `debounceMs` of the last event.
 */
export class ResourceWatcher {
  private readonly active = new Set<FSWatcher>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly debounceMs: number,
    private readonly logger?: Logger,
  ) {}

  /** The module's `watch`: undefined (refused) for a URI that is not an existing path inside a root. */
  readonly watch: WatchResource = (uri, onChange) => {
    const real = this.locate(uri);
    if (!real) return undefined;
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    let stopped = false;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopped) onChange();
      }, this.debounceMs);
    };
    // chokidar loads on the first subscription; until then nothing is watched or held.
    void import('chokidar')
      .then(({ watch }) => {
        if (stopped) return;
        watcher = watch(real, {
          ignoreInitial: true,
          followSymlinks: false,
          depth: 0,
          persistent: true,
          atomic: false,
        });
        this.active.add(watcher);
        watcher.on('all', fire);
        watcher.on('error', (error) => this.logger?.debug({ err: error, uri }, 'watch error'));
      })
      .catch((error) => this.logger?.warn({ err: error, uri }, 'cannot watch'));
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (watcher) {
        this.active.delete(watcher);
        void watcher.close().catch(() => {});
      }
    };
  };

  /** The real path of a file:// URI, if it exists and is inside a root (decided synchronously). */
  private locate(uri: string): string | undefined {
    let absolute: string;
    try {
      const url = new URL(uri);
      if (url.protocol !== 'file:' || (url.host && url.host !== 'localhost')) return undefined;
      url.host = '';
      absolute = fileURLToPath(url);
    } catch {
      return undefined;
    }
    if (absolute.includes('\u0000') || !path.isAbsolute(absolute)) return undefined;
    try {
      const real = fs.realpathSync.native(absolute);
      return this.sandbox.rootOf(real) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  async closeAll(): Promise<void> {
    const watchers = [...this.active];
    this.active.clear();
    await Promise.allSettled(watchers.map((w) => w.close()));
  }
}
