import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultText } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The policy and HTTP flags of `mcpkit serve`, each shown working through the built CLI. */
const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-cli-flags-'));
  await writeFile(path.join(dir, 'big.txt'), `${'line of text\n'.repeat(2000)}`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function stdio(args: string[]) {
  const client = new Client({ name: 'flags-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', 'filesystem', dir, '--log-level', 'silent', ...args],
      stderr: 'pipe',
    }),
  );
  return client;
}

describe('policy flags over stdio', () => {
  it('--allow keeps only the tools its globs name', async () => {
    const client = await stdio(['--allow', 'read_*,list_allowed_directories']);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual([
        'list_allowed_directories',
        'read_file',
        'read_media_file',
        'read_multiple_files',
        'read_text_file',
      ]);
      await expect(
        client.callTool({ name: 'write_file', arguments: { path: 'x', content: 'y' } }),
      ).rejects.toThrow(/not found/);
    } finally {
      await client.close();
    }
  });

  it('--deny removes the tools its globs name, and only those', async () => {
    const client = await stdio(['--deny', 'write_file,edit_*']);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain('write_file');
      expect(names).not.toContain('edit_file');
      expect(names).toEqual(expect.arrayContaining(['read_text_file', 'move_file', 'create_directory']));
      await expect(
        client.callTool({ name: 'write_file', arguments: { path: 'x', content: 'y' } }),
      ).rejects.toThrow(/not found/);
      expect(existsSync(path.join(dir, 'x'))).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('--max-output bounds one result, and says how to get the rest', async () => {
    const limited = await stdio(['--max-output', '4000']);
    const unlimited = await stdio([]);
    try {
      const cut = await limited.callTool({ name: 'read_text_file', arguments: { path: 'big.txt' } });
      const text = resultText(cut);
      expect(Buffer.byteLength(text)).toBeLessThan(4000 + 600);
      expect(text).toMatch(/truncated/i);
      expect(text).toMatch(/limit 3\.9 ?Ki?B|limit 4000|limit 4\.0 ?k/i);
      const whole = await unlimited.callTool({ name: 'read_text_file', arguments: { path: 'big.txt' } });
      expect(resultText(whole)).toBe('line of text\n'.repeat(2000));
    } finally {
      await limited.close();
      await unlimited.close();
    }
  });
});

/** A free loopback port (closed again before the server takes it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `mcpkit serve … --http`, resolving once its endpoint answers /healthz. */
async function serveHttp(args: string[]): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return { child, stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const ISSUER = 'https://issuer.example.com';
const PUBLIC = 'https://mcp.example.com/team/mcp';

describe('HTTP flags', () => {
  let port: number;
  let served: { child: ChildProcess; stderr: () => string };
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    const jwksFile = path.join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(jwks));
    sign = (claims) =>
      new SignJWT({ iss: ISSUER, sub: 'carol', ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    port = await freePort();
    served = await serveHttp([
      'catalog',
      '--http',
      `127.0.0.1:${port}`,
      '--jwks',
      jwksFile,
      '--jwt-issuer',
      ISSUER,
      '--public-url',
      PUBLIC,
      '--allowed-hosts',
      'proxy.internal',
      '--log-level',
      'warn',
    ]);
    // Ready when it answers: poll the health endpoint, never a fixed pause.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${base()}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || served.child.exitCode !== null)
        throw new Error(`the server did not start:\n${served.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (served) await stop(served.child);
  });

  /**
   * A raw request, as a client behind the proxy sends it. node:http, since fetch may not set Host
   * (a forbidden header there: it would silently send the loopback address instead).
   */
  const send = (
    method: string,
    urlPath: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method, path: urlPath, headers: { host: 'mcp.example.com', ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const initialize = (headers: Record<string, string>) =>
    send(
      'POST',
      '/mcp', // the proxy maps the public path onto the local one
      { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    );

  it('--public-url is the resource in the protected-resource metadata and the 401 challenge', async () => {
    const metadata = await send('GET', '/.well-known/oauth-protected-resource/team/mcp', {});
    expect(metadata.status).toBe(200);
    const body = JSON.parse(metadata.text) as { resource: string; authorization_servers?: string[] };
    expect(body.resource).toBe(PUBLIC);
    expect(body.authorization_servers).toEqual([ISSUER]);
    const challenge = await initialize({});
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toContain(
      'https://mcp.example.com/.well-known/oauth-protected-resource/team/mcp',
    );
  });

  it('--jwks/--jwt-issuer: a JWT from the issuer for the public URL is accepted, others are not', async () => {
    const good = await initialize({ authorization: `Bearer ${await sign({ aud: PUBLIC })}` });
    expect(good.status).toBe(200);
    // The audience defaults to the public URL, not the address the process listens on.
    const local = await initialize({ authorization: `Bearer ${await sign({ aud: `${base()}/mcp` })}` });
    expect(local.status).toBe(401);
    const stranger = await initialize({
      authorization: `Bearer ${await sign({ aud: PUBLIC, iss: 'https://evil.example.com' })}`,
    });
    expect(stranger.status).toBe(401);
  });

  it('--allowed-hosts adds a Host name; an unnamed one is refused before auth', async () => {
    const token = `Bearer ${await sign({ aud: PUBLIC })}`;
    expect((await initialize({ authorization: token, host: 'proxy.internal' })).status).toBe(200);
    const evil = await initialize({ authorization: token, host: 'evil.example.com' });
    expect(evil.status).toBeGreaterThanOrEqual(400);
    expect(evil.status).not.toBe(401);
    expect(evil.text).toMatch(/host/i);
    // and without the flag's name, the same request from the proxy would be refused too
    const other = await initialize({ authorization: token, host: 'proxy2.internal' });
    expect(other.status).toBe(evil.status);
  });
});
