import type { ServerResponse } from 'node:http';
import type { ModuleHealth } from '../../define/server.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type GuardedRequest, type HttpGuard, jsonRpcError } from './guards/index.js';
import { createMetrics, type MetricsEndpoint } from './metrics.js';
import type { ResolvedHttpOptions } from './options.js';
import { sendResponse } from './send.js';
import { serveStatusPage } from './status-page.js';

export interface OperationsRoutes {
  /** Answers `/metrics` and `/` when they are on; false for any other path. */
  handle(pathname: string, req: GuardedRequest, res: ServerResponse): Promise<boolean>;
  close(): void;
}

/**
 * The operator's endpoints beside `/mcp`: Prometheus metrics (`/metrics`) and the status page
 * (`/`). Past the Host check, they take the same caller check as the MCP endpoint.
 */
export async function operationsRoutes(
  runtime: Runtime,
  options: ResolvedHttpOptions,
  checkCaller: HttpGuard,
  sessions: () => number,
  /** The dependencies' health: the module's and what the options add (see app.ts). */
  health: ModuleHealth | undefined,
): Promise<OperationsRoutes> {
  const { operations } = options;
  const metrics: MetricsEndpoint | undefined = operations.metrics
    ? await createMetrics(runtime, { sessions, ...(health ? { health } : {}) })
    : undefined;
  const sources = {
    url: options.resourceUrl,
    authenticated: Boolean(options.auth),
    sessions,
    ...(health ? { health } : {}),
  };
  return {
    async handle(pathname, req, res) {
      const wanted = (pathname === '/metrics' && metrics) || (pathname === '/' && operations.statusPage);
      if (!wanted) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendResponse(res, jsonRpcError(405, -32000, 'Method not allowed.', null, { allow: 'GET, HEAD' }));
        return true;
      }
      const refusal = await checkCaller(req, res);
      if (refusal) {
        sendResponse(res, refusal.response, refusal.close);
        return true;
      }
      const head = req.method === 'HEAD';
      if (pathname === '/metrics' && metrics) await metrics.serve(res, head);
      else {
        const json = /[?&]format=json(?:&|$)/.test(req.url ?? '');
        await serveStatusPage(runtime, sources, res, { head, json });
      }
      return true;
    },
    close() {
      metrics?.close();
    },
  };
}
