// Runs one package's own stand-in (the stateful local API its tests use) in a process of its own,
// so the bench's client loop never serves its HTTP. The stand-ins are TypeScript: overhead.mjs
// bundles this file with esbuild (bench/.work/servers) and runs the bundle with plain node.
//
//   node <bundle> github|slack|gdrive|openapi
//
// Prints one JSON line: what a server needs to reach the stand-in (env, CLI flags, for the bare
// server its own settings). Then answers `count` on stdin with the number of requests the stand-in
// has received, the last few, and the time it spent answering them, so the bench can check both
// servers make the same requests and tell the stand-in's share of a call from the server's.
import { subscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startUpstream } from '../../examples/openapi/upstream.mjs';
import { SCOPES } from '../../packages/gdrive/src/auth/settings.ts';
import { writeTokenFile } from '../../packages/gdrive/src/auth/token-file.ts';
import { ADA } from '../../packages/gdrive/test/standin/seed.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startStandin as startDrive,
} from '../../packages/gdrive/test/standin/server.ts';
import { startStandin as startGithub } from '../../packages/github/test/standin/server.ts';
import { TOKENS as SLACK_TOKENS, startSlackStandin } from '../../packages/slack/test/standin/server.ts';

const which = process.argv[2];
let info;
let stop;
// Every request any HTTP server in this process receives (the OAuth token endpoint's included).
let requests = 0;
/** The last few requests as `METHOD path` lines (tokens travel in headers, never here). */
const recent = [];
/** Time from each request's arrival to its answer's end, summed (ms): the stand-in's share of a call. */
let answering = 0;
const arrived = new WeakMap();
subscribe('http.server.request.start', ({ request, response }) => {
  requests++;
  arrived.set(response, performance.now());
  recent.push(`${request.method} ${request.url}`);
  if (recent.length > 10) recent.shift();
});
subscribe('http.server.response.finish', ({ response }) => {
  answering += performance.now() - (arrived.get(response) ?? performance.now());
});

if (which === 'github') {
  const standin = await startGithub();
  // One token per server, so each has GitHub's 5,000-request budget to itself.
  const scopes = ['repo', 'read:org', 'user'];
  standin.world.tokens.set('ghp_benchMcpkit00000000000000000000000000', { login: 'octo', scopes });
  standin.world.tokens.set('ghp_benchBare0000000000000000000000000000', { login: 'octo', scopes });
  info = {
    url: standin.url,
    mcpkit: {
      env: {
        GITHUB_API_URL: standin.url,
        GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_benchMcpkit00000000000000000000000000',
      },
    },
    bare: { url: standin.url, token: 'ghp_benchBare0000000000000000000000000000' },
  };
  stop = () => standin.stop();
} else if (which === 'slack') {
  // Rate limits off: the bench makes thousands of history calls a minute (Slack allows 50).
  const standin = await startSlackStandin({ rateLimits: { enabled: false } });
  info = {
    url: standin.apiUrl,
    mcpkit: { env: { SLACK_API_URL: standin.apiUrl, SLACK_BOT_TOKEN: SLACK_TOKENS.bot } },
    bare: { url: standin.apiUrl, token: SLACK_TOKENS.bot },
  };
  stop = () => standin.close();
} else if (which === 'gdrive') {
  const standin = await startDrive();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-bench-gdrive-'));
  const tokenFile = path.join(dir, 'gdrive-token.json');
  const scope = SCOPES.readonly;
  await writeTokenFile(tokenFile, {
    refresh_token: standin.auth.issueRefreshToken(ADA, CLIENT_ID, [scope]),
    client_id: CLIENT_ID,
    scope,
  });
  info = {
    url: standin.url,
    mcpkit: {
      env: {
        GDRIVE_CLIENT_ID: CLIENT_ID,
        GDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        GDRIVE_TOKEN_FILE: tokenFile,
        GDRIVE_ROOT_URL: standin.url,
        GDRIVE_TOKEN_URL: standin.tokenUrl,
      },
    },
    bare: {
      url: standin.url,
      tokenUrl: standin.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: standin.auth.issueRefreshToken(ADA, CLIENT_ID, [scope]),
    },
  };
  stop = async () => {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  };
} else if (which === 'openapi') {
  // The stand-in `mcpkit serve openapi`'s CLI test runs the example spec against.
  const token = 'bench-openapi-token';
  const upstream = await startUpstream({ token });
  info = {
    url: upstream.url,
    mcpkit: { env: { OPENAPI_PLACEHOLDER_TOKEN: token }, baseUrl: upstream.url },
    bare: { url: upstream.url, token },
  };
  stop = () => upstream.close();
} else {
  console.error('usage: standin-host github|slack|gdrive|openapi');
  process.exit(2);
}

console.log(JSON.stringify(info));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'count') console.log(JSON.stringify({ count: requests, answering, recent }));
});
// stdin closed: the bench is done. A keep-alive socket may hold a close open, so wait at most 1 s.
lines.on('close', async () => {
  await Promise.race([stop(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  process.exit(0);
});
