import type { Tool } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  compose,
  defineServer,
  defineTool,
  jsonSchema,
  LiveSource,
  type ServerModule,
  text,
} from '../src/index.js';
import { connect, ERAS, resultText, type TestClient } from '../src/testing/index.js';

/** A tool whose input schema is known only at run time, as an OpenAPI operation's or an upstream tool's. */
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a user up by id',
  input: jsonSchema<{ id: number; verbose?: boolean }>({
    type: 'object',
    properties: { id: { type: 'integer', minimum: 1 }, verbose: { type: 'boolean' } },
    required: ['id'],
    additionalProperties: false,
  }),
  annotations: { readOnlyHint: true },
  handler: ({ id, verbose }) => text(`user ${id}${verbose ? ' (verbose)' : ''}`),
});

const echo = (name: string, reply: string) =>
  defineTool({
    name,
    description: `Says ${reply}`,
    input: z.object({}),
    annotations: { readOnlyHint: true },
    handler: () => text(reply),
  });

/** Resolves with the next tool list the client is told about. */
function nextToolList(changes: Tool[][]): Promise<Tool[]> {
  const seen = changes.length;
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (changes.length > seen) {
        clearInterval(poll);
        resolve(changes[changes.length - 1]!);
      }
    }, 5);
  });
}

describe.each(ERAS)('run-time tools, %s era', (era) => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it('lists a JSON Schema input as given and validates arguments before the handler runs', async () => {
    client = await connect(defineServer({ name: 'users', version: '1.0.0', tools: [lookup] }), { era });
    const [listed] = (await client.listTools()).tools;
    expect(listed?.inputSchema).toMatchObject({
      type: 'object',
      required: ['id'],
      properties: { id: { minimum: 1 } },
    });
    expect(resultText(await client.callTool({ name: 'lookup', arguments: { id: 7, verbose: true } }))).toBe(
      'user 7 (verbose)',
    );
    const bad = await client.callTool({ name: 'lookup', arguments: { id: 'seven' } });
    expect(bad.isError).toBe(true);
    expect(resultText(bad)).toMatch(/id/);
    const extra = await client.callTool({ name: 'lookup', arguments: { id: 1, admin: true } });
    expect(extra.isError).toBe(true);
  });

  it('announces tools that appear, change and vanish while the client is connected; the new tool works', async () => {
    const live = new LiveSource({ tools: [echo('first', 'one')] });
    const module = defineServer({ name: 'live', version: '1.0.0', tools: [lookup], source: live });
    const changes: Tool[][] = [];
    client = await connect(module, {
      era,
      listChanged: { tools: { debounceMs: 0, onChanged: (_error, tools) => tools && changes.push(tools) } },
    });
    const names = async () => (await client!.listTools()).tools.map((t) => t.name).sort();
    expect(await names()).toEqual(['first', 'lookup']);

    let next = nextToolList(changes);
    live.set({ tools: [echo('first', 'one'), echo('second', 'two')] });
    expect((await next).map((t) => t.name).sort()).toEqual(['first', 'lookup', 'second']);
    expect(resultText(await client.callTool({ name: 'second', arguments: {} }))).toBe('two');

    next = nextToolList(changes);
    live.set({ tools: [echo('second', 'two, again')] });
    expect((await next).map((t) => t.name).sort()).toEqual(['lookup', 'second']);
    expect(resultText(await client.callTool({ name: 'second', arguments: {} }))).toBe('two, again');
    const gone = await client.callTool({ name: 'first', arguments: {} }).catch((error: Error) => error);
    expect(gone instanceof Error ? gone.message : resultText(gone)).toMatch(
      /first.*not found|not found.*first/i,
    );
  });

  it('keeps a composed module dynamic, prefixes new tools, and serves the first of two colliding names', async () => {
    const live = new LiveSource({ tools: [] });
    const errors: Error[] = [];
    const fixed: ServerModule = defineServer({
      name: 'fixed',
      version: '1.0.0',
      tools: [echo('a_ping', 'fixed')],
    });
    const dynamic = defineServer({ name: 'dyn', version: '1.0.0', source: live });
    const module = compose(
      { name: 'both', version: '1.0.0', onError: (e) => errors.push(e) },
      { '': fixed, a: dynamic },
    );
    const changes: Tool[][] = [];
    client = await connect(module, {
      era,
      listChanged: { tools: { debounceMs: 0, onChanged: (_error, tools) => tools && changes.push(tools) } },
    });
    const next = nextToolList(changes);
    live.set({ tools: [echo('ping', 'dynamic'), echo('pong', 'pong')] });
    expect((await next).map((t) => t.name).sort()).toEqual(['a_ping', 'a_pong']);
    expect(resultText(await client.callTool({ name: 'a_ping', arguments: {} }))).toBe('fixed');
    expect(resultText(await client.callTool({ name: 'a_pong', arguments: {} }))).toBe('pong');
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/tool "a_ping" is defined twice/)]);
  });
});

describe('servedName', () => {
  it('names a sibling tool as it is served under a namespace', async () => {
    const hint = defineTool({
      name: 'hint',
      description: 'Names its sibling',
      input: z.object({}),
      annotations: { readOnlyHint: true },
      handler: (_input, ctx) => text(`call ${ctx.servedName('read_text_file')} next`),
    });
    const alone = defineServer({ name: 'fs', version: '1.0.0', tools: [hint] });
    const client = await connect(
      compose(
        { name: 'all', version: '1.0.0' },
        { files: alone, calc: defineServer({ name: 'c', version: '1', tools: [echo('x', 'x')] }) },
      ),
    );
    try {
      expect(resultText(await client.callTool({ name: 'files_hint', arguments: {} }))).toBe(
        'call files_read_text_file next',
      );
    } finally {
      await client.close();
    }
    const direct = await connect(alone);
    try {
      expect(resultText(await direct.callTool({ name: 'hint', arguments: {} }))).toBe(
        'call read_text_file next',
      );
    } finally {
      await direct.close();
    }
  });
});
