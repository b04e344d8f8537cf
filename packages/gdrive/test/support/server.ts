/** The server built as `mcpkit serve gdrive` builds it (declaration, env, write policy), on the stand-in. */
import path from 'node:path';
import { createDeclaredServer, type Era, type ServerModule, silentLogger } from '@mcpkit/core';
import { connect, resultText, type TestClient } from '@mcpkit/core/testing';
import { SCOPES } from '../../src/auth/settings.js';
import { writeTokenFile } from '../../src/auth/token-file.js';
import { servers } from '../../src/declaration.js';
import { ADA } from '../standin/seed.js';
import { CLIENT_ID, CLIENT_SECRET, type Standin } from '../standin/server.js';

export const READ_TOOLS = [
  'get_file',
  'list_folder',
  'list_permissions',
  'list_shared_drives',
  'read_file',
  'search',
];

export interface Setup {
  options?: Record<string, unknown>;
  era?: Era;
  /** Environment on top of the stand-in's (credentials, URLs). */
  env?: NodeJS.ProcessEnv;
  /** Scopes of the stored grant (default: what the options ask for). */
  scopes?: string[];
}

let files = 0;

/** A token file holding a fresh grant for Ada with these scopes. */
export async function grantFile(standin: Standin, dir: string, scopes: string[]): Promise<string> {
  const file = path.join(dir, `grant-${++files}.json`);
  const refresh = standin.auth.issueRefreshToken(ADA, CLIENT_ID, scopes);
  await writeTokenFile(file, { refresh_token: refresh, client_id: CLIENT_ID, scope: scopes.join(' ') });
  return file;
}

export async function gdriveModule(standin: Standin, dir: string, setup: Setup = {}): Promise<ServerModule> {
  const writes = setup.options?.allowWrites === true && setup.options?.readOnly !== true;
  const scopes = setup.scopes ?? (writes ? [SCOPES.readonly, SCOPES.file] : [SCOPES.readonly]);
  const env: NodeJS.ProcessEnv = {
    GDRIVE_CLIENT_ID: CLIENT_ID,
    GDRIVE_CLIENT_SECRET: CLIENT_SECRET,
    GDRIVE_TOKEN_FILE: await grantFile(standin, dir, scopes),
    GDRIVE_ROOT_URL: standin.url,
    GDRIVE_TOKEN_URL: standin.tokenUrl,
    ...setup.env,
  };
  return createDeclaredServer(
    servers[0]!,
    { options: setup.options ?? {} },
    { logger: silentLogger(), cwd: dir, env },
  );
}

export async function gdriveClient(standin: Standin, dir: string, setup: Setup = {}): Promise<TestClient> {
  return connect(await gdriveModule(standin, dir, setup), { era: setup.era ?? 'legacy' });
}

export interface Outcome {
  isError: boolean;
  text: string;
  structured: Record<string, any>;
  /** The whole result as JSON: what crosses the wire. */
  raw: string;
}

export async function call(
  client: TestClient,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Outcome> {
  const result = await client.callTool({ name, arguments: args });
  return {
    isError: result.isError === true,
    text: resultText(result),
    structured: (result.structuredContent ?? {}) as Record<string, any>,
    raw: JSON.stringify(result),
  };
}

export async function toolNames(client: TestClient): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort();
}
