export type { McpHttpApp } from './app.js';
export { type HttpConfig, httpOptionsFromConfig } from './config.js';
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
} from './options.js';
export { createMcpHttpApp, type HttpServerHandle, serveRuntimeOverHttp } from './serve-http.js';
