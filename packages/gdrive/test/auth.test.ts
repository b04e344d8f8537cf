/**
 * Auth against the stand-in's token endpoint, through google-auth-library: lazy first token,
 * refresh after expiry (clock moved), one refresh and one retry on 401, revoked grants, rotated
 * refresh tokens saved 0600, the service account's JWT-bearer grant, and the consent flow.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DriveApiError } from '../src/api/errors.js';
import { runGdriveAuth } from '../src/auth/command.js';
import { DriveAuthError, DriveConfigError } from '../src/auth/errors.js';
import { runConsentFlow } from '../src/auth/flow.js';
import { resolveAuthSettings, SCOPES } from '../src/auth/settings.js';
import { readTokenFile } from '../src/auth/token-file.js';
import { invalidCredentials } from './standin/errors.js';
import { serviceAccountKey } from './standin/keys.js';
import { ADA, IDS } from './standin/seed.js';
import { CLIENT_ID, CLIENT_SECRET } from './standin/server.js';
import { makeWorld, type TestWorld, wire } from './support/world.js';

let w: TestWorld;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(async () => {
  expect(w.standin.violations).toEqual([]);
  await w.close();
});
afterEach(() => {
  vi.useRealTimers();
  w.standin.options.rotateRefreshTokens = false;
});

const listNotes = (api: ReturnType<TestWorld['client']>['api']) =>
  api.listFiles({ q: "name = 'notes.txt'", pageSize: 10 });

describe('settings', () => {
  it('refuses to start OAuth without a client id and secret, naming what to set', () => {
    expect(() => resolveAuthSettings({}, {})).toThrow(DriveConfigError);
    expect(() => resolveAuthSettings({ clientId: 'x' }, {})).toThrow(/GDRIVE_CLIENT_SECRET/);
  });

  it('reads the console client file, a service-account key, or an authorized_user file', () => {
    const client = path.join(w.dir, 'client.json');
    writeFileSync(client, JSON.stringify({ installed: { client_id: 'id1', client_secret: 's1' } }));
    expect(resolveAuthSettings({}, { GDRIVE_OAUTH_CLIENT: client })).toMatchObject({
      mode: 'oauth',
      clientId: 'id1',
      scopes: [SCOPES.readonly],
    });
    const key = path.join(w.dir, 'key.json');
    writeFileSync(key, JSON.stringify(serviceAccountKey(w.standin)));
    expect(
      resolveAuthSettings(
        { allowWrites: true },
        { GOOGLE_APPLICATION_CREDENTIALS: key, GDRIVE_IMPERSONATE: ADA },
      ),
    ).toMatchObject({ mode: 'service-account', subject: ADA, scopes: [SCOPES.readonly, SCOPES.file] });
    const adc = path.join(w.dir, 'adc.json');
    writeFileSync(
      adc,
      JSON.stringify({ type: 'authorized_user', client_id: 'a', client_secret: 'b', refresh_token: 'c' }),
    );
    expect(resolveAuthSettings({}, { GOOGLE_APPLICATION_CREDENTIALS: adc })).toMatchObject({
      mode: 'oauth',
      refreshToken: 'c',
    });
    writeFileSync(adc, '{"type": "external_account"}');
    expect(() => resolveAuthSettings({}, { GOOGLE_APPLICATION_CREDENTIALS: adc })).toThrow(/service_account/);
  });
});

describe('OAuth with a stored refresh token', () => {
  it('fetches no token until the first call, then exactly one', async () => {
    const from = w.standin.requests.length;
    const { api } = w.client();
    expect(w.standin.requests.length).toBe(from);
    const page = await listNotes(api);
    expect(page.items.map((f) => f.id)).toEqual([IDS.notes]);
    expect(wire(w.standin, from)).toEqual(['token:refresh_token 200', 'drive.files.list 200']);
  });

  it('refreshes exactly once when the clock moves two hours past a one-hour token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { api } = w.client();
    await listNotes(api);
    const grants = w.standin.auth.grants.refresh_token;
    await listNotes(api);
    expect(w.standin.auth.grants.refresh_token).toBe(grants); // still valid: no refresh
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const from = w.standin.requests.length;
    expect((await listNotes(api)).items).toHaveLength(1);
    expect(w.standin.auth.grants.refresh_token).toBe(grants + 1);
    expect(wire(w.standin, from)).toEqual(['token:refresh_token 200', 'drive.files.list 200']);
  });

  it('after a 401, refreshes once and retries once', async () => {
    const { api } = w.client();
    await listNotes(api);
    w.standin.invalidateAccessTokens();
    const from = w.standin.requests.length;
    expect((await listNotes(api)).items).toHaveLength(1);
    expect(wire(w.standin, from)).toEqual([
      'drive.files.list 401',
      'token:refresh_token 200',
      'drive.files.list 200',
    ]);

    // A second 401 after the retry is an error, not a loop.
    w.standin.failNext('drive.files.list', invalidCredentials(), 2);
    const again = w.standin.requests.length;
    const err = await listNotes(api).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveApiError);
    expect((err as DriveApiError).status).toBe(401);
    expect(wire(w.standin, again)).toEqual([
      'drive.files.list 401',
      'token:refresh_token 200',
      'drive.files.list 401',
    ]);
  });

  it('turns a revoked refresh token into the re-authenticate error, and recovers when the file is replaced', async () => {
    const grant = w.standin.auth.issueRefreshToken(ADA, CLIENT_ID, [SCOPES.readonly]);
    const file = path.join(w.dir, 'revoked.json');
    writeFileSync(file, JSON.stringify({ refresh_token: grant }), { mode: 0o600 });
    w.standin.auth.refreshTokens.get(grant)!.revoked = true;
    const { api } = w.client({ tokenFile: file });
    const err = await listNotes(api).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveAuthError);
    expect((err as DriveAuthError).kind).toBe('reauth');
    expect((err as Error).message).toContain('re-authenticate with `mcpkit auth gdrive`');
    expect((err as Error).message).not.toContain(grant);
    // The user re-runs the consent flow: the next call reads the new grant.
    writeFileSync(file, JSON.stringify({ refresh_token: w.refreshToken }));
    expect((await listNotes(api)).items).toHaveLength(1);
  });

  it('says to authorize first when there is no token file, and rejects a wrong client secret', async () => {
    const missing = await listNotes(w.client({ tokenFile: path.join(w.dir, 'none.json') }).api).catch(
      (e) => e,
    );
    expect(missing.message).toMatch(/not authorized yet: run `mcpkit auth gdrive`/);
    const wrong = await listNotes(w.client({ clientSecret: 'nope' }).api).catch((e) => e);
    expect(wrong).toMatchObject({ kind: 'config' });
    expect(wrong.message).toContain('invalid_client');
  });

  it('saves a rotated refresh token (mode 0600) and refreshes with it afterwards', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    w.standin.options.rotateRefreshTokens = true;
    const file = path.join(w.dir, 'rotating', 'token.json');
    const first = w.standin.auth.issueRefreshToken(ADA, CLIENT_ID, [SCOPES.readonly]);
    await import('../src/auth/token-file.js').then((m) => m.writeTokenFile(file, { refresh_token: first }));
    const { api, auth } = w.client({ tokenFile: file });
    await listNotes(api);
    await auth.persisted();
    const saved = await readTokenFile(file);
    expect(saved?.refresh_token).not.toBe(first);
    expect(saved?.client_id).toBe(CLIENT_ID);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(w.standin.auth.refreshTokens.get(first)!.revoked).toBe(true);
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    expect((await listNotes(api)).items).toHaveLength(1); // the old token would be invalid_grant
    await auth.persisted();
    expect((await readTokenFile(file))?.refresh_token).not.toBe(saved?.refresh_token);
  });
});

describe('service account', () => {
  it('gets its token through the JWT-bearer grant, redirected to the configured token URL', async () => {
    const key = path.join(w.dir, 'sa.json');
    writeFileSync(key, JSON.stringify(serviceAccountKey(w.standin)));
    const from = w.standin.requests.length;
    const { api } = w.client({ credentialsFile: key });
    const page = await api.listFiles({ q: 'trashed = false', pageSize: 10 });
    expect(page.items.map((f) => f.id)).toEqual([IDS.forSa]);
    expect(wire(w.standin, from)).toEqual([
      'token:urn:ietf:params:oauth:grant-type:jwt-bearer 200',
      'drive.files.list 200',
    ]);
  });

  it("uses the key file's own token_uri, and impersonates a user only with delegation", async () => {
    const key = path.join(w.dir, 'sa2.json');
    writeFileSync(key, JSON.stringify(serviceAccountKey(w.standin, { tokenUri: w.standin.tokenUrl })));
    const denied = await listNotes(
      w.client({ credentialsFile: key, tokenUrl: undefined, impersonate: ADA }).api,
    ).catch((e) => e);
    expect(denied).toMatchObject({ kind: 'denied' });
    expect(denied.message).toContain('domain-wide delegation');
    writeFileSync(
      key,
      JSON.stringify(serviceAccountKey(w.standin, { tokenUri: w.standin.tokenUrl, delegation: true })),
    );
    const grants = w.standin.auth.grants.jwt_bearer;
    const page = await listNotes(
      w.client({ credentialsFile: key, tokenUrl: undefined, impersonate: ADA }).api,
    );
    expect(page.items.map((f) => f.id)).toEqual([IDS.notes]);
    expect(w.standin.auth.grants.jwt_bearer).toBe(grants + 1);
  });
});

describe('consent flow (`mcpkit auth gdrive`)', () => {
  /** The browser: follows Google's redirect to the loopback server. */
  const browser = async (url: string) => {
    const consent = await fetch(url, { redirect: 'manual' });
    const back = consent.headers.get('location');
    if (!back) throw new Error(`consent page answered ${consent.status}`);
    await fetch(back);
  };

  it('receives the code on 127.0.0.1, exchanges it with PKCE and writes the token file 0600', async () => {
    const tokenFile = path.join(w.dir, 'flow', 'token.json');
    const settings = w.settings({ tokenFile, authUrl: w.standin.authUrl });
    if (settings.mode !== 'oauth') throw new Error('oauth expected');
    let consentUrl = '';
    const result = await runConsentFlow({
      settings,
      openBrowser: (url) => {
        consentUrl = url;
        return browser(url);
      },
    });
    const params = new URL(consentUrl).searchParams;
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(new URL(params.get('redirect_uri')!).hostname).toBe('127.0.0.1');
    expect(result.scopes).toEqual([SCOPES.readonly]);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8'));
    expect(saved).toMatchObject({ client_id: CLIENT_ID, refresh_token: expect.stringMatching(/^1\/\//) });
    expect((await listNotes(w.client({ tokenFile }).api)).items).toHaveLength(1);
  });

  it('`mcpkit auth gdrive --allow-writes` grants drive.file, and the server can then write', async () => {
    const tokenFile = path.join(w.dir, 'command', 'token.json');
    const env = {
      GDRIVE_CLIENT_ID: CLIENT_ID,
      GDRIVE_CLIENT_SECRET: CLIENT_SECRET,
      GDRIVE_TOKEN_URL: w.standin.tokenUrl,
      GDRIVE_AUTH_URL: w.standin.authUrl,
      GDRIVE_TOKEN_FILE: tokenFile,
    };
    const printed: string[] = [];
    const result = await runGdriveAuth({
      env,
      allowWrites: true,
      openBrowser: browser,
      print: (l) => printed.push(l),
    });
    expect(result.scopes.sort()).toEqual([SCOPES.file, SCOPES.readonly].sort());
    expect(printed.join('\n')).toContain(w.standin.authUrl);
    expect(printed.at(-1)).toContain('mode 0600');
    const { api } = w.client({ tokenFile, allowWrites: true });
    const created = await api.createFile({ name: 'from-auth.txt', mimeType: 'text/plain', content: 'ok' });
    expect(w.standin.world.files.get(created.id!)?.name).toBe('from-auth.txt');

    const key = path.join(w.dir, 'sa-cmd.json');
    writeFileSync(key, JSON.stringify(serviceAccountKey(w.standin)));
    await expect(
      runGdriveAuth({
        env: { ...env, GOOGLE_APPLICATION_CREDENTIALS: key },
        openBrowser: browser,
        print: () => {},
      }),
    ).rejects.toThrow(/needs no `mcpkit auth gdrive`/);
  });

  it('reports a denied consent and ignores a redirect with a foreign state', async () => {
    const settings = w.settings({ tokenFile: path.join(w.dir, 'denied.json'), authUrl: w.standin.authUrl });
    if (settings.mode !== 'oauth') throw new Error('oauth expected');
    w.standin.auth.consent = 'deny';
    try {
      const err = await runConsentFlow({
        settings,
        openBrowser: async (url) => {
          const redirect = new URL(url).searchParams.get('redirect_uri')!;
          const forged = await fetch(`${redirect}?code=evil&state=forged`);
          expect(forged.status).toBe(400);
          await browser(url);
        },
      }).catch((e) => e);
      expect(err).toBeInstanceOf(DriveAuthError);
      expect(err.message).toContain('access_denied');
    } finally {
      w.standin.auth.consent = { email: ADA };
    }
    expect(CLIENT_SECRET).toBeTruthy();
  });
});
