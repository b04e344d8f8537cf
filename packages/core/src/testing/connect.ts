import { connectInProcess, type InProcessOptions, type OwnedClient } from '../client/in-process.js';
import type { Era } from '../define/context.js';
import type { ServerModule } from '../define/server.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.js';

/** Both protocol eras, for `describe.each(ERAS)`. */
export const ERAS = ['legacy', 'modern'] as const satisfies readonly Era[];

/** Runtime options (when connect() builds the runtime) plus how the client connects. */
export interface ConnectOptions extends RuntimeOptions, InProcessOptions {}

export type TestClient = OwnedClient;

/**
 * The one-line in-memory client: `const client = await connect(module, { era: 'modern' })`.
 * The server side is the same `serveStdio` entry and runtime the CLI serves, over a linked
 * in-memory pair instead of pipes, so a test exercises every layer but the bytes on the wire.
 * Pass a Runtime to share one (and its rate-limit and cache state) across several clients;
 * closing the client closes a runtime that connect() created itself.
 */
export async function connect(
  target: ServerModule | Runtime,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const owned = !('factory' in target);
  const runtime = owned ? await createRuntime(target as ServerModule, options) : (target as Runtime);
  const client = await connectInProcess(runtime, {
    ...options,
    clientName: options.clientName ?? 'mcpkit-test',
  });
  // Added last, so it runs after the serving handle has closed.
  if (owned) client.onClose(() => runtime.close());
  return client;
}
