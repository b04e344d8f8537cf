import { afterEach, describe, expect, it } from 'vitest';
import {
  INHERITED_ENV_VARS,
  type LifecycleInput,
  type ListKind,
  UpstreamSupervisor,
  UpstreamUnavailableError,
} from '../src/index.js';
import { EVERYTHING_SERVER, FIXTURE_SERVER } from './support/paths.js';
import { alive, waitFor } from './support/procfs.js';

const supervisors: UpstreamSupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

function fixture(env: Record<string, string> = {}, lifecycle: LifecycleInput = {}, name = 'fx') {
  const supervisor = new UpstreamSupervisor({
    name,
    target: { kind: 'stdio', command: process.execPath, args: [FIXTURE_SERVER], env },
    lifecycle: { restart: { backoffMs: [50, 400] }, ...lifecycle },
  });
  supervisors.push(supervisor);
  return supervisor;
}

const text = (result: { content?: unknown }) => (result.content as Array<{ text: string }>)[0]!.text;

async function crash(supervisor: UpstreamSupervisor): Promise<void> {
  const client = await supervisor.client();
  await client.callTool({ name: 'crash', arguments: {} }).catch(() => {});
}

describe('environment', () => {
  it("gives an upstream only the allow-list and its own env, not the gateway's secrets", async () => {
    process.env.GITHUB_TOKEN = 'ghp_parent_secret_0123456789abcdefghij';
    process.env.OTHER_SERVER_PASSWORD = 'not-for-you';
    try {
      const supervisor = new UpstreamSupervisor({
        name: 'everything',
        target: {
          kind: 'stdio',
          command: process.execPath,
          args: [EVERYTHING_SERVER, 'stdio'],
          env: { OWN_SETTING: 'from-the-entry' },
        },
      });
      supervisors.push(supervisor);
      const client = await supervisor.client();
      const env = JSON.parse(text(await client.callTool({ name: 'get-env', arguments: {} }))) as Record<
        string,
        string
      >;
      const expected = [...INHERITED_ENV_VARS.filter((key) => process.env[key] !== undefined), 'OWN_SETTING'];
      expect(Object.keys(env).sort()).toEqual(expected.sort());
      expect(env.OWN_SETTING).toBe('from-the-entry');
      expect(env.PATH).toBe(process.env.PATH);
      expect(JSON.stringify(env)).not.toContain('ghp_parent_secret');
      expect(JSON.stringify(env)).not.toContain('not-for-you');
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.OTHER_SERVER_PASSWORD;
    }
  });
});

