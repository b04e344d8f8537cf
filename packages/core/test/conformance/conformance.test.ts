import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/http.js';
import type { Runtime } from '../../src/index.js';
import { createEverythingRuntime } from './everything.js';

/**
 * The official MCP conformance suite's newest line (installed as the npm alias
 * `conformance-next`: @modelcontextprotocol/conformance 0.2.x, with the 2026-07-28 scenarios:
 * stateless serving, input_required rounds, the Tasks extension, SEP-2243 headers), every
 * server scenario (`--suite all`), against the fixture served by our HTTP transport. The suite
 * needs Node >= 22, so it runs under `npx -p node@24` (downloaded once on a fresh machine). A
 * scenario that fails must be named, with its reason, in expected-failures.yml; the suite also
 * fails when a listed scenario starts passing.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');
const cli = path.join(root, 'node_modules/conformance-next/dist/index.js');
const expectedFailures = path.join(here, 'expected-failures.yml');

let runtime: Runtime;
let handle: HttpServerHandle;
let work: string;

beforeAll(async () => {
  runtime = await createEverythingRuntime();
  handle = await serveRuntimeOverHttp(runtime, { port: 0 });
  work = mkdtempSync(path.join(tmpdir(), 'mcpkit-conformance-'));
});
afterAll(async () => {
  await handle?.close();
  await runtime?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('passes the official conformance suite (server scenarios)', { timeout: 600_000 }, async () => {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const { code, output } = await run(
    npx,
    [
      '--yes',
      '-p',
      'node@24',
      'node',
      cli,
      'server',
      '--url',
      handle.url.href,
      '--suite',
      'all',
      '--expected-failures',
      expectedFailures,
      '-o',
      work,
    ],
    work,
  );
  const summary = output
    .split('\n')
    .filter((line) => /passed|failed|✗|~|Unexpected|stale|Total|Running/i.test(line))
    .join('\n');
  expect(code, `conformance suite failed:\n${summary}\n\n${output.slice(-6000)}`).toBe(0);
  const scenarios = Number(/Running all suite \((\d+) scenarios\)/.exec(output)?.[1]);
  expect(scenarios, 'the newest suite runs at least its 65 server scenarios').toBeGreaterThanOrEqual(65);

  // The scenario passes even when the result arrives on the first stream (that check is only
  // INFO); require the real resume: the stream closed mid-call and the result replayed after
  // the client reconnected with Last-Event-ID.
  const checksFile = (readdirSync(work, { recursive: true }) as string[]).find(
    (f) => f.includes('server-sse-polling') && f.endsWith('checks.json'),
  );
  expect(checksFile, 'the server-sse-polling scenario saved its checks').toBeDefined();
  const checks = JSON.parse(readFileSync(path.join(work, checksFile as string), 'utf8')) as {
    id: string;
    status: string;
  }[];
  expect(checks.find((c) => c.id === 'server-sse-disconnect-resume')?.status).toBe('SUCCESS');
});
