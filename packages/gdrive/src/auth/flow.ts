/**
 * `mcpkit auth gdrive`: Google's loopback consent flow for installed apps. A one-shot server on
 * 127.0.0.1 receives the redirect; the code is exchanged with PKCE; the refresh token is written
 * to the token file (0600). The CLI supplies how to open the browser and where to print.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { DriveAuthError } from './errors.js';
import type { OAuthSettings } from './settings.js';
import { writeTokenFile } from './token-file.js';

export interface ConsentFlowOptions {
  settings: OAuthSettings;
  /** Opens (or prints) the consent URL; the flow waits for the redirect. */
  openBrowser: (url: string) => void | Promise<void>;
  /** Loopback port; 0 picks a free one (Google accepts any port for desktop clients). */
  port?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConsentResult {
  tokenFile: string;
  scopes: string[];
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif">` +
  `<h1>${title}</h1><p>${text}</p></body>`;

export async function runConsentFlow(options: ConsentFlowOptions): Promise<ConsentResult> {
  const { settings } = options;
  const state = randomBytes(16).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const client = new OAuth2Client({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri,
    endpoints: { oauth2TokenUrl: settings.tokenUrl, oauth2AuthBaseUrl: settings.authUrl },
  });
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();

  try {
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new DriveAuthError('No answer from the consent page in time; run the command again.', 'reauth'),
          ),
        options.timeoutMs ?? 5 * 60_000,
      );
      const abort = () => reject(new DriveAuthError('Authorization cancelled.', 'reauth'));
      options.signal?.addEventListener('abort', abort, { once: true });
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
      };
      server.on('request', (req, res) => {
        const url = new URL(req.url ?? '/', redirectUri);
        if (url.pathname !== '/' || (!url.searchParams.has('code') && !url.searchParams.has('error'))) {
          res.writeHead(404).end();
          return;
        }
        const page = (status: number, title: string, text: string) =>
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(title, text));
        // A redirect without our state is not the one we started: ignore it (CSRF).
        if (url.searchParams.get('state') !== state) {
          page(400, 'Wrong request', 'This answer does not belong to the running authorization.');
          return;
        }
        done();
        const error = url.searchParams.get('error');
        if (error) {
          page(200, 'Not authorized', 'Access was not granted. You can close this tab.');
          reject(new DriveAuthError(`Google did not grant access (${error}).`, 'reauth'));
          return;
        }
        page(200, 'mcpkit is authorized', 'Google Drive access was granted. You can close this tab.');
        resolve(url.searchParams.get('code')!);
      });
      const url = client.generateAuthUrl({
        access_type: 'offline', // a refresh token, not just an hour's access
        prompt: 'consent', // Google returns a refresh token only on a fresh consent
        scope: settings.scopes,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as never,
        include_granted_scopes: false,
      });
      Promise.resolve(options.openBrowser(url)).catch((e: unknown) => {
        done();
        reject(e);
      });
    });
    const { tokens } = await client
      .getToken({ code, codeVerifier, redirect_uri: redirectUri })
      .catch((e: unknown) => {
        const data = (e as { response?: { data?: { error?: unknown } } }).response?.data;
        throw new DriveAuthError(
          `Google refused the authorization code (${typeof data?.error === 'string' ? data.error : 'error'}).`,
          'reauth',
        );
      });
    if (!tokens.refresh_token)
      throw new DriveAuthError(
        'Google returned no refresh token. Remove mcpkit under https://myaccount.google.com/permissions ' +
          'and run the command again.',
        'reauth',
      );
    await writeTokenFile(settings.tokenFile, {
      refresh_token: tokens.refresh_token,
      scope: tokens.scope ?? settings.scopes.join(' '),
      token_type: tokens.token_type ?? 'Bearer',
      client_id: settings.clientId,
    });
    return { tokenFile: settings.tokenFile, scopes: (tokens.scope ?? settings.scopes.join(' ')).split(' ') };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
