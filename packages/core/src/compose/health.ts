import type { HealthEntry, ModuleHealth } from '../define/server.js';
import { redactSecrets } from '../errors/redact.js';

/**
 * How long one module's health report may take; past it, the module counts as down. Kept under
 * `/readyz`'s 2 s per check, with room for the layers around it (compose, the runtime).
 */
export const HEALTH_TIMEOUT_MS = 1500;

/**
 * `probe`, bounded: an answer later than `ms`, or an error, becomes one `down` entry named
 * `name` with a short reason, so a probe never hangs whoever asks. Calls made while one runs
 * share it (a load balancer that polls often costs one probe at a time).
 */
export function boundedHealth(probe: ModuleHealth, name: string, ms = HEALTH_TIMEOUT_MS): ModuleHealth {
  let running: Promise<readonly HealthEntry[]> | undefined;
  return () => {
    running ??= settle(probe, name, ms).finally(() => {
      running = undefined;
    });
    return running;
  };
}

/** Several reports as one, in order; each is expected to be bounded already. */
export function joinHealth(probes: readonly ModuleHealth[]): ModuleHealth | undefined {
  if (probes.length === 0) return undefined;
  if (probes.length === 1) return probes[0];
  return async () => (await Promise.all(probes.map((probe) => probe()))).flat();
}

async function settle(probe: ModuleHealth, name: string, ms: number): Promise<readonly HealthEntry[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(probe),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no health report within ${ms} ms`)), ms);
      }),
    ]);
  } catch (error) {
    return [{ name, state: 'down', detail: reasonOf(error) }];
  } finally {
    clearTimeout(timer);
  }
}

/** The first line of an error, without secrets or URLs (it is shown on an unauthenticated endpoint). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? '';
  return redactSecrets(line)
    .replace(/\w+:\/\/\S+/g, '<url>')
    .slice(0, 200);
}
