import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverNames } from '../src/servers.js';

/**
 * Every built-in server's tool schemas through MCP Inspector's own portability check
 * (`--cli --method tools/list --strict`, Inspector 2.12): problems are printed on stderr as
 * "Warning: tool …" / "Error: tool …" blocks; there must be none. Inspector needs Node 22.19+,
 * so it runs under Node 24 fetched by npx (the npm registry is all it needs); our server runs
 * under this Node. Set MCPKIT_SKIP_INSPECTOR=1 to skip offline.
 */
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';
const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const skip = process.env.MCPKIT_SKIP_INSPECTOR === '1';

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-portability-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * What each server needs to start offline with every tool listed (writes on; credentials are
 * placeholders: start-up and tools/list never reach the API). A server not named here starts bare.
 */
function serveArgs(server: string): { args: string[]; env?: Record<string, string> } {
  switch (server) {
    case 'filesystem':
      return { args: [dir] };
    case 'postgres':
      return { args: [`--data-dir=${path.join(dir, 'pgdata')}`] };
    case 'openapi':
      return {
        args: [
          path.join(repo, 'examples/openapi/jsonplaceholder.yaml'),
          '--base-url=http://127.0.0.1:9',
          '--allow-delete=DELETE',
        ],
      };
    case 'github':
      return { args: ['--allow-merge'] };
    case 'slack':
      return {
        args: [],
        env: { SLACK_BOT_TOKEN: 'xoxb-1-2-placeholder', SLACK_USER_TOKEN: 'xoxp-1-2-placeholder' },
      };
    case 'gdrive':
      return { args: [], env: { GDRIVE_CLIENT_ID: 'placeholder', GDRIVE_CLIENT_SECRET: 'placeholder' } };
    default:
      return { args: [] };
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(skip)("MCP Inspector's strict schema portability check", () => {
  const servers = [...serverNames].sort();

  it.each(servers)(
    '%s: 0 warnings, 0 errors',
    async (server) => {
      const { args, env } = serveArgs(server);
      const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
      const result = await run(
        npx,
        [
          '-y',
          '-p',
          'node@24',
          '-p',
          INSPECTOR,
          'mcp-inspector',
          '--cli',
          '--method',
          'tools/list',
          '--strict',
          '--connect-timeout',
          '120000',
          // Inspector starts the server with only the variables given here.
          ...Object.entries(env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
          '--',
          process.execPath,
          CLI,
          'serve',
          server,
          ...args,
          '--allow-writes',
          '--log-level=silent',
        ],
        { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
      );
      // The server started and answered tools/list (code-review serves prompts only: an empty list).
      expect(result.stdout, result.stderr).toMatch(/^\{/);
      const listed = JSON.parse(result.stdout) as { tools?: { name: string }[] };
      expect(Array.isArray(listed.tools), result.stdout).toBe(true);
      const findings = result.stderr
        .split(/\n(?=(?:Warning|Error): )/)
        .filter((block) => /^(?:Warning|Error): tool /m.test(block));
      expect(findings.join('\n')).toBe('');
      expect(result.code).toBe(0);
    },
    600_000,
  );
});
