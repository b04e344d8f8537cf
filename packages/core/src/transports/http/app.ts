import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  createMcpHandler,
  InMemoryServerEventBus,
  isJsonContentType,
  isLegacyRequest,
  type ServerEvent,
  type ServerEventBus,
  type ServerNotifier,
  validateHostHeader,
  validateOriginHeader,
} from '@modelcontextprotocol/server';
import { principalOf } from '../../define/context.js';
import { formatBytes } from '../../output/truncate.js';
import type { Runtime } from '../../runtime/runtime.js';
import { ResourceWatches } from '../../runtime/watches.js';
import { type Authenticator, createAuthenticator } from './auth.js';
import { batchRefusal, inspectBody, requestIdOf } from './body.js';
import type { ResolvedHttpOptions } from './options.js';
import { jsonRpcError, onResponseEnd } from './response-end.js';
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

type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

/** What an MCP client in a browser sends. */
const CORS_REQUEST_HEADERS =
  'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, mcp-method, mcp-name, last-event-id';

/** Every value of one header as sent (Node keeps only the first Authorization/Host in `headers`). */
function rawHeaderValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}

function send(res: ServerResponse, response: Response, close = false): void {
  void response.text().then((text) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    if (close) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(text);
  });
}

/**
 * The HTTP face of a runtime: Host/Origin validation, bearer authentication, a body cap, the
 * JSON guard the stdio transport uses, then 2025-era traffic to per-session transports and
 * 2026-07-28 traffic to the SDK's stateless handler, both from the runtime's one factory.
 */
