/** Plain-fetch helpers for tests that talk to the stand-in directly (no client library). */
import { ADA } from './seed.js';
import { CLIENT_ID, CLIENT_SECRET, type Standin } from './server.js';

export const READONLY = 'https://www.googleapis.com/auth/drive.readonly';
export const FULL = 'https://www.googleapis.com/auth/drive';

/** A refresh token for `who`, exchanged at the token endpoint for an access token. */
export async function accessToken(standin: Standin, who = ADA, scope = READONLY): Promise<string> {
  const refresh = standin.auth.issueRefreshToken(who, CLIENT_ID, [scope]);
  const res = await fetch(standin.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export async function driveGet(
  standin: Standin,
  token: string,
  path: string,
  params: Record<string, string | number | boolean> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; bytes: Buffer; headers: Headers }> {
  const url = new URL(`drive/v3/${path}`, standin.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.startsWith('application/json')
    ? JSON.parse(bytes.toString())
    : undefined;
  return { status: res.status, json, bytes, headers: res.headers };
}
