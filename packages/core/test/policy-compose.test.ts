import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { applyPolicy, compose, defineServer, defineTool, text } from '../src/index.js';
import { toolsForCaller } from '../src/policy/policy.js';
import { connect, createTestContext, ERAS, resultText, type TestClient } from '../src/testing/index.js';
import { createLab } from './support/lab.js';

describe.each(ERAS)('read-only mode and tool lists (%s era)', (era) => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it('hides and refuses every tool that is not readOnlyHint', async () => {
    const lab = createLab();
    client = await connect(lab.module, { era, policy: { readOnly: true } });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('counter');
    expect(names).not.toContain('write');
    expect(names).not.toContain('boom'); // no annotations at all: not read-only
    // The tool does not exist for this server: the SDK answers with a JSON-RPC error.
    await expect(client.callTool({ name: 'write', arguments: { value: 'x' } })).rejects.toThrow(
      /Tool write not found/,
    );
    expect(lab.state.writes).toBe(0);
  });

  it('applies allow and deny globs', async () => {
    client = await connect(createLab().module, {
      era,
      policy: { allow: ['big*', 'counter'], deny: ['bigStructured'] },
    });
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['big', 'counter']);
  });
});

describe('toolsForCaller', () => {
  const { module } = createLab();
  it('keeps tools whose required scopes the caller holds', () => {
    const scoped = [{ ...module.tools[0]!, scopes: ['read'] }, ...module.tools.slice(1)];
    const caller = (scopes: string[]) => ({ token: 't', clientId: 'c', scopes });
    const names = (scopes: string[]) =>
      toolsForCaller(scoped, caller(scopes), { 'b*': ['big'] }).map((t) => t.name);
    expect(names([])).not.toContain('counter');
    expect(names(['read'])).toContain('counter');
    expect(names(['read'])).not.toContain('big');
    expect(names(['read', 'big'])).toEqual(expect.arrayContaining(['big', 'bigStructured', 'boom']));
    expect(toolsForCaller(scoped, undefined, { '*': ['x'] })).toHaveLength(scoped.length); // stdio: no auth
  });

  it('applyPolicy returns the same module when nothing is filtered', () => {
    expect(applyPolicy(module, {})).toBe(module);
  });
});

describe('compose', () => {
  const calc = defineServer({
    name: 'calc',
    version: '1',
    tools: [
      defineTool({
        name: 'add',
        description: 'add',
        input: z.object({ a: z.number() }),
        handler: ({ a }) => text(String(a)),
      }),
    ],
  });

  it('mounts modules under namespaces and serves them as one', async () => {
    const lab = createLab();
    const both = compose({ name: 'both', version: '1' }, { lab: lab.module, calc });
    expect(both.tools.map((t) => t.name)).toEqual([
      ...lab.module.tools.map((t) => `lab_${t.name}`),
      'calc_add',
    ]);
    expect(both.resources.map((r) => [r.name, r.uri])).toEqual([
      ['lab_note', 'lab://note'],
      ['lab_huge', 'lab://huge'],
    ]);
    const client = await connect(both);
    try {
      expect(resultText(await client.callTool({ name: 'calc_add', arguments: { a: 4 } }))).toBe('4');
      expect(resultText(await client.callTool({ name: 'lab_counter', arguments: {} }))).toBe('k:1');
    } finally {
      await client.close();
    }
  });

  it('refuses a collision with an error naming both sources', () => {
    const other = defineServer({
      name: 'other',
      version: '1',
      tools: [defineTool({ name: 'calc_add', description: 'x', handler: () => text('') })],
    });
    expect(() => compose({ name: 'x', version: '1' }, { calc, '': other })).toThrow(
      /Name collision: tool "calc_add" is defined twice \(from "calc"\) \(from "other"\)/,
    );
    const sameUri = defineServer({ name: 'dup', version: '1', resources: createLab().module.resources });
    expect(() => compose({ name: 'x', version: '1' }, { a: sameUri, b: sameUri })).toThrow(
      /resource URI "lab:\/\/note"/,
    );
  });

  it('refuses bad namespaces and duplicate names inside one server', () => {
    expect(() => compose({ name: 'x', version: '1' }, { 'Bad-NS': calc })).toThrow(/Invalid namespace/);
    expect(() => defineServer({ name: 'd', version: '1', tools: [calc.tools[0]!, calc.tools[0]!] })).toThrow(
      /tool "add"/,
    );
    expect(() => defineTool({ name: 'has space', description: 'x', handler: () => text('') })).toThrow(
      /Invalid tool name/,
    );
    expect(() => defineTool({ name: 'nodesc', description: ' ', handler: () => text('') })).toThrow(
      /needs a description/,
    );
  });
});

describe('unit-testing a handler without a protocol', () => {
  it('calls a tool handler directly with createTestContext', async () => {
    const progress: number[] = [];
    const tool = defineTool({
      name: 'steps',
      description: 'reports progress',
      input: z.object({ n: z.number() }),
      handler: async ({ n }, ctx) => {
        for (let i = 1; i <= n; i++) await ctx.progress(i, n);
        return text(`${ctx.principal} did ${n}`);
      },
    });
    const result = await tool.handler({ n: 3 }, createTestContext({ onProgress: (p) => progress.push(p) }));
    expect(resultText(result)).toBe('local did 3');
    expect(progress).toEqual([1, 2, 3]);
  });
});