export async function buildMcpHttpApp(runtime: Runtime, options: ResolvedHttpOptions): Promise<McpHttpApp> {
  const { limits, path } = options;
  const logger = runtime.logger;
  const guardLimits = { maxDepth: limits.maxDepth, maxIdLength: limits.maxIdLength };
  const authenticator: Authenticator | undefined = options.auth
    ? await createAuthenticator(options.auth, options.resourceUrl, logger)
    : undefined;

  const bus: ServerEventBus =
    options.bus ?? new InMemoryServerEventBus((error) => logger.debug({ err: error }, 'bus listener failed'));
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
  const sessions = new LegacySessions(runtime.factory, limits, logger, (event) => ownEvents.has(event));
  const unsubscribe = bus.subscribe((event) => sessions.forward(event));

  /** Open 2026 listen streams per caller: one caller cannot take every subscription slot. */
  const listening = new Map<string, number>();

  /**
   * A 2026 `subscriptions/listen` stream: counted against its caller while open, and holding
   * watches on the URIs it names for as long as it is open.
   */
  const serveListen = async (request: Request, message: unknown, authInfo: AuthInfo | undefined) => {
    const caller = principalOf(authInfo);
    const open = listening.get(caller) ?? 0;
    if (open >= limits.maxSubscriptionsPerPrincipal) {
      return jsonRpcError(
        429,
        -32603,
        `Subscription limit reached: ${open} listen streams are open for this caller; close one first`,
        requestIdOf(message),
        { 'retry-after': '5' },
      );
    }
    // The slot is taken before the stream opens, so concurrent requests cannot overshoot.
    listening.set(caller, open + 1);
    const release = () => {
      const left = (listening.get(caller) ?? 1) - 1;
      if (left > 0) listening.set(caller, left);
      else listening.delete(caller);
    };
    let response: Response;
    try {
      response = await modern.fetch(request, { ...(authInfo ? { authInfo } : {}), parsedBody: message });
    } catch (error) {
      release();
      throw error;
    }
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      release();
      return response;
    }
    const holder = {};
    const uris = (message as { params?: { notifications?: { resourceSubscriptions?: unknown } } }).params
      ?.notifications?.resourceSubscriptions;
    if (watches && Array.isArray(uris)) {
      watches.add(
        holder,
        uris.filter((u): u is string => typeof u === 'string').slice(0, limits.maxWatchedUrisPerStream),
      );
    }
    return onResponseEnd(response, () => {
      release();
      watches?.remove(holder);
    });
  };

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

  const healthz = (req: IncomingMessage, res: ServerResponse) => {
    const ok = req.method === 'GET' || req.method === 'HEAD';
    res.writeHead(ok ? 200 : 405, {
      'content-type': 'application/json',
      ...(ok ? {} : { allow: 'GET, HEAD' }),
    });
    res.end(
      req.method === 'HEAD'
        ? undefined
        : JSON.stringify(ok ? { status: 'ok' } : { error: 'method not allowed' }),
    );
  };

  const metadata = (req: IncomingMessage, res: ServerResponse, auth: Authenticator) => {
    // Public and cross-origin by design (browser clients discover the authorization server here).
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, HEAD, OPTIONS' });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...cors, allow: 'GET, HEAD, OPTIONS', 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'method_not_allowed' }));
    }
    res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(auth.metadata));
  };

  const handle = async (req: AuthedRequest, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (pathname === '/healthz') return healthz(req, res);

    // DNS rebinding: the Host must be one this server is known by (a second Host header is smuggling).
    const hosts = rawHeaderValues(req, 'host');
    const host = validateHostHeader(hosts.length === 1 ? hosts[0] : undefined, options.allowedHosts);
    if (!host.ok) {
      logger.debug({ host: hosts }, 'refused: Host');
      return send(res, jsonRpcError(403, -32000, `Forbidden: ${host.message}`));
    }
    if (authenticator?.metadataPaths.includes(pathname)) return metadata(req, res, authenticator);
    if (pathname !== path) {
      return send(res, Response.json({ error: 'not found', endpoint: path }, { status: 404 }));
    }
    const origins = rawHeaderValues(req, 'origin');
    const origin = validateOriginHeader(origins.length > 1 ? 'null' : origins[0], options.allowedOrigins);
    if (!origin.ok) {
      logger.debug({ origin: origins }, 'refused: Origin');
      return send(res, jsonRpcError(403, -32000, `Forbidden: ${origin.message}`));
    }
    // A browser app on an origin the configuration names may call the endpoint (CORS); a
    // preflight carries no credentials, so it is answered before authentication.
    if (origin.hostname && options.corsOrigins.includes(origin.hostname)) {
      res.setHeader('access-control-allow-origin', origins[0]!);
      res.setHeader('vary', 'Origin');
      res.setHeader(
        'access-control-expose-headers',
        'mcp-session-id, mcp-protocol-version, www-authenticate',
      );
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, DELETE',
          'access-control-allow-headers': CORS_REQUEST_HEADERS,
          'access-control-max-age': '600',
        });
        return void res.end();
      }
    }
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') {
      return send(
        res,
        jsonRpcError(405, -32000, 'Method not allowed.', null, { allow: 'GET, POST, DELETE' }),
      );
    }
    if (authenticator) {
      const verdict = await authenticator.authenticate(rawHeaderValues(req, 'authorization'));
      if (verdict instanceof Response) {
        logger.debug({ status: verdict.status }, 'refused: authentication');
        return send(res, verdict, req.method === 'POST');
      }
      req.auth = verdict;
    } else delete req.auth;
    if (req.method === 'POST') {
      if (!isJsonContentType(req.headers['content-type'] ?? null)) {
        return send(
          res,
          jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json'),
          true,
        );
      }
      // Refused from the header alone, before a byte of the body is read.
      const declared = Number(req.headers['content-length']);
      if (declared > limits.maxBodyBytes) {
        return send(
          res,
          jsonRpcError(
            413,
            -32000,
            `Payload Too Large: the body (${formatBytes(declared)}) exceeds the ${formatBytes(limits.maxBodyBytes)} limit`,
          ),
          true,
        );
      }
    }
    await toNode(req, res);
  };

  return {
    listener: (req, res) => {
      handle(req, res).catch((error) => {
        logger.error({ err: error }, 'HTTP request failed');
        if (!res.headersSent) send(res, jsonRpcError(500, -32603, 'Internal error'));
        else res.destroy();
      });
    },
    notify: modern.notify,
    bus,
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      unsubscribe();
      await Promise.allSettled([modern.close(), sessions.closeAll()]);
      watches?.closeAll();
    },
  };
}
