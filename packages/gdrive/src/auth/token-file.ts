/**
 * The stored OAuth grant: one JSON file, mode 0600 in a 0700 directory, replaced atomically so a
 * crash never leaves half a token and a rotated refresh token is never lost.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DriveAuthError, REAUTH_HINT } from './errors.js';

export interface StoredToken {
  refresh_token: string;
  /** The scopes Google granted, space-separated. */
  scope?: string;
  token_type?: string;
  /** The OAuth client the grant belongs to: a grant only refreshes with its own client. */
  client_id?: string;
  saved_at?: string;
}

export async function readTokenFile(file: string): Promise<StoredToken | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DriveAuthError(`The Google Drive token file cannot be read; ${REAUTH_HINT}.`, 'reauth');
  }
  try {
    const json = JSON.parse(text) as StoredToken;
    if (typeof json.refresh_token === 'string' && json.refresh_token) return json;
  } catch {}
  throw new DriveAuthError(`The Google Drive token file holds no refresh token; ${REAUTH_HINT}.`, 'reauth');
}

export async function writeTokenFile(file: string, token: StoredToken): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const body = `${JSON.stringify({ ...token, saved_at: new Date().toISOString() }, null, 2)}\n`;
  try {
    await writeFile(tmp, body, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600); // whatever the umask did
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}
