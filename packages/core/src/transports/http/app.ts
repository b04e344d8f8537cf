import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  createMcpHandler,
  InMemoryServerEventBus,
  isLegacyRequest,
  type ServerEvent,
  type ServerEventBus,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import { boundedHealth, HEALTH_TIMEOUT_MS, joinHealth } from '../../compose/health.js';
import type { ModuleHealth } from '../../define/server.js';
import { memoryEventStores } from '../../redis/event-store.js';
import type { SharedHttpState } from '../../redis/http-state.js';
import type { Runtime } from '../../runtime/runtime.js';
import { ResourceWatches } from '../../runtime/watches.js';
import { type Authenticator, createAuthenticator } from './auth.js';
import { batchRefusal, inspectBody } from './body.js';
import {
  anonymousGuard,
  bearerAuthGuard,
  bodyLimitGuard,
  composeGuards,
  corsGuard,
  type GuardedRequest,
  hostGuard,
  jsonContentTypeGuard,
  jsonRpcError,
  methodGuard,
  originGuard,
} from './guards/index.js';
import { serveHealthz } from './healthz.js';
import { listenStreams } from './listen-streams.js';
import { operationsRoutes } from './operations.js';
import type { ResolvedHttpOptions } from './options.js';
import { type ReadinessChecks, serveReadyz } from './readyz.js';
import { serveResourceMetadata } from './resource-metadata.js';
import { sendResponse } from './send.js';
import { LegacySessions } from './sessions.js';

export interface McpHttpApp {
  /** The node:http request listener: `/mcp` (both eras), `/healthz`, the RFC 9728 document. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Publishes change events (list changes, resource updates) to subscribed clients of both eras. */
  readonly notify: ServerNotifier;
  readonly bus: ServerEventBus;
  /** 2025-era sessions open right now. */
  readonly sessionCount: number;
  close(): Promise<void>;
}

/**
 * The HTTP face of a runtime: the guards (guards/: Host, Origin, CORS, method, auth, body type and
 * size) in front of one endpoint, which checks the body with the JSON-RPC guard the stdio transport
 * uses, then sends 2025-era traffic to per-session transports and 2026-07-28 traffic to the SDK's
 * stateless handler, both from the runtime's one factory.
 */
