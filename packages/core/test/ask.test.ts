import type { Client } from '@modelcontextprotocol/client';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { annotations, createRuntime, defineServer, defineTool, text } from '../src/index.js';
import { connect, ERAS, resultText } from '../src/testing/index.js';
import { modernRpc } from './support/rpc.js';

/**
 * The handler API for asking (ctx.elicit, ctx.sample, ctx.roots) and the confirmation policy, in
 * both eras: requests on the connection for 2025-era clients, input_required rounds for
 * 2026-07-28 (the SDK client fulfils those and retries, as a real host does).
 */

let sideEffects = 0;
const deleted: string[] = [];

const module = defineServer({
  name: 'asking',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'greet',
      description: 'Asks the user their name',
      annotations: annotations.readOnly,
      handler: async (_input, ctx) => {
        const answer = await ctx.elicit({
          message: 'What is your name?',
          schema: z.object({ name: z.string().min(1) }),
        });
        if (answer.action !== 'accept') return text(`No name given (${answer.action})`);
        return text(`Hello, ${answer.content.name}!`);
      },
    }),
    defineTool({
      name: 'two_questions',
      description: 'Asks twice in sequence, with a side effect after both',
      annotations: annotations.readOnly,
      handler: async (_input, ctx) => {
        const first = await ctx.elicit({ message: 'First?', schema: z.object({ a: z.string() }) });
        const second = await ctx.elicit({ message: 'Second?', schema: z.object({ b: z.string() }) });
        sideEffects++;
        const a = first.action === 'accept' ? first.content.a : '-';
        const b = second.action === 'accept' ? second.content.b : '-';
        return text(`${a}+${b}`);
      },
    }),
    defineTool({
      name: 'summarize',
      description: 'Asks the client model',
      annotations: annotations.readOnly,
      handler: async (_input, ctx) => {
        const reply = await ctx.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }],
          maxTokens: 20,
        });
        const content = Array.isArray(reply.content) ? reply.content[0] : reply.content;
        return text(`model ${reply.model} said: ${content?.type === 'text' ? content.text : '?'}`);
      },
    }),
    defineTool({
      name: 'where',
      description: 'Asks for the roots',
      annotations: annotations.readOnly,
      handler: async (_input, ctx) => text((await ctx.roots()).map((r) => r.uri).join(',')),
    }),
    defineTool({
      name: 'delete_item',
      description: 'Deletes an item (destructive)',
      input: z.object({ id: z.string() }),
      annotations: annotations.destructive(false),
      handler: async ({ id }) => {
        deleted.push(id);
        return text(`deleted ${id}`);
      },
    }),
    defineTool({
      name: 'add_item',
      description: 'Adds an item (a write, not destructive)',
      input: z.object({ id: z.string() }),
      annotations: annotations.write(false),
      handler: async ({ id }) => text(`added ${id}`),
    }),
  ],
});

type Answer = { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' | 'cancel' };

function asker(answer: (message: string) => Answer, log: string[]) {
  return (client: Client) => {
    client.setRequestHandler('elicitation/create', async (request) => {
      log.push((request.params as { message: string }).message);
      return answer((request.params as { message: string }).message);
    });
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant' as const,
      content: { type: 'text' as const, text: 'hi there' },
      model: 'test-model',
    }));
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work/a', name: 'a' }] }));
  };
}

const ALL = { elicitation: {}, sampling: {}, roots: {} };

