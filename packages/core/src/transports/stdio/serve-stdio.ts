import type { Readable, Writable } from 'node:stream';
import type { StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Runtime } from '../../runtime/runtime.js';
import { serveOnConnection } from '../../runtime/serve.js';
import { type HardenedStdioOptions, HardenedStdioTransport } from './hardened-stdio-transport.js';

export interface StdioServeOptions extends HardenedStdioOptions {
  input?: Readable;
  output?: Writable;
}

/**
 * Serves a runtime over stdio, both protocol eras, through the SDK's own `serveStdio` entry
 * (which decides the era from the opening exchange) on our hardened transport.
 */
export function serveRuntimeOverStdio(runtime: Runtime, options: StdioServeOptions = {}): StdioServerHandle {
  let refused = 0;
  const transport = new HardenedStdioTransport(
    options.input ?? process.stdin,
    options.output ?? process.stdout,
    {
      ...options,
      onRefused: (reason) => {
        // A hostile client can send millions of bad lines: log the first few, then every 1000th.
        refused++;
        if (refused <= 10 || refused % 1000 === 0)
          runtime.logger.warn({ reason, refused }, 'refused a malformed message');
        options.onRefused?.(reason);
      },
    },
  );
  return serveOnConnection(runtime, transport);
}
