import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  buildOAuthProtectedResourceMetadata,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  type OAuthMetadata,
  type OAuthProtectedResourceMetadata,
  type OAuthTokenVerifier,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import {
  DEFAULT_JWT_ALGORITHMS,
  type HttpAuthOptions,
  HttpConfigError,
  isLoopbackHost,
  type JwtOptions,
} from './options.js';

/** Exactly `Bearer <token68>`: one space, no parameters, no second credential. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** Static tokens grant access for a session-length window; the SDK gate needs an expiry. */
const STATIC_TOKEN_LIFETIME_SEC = 3600;

/** The key set cannot be fetched (or is broken): the server cannot decide, so 503, not 401. */
class KeysUnavailableError extends Error {}

export interface Authenticator {
  /** Where the RFC 9728 document is; named by every 401 challenge. */
  readonly resourceMetadataUrl: string;
  /** Paths that serve the document: the RFC 9728 path-aware one and the bare well-known path. */
  readonly metadataPaths: readonly string[];
  readonly metadata: OAuthProtectedResourceMetadata;
  /**
   * Checks the request's Authorization header values (all of them: two credentials are refused),
   * resolving to the verified caller or to the ready challenge Response (401/403/503).
   */
  authenticate(authorization: readonly string[]): Promise<AuthInfo | Response>;
}

export async function createAuthenticator(
  auth: HttpAuthOptions,
  resourceUrl: URL,
  logger: Logger,
): Promise<Authenticator> {
  const verifiers: ((token: string) => Promise<AuthInfo | undefined>)[] = [];
  if (auth.tokens?.length) verifiers.push(staticTokenVerifier(auth.tokens));
  if (auth.jwt) verifiers.push(await jwtVerifier(auth.jwt, resourceUrl));
  const verifier: OAuthTokenVerifier = {
    async verifyAccessToken(token) {
      for (const verify of verifiers) {
        const info = await verify(token);
        if (info) return info;
      }
      throw new OAuthError(OAuthErrorCode.InvalidToken, 'The token is not valid for this server');
    },
  };

  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resourceUrl);
  const metadata = protectedResourceMetadata(auth, resourceUrl);
  const pathAware = new URL(resourceMetadataUrl).pathname;
  const metadataPaths = [...new Set([pathAware, '/.well-known/oauth-protected-resource'])];
  const requiredScopes = [...(auth.requiredScopes ?? [])];
  const gate = { verifier, requiredScopes, resourceMetadataUrl };

  return {
    resourceMetadataUrl,
    metadataPaths,
    metadata,
    async authenticate(authorization) {
      try {
        if (authorization.length === 0) {
          throw new OAuthError(OAuthErrorCode.InvalidToken, 'Missing Authorization header');
        }
        const header = authorization.length === 1 ? authorization[0]! : '';
        if (!BEARER.test(header)) {
          throw new OAuthError(
            OAuthErrorCode.InvalidToken,
            "Invalid Authorization header: expected exactly one 'Bearer <token>'",
          );
        }
        return await verifyBearerToken(header, gate);
      } catch (error) {
        if (error instanceof KeysUnavailableError) {
          logger.warn({ err: error }, 'cannot verify tokens: the JWT key set is unavailable');
          return Response.json(
            { error: 'temporarily_unavailable', error_description: 'Cannot verify tokens right now' },
            { status: 503, headers: { 'retry-after': '5' } },
          );
        }
        if (!(error instanceof OAuthError)) logger.error({ err: error }, 'token verification failed');
        return bearerAuthChallengeResponse(error, gate);
      }
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Static tokens, compared in constant time: both sides are hashed to equal-length digests and
 * every configured token is compared, so neither the length nor the position of a match leaks.
 */
function staticTokenVerifier(
  tokens: readonly { token: string; principal: string; scopes?: readonly string[] }[],
) {
  const entries = tokens.map((t) => {
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(t.token)) {
      throw new HttpConfigError(
        `the token for principal "${t.principal}" has characters a Bearer header cannot carry`,
      );
    }
    return { digest: sha256(t.token), principal: t.principal, scopes: [...(t.scopes ?? [])] };
  });
  return async (token: string): Promise<AuthInfo | undefined> => {
    const digest = sha256(token);
    let match: (typeof entries)[number] | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(digest, entry.digest) && !match) match = entry;
    }
    if (!match) return undefined;
    return {
      token,
      clientId: match.principal,
      scopes: match.scopes,
      expiresAt: Math.floor(Date.now() / 1000) + STATIC_TOKEN_LIFETIME_SEC,
      extra: { sub: match.principal, kind: 'static' },
    };
  };
}

