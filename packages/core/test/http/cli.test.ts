import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS } from '../../src/testing/index.js';
import { connectHttp } from './fixture.js';

/** `mcpkit serve … --http` as users run it (the built CLI), and `mcpkit tools|call <url>` against it. */
const CLI = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));
const TOKEN = 'cli-test-token-5c1e9a7f3b2d';

interface Served {
  child: ChildProcess;
  url: URL;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `mcpkit serve`, resolving once it printed its URL (or rejecting with what it printed). */
function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s:\n${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /^ {2}(http:\/\/\S+\/mcp)$/m.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: new URL(match[1]!),
          stderr: () => stderr,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited ${code}:\n${stderr}`), { code, stderr }));
    });
  });
}

function mcpkit(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-http-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mcpkit serve --http', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(['catalog', '--http', '127.0.0.1:0', '--log-level', 'warn']);
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
  });

  it('prints the URL and how to connect', () => {
    const banner = served.stderr();
    expect(served.url.hostname).toBe('127.0.0.1');
    expect(banner).toContain(`mcpkit tools ${served.url.href}`);
    expect(banner).toContain('@modelcontextprotocol/inspector');
    expect(banner).toMatch(
      /claude_desktop_config\.json: \{"mcpServers":\{"catalog":\{"command":"npx","args":\["-y","mcp-remote",/,
    );
  });

  it.each(ERAS)('answers mcpkit tools and mcpkit call over HTTP (%s)', async (era) => {
    const tools = await mcpkit(['tools', served.url.href, '--era', era]);
    expect(tools.code, tools.stderr).toBe(0);
    expect(tools.stdout).toMatch(/^search_customers {2}\[read-only\]/m);
    const call = await mcpkit(['call', served.url.href, 'search_customers', '{"query":"doe"}', '--era', era]);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toMatch(/John Doe <john\.doe@example\.com>/);
  });

  it('serves an SDK client directly', async () => {
    const client = await connectHttp(served.url, 'modern');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('get_product_price');
    await client.close();
  });
});

describe('mcpkit serve --http with a token', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(
      ['catalog', '--http', ':0', '--token-env', 'MCPKIT_TEST_SERVE_TOKEN', '--token-principal', 'ci'],
      { MCPKIT_TEST_SERVE_TOKEN: TOKEN },
    );
  });
  afterAll(() => served.stop());

  it('refuses mcpkit call without MCPKIT_TOKEN, with a message that says what to do', async () => {
    const result = await mcpkit(['tools', served.url.href], { MCPKIT_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/needs authentication \(401\): set MCPKIT_TOKEN/);
    const wrong = await mcpkit(['tools', served.url.href], { MCPKIT_TOKEN: 'not-the-token-0000000' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the token/);
  });

  it.each(ERAS)('accepts the token from MCPKIT_TOKEN (%s)', async (era) => {
    const call = await mcpkit(
      ['call', served.url.href, 'get_product_price', '{"product_id":"P-001"}', '--era', era],
      {
        MCPKIT_TOKEN: TOKEN,
      },
    );
    expect(call.code, call.stderr).toBe(0);
  });

  it('mentions the token in the banner, never its value', () => {
    expect(served.stderr()).toContain('bearer 1 static token');
    expect(served.stderr()).not.toContain(TOKEN);
  });
});

describe('mcpkit serve --http refuses unsafe or broken setups', () => {
  it('will not listen beyond loopback without auth', async () => {
    const error = await serve(['catalog', '--http', '0.0.0.0:0']).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);
  });

  it('needs named hosts to listen on every interface, even with a token', async () => {
    const error = await serve(['catalog', '--http', '0.0.0.0:0', '--token-env', 'T'], { T: TOKEN }).catch(
      (e) => e,
    );
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/--allowed-hosts or --public-url/);
  });

  it('refuses a token variable that is not set', async () => {
    const error = await serve(['catalog', '--http', ':0', '--token-env', 'MCPKIT_UNSET_VARIABLE']).catch(
      (e) => e,
    );
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/MCPKIT_UNSET_VARIABLE: that environment variable is not set/);
  });

  it('reads the http section of a config file', async () => {
    const file = path.join(dir, 'http.yaml');
    await writeFile(
      file,
      [
        'servers:',
        '  calc: { server: calculator }',
        'http:',
        '  port: 0',
        '  path: /rpc',
        '  auth:',
        '    tokens:',
        '      - { token: "${MCPKIT_TEST_CONFIG_TOKEN}", principal: ops, scopes: [admin] }',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--http'], {
      env: { ...process.env, MCPKIT_TEST_CONFIG_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<URL>((resolve, reject) => {
      child.stderr!.on('data', (chunk) => {
        stderr += chunk;
        const match = /^ {2}(http:\/\/\S+\/rpc)$/m.exec(stderr);
        if (match) resolve(new URL(match[1]!));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    try {
      const client = await connectHttp(url, 'legacy', TOKEN);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
      await client.close();
      const refused = await mcpkit(['tools', url.href], { MCPKIT_TOKEN: '' });
      expect(refused.code).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
