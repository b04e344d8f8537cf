import type { ServerResponse } from 'node:http';
import type { Runtime } from '../../runtime/runtime.js';
import type { HealthEntry } from './served.js';

export interface MetricsSources {
  /** 2025-era sessions open now. */
  sessions(): number;
  /** Open 2026-07-28 listen streams, when known. */
  health?: () => Promise<readonly HealthEntry[]>;
}

export interface MetricsEndpoint {
  serve(res: ServerResponse, head: boolean): Promise<void>;
  close(): void;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HEALTH_STATES = ['up', 'down', 'starting', 'unknown'] as const;
let processRegistry: import('prom-client').Registry | undefined;

/**
 * Prometheus metrics of one runtime on its own registry (prom-client, loaded only when the
 * endpoint is on). Labels are names the server chose (server, tool, resource or prompt name,
 * outcome, upstream name): never argument values, principals or tokens.
 */
export async function createMetrics(runtime: Runtime, sources: MetricsSources): Promise<MetricsEndpoint> {
  const prom = await import('prom-client');
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = prom.default ?? prom;
  // The process's own metrics (CPU, memory, event loop, GC) are collected once per process, however
  // many servers it runs: their collectors (an event-loop monitor, a GC observer) are never stopped.
  processRegistry ??= (() => {
    const shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: 'mcpkit_' });
    return shared;
  })();
  const processMetrics = processRegistry;
  const register = new Registry();
  const server = runtime.module.name;
  register.setDefaultLabels({ server });

  const calls = new Counter({
    name: 'mcpkit_calls_total',
    help: 'Tool calls, resource reads and prompt gets by name and outcome (ok, error, rate_limited, timeout, cancelled)',
    labelNames: ['kind', 'name', 'outcome'] as const,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'mcpkit_call_duration_seconds',
    help: 'How long calls took, refusals included',
    labelNames: ['kind', 'name'] as const,
    buckets: DURATION_BUCKETS,
    registers: [register],
  });
  const refused = new Counter({
    name: 'mcpkit_rate_limited_total',
    help: 'Calls refused by the rate limit',
    labelNames: ['kind', 'name'] as const,
    registers: [register],
  });
  new Gauge({
    name: 'mcpkit_calls_in_flight',
    help: 'Calls running now',
    registers: [register],
    collect() {
      this.set(runtime.stats.inFlight);
    },
  });
  new Gauge({
    name: 'mcpkit_sessions',
    help: '2025-era sessions open now',
    registers: [register],
    collect() {
      this.set(sources.sessions());
    },
  });
  new Gauge({
    name: 'mcpkit_tools',
    help: 'Tools served now',
    registers: [register],
    collect() {
      this.set(runtime.module.tools.length);
    },
  });
  if (sources.health) {
    const health = sources.health;
    new Gauge({
      name: 'mcpkit_upstream_state',
      help: 'State of each dependency (database, upstream server): 1 for its current state',
      labelNames: ['upstream', 'state'] as const,
      registers: [register],
      async collect() {
        this.reset();
        for (const entry of await health().catch(() => [])) {
          for (const state of HEALTH_STATES)
            this.set({ upstream: entry.name, state }, entry.state === state ? 1 : 0);
        }
      },
    });
  }

  const stop = runtime.stats.listen({
    finished(record) {
      const labels = { kind: record.kind, name: record.name };
      calls.inc({ ...labels, outcome: record.result });
      duration.observe(labels, record.durationMs / 1000);
      if (record.result === 'rate_limited') refused.inc(labels);
    },
  });

  return {
    async serve(res, head) {
      const body = `${await processMetrics.metrics()}\n${await register.metrics()}`;
      res.writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' });
      res.end(head ? undefined : body);
    },
    close() {
      stop();
      register.clear();
    },
  };
}
