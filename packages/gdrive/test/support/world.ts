/** A stand-in, a temporary token file holding a grant for Ada, and the real client on top. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DriveApi } from '../../src/api/drive-api.js';
import { createDriveAuth, type DriveAuth, type DriveAuthOptions } from '../../src/auth/provider.js';
import { type AuthOptions, resolveAuthSettings } from '../../src/auth/settings.js';
import { writeTokenFile } from '../../src/auth/token-file.js';
import { READONLY } from '../standin/http.js';
import { ADA } from '../standin/seed.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Standin,
  type StandinOptions,
  startStandin,
} from '../standin/server.js';

export interface TestWorld {
  standin: Standin;
  dir: string;
  tokenFile: string;
  refreshToken: string;
  /** Auth settings pointing at the stand-in (OAuth with Ada's grant unless overridden). */
  settings(overrides?: AuthOptions): ReturnType<typeof resolveAuthSettings>;
  client(overrides?: AuthOptions, authOptions?: DriveAuthOptions): { auth: DriveAuth; api: DriveApi };
  close(): Promise<void>;
}

export async function makeWorld(options: StandinOptions = {}): Promise<TestWorld> {
  const standin = await startStandin(options);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-gdrive-'));
  const tokenFile = path.join(dir, 'config', 'gdrive-token.json');
  const refreshToken = standin.auth.issueRefreshToken(ADA, CLIENT_ID, [READONLY]);
  await writeTokenFile(tokenFile, { refresh_token: refreshToken, client_id: CLIENT_ID, scope: READONLY });
  const settings = (overrides: AuthOptions = {}) =>
    resolveAuthSettings(
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenFile,
        tokenUrl: standin.tokenUrl,
        ...overrides,
      },
      {},
    );
  return {
    standin,
    dir,
    tokenFile,
    refreshToken,
    settings,
    client(overrides, authOptions) {
      const auth = createDriveAuth(settings(overrides), authOptions);
      return { auth, api: new DriveApi({ auth, rootUrl: standin.url }) };
    },
    async close() {
      await standin.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The stand-in's log, as `METHOD status` lines, for asserting what went over the wire. */
export const wire = (standin: Standin, from = 0) =>
  standin.requests.slice(from).map((r) => `${r.methodId ?? r.path} ${r.status}`);
