import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotations, formatBytes, type HandlerContext } from '@mcpkit/core';
import type { FilesystemLimits } from '../options.js';
import type { Resolved, Sandbox } from '../sandbox/sandbox.js';

/** What every tool of this server shares. */
export interface FsContext {
  readonly sandbox: Sandbox;
  readonly limits: FilesystemLimits;
  /** The sandbox for this call: the configured roots, narrowed to the client's roots if it has any. */
  sandboxFor(ctx: HandlerContext): Promise<Sandbox>;
}

export function createFsContext(sandbox: Sandbox, limits: FilesystemLimits): FsContext {
  return {
    sandbox,
    limits,
    async sandboxFor(ctx) {
      // Core offers the client's roots where the client declared them (2025-era roots/list).
      if (!ctx.listRoots) return sandbox;
      const roots = await ctx.listRoots().catch(() => undefined);
      const paths = (roots ?? []).flatMap((root) => {
        try {
          return root.uri.startsWith('file:') ? [fileURLToPath(root.uri)] : [];
        } catch {
          return [];
        }
      });
      return paths.length ? sandbox.narrow(paths) : sandbox;
    },
  };
}

/**
 * A path under the caller's own spelling of a folder: `src` + `lib/a.ts` is `src/lib/a.ts`.
 * Results are named this way so they never show a real path the caller did not give.
 */
export function joinShown(base: string, rel: string): string {
  if (!rel) return base;
  if (base === '.' || base === './' || base === '') return rel;
  const windowsStyle = process.platform === 'win32' && base.includes('\\') && !base.includes('/');
  const trimmed = /[\\/]$/.test(base) ? base.slice(0, -1) : base;
  return windowsStyle ? `${trimmed}\\${rel.replaceAll('/', '\\')}` : `${trimmed}/${rel}`;
}

/** The absolute path a caller would use for a resolved path: its root as configured, plus the rest. */
export function shownAbsolute(resolved: Resolved): string {
  const rel = path.relative(resolved.root.real, resolved.real);
  return rel ? path.join(resolved.root.shown, rel) : resolved.root.shown;
}

/**
 * Most bytes of names or lines one page holds, whatever its entry count: with the structured
 * copy of the same data, a page stays well inside the default 256 KiB output limit even when
 * names are long.
 */
export const PAGE_BYTES = 96 * 1024;

/** Sizes in messages, as the rest of mcpkit writes them ("12.3 KiB"). */
export const formatSize = formatBytes;

/** Annotations of every tool that only reads. */
export const READ_ONLY = annotations.readOnly;

/** Progress at most every 250 ms, never awaited inside a hot loop. */
export function progressReporter(ctx: HandlerContext, what: string) {
  let last = 0;
  return (count: number) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    void ctx.progress(count, undefined, `${count} ${what}`);
  };
}
