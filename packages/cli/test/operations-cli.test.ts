import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const everything = path.join(repo, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** `mcpkit serve --config … --http :0 --metrics`, until it prints its URL. */
function serveHttp(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: repo,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /^\s+(http:\/\/127\.0\.0\.1:\d+\/mcp)\s*$/m.exec(stderr);
      if (match) resolve({ child, url: new URL(match[1]!) });
    });
    child.on('exit', (code) => reject(new Error(`mcpkit exited ${code}: ${stderr}`)));
  });
}

describe('the HTTP server as an operator sees it: metrics and upstream health from a config', () => {
  let dir: string;
  let served: { child: ChildProcess; url: URL };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mcpkit-ops-'));
    const config = path.join(dir, 'mcpkit.json');
    writeFileSync(
      config,
      JSON.stringify({
        servers: { calc: { server: 'calculator' } },
        mcpServers: {
          everything: { command: process.execPath, args: [everything, 'stdio'], start: 'eager' },
        },
      }),
    );
    served = await serveHttp(['--config', config, '--http', ':0', '--metrics', '--log-level', 'warn'], {
      ...process.env,
      MCPKIT_STATE_DIR: path.join(dir, 'state'),
    });
  }, 60_000);
  afterAll(() => {
    served?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the upstream on the status page and serves Prometheus metrics', async () => {
    const status = async () =>
      (await (await fetch(new URL('/?format=json', served.url))).json()) as {
        health: { name: string; state: string }[];
      };
    let health = (await status()).health;
    for (let i = 0; i < 200 && !health.some((h) => h.state === 'up'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = (await status()).health;
    }
    expect(health).toContainEqual(expect.objectContaining({ name: 'upstream everything', state: 'up' }));
    const metrics = await (await fetch(new URL('/metrics', served.url))).text();
    expect(metrics).toMatch(/^# TYPE \S+ /m);
  }, 60_000);
});
