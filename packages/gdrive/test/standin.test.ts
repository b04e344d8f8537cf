/**
 * The stand-in behaves as Drive does, spoken to with plain fetch: query language, fields,
 * paging, shared-drive flags, downloads, exports, errors and the OAuth endpoints.
 */
import { createHash, createSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, driveGet, FULL } from './standin/http.js';
import { serviceAccountKey } from './standin/keys.js';
import {
  ADA,
  BOB,
  BUDGET_SHEETS,
  DESIGN_MARKDOWN,
  IDS,
  QUOTED_NAME,
  SA_EMAIL,
  VIDEO_SIZE,
  videoChunk,
} from './standin/seed.js';
import { CLIENT_ID, CLIENT_SECRET, type Standin, startStandin } from './standin/server.js';
import { GOOGLE_TOKEN_URL } from './standin/tokens.js';

let standin: Standin;
let token: string;
let clock = Date.now();

beforeAll(async () => {
  standin = await startStandin({ now: () => clock });
  token = await accessToken(standin);
});
afterAll(async () => {
  expect(standin.violations).toEqual([]);
  await standin.close();
});

const list = (params: Record<string, string | number | boolean>) => driveGet(standin, token, 'files', params);
const names = (r: { json: any }) => r.json.files.map((f: { name: string }) => f.name).sort();

describe('files.list', () => {
  it("answers Drive's default fields only, and projects `fields`", async () => {
    const r = await list({ q: `'${IDS.projects}' in parents` });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['files', 'incompleteSearch', 'kind']);
    expect(Object.keys(r.json.files[0]).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    const p = await list({
      q: `'${IDS.projects}' in parents`,
      fields: 'files(id,owners(emailAddress)),kind',
    });
    expect(p.json.files[0]).toEqual({ id: expect.any(String), owners: [{ emailAddress: ADA }] });
    const bad = await list({ fields: 'files(idd)' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'fields' });
  });

  it('parses quotes and backslashes as literals, and rejects malformed strings', async () => {
    const escaped = QUOTED_NAME.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const r = await list({ q: `name = '${escaped}'` });
    expect(names(r)).toEqual([QUOTED_NAME]);
    expect(standin.requests.at(-1)!.literals).toEqual([QUOTED_NAME]);
    for (const q of [
      "name = 'O'Brien'",
      "name contains 'a\\b'",
      "name contains 'open",
      'name contains',
      '( trashed = false',
    ])
      expect((await list({ q })).json.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'q' });
  });

  it('evaluates and/or/not, mimeType, parents, trashed, modifiedTime and fullText', async () => {
    // Trashed files are listed unless the query says otherwise, as on Drive.
    expect(names(await list({ q: "fullText contains 'kickoff'" }))).toEqual(['notes.txt', 'old draft.txt']);
    expect(names(await list({ q: "fullText contains 'kickoff' and trashed = false" }))).toEqual([
      'notes.txt',
    ]);
    // Drive's token rules: name matches word prefixes, fullText whole words.
    expect(names(await list({ q: "name contains 'otes'" }))).toEqual([]);
    expect(names(await list({ q: "name contains 'not' and trashed = false" }))).toEqual([
      'Design notes',
      'Design notes (shortcut)',
      QUOTED_NAME,
      'notes.txt',
    ]);
    expect(names(await list({ q: "fullText contains 'kick'" }))).toEqual([]);
    const q = `'${IDS.projects}' in parents and not (mimeType = 'application/vnd.google-apps.document' or name contains 'budget')`;
    expect(names(await list({ q }))).toEqual(['Quarterly review']);
    const recent = await list({
      q: `modifiedTime > '2026-01-10T07:30:00Z' and 'root' in parents and trashed = false`,
    });
    expect(names(recent)).toEqual(['Huge export', QUOTED_NAME, 'for the service account.txt', 'report.pdf']);
  });

  it('pages 1,000 files with opaque tokens tied to their query', async () => {
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const r = await list({
        q: `'${IDS.thousand}' in parents`,
        pageSize: 100,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const f of r.json.files) seen.add(f.id);
      pageToken = r.json.nextPageToken;
      pages++;
      if (pages === 1) {
        const other = await list({ q: "name contains 'item'", pageToken: pageToken! });
        expect(other.json.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'pageToken' });
      }
    } while (pageToken);
    expect(pages).toBe(10);
    expect(seen.size).toBe(1000);
    expect((await list({ pageSize: 1001 })).status).toBe(400);
  });

  it('keeps shared drives out unless the app asks with every flag Drive requires', async () => {
    const q = "name = 'Runbook'";
    expect((await list({ q })).json.files).toEqual([]);
    const missing = await list({ q, corpora: 'allDrives' });
    expect(missing.status).toBe(403);
    expect(missing.json.error.message).toContain('includeItemsFromAllDrives');
    expect((await list({ q, corpora: 'allDrives', includeItemsFromAllDrives: true })).json.files).toEqual([]);
    const all = await list({
      q,
      corpora: 'allDrives',
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
    });
    expect(names(all)).toEqual(['Runbook']);
    expect(
      (await list({ corpora: 'drive', includeItemsFromAllDrives: true, supportsAllDrives: true })).status,
    ).toBe(400);
    const fin = await list({
      corpora: 'drive',
      driveId: IDS.finDrive,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
    });
    expect(fin.status).toBe(404);
    const eng = await list({
      corpora: 'drive',
      driveId: IDS.engDrive,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
    });
    expect(names(eng)).toEqual(['Runbook', 'Specs', 'api-spec.json', 'architecture.pdf', 'oncall.md']);
    expect((await driveGet(standin, token, `files/${IDS.runbook}`)).status).toBe(404);
    expect((await driveGet(standin, token, `files/${IDS.runbook}`, { supportsAllDrives: true })).status).toBe(
      200,
    );
  });

  it('rejects parameters the discovery document does not declare', async () => {
    const r = await list({ includeItemsFromAllDrive: true });
    expect(r.status).toBe(400);
    expect(r.json.error.errors[0].location).toBe('includeItemsFromAllDrive');
  });
});

