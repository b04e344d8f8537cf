import { isIP } from 'node:net';
import {
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import type { RedisSettings } from '../../redis/connection.js';
import type { SessionEventStores } from '../../redis/event-store.js';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './defaults.js';
import type { HealthEntry } from './served.js';

/** A static bearer token and the caller it stands for. */
export interface StaticToken {
  /** The secret itself (from the environment or a `${VAR}` in the config, never a literal in a repo). */
  token: string;
  /** The principal the token authenticates: rate limits, cache keys, audit and sessions key on it. */
  principal: string;
  /** Scopes the token grants (tool allow lists by scope). */
  scopes?: readonly string[];
}

/** Asymmetric algorithms only: with a key set, an HMAC "key" would be the public key (key confusion). */
export const DEFAULT_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** JWT access tokens verified locally against the authorization server's keys. */
export interface JwtOptions {
  /** The key set URL (https, or http on loopback). Keys are cached; unknown `kid`s refetch with a cooldown. */
  jwksUrl?: string;
  /** A JWKS file read once at start. */
  jwksFile?: string;
  /** The one accepted `iss`. */
  issuer: string;
  /** Accepted `aud` values; default: this server's resource URL (RFC 8707). */
  audience?: string | readonly string[];
  /** Accepted signature algorithms; asymmetric only (default RS*, PS*, ES*, EdDSA). */
  algorithms?: readonly string[];
  /** Leeway for `exp`/`nbf`/`iat`, seconds. Default 5. */
  clockToleranceSec?: number;
}

export interface HttpAuthOptions {
  tokens?: readonly StaticToken[];
  jwt?: JwtOptions;
  /** Authorization servers advertised in the protected-resource metadata (default: the JWT issuer). */
  authorizationServers?: readonly string[];
  /** Scopes advertised in the protected-resource metadata. */
  scopesSupported?: readonly string[];
  /** Scopes every request needs, whatever it calls (403 insufficient_scope otherwise). */
  requiredScopes?: readonly string[];
}

export interface HttpLimits {
  /** Largest request body; a bigger one is answered 413 without being read. Default 4 MiB. */
  maxBodyBytes: number;
  /** Deepest JSON nesting in a message. Default 64. */
  maxDepth: number;
  /** Longest string JSON-RPC id. Default 256. */
  maxIdLength: number;
  /** Most 2025-era sessions held at once. Default 1000. */
  maxSessions: number;
  /** Most sessions one caller holds; its least recently used one makes room. Default 100. */
  maxSessionsPerPrincipal: number;
  /** A session with no request and no open stream for this long is closed. Default 30 min. */
  sessionIdleMs: number;
  /** Most open 2026 `subscriptions/listen` streams. Default 1024. */
  maxSubscriptions: number;
  /** Most open listen streams one caller holds. Default 32. */
  maxSubscriptionsPerPrincipal: number;
  /** Most resource URIs one listen stream may have watched. Default 256. */
  maxWatchedUrisPerStream: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: DEFAULT_MAX_REQUEST_BODY_SIZE,
  maxDepth: 64,
  maxIdLength: 256,
  maxSessions: 1000,
  maxSessionsPerPrincipal: 100,
  sessionIdleMs: 30 * 60_000,
  maxSubscriptions: 1024,
  maxSubscriptionsPerPrincipal: 32,
  maxWatchedUrisPerStream: 256,
};

export { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT };
export const DEFAULT_HTTP_PATH = '/mcp';

export interface HttpServeOptions {
  /** Interface to bind. Default 127.0.0.1; anything else needs `auth`. */
  host?: string;
  /** Port; 0 picks a free one (the handle reports it). Default 3000. */
  port?: number;
  /** The MCP endpoint's path. Default `/mcp`. */
  path?: string;
  /**
   * The URL clients use, when it differs from the bound address (a proxy, TLS in front). It is the
   * resource identifier in the protected-resource metadata and the default JWT audience.
   */
  publicUrl?: string;
  /** Extra Host names accepted (hostnames, port-agnostic). */
  allowedHosts?: readonly string[];
  /** Extra browser origins accepted (hostnames or origins; matched by hostname). */
  allowedOrigins?: readonly string[];
  auth?: HttpAuthOptions;
  limits?: Partial<HttpLimits>;
  /** Where change events go; default in-process. A shared bus (Redis) lets several processes serve. */
  bus?: ServerEventBus;
  /**
   * Prometheus metrics at `/metrics`. Default: on for a loopback bind, off on any other unless
   * set to true (it then takes the same bearer auth as the endpoint).
   */
  metrics?: boolean;
  /** The read-only status page at `/` (default on; bearer auth as the endpoint beyond loopback). */
  statusPage?: boolean;
  /** Health of what the served module depends on (databases, upstreams): status page and metrics. */
  health?: () => Promise<readonly HealthEntry[]>;
  /**
   * Redis shared by several nodes: the event bus (unless `bus` is given) and the 2025-era event
   * store (unless `eventStores` is given) live there, and `/readyz` reports it.
   */
  redis?: RedisSettings;
  /**
   * Where 2025-era sessions keep stream events for `Last-Event-ID` resumption: bounded memory by
   * default, Redis with `redis`; `false` turns resumability off.
   */
  eventStores?: SessionEventStores | false;
  /** More reachability checks `/readyz` runs (a database, an upstream): name -> throws when down. */
  readiness?: Record<string, () => Promise<void>>;
}

/** What the transport runs with once the address is known. */
export interface ResolvedHttpOptions {
  path: string;
  resourceUrl: URL;
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Origins named in the configuration (not the loopback defaults): browsers there get CORS. */
  corsOrigins: string[];
  auth?: HttpAuthOptions;
  limits: HttpLimits;
  bus?: ServerEventBus;
  /** `/metrics` and `/`, and what they report. */
  operations: {
    metrics: boolean;
    statusPage: boolean;
    health?: () => Promise<readonly HealthEntry[]>;
  };
  redis?: RedisSettings;
  eventStores?: SessionEventStores | false;
  readiness?: Record<string, () => Promise<void>>;
}

export class HttpConfigError extends Error {
  override readonly name = 'HttpConfigError';
}

/** Whether binding `host` keeps the server reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export function hasAuth(auth: HttpAuthOptions | undefined): boolean {
  return Boolean(auth && ((auth.tokens && auth.tokens.length > 0) || auth.jwt));
}

/** Host header form of a hostname: IPv6 in brackets, lower case. */
function hostnameOf(value: string): string {
  const bare = value.replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/** `https://app.example.com` or `app.example.com` → `app.example.com` (the SDK matches origins by hostname). */
function originHostname(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\/\*$/i.test(value)) return value.toLowerCase(); // `scheme://*` entries pass through
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname;
  } catch {
    throw new HttpConfigError(`allowed origin "${value}" is neither a hostname nor an origin URL`);
  }
}

