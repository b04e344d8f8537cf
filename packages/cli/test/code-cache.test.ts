import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// On Node 20 (no compile cache of its own) the CLI loads from dist/main.cjs with V8's code cache
// in the user's cache folder (src/code-cache.ts); Node 22+ uses its own compile cache instead.
// NODE_DEBUG=mcpkit says whether a start used, rejected or had no cache.

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
const nodeHasCompileCache = 'enableCompileCache' in nodeModule;

let root: string;
let cacheDir: string;
let n = 0;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
  root = await mkdtemp(path.join(tmpdir(), 'mcpkit-code-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = path.join(root, `cache-${n++}`);
});

async function mcpkit(args: string[], env: Record<string, string> = {}) {
  const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
    timeout: 60_000,
    env: { ...process.env, NODE_DEBUG: 'mcpkit', MCPKIT_CACHE_DIR: cacheDir, ...env },
  });
  return { stdout, stderr };
}

const caches = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.v8')) : []);

describe.skipIf(nodeHasCompileCache)('the code cache on Node 20', () => {
  it('the first run writes a private cache and the next uses it, with the same output', async () => {
    const first = await mcpkit(['tools', 'catalog']);
    expect(first.stderr).toMatch(/code cache .*tools-catalog\.v8: none/);
    expect(first.stdout).toMatch(/search_customers/);
    const [file] = caches();
    expect(caches()).toHaveLength(1);
    expect(file).toMatch(/^main-[a-z0-9]+-tools-catalog\.v8$/);
    expect(statSync(path.join(cacheDir, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);

    const second = await mcpkit(['tools', 'catalog']);
    expect(second.stderr).toMatch(/code cache .*: used/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('a damaged cache is rejected, the command still works, and the cache is written again', async () => {
    const first = await mcpkit(['tools', 'catalog']);
    const file = path.join(cacheDir, caches()[0]!);
    writeFileSync(file, Buffer.alloc(4096, 7));
    const damaged = await mcpkit(['tools', 'catalog']);
    expect(damaged.stderr).toMatch(/code cache .*: rejected/);
    expect(damaged.stdout).toBe(first.stdout);
    expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect((await mcpkit(['tools', 'catalog'])).stderr).toMatch(/: used/);
  });

  it('a cache folder others can write to is not used', async () => {
    await mcpkit(['tools', 'catalog']);
    chmodSync(cacheDir, 0o777);
    const shared = await mcpkit(['tools', 'catalog']);
    expect(shared.stderr).toMatch(/not private to this user: not used/);
    expect(shared.stderr).not.toMatch(/: used/);
    expect(shared.stdout).toMatch(/search_customers/);
  });

  it("keeps other builds' caches, up to a bound, dropping the oldest first", async () => {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const old = (i: number) => path.join(cacheDir, `main-otherbuild${String(i).padStart(2, '0')}-serve-x.v8`);
    for (let i = 0; i < 40; i++) {
      writeFileSync(old(i), 'x');
      utimesSync(old(i), 1_000_000 + i, 1_000_000 + i);
    }
    await mcpkit(['tools', 'catalog']);
    const left = caches();
    expect(left).toHaveLength(32);
    expect(left.filter((f) => f.endsWith('-tools-catalog.v8'))).toHaveLength(1);
    // The 31 newest of the other build's stay; the 9 oldest went.
    expect(existsSync(old(39))).toBe(true);
    expect(existsSync(old(9))).toBe(true);
    expect(existsSync(old(8))).toBe(false);
  });

  it('a cache folder that cannot be made leaves the command working, uncached', async () => {
    const file = path.join(root, `plain-file-${n}`);
    writeFileSync(file, 'not a folder');
    const targets = [path.join(file, 'cache')];
    // Node 20's recursive mkdir never returns on a path under /proc: the folder is made without it.
    if (process.platform === 'linux') targets.push('/proc/mcpkit-no-such-folder/cache');
    for (const target of targets) {
      const result = await mcpkit(['tools', 'catalog'], { MCPKIT_CACHE_DIR: target });
      expect(result.stdout).toMatch(/search_customers/);
      expect(result.stderr).toMatch(/code cache \(no cache folder\): none/);
    }
  });

  it('names a cache by command and server, never by a URL or a path', async () => {
    await mcpkit(['tools', 'http://127.0.0.1:9/mcp']).catch(() => undefined); // refused: exit 1
    await mcpkit(['tools', 'catalog']);
    expect(
      caches()
        .map((f) => f.replace(/^main-[a-z0-9]+-/, ''))
        .sort(),
    ).toEqual(['tools-catalog.v8', 'tools.v8']);
  });

  it('MCPKIT_CODE_CACHE=0 turns it off', async () => {
    const off = await mcpkit(['tools', 'catalog'], { MCPKIT_CODE_CACHE: '0' });
    expect(off.stdout).toMatch(/search_customers/);
    expect(off.stderr).not.toMatch(/code cache/);
    expect(caches()).toEqual([]);
  });

  it('a server saves its cache while it runs, and serves from it the next time', async () => {
    for (const expected of [/: none/, /: used/]) {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'serve', 'catalog'],
        env: { ...(process.env as Record<string, string>), NODE_DEBUG: 'mcpkit', MCPKIT_CACHE_DIR: cacheDir },
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const client = new Client({ name: 'code-cache-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain('search_customers');
        // The first server writes its cache a couple of seconds in, while it keeps serving.
        await expect.poll(() => caches().length, { timeout: 20_000, interval: 100 }).toBe(1);
        expect(stderr).toMatch(expected);
      } finally {
        await client.close();
      }
    }
    expect(caches()[0]).toMatch(/-serve-catalog\.v8$/);
  });
});
