import path from 'node:path';
import type { HttpServeOptions } from '../transports/http/options.js';
import type { HttpConfig } from './schema.js';

/**
 * The `http` section of a validated config as serving options (relative files resolve against `baseDir`).
 * It lives with the config, so the HTTP transport knows nothing of the config file's shape.
 */
export function httpOptionsFromConfig(http: HttpConfig, baseDir: string): HttpServeOptions {
  const auth = http.auth;
  const jwt = auth?.jwt;
  return {
    host: http.host,
    port: http.port,
    path: http.path,
    ...(http.publicUrl ? { publicUrl: http.publicUrl } : {}),
    allowedHosts: http.allowedHosts,
    allowedOrigins: http.allowedOrigins,
    ...(auth
      ? {
          auth: {
            ...(auth.tokens ? { tokens: auth.tokens } : {}),
            ...(jwt
              ? {
                  jwt: {
                    issuer: jwt.issuer,
                    ...(jwt.jwksUrl ? { jwksUrl: jwt.jwksUrl } : {}),
                    ...(jwt.jwksFile ? { jwksFile: path.resolve(baseDir, jwt.jwksFile) } : {}),
                    ...(jwt.audience ? { audience: jwt.audience } : {}),
                    ...(jwt.algorithms ? { algorithms: jwt.algorithms } : {}),
                    clockToleranceSec: jwt.clockToleranceSec,
                  },
                }
              : {}),
            ...(auth.authorizationServers ? { authorizationServers: auth.authorizationServers } : {}),
            ...(auth.scopesSupported ? { scopesSupported: auth.scopesSupported } : {}),
            ...(auth.requiredScopes ? { requiredScopes: auth.requiredScopes } : {}),
          },
        }
      : {}),
    ...(http.redis ? { redis: http.redis } : {}),
    ...(http.metrics !== undefined ? { metrics: http.metrics } : {}),
    ...(http.statusPage !== undefined ? { statusPage: http.statusPage } : {}),
    limits: {
      maxBodyBytes: http.limits.maxBodyBytes,
      maxDepth: http.limits.maxDepth,
      maxSessions: http.limits.maxSessions,
      maxSessionsPerPrincipal: http.limits.maxSessionsPerPrincipal,
      sessionIdleMs: http.limits.sessionIdleSec === undefined ? undefined : http.limits.sessionIdleSec * 1000,
      maxSubscriptions: http.limits.maxSubscriptions,
      maxSubscriptionsPerPrincipal: http.limits.maxSubscriptionsPerPrincipal,
    },
  };
}