describe('lifecycle', () => {
  it('starts lazily on first use, or at once when asked', async () => {
    const lazy = fixture();
    expect(lazy.state).toBe('idle');
    expect(lazy.status().pid).toBeUndefined();
    const client = await lazy.client();
    expect(lazy.state).toBe('ready');
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'up' } }))).toBe('up');

    const eager = fixture({}, { start: 'eager' });
    await eager.start();
    expect(eager.state).toBe('ready');
    expect(alive(eager.status().pid!)).toBe(true);
  });

  it('restarts a crashed upstream with a fresh process and announces the lists twice', async () => {
    const supervisor = fixture();
    const changes: ListKind[] = [];
    supervisor.on('listChanged', (kind) => changes.push(kind));
    await supervisor.start();
    const first = supervisor.status().pid!;
    changes.length = 0;
    await crash(supervisor);
    // Gone: the lists changed (tools vanish) …
    expect(await waitFor(() => changes.filter((k) => k === 'tools').length >= 1, 2000)).toBe(true);
    // … and back: a new process, the lists changed again.
    expect(await waitFor(() => supervisor.state === 'ready', 5000)).toBe(true);
    const status = supervisor.status();
    expect(status.pid).not.toBe(first);
    expect(status.restarts).toBe(1);
    expect(status.lastError).toBe('the process exited with code 3');
    expect(status.stderrTail.join('\n')).toContain('crashing with code 3');
    expect(changes.filter((k) => k === 'tools').length).toBe(2);
    const client = await supervisor.client();
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'again' } }))).toBe('again');
  });

  it('tells a caller during the backoff which server is down and when it returns', async () => {
    const supervisor = fixture({}, { restart: { backoffMs: [2000, 2000] } });
    await supervisor.start();
    await crash(supervisor);
    expect(await waitFor(() => supervisor.state === 'backoff', 2000)).toBe(true);
    const error = await supervisor.client().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toMatch(/^Upstream server "fx" crashed and restarts in about \d s/);
    expect(supervisor.status().retryAt).toBeDefined();
  });

  it('parks an upstream as failed after six crashes in a minute, with its stderr tail', async () => {
    const supervisor = fixture();
    for (let crashes = 0; crashes < 6; crashes++) {
      expect(
        await waitFor(() => supervisor.state !== 'backoff' && supervisor.state !== 'starting', 5000),
      ).toBe(true);
      await crash(supervisor);
      await waitFor(() => supervisor.state !== 'ready', 2000);
    }
    expect(await waitFor(() => supervisor.state === 'failed', 2000)).toBe(true);
    const status = supervisor.status();
    expect(status.crashesLastMinute).toBe(6);
    expect(status.restarts).toBe(5);
    expect(status.stderrTail.filter((line) => line.includes('crashing with code 3'))).toHaveLength(6);
    await expect(supervisor.client()).rejects.toThrow(
      /^Upstream server "fx" has failed \(6 crashes within a minute\) and is parked/,
    );
    // It stays parked: no restart is scheduled.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(supervisor.state).toBe('failed');
    // A manual restart clears the count.
    await supervisor.restart();
    expect(supervisor.state).toBe('ready');
    expect(supervisor.status().crashesLastMinute).toBe(0);
  });

  it('parks an upstream that cannot start, without throwing, and keeps its secrets out of the tail', async () => {
    const supervisor = fixture({ FIXTURE_EXIT_AT_START: '2', FIXTURE_SECRET: 'hunter2-very-secret' });
    const starts: string[] = [];
    supervisor.on('state', (status) => starts.push(status.state));
    await supervisor.start();
    expect(await waitFor(() => supervisor.state === 'failed', 10_000)).toBe(true);
    const tail = supervisor.status(200).stderrTail.join('\n');
    expect(tail).toContain('failing at start with FIXTURE_SECRET=[redacted]');
    expect(tail).not.toContain('hunter2');
    expect(starts.filter((s) => s === 'starting')).toHaveLength(6);
  });

  it('reports a command that does not exist as a failure naming the server', async () => {
    const supervisor = new UpstreamSupervisor({
      name: 'ghost',
      target: { kind: 'stdio', command: '/nowhere/no-such-server', args: [], env: {} },
      lifecycle: { restart: { backoffMs: [10, 20], maxCrashesPerMinute: 2 } },
    });
    supervisors.push(supervisor);
    await supervisor.start();
    expect(await waitFor(() => supervisor.state === 'failed', 5000)).toBe(true);
    const error = (await supervisor.client().catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('Upstream server "ghost" has failed');
    expect(error.message).toContain('ENOENT');
    expect(error.message).not.toContain('/nowhere/');
  });

  it('stops an upstream that is still starting, without waiting for it', async () => {
    const supervisor = fixture({ FIXTURE_START_DELAY_MS: '20000' });
    void supervisor.start();
    expect(await waitFor(() => supervisor.status().pid !== undefined, 5000)).toBe(true);
    const pid = supervisor.status().pid!;
    expect(supervisor.state).toBe('starting');
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    expect(await waitFor(() => !alive(pid), 5000)).toBe(true);
  });

  it('stops the whole upstream and refuses later calls', async () => {
    const supervisor = fixture();
    await supervisor.start();
    const pid = supervisor.status().pid!;
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    expect(await waitFor(() => !alive(pid), 5000)).toBe(true);
    await expect(supervisor.client()).rejects.toThrow('Upstream server "fx" is stopped.');
  });
});

describe('stderr', () => {
  it('keeps redacted lines: token-like strings and the entry’s own env values', async () => {
    const supervisor = fixture({ MY_API_KEY: 'entry-secret-value-42' });
    const client = await supervisor.client();
    await client.callTool({ name: 'leak', arguments: { secret: 'ghp_abcdefghijklmnopqrstuvwxyz0123' } });
    await client.callTool({ name: 'leak', arguments: { secret: 'entry-secret-value-42' } });
    expect(
      await waitFor(
        () => supervisor.status().stderrTail.filter((l) => l.startsWith('connecting')).length === 2,
        2000,
      ),
    ).toBe(true);
    const tail = supervisor.status().stderrTail.join('\n');
    expect(tail).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
    expect(tail).not.toContain('entry-secret-value-42');
    expect(tail).toContain('connecting with token=[redacted] and Bearer [redacted]');
  });
});
