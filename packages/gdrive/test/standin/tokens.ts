/**
 * Google's OAuth 2.0 endpoints as the libraries meet them: the token endpoint (refresh_token,
 * JWT-bearer and authorization_code grants, with Google's error codes) and the consent page,
 * which approves (or denies) at once and redirects to the loopback redirect URI.
 */
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface AccessToken {
  principal: string;
  scopes: string[];
  expiresAt: number;
  via: 'refresh_token' | 'jwt_bearer' | 'authorization_code';
  /** The app the token was issued to: an OAuth client id, or the service account. */
  app: string;
}

interface RefreshToken {
  principal: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface ServiceAccount {
  email: string;
  publicKeyPem: string;
  /** Domain-wide delegation: may impersonate users of the domain. */
  delegation: boolean;
}

interface AuthCode {
  principal: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  offline: boolean;
}

export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
}

export class TokenAuthority {
  readonly clients = new Map<string, string>(); // client id -> secret
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly serviceAccounts = new Map<string, ServiceAccount>();
  private readonly codes = new Map<string, AuthCode>();
  readonly grants = { refresh_token: 0, jwt_bearer: 0, authorization_code: 0 };
  /** Who approves on the consent page, or 'deny'. */
  consent: { email: string } | 'deny' = { email: 'ada@example.com' };

  constructor(
    private readonly now: () => number,
    private readonly options: {
      lifetimeSeconds: () => number;
      rotate: () => boolean;
      knownUsers: Set<string>;
    },
  ) {}

  issueRefreshToken(principal: string, clientId: string, scopes: string[]): string {
    const token = `1//rt-${randomBytes(12).toString('hex')}`;
    this.refreshTokens.set(token, { principal, clientId, scopes, revoked: false });
    return token;
  }

  private issueAccess(principal: string, scopes: string[], via: AccessToken['via'], app: string) {
    const token = `ya29.${randomBytes(16).toString('hex')}`;
    const lifetime = this.options.lifetimeSeconds();
    this.accessTokens.set(token, { principal, scopes, expiresAt: this.now() + lifetime * 1000, via, app });
    return { access_token: token, expires_in: lifetime, token_type: 'Bearer', scope: scopes.join(' ') };
  }

  /** POST /token, form-encoded as Google takes it. */
  token(form: URLSearchParams, basic?: { id: string; secret: string }): TokenReply {
    const grant = form.get('grant_type');
    const clientId = form.get('client_id') ?? basic?.id;
    const clientSecret = form.get('client_secret') ?? basic?.secret;
    const err = (status: number, error: string, description: string): TokenReply => ({
      status,
      body: { error, error_description: description },
    });
    const checkClient = (): TokenReply | undefined => {
      if (!clientId) return err(400, 'invalid_request', 'Could not determine client ID from request.');
      if (this.clients.get(clientId) === undefined || this.clients.get(clientId) !== clientSecret)
        return err(401, 'invalid_client', 'Unauthorized');
      return undefined;
    };

    if (grant === 'refresh_token') {
      const bad = checkClient();
      if (bad) return bad;
      const rt = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!rt || rt.revoked || rt.clientId !== clientId)
        return err(400, 'invalid_grant', 'Token has been expired or revoked.');
      this.grants.refresh_token++;
      const body: Record<string, unknown> = this.issueAccess(
        rt.principal,
        rt.scopes,
        'refresh_token',
        rt.clientId,
      );
      if (this.options.rotate()) {
        rt.revoked = true;
        body.refresh_token = this.issueRefreshToken(rt.principal, rt.clientId, rt.scopes);
      }
      return { status: 200, body };
    }

    if (grant === JWT_BEARER) return this.jwtBearer(form.get('assertion') ?? '', err);