/**
 * Refuses unsafe setups before anything listens: a non-loopback bind without authentication,
 * or one that names no Host a client could use (Host validation would refuse every request).
 */
export function checkBindSafety(options: HttpServeOptions): void {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  if (!isLoopbackHost(host) && !hasAuth(options.auth)) {
    throw new HttpConfigError(
      `refusing to listen on ${host} without authentication: anyone who can reach it could call every tool. ` +
        'Bind 127.0.0.1, or configure bearer tokens (--token-env) or JWT verification (--jwks)',
    );
  }
  if (options.path !== undefined && !/^\/[A-Za-z0-9._~/-]*$/.test(options.path)) {
    throw new HttpConfigError(
      `the endpoint path "${options.path}" must start with / and use URL-safe characters`,
    );
  }
  if (options.publicUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.publicUrl);
    } catch {
      throw new HttpConfigError(`publicUrl "${options.publicUrl}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new HttpConfigError(`publicUrl "${options.publicUrl}" must be http(s)`);
    if (url.hash || url.search) throw new HttpConfigError('publicUrl must not carry a query or fragment');
  }
}

/** Fills defaults and derives the Host/Origin allow lists from the bind address and the public URL. */
export function resolveHttpOptions(options: HttpServeOptions, boundPort: number): ResolvedHttpOptions {
  checkBindSafety(options);
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const path = options.path ?? DEFAULT_HTTP_PATH;
  const loopback = isLoopbackHost(host);
  const urlHost = hostnameOf(host === 'localhost' ? '127.0.0.1' : host);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  // The URL clients use: the public one, else the bound address (on every interface, the first
  // name clients are told to use). It is the resource id, and the default JWT audience.
  const named = options.allowedHosts?.[0]
    ? hostnameOf(options.allowedHosts[0].replace(/:\d+$/, ''))
    : undefined;
  const resourceUrl = options.publicUrl
    ? new URL(options.publicUrl)
    : new URL(`http://${wildcard ? (named ?? '127.0.0.1') : urlHost}:${boundPort}${path}`);

  const hosts = new Set<string>(loopback ? localhostAllowedHostnames() : []);
  if (!wildcard) hosts.add(urlHost);
  if (options.publicUrl) hosts.add(hostnameOf(resourceUrl.hostname));
  for (const h of options.allowedHosts ?? []) hosts.add(hostnameOf(h.replace(/:\d+$/, '')));
  if (wildcard && hosts.size === 0) {
    throw new HttpConfigError(
      `listening on ${host} accepts any address: name the hosts clients use with --allowed-hosts or --public-url ` +
        '(Host validation refuses every other name)',
    );
  }

  const origins = new Set<string>(loopback ? localhostAllowedOrigins() : []);
  if (options.publicUrl) origins.add(resourceUrl.hostname);
  for (const o of options.allowedOrigins ?? []) origins.add(originHostname(o));

  return {
    path,
    resourceUrl,
    allowedHosts: [...hosts],
    allowedOrigins: [...origins],
    corsOrigins: (options.allowedOrigins ?? []).map(originHostname),
    auth: hasAuth(options.auth) ? options.auth : undefined,
    limits: { ...DEFAULT_HTTP_LIMITS, ...definedOnly(options.limits ?? {}) },
    bus: options.bus,
    operations: {
      metrics: options.metrics ?? loopback,
      statusPage: options.statusPage ?? true,
      ...(options.health ? { health: options.health } : {}),
    },
    ...(options.redis ? { redis: options.redis } : {}),
    ...(options.eventStores !== undefined ? { eventStores: options.eventStores } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
