import {
  type AuthInfo,
  createMcpHandler,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  annotations,
  createRuntime,
  defineServer,
  defineTool,
  type Runtime,
  ToolError,
  text,
} from '../src/index.js';
import { connect, resultText } from '../src/testing/index.js';
import { modernRpc } from './support/rpc.js';

/**
 * The Tasks extension (io.modelcontextprotocol/tasks, 2026-07-28) on the wire: a 2026 request
 * through the SDK's own HTTP handler, in process, as different callers.
 */

const TASKS = 'io.modelcontextprotocol/tasks';

/** A gate a test opens to let a running task finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
let release = gate();
const started: string[] = [];

const module = defineServer({
  name: 'tasks',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'quick',
      description: 'Answers at once',
      annotations: annotations.readOnly,
      handler: () => text('quick answer'),
    }),
    defineTool({
      name: 'long_search',
      description: 'Runs until released, reporting progress',
      input: z.object({ query: z.string() }),
      annotations: annotations.readOnly,
      taskSupport: 'optional',
      handler: async ({ query }, ctx) => {
        started.push(query);
        await ctx.progress(1, 2, 'half way');
        await Promise.race([
          release.opened,
          new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
        ]);
        return text(`found ${query}`);
      },
    }),
    defineTool({
      name: 'tool_error',
      description: 'Fails as a tool',
      taskSupport: 'optional',
      annotations: annotations.readOnly,
      handler: () => {
        throw new ToolError('no such thing');
      },
    }),
    defineTool({
      name: 'protocol_error',
      description: 'Fails at the protocol level',
      taskSupport: 'required',
      annotations: annotations.readOnly,
      handler: () => {
        throw new ProtocolError(ProtocolErrorCode.InternalError, 'the backend went away');
      },
    }),
    defineTool({
      name: 'named_job',
      description: 'Settles a name first, then works on it as a task',
      taskSupport: 'required',
      annotations: annotations.readOnly,
      prepare: async (_input, ctx) => {
        await ctx.elicit({ key: 'who', message: 'Who?', schema: z.object({ name: z.string() }) });
      },
      handler: async (_input, ctx) => {
        const answer = await ctx.elicit({
          key: 'who',
          message: 'Who?',
          schema: z.object({ name: z.string() }),
        });
        return text(`job for ${answer.action === 'accept' ? answer.content.name : '?'}`);
      },
    }),
    defineTool({
      name: 'ask_then_work',
      description: 'Asks a question, then answers with it',
      taskSupport: 'optional',
      annotations: annotations.readOnly,
      handler: async (_input, ctx) => {
        const answer = await ctx.elicit({
          key: 'color',
          message: 'Color?',
          schema: z.object({ color: z.string() }),
        });
        return text(answer.action === 'accept' ? `color ${answer.content.color}` : 'no color');
      },
    }),
  ],
});

let runtime: Runtime;
let handler: ReturnType<typeof createMcpHandler>;
beforeAll(async () => {
  runtime = await createRuntime(module, { audit: false, tasks: { ttlMs: 60_000, pollIntervalMs: 100 } });
  handler = createMcpHandler(runtime.factory);
});
afterAll(async () => {
  await handler.close();
  await runtime.close();
});

const caller = (sub: string): AuthInfo => ({ token: `t-${sub}`, clientId: sub, scopes: [], extra: { sub } });
const ALICE = caller('alice');
const BOB = caller('bob');

let id = 0;
/** One 2026-07-28 request; resolves with the JSON-RPC response body. */
async function rpc(
  method: string,
  params: Record<string, unknown>,
  options: { auth?: AuthInfo; tasks?: boolean; capabilities?: Record<string, unknown> } = {},
) {
  const capabilities = {
    ...(options.tasks === false ? {} : { extensions: { [TASKS]: {} } }),
    ...options.capabilities,
  };
  const name = (params.name ?? params.taskId) as string | undefined;
  const request = new Request('http://in-process.invalid/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: ++id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': capabilities,
        },
      },
    }),
  });
  const response = await handler.fetch(request, { authInfo: options.auth ?? ALICE });
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    const body = await response.text();
    const data = body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)))
      .find((message) => 'result' in message || 'error' in message);
    return data;
  }
  return response.json() as Promise<any>;
}

/** Polls tasks/get until `done` says so (the state itself, never a fixed sleep). */
async function waitFor(taskId: string, done: (task: any) => boolean, auth = ALICE) {
  for (let i = 0; i < 500; i++) {
    const task = (await rpc('tasks/get', { taskId }, { auth })).result;
    if (done(task)) return task;
    await new Promise((r) => setTimeout(r, 10));
  }
  const last = (await rpc('tasks/get', { taskId }, { auth })).result;
  throw new Error(`task ${taskId} never reached the state: ${JSON.stringify(last)}`);
}

