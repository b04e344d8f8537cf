/**
 * The authorized Google client, built on the first call (start-up never waits on Google): OAuth2
 * with client id, secret and the stored refresh token, or a service account's JWT-bearer grant.
 * Rotated refresh tokens are written back; token-endpoint failures become DriveAuthErrors that
 * say what to do.
 */
import { readFile } from 'node:fs/promises';
import { JWT, OAuth2Client } from 'google-auth-library';
import { DriveAuthError, REAUTH_HINT } from './errors.js';
import { type AuthSettings, GOOGLE_TOKEN_URL } from './settings.js';
import { readTokenFile, writeTokenFile } from './token-file.js';

export interface DriveAuth {
  readonly mode: AuthSettings['mode'];
  /** The client to sign Drive requests with; loads the stored grant on first use. */
  client(): Promise<OAuth2Client>;
  /** Forget the access token (after a 401) so the next request refreshes it. */
  invalidate(): void;
  /** Turns an error from a token request into a DriveAuthError; other errors come back unchanged. */
  classify(error: unknown): unknown;
  /** Resolves once every rotated refresh token seen so far is on disk. */
  persisted(): Promise<void>;
}

export interface DriveAuthOptions {
  /** Refresh this long before expiry (google-auth-library's default is 5 minutes). */
  eagerRefreshThresholdMillis?: number;
  /** Called when writing a rotated refresh token fails (the old one is then likely dead). */
  onPersistError?: (error: unknown) => void;
}

/** Sends the JWT-bearer grant (whose URL gtoken hard-codes) to the configured token endpoint. */
function redirectTokenUrl(tokenUrl: string): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return fetch(url === GOOGLE_TOKEN_URL ? tokenUrl : input, init);
  };
}

/** The parts of gaxios' GaxiosError we read (gaxios is the auth library's, not ours to import). */
export interface HttpErrorLike {
  response?: { status?: number; data?: unknown; headers?: unknown };
  config?: { url?: unknown };
  code?: unknown;
}

export const asHttpError = (e: unknown): HttpErrorLike | undefined =>
  e instanceof Error && (e.name === 'GaxiosError' || 'config' in e) ? (e as HttpErrorLike) : undefined;

function oauthError(e: unknown): { code: string; description?: string } | undefined {
  const data = asHttpError(e)?.response?.data as Record<string, unknown> | undefined;
  // Token endpoints answer {error: "invalid_grant"}; APIs answer {error: {code, message}}.
  if (data && typeof data.error === 'string')
    return {
      code: data.error,
      description: typeof data.error_description === 'string' ? data.error_description : undefined,
    };
  return undefined;
}

