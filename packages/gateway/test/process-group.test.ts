import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroupTransport, StderrRing, trackedGroups, upstreamEnvironment } from '../src/index.js';
import { createRedactor } from '../src/upstream/redact.js';
import { FIXTURE_SERVER } from './support/paths.js';
import { alive, commandLine, descendants, waitFor } from './support/procfs.js';

// The wrapper shape that leaves orphans behind: a helper in the background, then the server.
const WRAPPER = ['-c', `sleep 600 & exec node ${JSON.stringify(FIXTURE_SERVER)}`];
const leftovers: number[] = [];

afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

async function connectWrapper() {
  const stderr = new StderrRing(createRedactor());
  const transport = new ProcessGroupTransport({
    command: 'sh',
    args: WRAPPER,
    env: upstreamEnvironment(),
    stderr,
  });
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(transport);
  const pid = transport.pid!;
  const tree = descendants(pid);
  leftovers.push(pid, ...tree);
  return { client, transport, pid, tree, stderr };
}

describe('process-group transport', () => {
  it('serves MCP and has the wrapper grandchild in its tree', async () => {
    const { client, tree, pid } = await connectWrapper();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(tree.map(commandLine)).toContain('sleep 600');
    expect(trackedGroups()).toContain(pid);
    await client.close();
  });

  it('leaves no descendant alive within 5 s after close', async () => {
    const { client, tree, pid } = await connectWrapper();
    expect(tree.length).toBeGreaterThan(0);
    await client.close();
    expect(await waitFor(() => ![pid, ...tree].some(alive), 5000)).toBe(true);
    expect(trackedGroups()).not.toContain(pid);
  });

  it('leaves no descendant alive within 5 s after kill -9 of the wrapper, and reports the close', async () => {
    const { client, tree, pid, transport, stderr } = await connectWrapper();
    let closed = false;
    client.onclose = () => {
      closed = true;
    };
    process.kill(pid, 'SIGKILL');
    expect(await waitFor(() => closed, 5000)).toBe(true);
    expect(await waitFor(() => !tree.some(alive), 5000)).toBe(true);
    expect(transport.exitInfo).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stderr.tail().at(-1)).toContain('SIGKILL');
  });

  it("is needed: the SDK's own stdio transport leaves the grandchild behind", async () => {
    const transport = new StdioClientTransport({ command: 'sh', args: WRAPPER, stderr: 'pipe' });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    const pid = transport.pid!;
    const tree = descendants(pid);
    leftovers.push(pid, ...tree);
    expect(tree.length).toBeGreaterThan(0);
    await client.close();
    // The direct child is gone, its helper is not (re-parented, still sleeping).
    expect(await waitFor(() => !alive(pid), 5000)).toBe(true);
    expect(tree.some(alive)).toBe(true);
  });

  it('tolerates lines on stdout that are not JSON-RPC, counts them, and closes past the limit', async () => {
    const stderr = new StderrRing(createRedactor());
    const transport = new ProcessGroupTransport({
      command: 'node',
      args: [FIXTURE_SERVER],
      env: upstreamEnvironment({ FIXTURE_GARBAGE_AT_START: '1' }),
      stderr,
      maxGarbageLines: 10,
    });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    expect(transport.garbageLines).toBe(1);
    await client.callTool({ name: 'noise', arguments: { lines: 5 } });
    expect(transport.garbageLines).toBe(6);
    expect(stderr.tail()).toContain('[stdout, not JSON-RPC] garbage line 4');
    let closed = false;
    client.onclose = () => {
      closed = true;
    };
    await client.callTool({ name: 'noise', arguments: { lines: 20 } }).catch(() => {});
    expect(await waitFor(() => closed, 5000)).toBe(true);
    expect(stderr.tail().join('\n')).toContain('more than 10 lines to stdout that are not JSON-RPC');
    expect(await waitFor(() => !alive(transport.pid!), 5000)).toBe(true);
  });

  it('rejects the start when the command does not exist', async () => {
    const transport = new ProcessGroupTransport({
      command: 'no-such-command-here',
      env: upstreamEnvironment(),
    });
    await expect(transport.start()).rejects.toThrow(/ENOENT/);
  });
});