describe('Tasks extension', () => {
  it('is advertised to 2026-07-28 clients', async () => {
    const discovered = await rpc('server/discover', {});
    expect(discovered.result.capabilities.extensions?.[TASKS]).toEqual({});
    expect(discovered.result.capabilities.tasks).toBeUndefined();
  });

  it('a long call is answered with a task, polled to completion with progress, its result inlined', async () => {
    release = gate();
    const created = (await rpc('tools/call', { name: 'long_search', arguments: { query: 'needle' } })).result;
    expect(created).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: 60_000,
      pollIntervalMs: 100,
    });
    expect(created.taskId).toEqual(expect.any(String));
    expect(created.requestState).toBeUndefined();
    const working = await waitFor(created.taskId, (t) => t.statusMessage === '1/2: half way');
    expect(working.status).toBe('working');
    expect(working.result).toBeUndefined();
    release.open();
    const done = await waitFor(created.taskId, (t) => t.status === 'completed');
    expect(resultText(done.result)).toBe('found needle');
    expect(done.resultType).toBe('complete');
  });

  it('a task is invisible to another principal', async () => {
    release = gate();
    const created = (await rpc('tools/call', { name: 'long_search', arguments: { query: 'private' } }))
      .result;
    for (const method of ['tasks/get', 'tasks/cancel', 'tasks/update']) {
      const reply = await rpc(method, { taskId: created.taskId, inputResponses: {} }, { auth: BOB });
      expect(reply.error?.code, method).toBe(-32602);
      expect(reply.error?.message).toMatch(/Unknown task/);
    }
    expect((await rpc('tasks/get', { taskId: created.taskId })).result.status).toBe('working');
    release.open();
    await waitFor(created.taskId, (t) => t.status === 'completed');
  });

  it('a task cancelled while running stays cancelled, and cancelling again is acknowledged', async () => {
    release = gate();
    const created = (await rpc('tools/call', { name: 'long_search', arguments: { query: 'stop me' } }))
      .result;
    await waitFor(created.taskId, () => started.includes('stop me'));
    const ack = await rpc('tasks/cancel', { taskId: created.taskId });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    expect(ack.result.taskId).toBeUndefined();
    const cancelled = (await rpc('tasks/get', { taskId: created.taskId })).result;
    expect(cancelled.status).toBe('cancelled');
    release.open();
    expect((await rpc('tasks/cancel', { taskId: created.taskId })).result).toMatchObject({
      resultType: 'complete',
    });
    expect((await rpc('tasks/get', { taskId: created.taskId })).result.status).toBe('cancelled');
  });

  it('a tool error completes the task with isError; a protocol error fails it', async () => {
    const toolError = (await rpc('tools/call', { name: 'tool_error', arguments: {} })).result;
    const completed = await waitFor(toolError.taskId, (t) => t.status !== 'working');
    expect(completed.status).toBe('completed');
    expect(completed.result.isError).toBe(true);
    expect(resultText(completed.result)).toBe('no such thing');

    const protocolError = (await rpc('tools/call', { name: 'protocol_error', arguments: {} })).result;
    const failed = await waitFor(protocolError.taskId, (t) => t.status !== 'working');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: -32603, message: expect.stringMatching(/backend went away/) });
    expect(failed.result).toBeUndefined();
  });

  it('a task waits for input: input_required on tasks/get, answered through tasks/update', async () => {
    const created = (
      await rpc('tools/call', { name: 'ask_then_work', arguments: {} }, { capabilities: { elicitation: {} } })
    ).result;
    const waiting = await waitFor(created.taskId, (t) => t.status === 'input_required');
    expect(waiting.inputRequests.color).toMatchObject({
      method: 'elicitation/create',
      params: { message: 'Color?' },
    });
    const ack = await rpc('tasks/update', {
      taskId: created.taskId,
      inputResponses: { color: { action: 'accept', content: { color: 'teal' } } },
    });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    const done = await waitFor(created.taskId, (t) => t.status === 'completed');
    expect(resultText(done.result)).toBe('color teal');
    expect(done.inputRequests).toBeUndefined();
  });

  it('questions settled before the task exists: input_required rounds first, then the task', async () => {
    const capabilities = { elicitation: {} };
    const first = (await rpc('tools/call', { name: 'named_job', arguments: {} }, { capabilities })).result;
    expect(first.resultType).toBe('input_required');
    expect(first.taskId).toBeUndefined();
    expect(Object.keys(first.inputRequests)).toEqual(['who']);
    const second = (
      await rpc(
        'tools/call',
        {
          name: 'named_job',
          arguments: {},
          inputResponses: { who: { action: 'accept', content: { name: 'Ada' } } },
          requestState: first.requestState,
        },
        { capabilities },
      )
    ).result;
    expect(second).toMatchObject({ resultType: 'task', status: 'working' });
    expect(second.requestState).toBeUndefined();
    const done = await waitFor(second.taskId, (t) => t.status === 'completed');
    expect(resultText(done.result)).toBe('job for Ada');
  });

  it('without the extension: optional tools answer at once, required ones are refused, tasks/* too', async () => {
    release = gate();
    release.open();
    const sync = (
      await rpc('tools/call', { name: 'long_search', arguments: { query: 'now' } }, { tasks: false })
    ).result;
    expect(sync.resultType).toBe('complete');
    expect(resultText(sync)).toBe('found now');
    const refused = await rpc('tools/call', { name: 'protocol_error', arguments: {} }, { tasks: false });
    expect(refused.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { [TASKS]: {} } } },
    });
    const gated = await rpc('tasks/get', { taskId: 'anything' }, { tasks: false });
    expect(gated.error?.code).toBe(-32021);
  });

  it('tasks/get for an unknown task is invalid params; the removed v1 methods are not found', async () => {
    expect((await rpc('tasks/get', { taskId: 'nope' })).error?.code).toBe(-32602);
    expect((await rpc('tasks/result', { taskId: 'nope' })).error?.code).toBe(-32601);
    expect((await rpc('tasks/list', {})).error?.code).toBe(-32601);
  });

  it('a sync-only tool answers at once for a client with task support', async () => {
    const reply = (await rpc('tools/call', { name: 'quick', arguments: {} })).result;
    expect(reply.resultType).toBe('complete');
    expect(reply.taskId).toBeUndefined();
    expect(resultText(reply)).toBe('quick answer');
  });
});

