/** @mcpkit/core/http: serving a runtime over Streamable HTTP (both eras), hardened and authenticated. */

export { type CacheStore, RedisCacheStore } from './redis/cache-store.js';
export {
  DEFAULT_REDIS_KEY_PREFIX,
  type RedisSettings,
} from './redis/connection.js';
export { RedisServerEventBus } from './redis/event-bus.js';
export {
  type EventStoreLimits,
  memoryEventStores,
  RedisEventStores,
  type SessionEventStore,
  type SessionEventStores,
} from './redis/event-store.js';
export type { McpHttpApp } from './transports/http/app.js';
export {
  anonymousGuard,
  type BearerAuthenticator,
  bearerAuthGuard,
  bodyLimitGuard,
  composeGuards,
  corsGuard,
  type GuardedRequest,
  type HttpGuard,
  hostGuard,
  jsonContentTypeGuard,
  methodGuard,
  originGuard,
  type Refusal,
} from './transports/http/guards/index.js';
export {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_HTTP_PATH,
  DEFAULT_HTTP_PORT,
  DEFAULT_JWT_ALGORITHMS,
  type HttpAuthOptions,
  HttpConfigError,
  type HttpLimits,
  type HttpServeOptions,
  isLoopbackHost,
  type JwtOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
  type StaticToken,
} from './transports/http/options.js';
export {
  createMcpHttpApp,
  type HttpServerHandle,
  serveRuntimeOverHttp,
} from './transports/http/serve-http.js';
export type { HealthEntry } from './transports/http/served.js';