describe('files.get and files.export', () => {
  it('downloads bytes with ranges, lazily for the 50 MB binary', async () => {
    const head = await driveGet(
      standin,
      token,
      `files/${IDS.video}`,
      { alt: 'media' },
      { range: 'bytes=1000-1099' },
    );
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 1000-1099/${VIDEO_SIZE}`);
    expect(head.bytes.equals(videoChunk(1000, 1100))).toBe(true);
    const meta = await driveGet(standin, token, `files/${IDS.video}`, {
      fields: 'size,md5Checksum,webContentLink',
    });
    expect(meta.json.size).toBe(String(VIDEO_SIZE));
  });

  it('answers 403 fileNotDownloadable for Google files and exports them through the matrix', async () => {
    const doc = await driveGet(standin, token, `files/${IDS.designDoc}`, { alt: 'media' });
    expect(doc.status).toBe(403);
    expect(doc.json.error.errors[0]).toMatchObject({ reason: 'fileNotDownloadable', location: 'alt' });
    const md = await driveGet(standin, token, `files/${IDS.designDoc}/export`, { mimeType: 'text/markdown' });
    expect(md.bytes.toString()).toBe(DESIGN_MARKDOWN);
    const csv = await driveGet(standin, token, `files/${IDS.budgetSheet}/export`, { mimeType: 'text/csv' });
    expect(csv.bytes.toString()).toBe(
      'Item,Amount,Note\r\nServers,1200,"two ""large"" nodes"\r\n"Travel, misc",300,"line\nbreak"',
    );
    expect(csv.bytes.toString()).not.toContain(BUDGET_SHEETS[1]!.rows[0]![0]);
    const bad = await driveGet(standin, token, `files/${IDS.budgetSheet}/export`, {
      mimeType: 'text/markdown',
    });
    expect(bad.status).toBe(400);
    const missing = await driveGet(standin, token, `files/${IDS.budgetSheet}/export`);
    expect(missing.json.error.errors[0]).toMatchObject({ reason: 'required', location: 'mimeType' });
    const huge = await driveGet(standin, token, `files/${IDS.hugeDoc}/export`, { mimeType: 'text/markdown' });
    expect(huge.status).toBe(403);
    expect(huge.json.error.errors[0].reason).toBe('exportSizeLimitExceeded');
    const links = await driveGet(standin, token, `files/${IDS.designDoc}`, { fields: 'exportLinks' });
    expect(Object.keys(links.json.exportLinks)).toContain('text/markdown');
  });
});

describe('permissions, drives and about', () => {
  it('lists permissions, member drives and the export matrix', async () => {
    const perms = await driveGet(standin, token, `files/${IDS.designDoc}/permissions`, {
      fields: 'permissions(id,type,role,emailAddress,domain,allowFileDiscovery)',
    });
    expect(perms.json.permissions.map((p: { type: string }) => p.type)).toEqual([
      'user',
      'user',
      'anyone',
      'domain',
    ]);
    const drives = await driveGet(standin, token, 'drives', { pageSize: 1 });
    expect(drives.json.drives).toEqual([{ kind: 'drive#drive', id: IDS.engDrive, name: 'Engineering' }]);
    const next = await driveGet(standin, token, 'drives', {
      pageSize: 1,
      pageToken: drives.json.nextPageToken,
    });
    expect(next.json.drives[0].name).toBe('Marketing');
    expect(next.json.nextPageToken).toBeUndefined();
    expect((await driveGet(standin, token, 'about')).status).toBe(400);
    const about = await driveGet(standin, token, 'about', { fields: 'exportFormats,user(emailAddress)' });
    expect(about.json.user).toEqual({ emailAddress: ADA });
  });

  it('refuses writes to a read-only token', async () => {
    const res = await fetch(new URL('drive/v3/files', standin.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x.txt' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.errors[0].reason).toBe('insufficientPermissions');
    const writer = await accessToken(standin, ADA, FULL);
    const ok = await fetch(new URL('drive/v3/files', standin.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x.txt', nameTypo: 1 }),
    });
    expect(ok.status).toBe(400);
  });
});

describe('OAuth endpoints', () => {
  const post = async (form: Record<string, string>) => {
    const res = await fetch(standin.tokenUrl, { method: 'POST', body: new URLSearchParams(form) });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('refreshes with a client id and secret only, counts grants and honours revocation', async () => {
    const refresh = standin.auth.issueRefreshToken(BOB, CLIENT_ID, [FULL]);
    const noClient = await post({ grant_type: 'refresh_token', refresh_token: refresh });
    expect(noClient).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const before = standin.auth.grants.refresh_token;
    const ok = await post({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(ok.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(standin.auth.grants.refresh_token).toBe(before + 1);
    standin.auth.refreshTokens.get(refresh)!.revoked = true;
    const revoked = await post({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(revoked).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });

  it('expires access tokens by its own clock and answers 401 authError', async () => {
    const t = await accessToken(standin);
    expect((await driveGet(standin, t, 'drives')).status).toBe(200);
    clock += 2 * 3600 * 1000;
    try {
      const r = await driveGet(standin, t, 'drives');
      expect(r.status).toBe(401);
      expect(r.json.error.errors[0].reason).toBe('authError');
    } finally {
      clock -= 2 * 3600 * 1000;
    }
  });

  it('grants a JWT-bearer assertion signed by a registered key, with delegation for a subject', async () => {
    const key = serviceAccountKey(standin, { delegation: false });
    const assertion = (claims: Record<string, unknown>) => {
      const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const iat = Math.floor(clock / 1000);
      const body = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: SA_EMAIL, aud: GOOGLE_TOKEN_URL, scope: FULL, iat, exp: iat + 3600, ...claims })}`;
      return `${body}.${createSign('RSA-SHA256').update(body).sign(key.private_key, 'base64url')}`;
    };
    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    const ok = await post({ grant_type: grant, assertion: assertion({}) });
    expect(ok.status).toBe(200);
    const own = await driveGet(standin, ok.json.access_token, 'files', { q: 'trashed = false' });
    expect(names(own)).toEqual(['for the service account.txt']);
    expect((await post({ grant_type: grant, assertion: assertion({ sub: ADA }) })).json.error).toBe(
      'unauthorized_client',
    );
    expect((await post({ grant_type: grant, assertion: `${assertion({})}x` })).json.error).toBe(
      'invalid_grant',
    );
    serviceAccountKey(standin, { delegation: true });
    expect((await post({ grant_type: grant, assertion: assertion({ sub: ADA }) })).status).toBe(200);
  });

  it('consents on the auth page and exchanges the code with PKCE, a refresh token only when offline', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const auth = new URL(standin.authUrl);
    const redirect = 'http://127.0.0.1:1/callback';
    for (const [k, v] of Object.entries({
      client_id: CLIENT_ID,
      redirect_uri: redirect,
      response_type: 'code',
      scope: FULL,
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
    }))
      auth.searchParams.set(k, v);
    const res = await fetch(auth, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    const form = {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: redirect,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    };
    const wrong = await post({ ...form, code_verifier: 'nope' });
    expect(wrong.json.error).toBe('invalid_grant');
    const res2 = await fetch(auth, { redirect: 'manual' });
    const code = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const ok = await post({ ...form, code, code_verifier: verifier });
    expect(ok.json.refresh_token).toMatch(/^1\/\//);
  });
});