describe('confirmation of a destructive task', () => {
  it('is asked before the task exists; declined, no task is created', async () => {
    let wiped = 0;
    const wiping = defineServer({
      name: 'wipe',
      version: '1.0.0',
      tools: [
        defineTool({
          name: 'wipe_cache',
          description: 'Wipes the cache (long, destructive)',
          annotations: annotations.destructive(),
          taskSupport: 'optional',
          handler: () => {
            wiped++;
            return text('wiped');
          },
        }),
      ],
    });
    const confirming = await createRuntime(wiping, { audit: false, confirm: 'destructive' });
    const { rpc: call, close } = modernRpc(confirming.factory);
    const capabilities = { elicitation: {}, extensions: { [TASKS]: {} } };
    try {
      const ask = (await call('tools/call', { name: 'wipe_cache', arguments: {} }, { capabilities })).result;
      expect(ask.resultType).toBe('input_required');
      expect(ask.taskId).toBeUndefined();
      expect(Object.keys(ask.inputRequests)).toEqual(['mcpkit_confirm']);
      const retry = (answer: unknown) =>
        call(
          'tools/call',
          {
            name: 'wipe_cache',
            arguments: {},
            inputResponses: { mcpkit_confirm: answer },
            requestState: ask.requestState,
          },
          { capabilities },
        );
      const declined = (await retry({ action: 'decline' })).result;
      expect(declined.isError).toBe(true);
      expect(declined.taskId).toBeUndefined();
      expect(wiped).toBe(0);
      const confirmed = (await retry({ action: 'accept', content: { confirm: true } })).result;
      expect(confirmed.resultType).toBe('task');
      for (let i = 0; i < 500 && wiped === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(wiped).toBe(1);
    } finally {
      await close();
      await confirming.close();
    }
  });
});

describe('limits', () => {
  it('arguments past the element limit are refused as they are without tasks', async () => {
    const bounded = await createRuntime(module, { audit: false, maxInputElements: 10 });
    const { rpc: call, close } = modernRpc(bounded.factory);
    try {
      const reply = await call(
        'tools/call',
        { name: 'long_search', arguments: { query: 'x', extra: Array.from({ length: 50 }, (_, i) => i) } },
        { capabilities: { extensions: { [TASKS]: {} } } },
      );
      expect(reply.result?.resultType).not.toBe('task');
      expect(JSON.stringify(reply)).toMatch(/more than the maximum of 10 elements/);
    } finally {
      await close();
      await bounded.close();
    }
  });

  it('a caller may have only so many tasks running at once', async () => {
    const limited = await createRuntime(module, { audit: false, tasks: { maxRunningPerPrincipal: 1 } });
    const { rpc: call, close } = modernRpc(limited.factory);
    const withTasks = { capabilities: { extensions: { [TASKS]: {} } } };
    release = gate();
    try {
      const first = (
        await call(
          'tools/call',
          { name: 'long_search', arguments: { query: 'one' } },
          { auth: ALICE, ...withTasks },
        )
      ).result;
      expect(first.resultType).toBe('task');
      const second = (
        await call(
          'tools/call',
          { name: 'long_search', arguments: { query: 'two' } },
          { auth: ALICE, ...withTasks },
        )
      ).result;
      expect(second.isError).toBe(true);
      expect(resultText(second)).toMatch(/still running, the most allowed at once/);
      const other = (
        await call(
          'tools/call',
          { name: 'long_search', arguments: { query: 'three' } },
          { auth: BOB, ...withTasks },
        )
      ).result;
      expect(other.resultType).toBe('task');
    } finally {
      release.open();
      await close();
      await limited.close();
    }
  });
});

describe('2025-era clients', () => {
  it('a task-capable tool answers at once', async () => {
    release = gate();
    release.open();
    const client = await connect(runtime, { era: 'legacy' });
    try {
      expect(resultText(await client.callTool({ name: 'long_search', arguments: { query: 'old' } }))).toBe(
        'found old',
      );
    } finally {
      await client.close();
    }
  });
});
