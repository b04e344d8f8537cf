// Transitional: the config-to-options mapping now lives in config/; re-exported here only until the
// public API exports it from the config entry (then this line goes, and http imports nothing of config).
export { httpOptionsFromConfig } from '../../config/http-options.js';
export type { HttpConfig } from '../../config/schema.js';
export type { McpHttpApp } from './app.js';
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
