import type { JsonObject } from '../spec/types.js';
import { type AuthScheme, describeNeed } from './schemes.js';

/** What a request carries for authentication. Applied only to the configured origin. */
export interface Credentials {
  headers: Record<string, string>;
  query: [string, string][];
  cookies: [string, string][];
  /** Values never to show a model (redacted from responses and errors). */
  secrets: string[];
}

export interface CredentialResult {
  credentials: Credentials;
  /** When no alternative of the requirement could be met: what to set, one entry per alternative. */
  missing: string[];
}

export type Env = Record<string, string | undefined>;

export interface AuthenticatorOptions {
  env?: Env;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export function emptyCredentials(): Credentials {
  return { headers: {}, query: [], cookies: [], secrets: [] };
}

/** Turns a security requirement into credentials from the environment; OAuth2 tokens are cached. */
export class Authenticator {
  private readonly env: Env;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    readonly schemes: Map<string, AuthScheme>,
    options: AuthenticatorOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private value(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  private available(scheme: AuthScheme): boolean {
    switch (scheme.kind) {
      case 'bearer':
        return this.value(scheme.tokenVar) !== undefined;
      case 'basic':
        return this.value(scheme.userVar) !== undefined && this.value(scheme.passwordVar) !== undefined;
      case 'apiKey':
        return this.value(scheme.keyVar) !== undefined;
      case 'oauth2':
        return (
          this.value(scheme.tokenVar) !== undefined ||
          (scheme.clientCredentials !== undefined &&
            this.value(scheme.clientCredentials.clientIdVar) !== undefined &&
            this.value(scheme.clientCredentials.clientSecretVar) !== undefined)
        );
      default:
        return false;
    }
  }

  /**
   * Credentials for the first alternative of `security` the environment can meet. When none can be met
   * the request still goes out without them (the API may allow it); `missing` says what to set.
   */
  async resolve(security: JsonObject[], baseUrl: URL, signal?: AbortSignal): Promise<CredentialResult> {
    const credentials = emptyCredentials();
    if (security.length === 0) return { credentials, missing: [] };
    const missing: string[] = [];
    for (const alternative of security) {
      const names = Object.keys(alternative ?? {});
      if (names.length === 0) return { credentials, missing: [] };
      const schemes = names.map((n) => this.schemes.get(n));
      if (schemes.every((s) => s !== undefined && this.available(s))) {
        for (const [i, scheme] of (schemes as AuthScheme[]).entries()) {
          const scopes = Array.isArray(alternative[names[i]!]) ? (alternative[names[i]!] as string[]) : [];
          await this.apply(scheme, scopes, credentials, baseUrl, signal);
        }
        return { credentials, missing: [] };
      }
      missing.push(
        schemes
          .map((s, i) => (s ? describeNeed(s) : `scheme ${names[i]} (not defined in the spec)`))
          .join(' plus '),
      );
    }
    return { credentials, missing };
  }

  private async apply(
    scheme: AuthScheme,
    scopes: string[],
    out: Credentials,
    baseUrl: URL,
    signal?: AbortSignal,
  ): Promise<void> {
    switch (scheme.kind) {
      case 'bearer': {
        const token = this.value(scheme.tokenVar)!;
        out.headers.authorization = `${scheme.prefix} ${token}`;
        out.secrets.push(token);
        return;
      }
      case 'basic': {
        const user = this.value(scheme.userVar)!;
        const password = this.value(scheme.passwordVar)!;
        const encoded = Buffer.from(`${user}:${password}`).toString('base64');
        out.headers.authorization = `Basic ${encoded}`;
        out.secrets.push(password, encoded);
        return;
      }
      case 'apiKey': {
        const key = this.value(scheme.keyVar)!;
        if (scheme.in === 'header') out.headers[scheme.name.toLowerCase()] = key;
        else if (scheme.in === 'query') out.query.push([scheme.name, key]);
        else out.cookies.push([scheme.name, key]);
        out.secrets.push(key);
        return;
      }
      case 'oauth2': {
        const token =
          this.value(scheme.tokenVar) ?? (await this.clientCredentialsToken(scheme, scopes, baseUrl, signal));
        out.headers.authorization = `Bearer ${token}`;
        out.secrets.push(token);
        return;
      }
      default:
        return;
    }
  }

  private async clientCredentialsToken(
    scheme: Extract<AuthScheme, { kind: 'oauth2' }>,
    scopes: string[],
    baseUrl: URL,
    signal?: AbortSignal,
  ): Promise<string> {
    const flow = scheme.clientCredentials!;
    const cacheKey = `${scheme.scheme} ${[...scopes].sort().join(' ')}`;
    const cached = this.tokens.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const tokenUrl = new URL(flow.tokenUrl, baseUrl);
    const id = this.value(flow.clientIdVar)!;
    const secret = this.value(flow.clientSecretVar)!;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) body.set('scope', scopes.join(' '));
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic(encodeURIComponent(id), encodeURIComponent(secret))}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        redirect: 'error',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch {
      throw new AuthError(
        `the OAuth2 token request to ${tokenUrl.origin} for scheme ${scheme.scheme} failed`,
      );
    }
    const text = (await response.text()).slice(0, 64 * 1024);
    let json: JsonObject | undefined;
    try {
      json = JSON.parse(text);
    } catch {}
    if (!response.ok || typeof json?.access_token !== 'string') {
      const reason = typeof json?.error === 'string' ? `: ${json.error.slice(0, 100)}` : '';
      throw new AuthError(
        `the OAuth2 token endpoint ${tokenUrl.origin} refused the client credentials of scheme ` +
          `${scheme.scheme} ` +
          `(HTTP ${response.status}${reason}); check ${flow.clientIdVar} and ${flow.clientSecretVar}`,
      );
    }
    const lifetime = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    // Renew a minute early so a token never expires between check and use.
    this.tokens.set(cacheKey, {
      token: json.access_token,
      expiresAt: Date.now() + Math.max(0, lifetime - 60) * 1000,
    });
    return json.access_token;
  }
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

export class AuthError extends Error {
  override name = 'AuthError';
}
