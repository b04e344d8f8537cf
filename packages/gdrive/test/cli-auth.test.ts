import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET } from './standin/server.js';
import { makeWorld, type TestWorld } from './support/world.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

let w: TestWorld;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());

/** `mcpkit auth gdrive` as a user runs it: the consent URL on stderr, a browser that says yes. */
describe('mcpkit auth gdrive (the built CLI)', () => {
  it('prints the consent URL, receives the grant on 127.0.0.1 and writes the token file 0600', async () => {
    const tokenFile = path.join(w.dir, 'cli', 'token.json');
    const child = spawn(process.execPath, [CLI, 'auth', 'gdrive', '--allow-writes'], {
      env: {
        PATH: process.env.PATH,
        HOME: w.dir,
        GDRIVE_CLIENT_ID: CLIENT_ID,
        GDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        GDRIVE_TOKEN_URL: w.standin.tokenUrl,
        GDRIVE_AUTH_URL: w.standin.authUrl,
        GDRIVE_TOKEN_FILE: tokenFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let consented = false;
    child.stderr.on('data', async (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = stderr.match(/https?:\/\/\S+/g)?.find((u) => u.startsWith(w.standin.authUrl));
      if (url && !consented) {
        consented = true;
        const consent = await fetch(url, { redirect: 'manual' });
        const back = consent.headers.get('location');
        if (back) await fetch(back);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(tokenFile, 'utf8'))).toMatchObject({ refresh_token: expect.any(String) });
    expect(stderr).not.toContain(CLIENT_SECRET);
  });
});
