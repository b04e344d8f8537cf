import { randomUUID } from 'node:crypto';
import {
  type AuthInfo,
  isInitializeRequest,
  McpServer,
  type McpServerFactory,
  type Server,
  type ServerEvent,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { principalOf } from '../../define/context.js';
import type { SessionEventStore, SessionEventStores } from '../../redis/event-store.js';
import { batchRefusal, requestIdOf } from './body.js';
import { jsonRpcError } from './guards/index.js';
import type { HttpLimits } from './options.js';
import { onResponseEnd } from './response-end.js';

interface Session {
  readonly id: string;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: Server;
  /** Who opened it: later requests, GET streams and DELETE must come from the same caller. */
  readonly owner: string;
  lastActive: number;
  /** SSE responses still streaming (a GET notification stream, a long tool call). */
  openStreams: number;
  /** URIs this session asked `resources/subscribe` for (bus-published updates are forwarded). */
  readonly subscriptions: Set<string>;
}

/** What a client whose stream was cut waits before reconnecting with Last-Event-ID (SSE `retry`). */
const RECONNECT_AFTER_MS = 1000;

const MAX_SUBSCRIPTIONS_PER_SESSION = 1000;

/**
 * The caller a session belongs to: the principal and the scopes it opened with. The session's
 * server was built for that token's tool set, so a different principal, or the same one with
 * other scopes, is refused (404, as for an unknown session: it need not learn the id exists).
 */
function ownerOf(auth: AuthInfo | undefined): string {
  if (!auth) return 'local';
  return `${principalOf(auth)}\n${[...auth.scopes].sort().join(' ')}`;
}

/**
 * 2025-era clients, served the way the SDK offers them: one sessionful Streamable HTTP transport
 * and one server instance per session (initialize → `Mcp-Session-Id`, GET notification stream,
 * DELETE). Sessions are bounded in number and closed when idle.
 */
export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly factory: McpServerFactory,
    private readonly limits: HttpLimits,
    private readonly logger: Logger,
    /** Events published by this process's own resource watches (sessions already watch for themselves). */
    private readonly isOwnEvent: (event: ServerEvent) => boolean,
    /** Where each session keeps its stream events for Last-Event-ID resumption; none when false. */
    private readonly eventStores: SessionEventStores | false = false,
  ) {
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.min(60_000, Math.max(1000, limits.sessionIdleMs / 2)),
    );
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  async handle(
    request: Request,
    body: { value: unknown; batch: boolean } | undefined,
    authInfo: AuthInfo | undefined,
  ): Promise<Response> {
    const id = request.headers.get('mcp-session-id');
    if (id === null) {
      if (request.method === 'POST' && body && !body.batch && isInitializeRequest(body.value)) {
        return this.open(request, body.value, authInfo);
      }
      if (body?.batch) return Response.json(batchRefusal(), { status: 400 });
      return jsonRpcError(
        400,
        -32000,
        'Bad Request: Mcp-Session-Id header is required (send initialize first to open a session)',
        requestIdOf(body?.value),
      );
    }
    const session = this.sessions.get(id);
    if (!session || session.owner !== ownerOf(authInfo)) {
      return jsonRpcError(404, -32001, 'Session not found', requestIdOf(body?.value));
    }
    if (body?.batch && !batchAllowed(session, request)) return Response.json(batchRefusal(), { status: 400 });
    if (body) trackSubscriptions(session, body.value);
    session.lastActive = Date.now();
    const response = await session.transport.handleRequest(request, {
      ...(authInfo ? { authInfo } : {}),
      ...(body ? { parsedBody: body.value } : {}),
    });
    return this.track(session, response);
  }

  private async open(request: Request, message: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const owner = ownerOf(authInfo);
    this.limitPerCaller(owner);
    if (this.sessions.size >= this.limits.maxSessions && !this.makeRoom(owner)) {
      return jsonRpcError(503, -32000, 'Too many open sessions; retry later', requestIdOf(message), {
        'retry-after': '30',
      });
    }
    const product = await this.factory({
      era: 'legacy',
      ...(authInfo ? { authInfo } : {}),
      requestInfo: request,
    });
    const server = product instanceof McpServer ? product.server : product;
    let session: Session | undefined;
    // The id is known before the transport exists, so its event store can be keyed by it.
    const sessionId = randomUUID();
    const eventStore: SessionEventStore | undefined = this.eventStores
      ? this.eventStores.forSession(sessionId)
      : undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      ...(eventStore ? { eventStore, retryInterval: RECONNECT_AFTER_MS } : {}),
      onsessioninitialized: (id) => {
        session = {
          id,
          transport,
          server,
          owner,
          lastActive: Date.now(),
          openStreams: 0,
          subscriptions: new Set(),
        };
        this.sessions.set(id, session);
      },
    });
    // Set before connect: the protocol layer chains onto it. DELETE, close() and idle expiry all end here.
    transport.onclose = () => {
      eventStore?.release();
      if (session && this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    };
    transport.onerror = (error) => this.logger.debug({ err: error }, 'session transport error');
    await product.connect(transport);
    const response = await transport.handleRequest(request, {
      ...(authInfo ? { authInfo } : {}),
      parsedBody: message,
    });
    if (!session) {
      // The initialize was refused before a session existed: nothing to keep.
      eventStore?.release();
      await product.close().catch(() => {});
      return response;
    }
    this.logger.debug({ session: session.id, principal: principalOf(authInfo) }, 'session opened');
    return this.track(session, response);
  }

  /** Counts a streaming response as activity until it ends, so an open stream is never idle. */
  private track(session: Session, response: Response): Response {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream'))
      return response;
    session.openStreams++;
    return onResponseEnd(response, () => {
      session.openStreams--;
      session.lastActive = Date.now();
    });
  }

  /** At the cap: drop expired sessions, else this caller's least recently used one. */
  private makeRoom(owner: string): boolean {
    this.sweep();
    if (this.sessions.size < this.limits.maxSessions) return true;
    const oldest = this.oldestOf(owner).session;
    if (!oldest) return false;
    this.close(oldest, 'evicted to make room for a new session of the same caller');
    return true;
  }

  /** One caller cannot hold the whole table: past its share, its least recently used session goes. */
  private limitPerCaller(owner: string): void {
    const { session, count } = this.oldestOf(owner);
    if (session && count >= this.limits.maxSessionsPerPrincipal) {
      this.close(session, 'the caller opened more sessions than it may hold');
    }
  }

  private oldestOf(owner: string): { session?: Session; count: number } {
    let oldest: Session | undefined;
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.owner !== owner) continue;
      count++;
      if (!oldest || session.lastActive < oldest.lastActive) oldest = session;
    }
    return { session: oldest, count };
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) {
      if (session.openStreams === 0 && now - session.lastActive > this.limits.sessionIdleMs) {
        this.close(session, 'idle');
      }
    }
  }

  private close(session: Session, reason: string): void {
    this.sessions.delete(session.id);
    this.logger.debug({ session: session.id, reason }, 'session closed');
    void session.transport.close().catch(() => {});
  }

  /** Delivers a bus event to the sessions it concerns (2025 clients have no listen stream). */
  forward(event: ServerEvent): void {
    // What this process observed itself reaches its sessions another way (their own watches and
    // list registrations); only other publishers' events are forwarded.
    if (this.isOwnEvent(event)) return;
    for (const session of this.sessions.values()) {
      const server = session.server;
      let sent: Promise<void> | undefined;
      try {
        switch (event.kind) {
          case 'tools_list_changed':
            sent = server.sendToolListChanged();
            break;
          case 'prompts_list_changed':
            sent = server.sendPromptListChanged();
            break;
          case 'resources_list_changed':
            sent = server.sendResourceListChanged();
            break;
          case 'resource_updated':
            if (session.subscriptions.has(event.uri)) {
              sent = server.sendResourceUpdated({ uri: event.uri });
            }
            break;
        }
      } catch (error) {
        // A capability this server does not declare: nothing to tell this session.
        this.logger.debug({ err: error, kind: event.kind }, 'notification not sent');
      }
      sent?.catch((error) => this.logger.debug({ err: error, kind: event.kind }, 'notification not sent'));
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const closing = [...this.sessions.values()].map((s) => s.transport.close().catch(() => {}));
    this.sessions.clear();
    await Promise.all(closing);
  }
}

/** Batches exist only in 2025-03-26: a session that negotiated it (and says so, if it sends the header). */
function batchAllowed(session: Session, request: Request): boolean {
  const header = request.headers.get('mcp-protocol-version');
  return (
    session.server.getNegotiatedProtocolVersion() === '2025-03-26' &&
    (header === null || header === '2025-03-26')
  );
}

function trackSubscriptions(session: Session, value: unknown): void {
  for (const message of Array.isArray(value) ? value : [value]) {
    const { method, params } = message as { method?: unknown; params?: { uri?: unknown } };
    if (typeof params?.uri !== 'string') continue;
    if (method === 'resources/subscribe' && session.subscriptions.size < MAX_SUBSCRIPTIONS_PER_SESSION) {
      session.subscriptions.add(params.uri);
    } else if (method === 'resources/unsubscribe') session.subscriptions.delete(params.uri);
  }
}