export function createDriveAuth(settings: AuthSettings, options: DriveAuthOptions = {}): DriveAuth {
  let pending: Promise<OAuth2Client> | undefined;
  let current: OAuth2Client | undefined;
  let refreshToken: string | undefined;
  let writes = Promise.resolve();
  const tokenUrl = settings.tokenUrl;

  const buildOAuth = async (s: Extract<AuthSettings, { mode: 'oauth' }>): Promise<OAuth2Client> => {
    const stored = s.refreshToken ? { refresh_token: s.refreshToken } : await readTokenFile(s.tokenFile);
    if (!stored)
      throw new DriveAuthError(
        'Google Drive is not authorized yet: run `mcpkit auth gdrive` once.',
        'reauth',
      );
    if ('client_id' in stored && stored.client_id && stored.client_id !== s.clientId)
      throw new DriveAuthError(
        `The stored Google grant belongs to another OAuth client; ${REAUTH_HINT}.`,
        'reauth',
      );
    const client = new OAuth2Client({
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      endpoints: { oauth2TokenUrl: s.tokenUrl },
      eagerRefreshThresholdMillis: options.eagerRefreshThresholdMillis,
    });
    refreshToken = stored.refresh_token;
    client.setCredentials({ refresh_token: refreshToken });
    client.on('tokens', (tokens) => {
      if (!tokens.refresh_token || tokens.refresh_token === refreshToken) return;
      // Google may rotate the refresh token: the old one stops working, so keep the new one.
      refreshToken = tokens.refresh_token;
      if (s.refreshToken) return; // handed over in a credentials file we do not own
      const next = { ...stored, refresh_token: tokens.refresh_token, scope: tokens.scope ?? stored.scope };
      writes = writes
        .then(() => writeTokenFile(s.tokenFile, { ...next, client_id: s.clientId }))
        .catch((e: unknown) => options.onPersistError?.(e));
    });
    return client;
  };

  const buildServiceAccount = async (s: Extract<AuthSettings, { mode: 'service-account' }>) => {
    let key: { client_email?: string; private_key?: string; private_key_id?: string; token_uri?: string };
    try {
      key = JSON.parse(await readFile(s.keyFile, 'utf8'));
    } catch {
      throw new DriveAuthError(
        'The service-account key file (GOOGLE_APPLICATION_CREDENTIALS) cannot be read.',
        'config',
      );
    }
    const url = s.tokenUrl ?? key.token_uri ?? GOOGLE_TOKEN_URL;
    return new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: s.scopes,
      subject: s.subject,
      eagerRefreshThresholdMillis: options.eagerRefreshThresholdMillis,
      transporterOptions:
        url === GOOGLE_TOKEN_URL ? undefined : { fetchImplementation: redirectTokenUrl(url) },
    });
  };

  const classify = (error: unknown): unknown => {
    if (error instanceof DriveAuthError) return error;
    const oauth = oauthError(error);
    if (!oauth) {
      const http = asHttpError(error);
      const url = String(http?.config?.url ?? '');
      if (http && !http.response && (url === tokenUrl || url === GOOGLE_TOKEN_URL))
        return new DriveAuthError(
          "Google's token endpoint could not be reached; try again shortly.",
          'unreachable',
        );
      return error;
    }
    // The stored grant is unusable from now on: the next call reads the token file again.
    pending = undefined;
    current = undefined;
    if (settings.mode === 'oauth') {
      if (oauth.code === 'invalid_grant')
        return new DriveAuthError(
          `The stored Google refresh token was revoked or has expired (invalid_grant); ${REAUTH_HINT}.`,
          'reauth',
        );
      if (
        oauth.code === 'invalid_client' ||
        oauth.code === 'unauthorized_client' ||
        oauth.code === 'invalid_request'
      )
        return new DriveAuthError(
          `Google rejected the OAuth client (${oauth.code}): check GDRIVE_OAUTH_CLIENT or GDRIVE_CLIENT_ID and ` +
            `GDRIVE_CLIENT_SECRET, then ${REAUTH_HINT}.`,
          'config',
        );
      return new DriveAuthError(
        `Google refused to refresh the access token (${oauth.code}); ${REAUTH_HINT}.`,
        'reauth',
      );
    }
    if (oauth.code === 'unauthorized_client')
      return new DriveAuthError(
        'Google refused the service account (unauthorized_client): domain-wide delegation is not granted ' +
          'for the impersonated user or these scopes.',
        'denied',
      );
    return new DriveAuthError(
      `Google refused the service account's token request (${oauth.code}): check that the key is current ` +
        'and the machine clock is right.',
      'denied',
    );
  };

  return {
    mode: settings.mode,
    async client() {
      pending ??= (settings.mode === 'oauth' ? buildOAuth(settings) : buildServiceAccount(settings)).catch(
        (e) => {
          pending = undefined;
          throw e;
        },
      );
      current = await pending;
      // google-auth-library puts the old refresh token back after a rotation; use the new one.
      if (settings.mode === 'oauth' && refreshToken && current.credentials.refresh_token !== refreshToken)
        current.credentials.refresh_token = refreshToken;
      return current;
    },
    invalidate() {
      if (current?.credentials.access_token) current.credentials.expiry_date = 1;
    },
    classify,
    persisted: () => writes,
  };
}
