import type { Runtime } from '@mcpkit/core';

/**
 * Stops serving once: closes what serves (the transport), then the runtime (pools, watchers),
 * then exits. Armed on SIGINT and SIGTERM, and returned for a transport that ends by itself
 * (stdio when the client goes away).
 */
/**
 * How long a graceful stop may take before the process exits anyway. A node under a backlog (or
 * whose Redis or clients stopped answering) must still leave when its process manager says so:
 * a soak's node once sat for minutes after SIGTERM with its Redis sockets never closed.
 */
export const STOP_GRACE_MS = 10_000;

export function stopOnce(
  runtime: Runtime,
  closeServing: () => Promise<void>,
): (code?: number) => Promise<void> {
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      runtime.logger.warn({ graceMs: STOP_GRACE_MS }, 'not closed within the grace period: exiting anyway');
      process.exit(code);
    }, STOP_GRACE_MS).unref();
    await closeServing().catch(() => {});
    await runtime.close().catch((error) => runtime.logger.error({ err: error }, 'error while closing'));
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  return stop;
}
