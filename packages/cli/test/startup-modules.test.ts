import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What `mcpkit serve` loads before it answers its first tools/list: every module costs start-up
// time (read, compile, evaluate), so code only some commands need (the MCP client of `call` and
// the gateway, the config loader, the HTTP stack, Redis, database drivers) must load on use.
// Measured in bytes of the bundle, not in milliseconds, so the test does not depend on the
// machine's speed: 1,163 KiB were loaded when the MCP client came along, 730 KiB without it.

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const DIST = path.dirname(CLI);
const RECORDER = pathToFileURL(fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url))).href;
/** Most of the bundle `serve` may load at start-up; the SDK and zod alone are about 470 KiB. */
const BUDGET_KIB = 850;

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` (npm test does) first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `mcpkit serve …` with a module recorder, lists its tools, stops it; the files it loaded. */
async function loadedBy(args: string[]): Promise<string[]> {
  const log = path.join(dir, `loads-${args[0]}.log`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', RECORDER, CLI, 'serve', ...args, '--log-level', 'silent'],
    // The ES module bundle, which Node 22+ runs (Node 20 loads dist/main.cjs with a code cache
    // instead: code-cache.test.ts).
    env: { ...(process.env as Record<string, string>), MCPKIT_LOAD_LOG: log, MCPKIT_CODE_CACHE: '0' },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'startup-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  } finally {
    await client.close();
  }
  const urls = new Set(readFileSync(log, 'utf8').trim().split('\n'));
  return [...urls].filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
}

describe('`mcpkit serve` start-up', () => {
  it.each([
    ['filesystem', () => ['filesystem', dir]],
    ['catalog', () => ['catalog']],
  ])('serve %s loads only what serving needs', async (_name, args) => {
    const files = await loadedBy(args());
    const ours = files.filter((file) => file.startsWith(DIST + path.sep));
    expect(ours).toContain(CLI);
    // Nothing from node_modules: the servers' own drivers (pg, ioredis, …) load when used.
    expect(files.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
    const kib = ours.reduce((sum, file) => sum + statSync(file).size, 0) / 1024;
    expect(
      kib,
      `serve loaded ${kib.toFixed(0)} KiB of the bundle at start-up (budget ${BUDGET_KIB}): ` +
        'something it does not need is imported statically; load it with import() where it is used',
    ).toBeLessThanOrEqual(BUDGET_KIB);
  });
});
