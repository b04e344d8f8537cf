/**
 * Where the Drive server's credentials come from, decided once at start-up from options and the
 * environment, without touching the network. Secrets stay in files and the environment; they are
 * never tool arguments.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { DriveConfigError } from './errors.js';

export const SCOPES = {
  readonly: 'https://www.googleapis.com/auth/drive.readonly',
  /** Create files, and change the files this app created or was given. */
  file: 'https://www.googleapis.com/auth/drive.file',
  full: 'https://www.googleapis.com/auth/drive',
} as const;

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

export interface OAuthSettings {
  mode: 'oauth';
  clientId: string;
  clientSecret: string;
  /** Where the refresh token lives (written 0600 by `mcpkit auth gdrive`). */
  tokenFile: string;
  /** A refresh token handed over directly (an ADC `authorized_user` file); not rewritten. */
  refreshToken?: string;
  scopes: string[];
  tokenUrl: string;
  authUrl: string;
}

export interface ServiceAccountSettings {
  mode: 'service-account';
  keyFile: string;
  /** A user to impersonate through domain-wide delegation. */
  subject?: string;
  scopes: string[];
  /** Overrides the key file's token_uri. */
  tokenUrl?: string;
}

export type AuthSettings = OAuthSettings | ServiceAccountSettings;

export const authOptionsSchema = z.object({
  /** Service-account key (or ADC `authorized_user`) JSON file; default GOOGLE_APPLICATION_CREDENTIALS. */
  credentialsFile: z.string().min(1).optional(),
  impersonate: z.email().optional(),
  /** The OAuth client JSON downloaded from the Cloud console; default GDRIVE_OAUTH_CLIENT. */
  oauthClientFile: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  tokenFile: z.string().min(1).optional(),
  tokenUrl: z.url().optional(),
  authUrl: z.url().optional(),
  /** Ask for write access: drive.file, or the whole Drive with writeScope 'full'. */
  allowWrites: z.boolean().default(false),
  writeScope: z.enum(['file', 'full']).default('file'),
});

export type AuthOptions = z.input<typeof authOptionsSchema>;

export function defaultTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'mcpkit', 'gdrive-token.json');
}

export function scopesFor(allowWrites: boolean, writeScope: 'file' | 'full'): string[] {
  if (!allowWrites) return [SCOPES.readonly];
  return writeScope === 'full' ? [SCOPES.full] : [SCOPES.readonly, SCOPES.file];
}

function readJson(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DriveConfigError(`${what} cannot be read (${code ?? 'error'}).`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {}
  throw new DriveConfigError(`${what} is not a JSON object.`);
}

/** Reads `{installed|web: {client_id, client_secret}}`, as the Cloud console downloads it. */
function readOAuthClient(file: string): { clientId: string; clientSecret: string } {
  const json = readJson(file, 'The OAuth client file (GDRIVE_OAUTH_CLIENT)');
  const inner = (json.installed ?? json.web ?? json) as Record<string, unknown>;
  if (typeof inner.client_id !== 'string' || typeof inner.client_secret !== 'string')
    throw new DriveConfigError('The OAuth client file has no client_id and client_secret.');
  return { clientId: inner.client_id, clientSecret: inner.client_secret };
}

/**
 * Service account when a key file is given (GOOGLE_APPLICATION_CREDENTIALS), otherwise OAuth with
 * a client id and secret, which are required: without them a refresh token can never be used
 * (the reference server's one-hour death). Throws DriveConfigError with what to set.
 */
export function resolveAuthSettings(
  input: AuthOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): AuthSettings {
  const o = authOptionsSchema.parse(input);
  const scopes = scopesFor(o.allowWrites, o.writeScope);
  const tokenUrl = o.tokenUrl ?? env.GDRIVE_TOKEN_URL;
  const credentialsFile = o.credentialsFile ?? env.GOOGLE_APPLICATION_CREDENTIALS;
  if (credentialsFile) {
    const json = readJson(credentialsFile, 'The credentials file (GOOGLE_APPLICATION_CREDENTIALS)');
    if (json.type === 'authorized_user') {
      // gcloud's application-default credentials for a user: client id, secret and refresh token.
      if (
        typeof json.client_id !== 'string' ||
        typeof json.client_secret !== 'string' ||
        typeof json.refresh_token !== 'string'
      )
        throw new DriveConfigError(
          'The authorized_user credentials file lacks client_id, client_secret or refresh_token.',
        );
      return {
        mode: 'oauth',
        clientId: json.client_id,
        clientSecret: json.client_secret,
        refreshToken: json.refresh_token,
        tokenFile: o.tokenFile ?? env.GDRIVE_TOKEN_FILE ?? defaultTokenFile(env),
        scopes,
        tokenUrl: tokenUrl ?? GOOGLE_TOKEN_URL,
        authUrl: o.authUrl ?? GOOGLE_AUTH_URL,
      };
    }
    if (
      json.type !== 'service_account' ||
      typeof json.client_email !== 'string' ||
      typeof json.private_key !== 'string'
    )
      throw new DriveConfigError(
        'GOOGLE_APPLICATION_CREDENTIALS must name a service-account key (type service_account, with ' +
          'client_email and private_key) or an authorized_user file.',
      );
    const subject = o.impersonate ?? (env.GDRIVE_IMPERSONATE || undefined);
    return { mode: 'service-account', keyFile: credentialsFile, subject, scopes, tokenUrl };
  }
  const clientFile = o.oauthClientFile ?? (env.GDRIVE_OAUTH_CLIENT || undefined);
  const fromFile = clientFile ? readOAuthClient(clientFile) : undefined;
  const clientId = o.clientId ?? fromFile?.clientId ?? (env.GDRIVE_CLIENT_ID || undefined);
  const clientSecret = o.clientSecret ?? fromFile?.clientSecret ?? (env.GDRIVE_CLIENT_SECRET || undefined);
  if (!clientId || !clientSecret)
    throw new DriveConfigError(
      'Google Drive needs credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key, or ' +
        'set GDRIVE_OAUTH_CLIENT (the OAuth client JSON) or GDRIVE_CLIENT_ID and GDRIVE_CLIENT_SECRET, then ' +
        'run `mcpkit auth gdrive` once.',
    );
  return {
    mode: 'oauth',
    clientId,
    clientSecret,
    tokenFile: o.tokenFile ?? (env.GDRIVE_TOKEN_FILE || defaultTokenFile(env)),
    scopes,
    tokenUrl: tokenUrl ?? GOOGLE_TOKEN_URL,
    authUrl: o.authUrl ?? (env.GDRIVE_AUTH_URL || GOOGLE_AUTH_URL),
  };
}