    if (grant === 'authorization_code') {
      const bad = checkClient();
      if (bad) return bad;
      const code = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!code || code.clientId !== clientId) return err(400, 'invalid_grant', 'Malformed auth code.');
      if (code.redirectUri !== form.get('redirect_uri'))
        return err(400, 'redirect_uri_mismatch', 'Bad Request');
      if (code.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        const hashed = createHash('sha256').update(verifier).digest('base64url');
        if (hashed !== code.challenge) return err(400, 'invalid_grant', 'Invalid code verifier.');
      }
      this.grants.authorization_code++;
      const body: Record<string, unknown> = this.issueAccess(
        code.principal,
        code.scopes,
        'authorization_code',
        clientId!,
      );
      // Google hands out a refresh token only for access_type=offline.
      if (code.offline) body.refresh_token = this.issueRefreshToken(code.principal, clientId!, code.scopes);
      return { status: 200, body };
    }
    return err(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
  }

  private jwtBearer(assertion: string, err: (s: number, e: string, d: string) => TokenReply): TokenReply {
    const parts = assertion.split('.');
    if (parts.length !== 3) return err(400, 'invalid_grant', 'Invalid JWT: malformed.');
    let header: { alg?: string };
    let claims: { iss?: string; aud?: string; scope?: string; sub?: string; iat?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString());
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    } catch {
      return err(400, 'invalid_grant', 'Invalid JWT: malformed.');
    }
    const sa = this.serviceAccounts.get(claims.iss ?? '');
    if (header.alg !== 'RS256' || !sa) return err(400, 'invalid_grant', 'Invalid JWT Signature.');
    const signed = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      createPublicKey(sa.publicKeyPem),
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!signed) return err(400, 'invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== GOOGLE_TOKEN_URL)
      return err(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
    const now = this.now() / 1000;
    const { iat = 0, exp = 0 } = claims;
    if (exp - iat > 3600 || now < iat - 300 || now > exp + 300)
      return err(
        400,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. ' +
          'Check your iat and exp values in the JWT claim.',
      );
    if (!claims.scope) return err(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    if (claims.sub && (!sa.delegation || !this.options.knownUsers.has(claims.sub)))
      return err(
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized ' +
          'for any of the scopes requested.',
      );
    this.grants.jwt_bearer++;
    const { scope: _s, ...body } = this.issueAccess(
      claims.sub ?? sa.email,
      claims.scope.split(' '),
      'jwt_bearer',
      sa.email,
    );
    return { status: 200, body };
  }

  /** GET /o/oauth2/v2/auth: the consent page, answered at once. */
  authorize(params: URLSearchParams): { status: number; location?: string; text?: string } {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!this.clients.has(clientId)) return { status: 401, text: 'Error 401: invalid_client' };
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return { status: 400, text: 'Error 400: redirect_uri_mismatch' };
    }
    // Desktop clients may use any port of the loopback address, over plain http only.
    if (redirect.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(redirect.hostname))
      return { status: 400, text: 'Error 400: redirect_uri_mismatch' };
    if (params.get('response_type') !== 'code' || !params.get('scope'))
      return { status: 400, text: 'Error 400: invalid_request' };
    const state = params.get('state');
    if (this.consent === 'deny') {
      redirect.searchParams.set('error', 'access_denied');
    } else {
      const code = `4/code-${randomBytes(8).toString('hex')}`;
      const method = params.get('code_challenge_method');
      this.codes.set(code, {
        principal: this.consent.email,
        clientId,
        redirectUri,
        scopes: params.get('scope')!.split(' '),
        challenge: method === 'S256' ? (params.get('code_challenge') ?? undefined) : undefined,
        offline: params.get('access_type') === 'offline',
      });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('scope', params.get('scope')!);
    }
    if (state) redirect.searchParams.set('state', state);
    return { status: 302, location: redirect.toString() };
  }

  /** The bearer's token if it is known and unexpired by the stand-in's clock. */
  check(token: string): AccessToken | undefined {
    const at = this.accessTokens.get(token);
    if (!at || at.expiresAt <= this.now()) return undefined;
    return at;
  }
}