describe.each(ERAS)('%s era: asking the client', (era) => {
  it('an elicitation answered', async () => {
    const log: string[] = [];
    const client = await connect(module, {
      era,
      capabilities: ALL,
      configure: asker(() => ({ action: 'accept', content: { name: 'Alice' } }), log),
    });
    try {
      const result = await client.callTool({ name: 'greet', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(resultText(result)).toBe('Hello, Alice!');
      expect(log).toEqual(['What is your name?']);
    } finally {
      await client.close();
    }
  });

  it('an elicitation declined', async () => {
    const client = await connect(module, {
      era,
      capabilities: ALL,
      configure: asker(() => ({ action: 'decline' }), []),
    });
    try {
      expect(resultText(await client.callTool({ name: 'greet', arguments: {} }))).toBe(
        'No name given (decline)',
      );
    } finally {
      await client.close();
    }
  });

  it('an elicitation the client cannot answer is a clear error', async () => {
    const client = await connect(module, { era, capabilities: {} });
    try {
      if (era === 'legacy') {
        const result = await client.callTool({ name: 'greet', arguments: {} });
        expect(result.isError).toBe(true);
        expect(resultText(result)).toMatch(/cannot answer questions to the user \(elicitation\)/);
      } else {
        // 2026-07-28 has a wire error for it: MissingRequiredClientCapability, naming what is missing.
        await expect(client.callTool({ name: 'greet', arguments: {} })).rejects.toMatchObject({
          code: -32021,
          data: { requiredCapabilities: { elicitation: {} } },
        });
      }
    } finally {
      await client.close();
    }
  });

  it('two questions in sequence: each asked once, the side effect after them runs once', async () => {
    const log: string[] = [];
    const client = await connect(module, {
      era,
      capabilities: ALL,
      configure: asker((m) => ({ action: 'accept', content: m === 'First?' ? { a: 'x' } : { b: 'y' } }), log),
    });
    const before = sideEffects;
    try {
      expect(resultText(await client.callTool({ name: 'two_questions', arguments: {} }))).toBe('x+y');
      expect(log).toEqual(['First?', 'Second?']);
      expect(sideEffects - before).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('a sampling request', async () => {
    const client = await connect(module, {
      era,
      capabilities: ALL,
      configure: asker(() => ({ action: 'cancel' }), []),
    });
    try {
      expect(resultText(await client.callTool({ name: 'summarize', arguments: {} }))).toBe(
        'model test-model said: hi there',
      );
    } finally {
      await client.close();
    }
  });

  it('sampling without the capability is a clear error', async () => {
    const client = await connect(module, { era, capabilities: { elicitation: {} } });
    try {
      if (era === 'legacy') {
        const result = await client.callTool({ name: 'summarize', arguments: {} });
        expect(result.isError).toBe(true);
        expect(resultText(result)).toMatch(/"sampling" capability/);
      } else {
        await expect(client.callTool({ name: 'summarize', arguments: {} })).rejects.toMatchObject({
          code: -32021,
          data: { requiredCapabilities: { sampling: {} } },
        });
      }
    } finally {
      await client.close();
    }
  });

  it('roots', async () => {
    const client = await connect(module, {
      era,
      capabilities: ALL,
      configure: asker(() => ({ action: 'cancel' }), []),
    });
    try {
      expect(resultText(await client.callTool({ name: 'where', arguments: {} }))).toBe('file:///work/a');
    } finally {
      await client.close();
    }
  });
});

describe('2025 era: time spent answering', () => {
  it('does not count toward the call time limit', async () => {
    const client = await connect(module, {
      era: 'legacy',
      timeoutMs: 1000,
      capabilities: ALL,
      configure: (c) =>
        c.setRequestHandler('elicitation/create', async () => {
          // A person takes longer to answer than the call may run (the margin is wide so a
          // loaded machine's own delays stay far under the limit).
          await new Promise((r) => setTimeout(r, 2500));
          return { action: 'accept', content: { name: 'Slow' } };
        }),
    });
    try {
      const result = await client.callTool({ name: 'greet', arguments: {} });
      expect(resultText(result)).toBe('Hello, Slow!');
    } finally {
      await client.close();
    }
  });
});

describe.each(ERAS)('%s era: confirmation of destructive calls', (era) => {
  it('a destructive call the user confirms runs', async () => {
    const log: string[] = [];
    const client = await connect(module, {
      era,
      confirm: 'destructive',
      capabilities: ALL,
      configure: asker(() => ({ action: 'accept', content: { confirm: true } }), log),
    });
    try {
      const result = await client.callTool({ name: 'delete_item', arguments: { id: `c-${era}` } });
      expect(resultText(result)).toBe(`deleted c-${era}`);
      expect(deleted).toContain(`c-${era}`);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/Allow delete_item to run\?/);
      expect(log[0]).toContain(`c-${era}`);
    } finally {
      await client.close();
    }
  });

  it('a destructive call the user declines does not run', async () => {
    const client = await connect(module, {
      era,
      confirm: 'destructive',
      capabilities: ALL,
      configure: asker(() => ({ action: 'decline' }), []),
    });
    try {
      const result = await client.callTool({ name: 'delete_item', arguments: { id: `d-${era}` } });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/the user did not confirm it\. Nothing was changed/);
      expect(deleted).not.toContain(`d-${era}`);
    } finally {
      await client.close();
    }
  });

  it('unchecked "confirm: false" counts as not confirmed', async () => {
    const client = await connect(module, {
      era,
      confirm: 'destructive',
      capabilities: ALL,
      configure: asker(() => ({ action: 'accept', content: { confirm: false } }), []),
    });
    try {
      const result = await client.callTool({ name: 'delete_item', arguments: { id: `f-${era}` } });
      expect(result.isError).toBe(true);
      expect(deleted).not.toContain(`f-${era}`);
    } finally {
      await client.close();
    }
  });

  it('a client without elicitation is refused, or proceeds when the policy says so', async () => {
    const refused = await connect(module, { era, confirm: 'destructive', capabilities: {} });
    try {
      const result = await refused.callTool({ name: 'delete_item', arguments: { id: `r-${era}` } });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/cannot show the question \(no elicitation support\)/);
      expect(deleted).not.toContain(`r-${era}`);
    } finally {
      await refused.close();
    }
    const proceeding = await connect(module, {
      era,
      confirm: { tools: 'destructive', withoutElicitation: 'proceed' },
      capabilities: {},
    });
    try {
      const result = await proceeding.callTool({ name: 'delete_item', arguments: { id: `p-${era}` } });
      expect(resultText(result)).toBe(`deleted p-${era}`);
    } finally {
      await proceeding.close();
    }
  });

  it('a write that is not destructive is not confirmed', async () => {
    const log: string[] = [];
    const client = await connect(module, {
      era,
      confirm: 'destructive',
      capabilities: ALL,
      configure: asker(() => ({ action: 'decline' }), log),
    });
    try {
      expect(resultText(await client.callTool({ name: 'add_item', arguments: { id: 'n' } }))).toBe('added n');
      expect(log).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('2026-07-28 request state', () => {
  const alice: AuthInfo = { token: 't-alice', clientId: 'alice', scopes: [], extra: { sub: 'alice' } };
  const bob: AuthInfo = { token: 't-bob', clientId: 'bob', scopes: [], extra: { sub: 'bob' } };
  const elicits = { elicitation: {} };

  it('is signed, and bound to the caller, the tool and its arguments', async () => {
    const runtime = await createRuntime(module, { audit: false, confirm: 'destructive' });
    const { rpc, close } = modernRpc(runtime.factory);
    try {
      const first = (
        await rpc('tools/call', { name: 'greet', arguments: {} }, { auth: alice, capabilities: elicits })
      ).result;
      expect(first.resultType).toBe('input_required');
      expect(first.inputRequests.ask_1.method).toBe('elicitation/create');
      const answer = { ask_1: { action: 'accept', content: { name: 'Alice' } } };
      const retry = (auth: AuthInfo, requestState: string, name = 'greet') =>
        rpc(
          'tools/call',
          { name, arguments: {}, inputResponses: answer, requestState },
          { auth, capabilities: elicits },
        );
      expect(resultText((await retry(alice, first.requestState)).result)).toBe('Hello, Alice!');
      // Altered by one character, or replayed by another caller: refused on the wire.
      const state: string = first.requestState;
      const altered = `${state.slice(0, 12)}${state[12] === 'x' ? 'y' : 'x'}${state.slice(13)}`;
      for (const reply of [await retry(alice, altered), await retry(bob, state)]) {
        expect(reply.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
      }
      // Replayed for another tool: the call is refused before its handler runs.
      const other = (await retry(alice, state, 'two_questions')).result;
      expect(other.isError).toBe(true);
      expect(resultText(other)).toBe('Invalid or expired requestState');
    } finally {
      await close();
      await runtime.close();
    }
  });

  it('a confirmation cannot be answered before it is asked', async () => {
    const runtime = await createRuntime(module, { audit: false, confirm: 'destructive' });
    const { rpc, close } = modernRpc(runtime.factory);
    try {
      const preAnswered = {
        name: 'delete_item',
        arguments: { id: 'sneaky' },
        inputResponses: { mcpkit_confirm: { action: 'accept', content: { confirm: true } } },
      };
      const reply = (await rpc('tools/call', preAnswered, { auth: alice, capabilities: elicits })).result;
      expect(reply.resultType).toBe('input_required');
      expect(Object.keys(reply.inputRequests)).toEqual(['mcpkit_confirm']);
      expect(deleted).not.toContain('sneaky');
    } finally {
      await close();
      await runtime.close();
    }
  });
});