export async function buildMcpHttpApp(runtime: Runtime, options: ResolvedHttpOptions): Promise<McpHttpApp> {
  const { limits, path } = options;
  const logger = runtime.logger;
  const guardLimits = { maxDepth: limits.maxDepth, maxIdLength: limits.maxIdLength };
  const authenticator: Authenticator | undefined = options.auth
    ? await createAuthenticator(options.auth, options.resourceUrl, logger)
    : undefined;

  // Several nodes share change events and 2025 stream events through Redis (redis/).
  let shared: SharedHttpState | undefined;
  if (options.redis) {
    const { openSharedHttpState } = await import('../../redis/http-state.js');
    shared = await openSharedHttpState(options.redis, logger, {
      bus: !options.bus,
      eventStores: options.eventStores === undefined,
      sessionTtlMs: limits.sessionIdleMs,
    });
  }
  // What the module reports (through the runtime) and what the program adds (a gateway's upstreams).
  const given = options.operations?.health;
  const health = joinHealth([
    ...(runtime.health ? [runtime.health] : []),
    ...(given ? [boundedHealth(given, 'dependencies', HEALTH_TIMEOUT_MS + 200)] : []),
  ]);
  const readiness = {
    ...shared?.readiness,
    ...healthChecks(health),
    ...options.readiness,
  };
  let closing = false;
  const bus: ServerEventBus =
    options.bus ??
    shared?.bus ??
    new InMemoryServerEventBus((error) => logger.debug({ err: error }, 'bus listener failed'));
  const eventStores = options.eventStores ?? shared?.eventStores ?? memoryEventStores();
  const modern = createMcpHandler(runtime.factory, {
    legacy: 'reject',
    bus,
    maxSubscriptions: limits.maxSubscriptions,
    maxRequestBodySize: limits.maxBodyBytes,
    onerror: (error) => logger.debug({ err: error }, 'request refused'),
  });

  // Resource updates this process observes itself, for open 2026 listen streams. 2025 sessions
  // watch through the runtime's resources/subscribe handler, so they skip these on the bus.
  const ownEvents = new WeakSet<ServerEvent>();
  const watches = runtime.module.watch
    ? new ResourceWatches(
        runtime.module,
        (uri) => {
          const event: ServerEvent = { kind: 'resource_updated', uri };
          ownEvents.add(event);
          bus.publish(event);
        },
        logger,
      )
    : undefined;
  // A dynamic module's list changes, for open 2026 listen streams (2025 sessions are told by
  // their own instances, which follow the module).
  const stopListChanges = runtime.onListChanged((kinds) => {
    for (const kind of kinds) {
      const event = { kind: `${kind}_list_changed` } as ServerEvent;
      ownEvents.add(event);
      bus.publish(event);
    }
  });
  const sessions = new LegacySessions(
    runtime.factory,
    limits,
    logger,
    (event) => ownEvents.has(event),
    eventStores,
  );
  const unsubscribe = bus.subscribe((event) => sessions.forward(event));

  const serveListen = listenStreams(modern, watches, limits);
  const operations = await operationsRoutes(
    runtime,
    options,
    authenticator ? bearerAuthGuard(authenticator, logger) : anonymousGuard,
    () => sessions.size,
    health,
  );

  /** One MCP request, already past Host/Origin/auth checks and the body cap. */
  const serveMcp = async (request: Request, extra?: { authInfo?: AuthInfo }): Promise<Response> => {
    const authInfo = extra?.authInfo;
    let body: { value: unknown; batch: boolean } | undefined;
    if (request.method === 'POST') {
      const inspection = inspectBody(new Uint8Array(await request.arrayBuffer()), guardLimits);
      if (!inspection.ok) return Response.json(inspection.reply, { status: 400 });
      body = { value: inspection.value, batch: inspection.batch };
    }
    if (await isLegacyRequest(request, body?.value)) return sessions.handle(request, body, authInfo);
    if (body?.batch) return Response.json(batchRefusal(), { status: 400 });
    if ((body?.value as { method?: unknown } | undefined)?.method === 'subscriptions/listen') {
      return serveListen(request, body!.value, authInfo);
    }
    return modern.fetch(request, {
      ...(authInfo ? { authInfo } : {}),
      ...(body ? { parsedBody: body.value } : {}),
    });
  };
  const toNode = toNodeHandler(
    { fetch: serveMcp },
    {
      maxRequestBodySize: limits.maxBodyBytes,
      onerror: (error) => logger.error({ err: error }, 'MCP request failed'),
    },
  );

  // Host first (DNS rebinding), for every path but /healthz; then, on the endpoint only, in order:
  // Origin, CORS (its preflight carries no credentials, so before auth), the method, the caller,
  // and what the headers say of the body (type, declared size) before a byte of it is read.
  const checkHost = hostGuard(options.allowedHosts, logger);
  const checkEndpoint = composeGuards(
    originGuard(options.allowedOrigins, logger),
    corsGuard(options.corsOrigins),
    methodGuard(['GET', 'POST', 'DELETE']),
    authenticator ? bearerAuthGuard(authenticator, logger) : anonymousGuard,
    jsonContentTypeGuard(),
    bodyLimitGuard(limits.maxBodyBytes),
  );

  const handle = async (req: GuardedRequest, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (pathname === '/healthz') return serveHealthz(req, res);
    if (pathname === '/readyz') return serveReadyz(req, res, readiness, closing);
    const badHost = await checkHost(req, res);
    if (badHost) return sendResponse(res, badHost.response, badHost.close);
    if (authenticator?.metadataPaths.includes(pathname)) {
      return serveResourceMetadata(req, res, authenticator.metadata);
    }
    if (pathname !== path && (await operations.handle(pathname, req, res))) return;
    if (pathname !== path) {
      return sendResponse(res, Response.json({ error: 'not found', endpoint: path }, { status: 404 }));
    }
    const refusal = await checkEndpoint(req, res);
    if (refusal) return sendResponse(res, refusal.response, refusal.close);
    await toNode(req, res);
  };

  return {
    listener: (req, res) => {
      handle(req, res).catch((error) => {
        logger.error({ err: error }, 'HTTP request failed');
        if (!res.headersSent) sendResponse(res, jsonRpcError(500, -32603, 'Internal error'));
        else res.destroy();
      });
    },
    notify: modern.notify,
    bus,
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      closing = true;
      unsubscribe();
      stopListChanges();
      operations.close();
      await Promise.allSettled([modern.close(), sessions.closeAll()]);
      watches?.closeAll();
      await shared?.close();
    },
  };
}

/**
 * The module's dependencies (databases, upstreams), as the status page sees them, as one
 * readiness check: `down` fails it, naming what is down (`starting` and `unknown` do not hold a
 * node back); passed, it names each with its state.
 */
function healthChecks(health: ModuleHealth | undefined): ReadinessChecks {
  if (!health) return {};
  return {
    dependencies: async () => {
      const entries = await health();
      const down = entries.filter((entry) => entry.state === 'down');
      if (down.length) {
        throw new Error(down.map((e) => `${e.name} down${e.detail ? ` (${e.detail})` : ''}`).join('; '));
      }
      return entries.map((e) => `${e.name} ${e.state}`).join('; ');
    },
  };
}