/** Why jose refused a token, in words a client may see (nothing about keys or internals). */
function jwtRefusal(error: { code?: string; claim?: string; reason?: string }): string {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'Token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error.claim === 'nbf') return 'Token is not yet valid';
      if (error.claim === 'iss') return 'Token issuer is not accepted';
      if (error.claim === 'aud') return 'Token was not issued for this resource';
      if (error.claim === 'iat') return 'Token issue time is invalid';
      return `Token claim "${error.claim ?? 'unknown'}" is invalid`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'Token signature algorithm is not accepted';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'Token signature is invalid';
    default:
      return 'Token is malformed';
  }
}

async function jwtVerifier(options: JwtOptions, resourceUrl: URL) {
  // jose loads only when JWTs are configured: start-up does not pay for it otherwise.
  const jose = await import('jose');
  const algorithms = [...(options.algorithms ?? DEFAULT_JWT_ALGORITHMS)];
  const symmetric = algorithms.filter((a) => /^HS/i.test(a) || a === 'none');
  if (symmetric.length) {
    throw new HttpConfigError(
      `JWT algorithms ${symmetric.join(', ')} are not accepted: only asymmetric signatures are verified against a key set`,
    );
  }
  let keys: JWTVerifyGetKey;
  if (options.jwksUrl) {
    const url = new URL(options.jwksUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new HttpConfigError(`the JWKS URL must be https (http only on loopback): ${options.jwksUrl}`);
    }
    const remote = jose.createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000 });
    // A key set that cannot be fetched or parsed is the server's problem (503), never the token's.
    keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
        throw new KeysUnavailableError((error as Error).message);
      }
    };
  } else if (options.jwksFile) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(await readFile(options.jwksFile, 'utf8'));
    } catch (error) {
      throw new HttpConfigError(`cannot read the JWKS file ${options.jwksFile}: ${(error as Error).message}`);
    }
    try {
      keys = jose.createLocalJWKSet(jwks as Parameters<typeof jose.createLocalJWKSet>[0]);
    } catch (error) {
      throw new HttpConfigError(
        `the JWKS file ${options.jwksFile} is not a key set: ${(error as Error).message}`,
      );
    }
  } else {
    throw new HttpConfigError('JWT verification needs a key set: jwksUrl or jwksFile');
  }
  const audience = options.audience ?? resourceUrl.href;
  const audiences = [audience].flat();

  return async (token: string): Promise<AuthInfo | undefined> => {
    if (token.split('.').length !== 3) return undefined; // not a JWS: let the next verifier (or the refusal) answer
    let payload: Awaited<ReturnType<typeof jose.jwtVerify>>['payload'];
    try {
      ({ payload } = await jose.jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: audiences,
        algorithms,
        clockTolerance: options.clockToleranceSec ?? 5,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      throw new OAuthError(OAuthErrorCode.InvalidToken, jwtRefusal(error as { code?: string }));
    }
    const subject = [payload.sub, payload.client_id, payload.azp].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    if (!subject) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Token names no subject (sub)');
    const tokenAudience = [payload.aud ?? []].flat();
    const matched = audiences.find((a) => tokenAudience.includes(a)) ?? audiences[0]!;
    return {
      token,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : subject,
      scopes: scopesOf(payload),
      expiresAt: payload.exp,
      ...(URL.canParse(matched) ? { resource: new URL(matched) } : {}),
      extra: { sub: subject, iss: payload.iss, kind: 'jwt' },
    };
  };
}

/** OAuth `scope` (space-separated) or the `scp` array some issuers use. */
function scopesOf(payload: Record<string, unknown>): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  if (typeof payload.scp === 'string') return payload.scp.split(' ').filter(Boolean);
  return [];
}

/** The RFC 9728 document: built by the SDK when an authorization server is known. */
function protectedResourceMetadata(auth: HttpAuthOptions, resourceUrl: URL): OAuthProtectedResourceMetadata {
  const servers = [...(auth.authorizationServers ?? (auth.jwt ? [auth.jwt.issuer] : []))];
  const scopes = auth.scopesSupported?.length ? [...auth.scopesSupported] : undefined;
  if (servers.length === 0) {
    return {
      resource: resourceUrl.href,
      bearer_methods_supported: ['header'],
      ...(scopes ? { scopes_supported: scopes } : {}),
    };
  }
  let document: OAuthProtectedResourceMetadata;
  try {
    document = buildOAuthProtectedResourceMetadata({
      oauthMetadata: { issuer: servers[0]! } as OAuthMetadata,
      resourceServerUrl: resourceUrl,
      ...(scopes ? { scopesSupported: scopes } : {}),
    });
  } catch (error) {
    throw new HttpConfigError(`authorization server ${servers[0]}: ${(error as Error).message}`);
  }
  return JSON.parse(
    JSON.stringify({ ...document, authorization_servers: servers, bearer_methods_supported: ['header'] }),
  );
}
