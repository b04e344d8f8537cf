import type { Runtime } from '@mcpkit/core';

/**
 * Stops serving once: closes what serves (the transport), then the runtime (pools, watchers),
 * then exits. Armed on SIGINT and SIGTERM, and returned for a transport that ends by itself
 * (stdio when the client goes away).
 */
export function stopOnce(
  runtime: Runtime,
  closeServing: () => Promise<void>,
): (code?: number) => Promise<void> {
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    await closeServing().catch(() => {});
    await runtime.close().catch((error) => runtime.logger.error({ err: error }, 'error while closing'));
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  return stop;
}
