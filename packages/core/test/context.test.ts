import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineServer, defineTool, text } from '../src/index.js';
import { connect, ERAS, resultText, type TestClient } from '../src/testing/index.js';

function contextServer() {
  const seen = { started: 0, aborted: 0, reason: '' };
  const module = defineServer({
    name: 'ctx',
    version: '1',
    tools: [
      defineTool({
        name: 'steps',
        description: 'Reports progress for n steps, logging as it goes',
        input: z.object({ n: z.number().int() }),
        handler: async ({ n }, ctx) => {
          ctx.log.info('starting', { n });
          for (let i = 1; i <= n; i++) {
            await ctx.progress(i, n, `step ${i}`);
            await ctx.progress(i, n, 'repeat'); // not increasing: dropped
          }
          return text(`did ${n}`);
        },
      }),
      defineTool({
        name: 'release',
        description: 'Tries to release its response stream',
        handler: (_input, ctx) => text(String(ctx.releaseStream())),
      }),
      defineTool({
        name: 'wait',
        description: 'Waits until cancelled',
        handler: (_input, ctx) =>
          new Promise((resolve) => {
            seen.started++;
            ctx.signal.addEventListener('abort', () => {
              seen.aborted++;
              seen.reason = String(ctx.signal.reason);
              resolve(text('stopped'));
            });
          }),
      }),
    ],
  });
  return { module, seen };
}

describe.each(ERAS)('handler context (%s era)', (era) => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it('delivers progress only when asked, strictly increasing', async () => {
    client = await connect(contextServer().module, { era });
    const updates: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'steps', arguments: { n: 3 } },
      { onprogress: (u) => updates.push(u) },
    );
    expect(resultText(result)).toBe('did 3');
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
  });

  it('has no response stream to release off HTTP, and still answers', async () => {
    // The HTTP case (the stream closes, the result is replayed on reconnect) is checked by the
    // conformance suite's server-sse-polling scenario.
    client = await connect(contextServer().module, { era });
    expect(resultText(await client.callTool({ name: 'release', arguments: {} }))).toBe('false');
  });

  it('aborts the handler’s signal when the client cancels', async () => {
    const server = contextServer();
    client = await connect(server.module, { era });
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, { signal: controller.signal });
    // Cancel once the handler runs (the server's own view), not after a guessed pause.
    await expect.poll(() => server.seen.started, { timeout: 20_000 }).toBe(1);
    controller.abort(new Error('user pressed stop'));
    await expect(call).rejects.toThrow('user pressed stop');
    await expect.poll(() => server.seen.aborted, { timeout: 20_000 }).toBe(1);
  });
});

describe('logging to the client', () => {
  it('sends handler logs as MCP log messages on a 2025-era connection', async () => {
    const client = await connect(contextServer().module, { era: 'legacy' });
    try {
      const messages: unknown[] = [];
      client.setNotificationHandler('notifications/message', (n) => {
        messages.push(n.params);
      });
      await client.setLoggingLevel('info');
      await client.callTool({ name: 'steps', arguments: { n: 1 } });
      expect(messages).toEqual([{ level: 'info', data: { message: 'starting', n: 1 } }]);
      await client.setLoggingLevel('error');
      await client.callTool({ name: 'steps', arguments: { n: 1 } });
      expect(messages).toHaveLength(1); // below the client's level: not sent
    } finally {
      await client.close();
    }
  });
});

describe('client roots', () => {
  const rootsServer = () =>
    defineServer({
      name: 'roots',
      version: '1',
      tools: [
        defineTool({
          name: 'roots',
          description: 'Names the client roots',
          handler: async (_input, ctx) => {
            const roots = await ctx.listRoots?.();
            return text(roots ? roots.map((r) => r.uri).join(',') : 'no roots');
          },
        }),
      ],
    });

  it('asks a 2025-era client for its roots once, and again after it says they changed', async () => {
    let asked = 0;
    let roots = [{ uri: 'file:///work/a', name: 'a' }];
    const client = await connect(rootsServer(), {
      capabilities: { roots: { listChanged: true } },
      configure: (c) =>
        c.setRequestHandler('roots/list', () => {
          asked++;
          return { roots };
        }),
    });
    try {
      expect(resultText(await client.callTool({ name: 'roots', arguments: {} }))).toBe('file:///work/a');
      expect(resultText(await client.callTool({ name: 'roots', arguments: {} }))).toBe('file:///work/a');
      expect(asked).toBe(1);
      roots = [{ uri: 'file:///work/b', name: 'b' }];
      await client.sendRootsListChanged();
      await expect
        .poll(async () => resultText(await client.callTool({ name: 'roots', arguments: {} })))
        .toBe('file:///work/b');
      expect(asked).toBe(2);
    } finally {
      await client.close();
    }
  });

  it.each(ERAS)('reports no roots when the client offers none (%s era)', async (era) => {
    const client = await connect(rootsServer(), { era });
    try {
      expect(resultText(await client.callTool({ name: 'roots', arguments: {} }))).toBe('no roots');
    } finally {
      await client.close();
    }
  });
});
