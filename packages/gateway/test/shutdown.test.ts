import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from './support/bundle.js';
import { FIXTURE_SERVER } from './support/paths.js';
import { alive, descendants, waitFor } from './support/procfs.js';

const here = dirname(fileURLToPath(import.meta.url));
const WRAPPED = ['sh', '-c', `sleep 600 & exec node ${JSON.stringify(FIXTURE_SERVER)}`];
let host: string;

beforeAll(async () => {
  host = await bundle(join(here, 'fixtures', 'host.ts'));
});
afterAll(() => rmSync(dirname(host), { recursive: true, force: true }));

async function startHost(flags: string[] = []): Promise<{ child: ChildProcess; tree: number[] }> {
  const child = spawn(process.execPath, [host, JSON.stringify({ one: WRAPPED, two: WRAPPED }), ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  const pids = JSON.parse(line) as number[];
  expect(pids).toHaveLength(2);
  const tree = descendants(child.pid!);
  // Each upstream is the server and its sleeping helper.
  expect(tree.length).toBeGreaterThanOrEqual(4);
  return { child, tree };
}

describe('gateway shutdown', () => {
  it('leaves no upstream descendant alive within 5 s after SIGTERM to the gateway', async () => {
    const { child, tree } = await startHost();
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    // The default meaning of SIGTERM is kept: the host ends by it.
    expect(await exited).toBe('SIGTERM');
    expect(await waitFor(() => !tree.some(alive), 5000)).toBe(true);
  });

  it('also when the host handles SIGTERM itself and exits later', async () => {
    const { child, tree } = await startHost(['--own-handler']);
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await waitFor(() => !tree.some(alive), 5000)).toBe(true);
  });
});
