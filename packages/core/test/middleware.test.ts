import type { AuthInfo, CallToolResult } from '@modelcontextprotocol/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  audit,
  type Call,
  type CallOutcome,
  cache,
  createRuntime,
  errorMapping,
  formatCount,
  outputLimit,
  type Runtime,
  silentLogger,
  timeout,
  truncateUtf8,
} from '../src/index.js';
import { stableJson } from '../src/middleware/cache.js';
import { compileChain } from '../src/middleware/chain.js';
import { limitToolResult } from '../src/middleware/output-limit.js';
import { createRateLimiter } from '../src/middleware/rate-limit.js';
import { connect, ERAS, resultText, type TestClient } from '../src/testing/index.js';
import { createLab } from './support/lab.js';

const auth = (sub: string, scopes: string[] = []): AuthInfo => ({
  token: `t-${sub}`,
  clientId: `c-${sub}`,
  scopes,
  extra: { sub },
});

/** A synthetic tool call for driving one middleware directly. */
function toolCall(overrides: Partial<Call> & { readOnly?: boolean } = {}): Call {
  const controller = new AbortController();
  return {
    kind: 'tool',
    name: 't',
    tool: {
      kind: 'tool',
      name: 't',
      description: 'd',
      annotations: { readOnlyHint: overrides.readOnly ?? true },
      handler: () => ({ content: [] }),
    },
    input: {},
    principal: 'p',
    era: 'legacy',
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    logger: silentLogger(),
    startedAt: Date.now(),
    ...overrides,
  } as Call;
}

const ok = (t: string): CallOutcome => ({ content: [{ type: 'text', text: t }] });

describe('compileChain', () => {
  it('runs middleware outermost first and lets one short-circuit', async () => {
    const order: string[] = [];
    const chain = compileChain([
      async (_c, next) => {
        order.push('a');
        return next();
      },
      async (_c, next) => {
        order.push('b');
        return next();
      },
    ]);
    await chain(toolCall(), async () => {
      order.push('handler');
      return ok('x');
    });
    expect(order).toEqual(['a', 'b', 'handler']);
    const stop = compileChain([async () => ok('stopped'), async () => ok('never')]);
    expect(resultText((await stop(toolCall(), async () => ok('h'))) as CallToolResult)).toBe('stopped');
  });

  it('refuses a middleware that calls next twice', async () => {
    const chain = compileChain([
      async (_c, next) => {
        await next();
        return next();
      },
    ]);
    await expect(chain(toolCall(), async () => ok('h'))).rejects.toThrow(/twice/);
  });
});

describe('errorMapping', () => {
  const mapped = (error: unknown, kind: 'tool' | 'resource' = 'tool') =>
    compileChain([errorMapping()])(
      kind === 'tool' ? toolCall() : ({ ...toolCall(), kind: 'resource', uri: 'x://y' } as Call),
      () => Promise.reject(error),
    );

  it('turns a thrown error into an isError result without paths or stack', async () => {
    const result = (await mapped(
      new Error('failed reading /home/alice/.ssh/id_rsa\n    at foo (/app/x.js:1:2)'),
    )) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe('failed reading <path>');
  });

  it('describes file-system errors in plain words, naming only the path as given', async () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/etc/shadow'"), {
      code: 'EACCES',
      displayPath: 'shadow',
    });
    expect(resultText((await mapped(error)) as CallToolResult)).toBe('shadow: permission denied');
    const bare = Object.assign(new Error("ENOENT: no such file, open '/x/y'"), { code: 'ENOENT' });
    expect(resultText((await mapped(bare)) as CallToolResult)).toBe('no such file or directory');
  });

  it('makes resource failures JSON-RPC errors with the same clean message', async () => {
    await expect(mapped(new Error('bad thing at /var/db/file'), 'resource')).rejects.toMatchObject({
      code: -32603,
      message: expect.stringContaining('bad thing at <path>'),
    });
  });
});

describe('timeout', () => {
  it('fails a slow call with a clear message and aborts its signal', async () => {
    const call = toolCall();
    const chain = compileChain([errorMapping(), timeout({ ms: 30 })]);
    const result = (await chain(
      call,
      () => new Promise((resolve) => setTimeout(() => resolve(ok('late')), 2000)),
    )) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/timed out after 30 ms/);
    expect(call.signal.aborted).toBe(true);
  });

  it("lets a tool's own timeoutMs win", async () => {
    const call = toolCall();
    (call as { tool: { timeoutMs?: number } }).tool.timeoutMs = 5000;
    const chain = compileChain([timeout({ ms: 10 })]);
    const result = await chain(
      call,
      () => new Promise((resolve) => setTimeout(() => resolve(ok('in time')), 50)),
    );
    expect(resultText(result as CallToolResult)).toBe('in time');
  });
});

describe('rate limit', () => {
  it('refuses over the limit per principal and tool, saying when to retry', async () => {
    const limiter = await createRateLimiter({ points: 2, durationSec: 60 });
    const chain = compileChain([errorMapping(), limiter.middleware]);
    const run = (principal: string, name = 't') =>
      chain(toolCall({ principal, name }), async () => ok('ran')) as Promise<CallToolResult>;
    expect((await run('alice')).isError).toBeFalsy();
    expect((await run('alice')).isError).toBeFalsy();
    const refused = await run('alice');
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(
      /Rate limit exceeded for tool t: at most 2 calls per 60 s\. Retry after \d+ s\./,
    );
    expect(refused._meta?.['dev.mcpkit/error']).toMatchObject({ retryAfterMs: expect.any(Number) });
    // Another principal, and another tool, have their own budgets.
    expect((await run('bob')).isError).toBeFalsy();
    expect((await run('alice', 'other')).isError).toBeFalsy();
    await limiter.close();
  });
});

describe('cache', () => {
  it('serves a read-only result again, but never to another principal', async () => {
    let runs = 0;
    const chain = compileChain([cache({ ttlMs: 60_000 })]);
    const handler = async () => ok(`run ${++runs}`);
    const first = await chain(toolCall({ principal: 'alice', input: { q: 1, r: 2 } }), handler);
    const again = await chain(toolCall({ principal: 'alice', input: { r: 2, q: 1 } }), handler);
    expect(resultText(again as CallToolResult)).toBe(resultText(first as CallToolResult));
    const bob = await chain(toolCall({ principal: 'bob', input: { q: 1, r: 2 } }), handler);
    expect(resultText(bob as CallToolResult)).toBe('run 2');
  });

  it('does not cache errors or tools that are not read-only, and a write empties it', async () => {
    let runs = 0;
    const chain = compileChain([cache({ ttlMs: 60_000 })]);
    const failing = async (): Promise<CallOutcome> => ({
      isError: true,
      content: [{ type: 'text', text: `e${++runs}` }],
    });
    await chain(toolCall(), failing);
    expect(resultText((await chain(toolCall(), failing)) as CallToolResult)).toBe('e2');
    const handler = async () => ok(`r${++runs}`);
    await chain(toolCall({ input: { a: 1 } }), handler);
    await chain(toolCall({ readOnly: false }), handler); // a write: clears
    expect(resultText((await chain(toolCall({ input: { a: 1 } }), handler)) as CallToolResult)).toBe(
      `r${runs}`,
    );
  });

  it('expires entries after the TTL', async () => {
    let runs = 0;
    const chain = compileChain([cache({ ttlMs: 20 })]);
    const handler = async () => ok(`r${++runs}`);
    await chain(toolCall(), handler);
    await new Promise((r) => setTimeout(r, 40));
    expect(resultText((await chain(toolCall(), handler)) as CallToolResult)).toBe('r2');
  });

  it('keys on a stable JSON of the input', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
  });
});

describe('output limit', () => {
  it('cuts text on a character boundary and says how to get the rest', async () => {
    const chain = compileChain([outputLimit({ maxBytes: 100 })]);
    const result = (await chain(toolCall(), async () => ok('é'.repeat(200)))) as CallToolResult;
    const [cut, note] = result.content as { text: string }[];
    expect(Buffer.byteLength(cut!.text)).toBeLessThanOrEqual(100);
    expect(cut!.text).toBe('é'.repeat(50));
    expect(note!.text).toMatch(/Output truncated: showing 100 B of 400 B \(limit 100 B\).*offset\/limit/);
  });

  it('leaves small results alone and refuses structured output it cannot cut', () => {
    const small: CallToolResult = { content: [{ type: 'text', text: 'hi' }] };
    expect(limitToolResult(small, 100, 't')).toBe(small);
    const huge = limitToolResult({ content: [], structuredContent: { blob: 'x'.repeat(500) } }, 100, 't');
    expect(huge.isError).toBe(true);
    expect(resultText(huge)).toMatch(/over the 100 B output limit/);
  });

  it('never splits a surrogate pair', () => {
    expect(truncateUtf8('a😀b', 3)).toBe('a');
    expect(truncateUtf8('a😀b', 5)).toBe('a😀');
  });

  it('writes counts as en-US does, without ICU for integers', () => {
    const samples = [0, 7, 999, 1000, 65_536, 1_234_567, -1_234_567, 2 ** 53 - 1, 1e21, 1234.5678, -0.5];
    for (const n of samples) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('audit', () => {
  it('records principal, tool, argument names (not values) and outcome', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const chain = compileChain([audit({ logger })]);
    await chain(toolCall({ principal: 'alice', input: { password: 'hunter2' } }), async () => ok('x'));
    await chain(toolCall(), async () => ({ isError: true, content: [] }));
    await expect(chain(toolCall(), () => Promise.reject(new Error('nope at /a/b/c')))).rejects.toThrow();
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(records[0]).toMatchObject({
      audit: true,
      principal: 'alice',
      kind: 'tool',
      name: 't',
      args: 'password',
      outcome: 'ok',
    });
    expect(records[1]).toMatchObject({ audit: true, principal: 'p' });
    // Below info, nothing is recorded.
    const quiet = compileChain([
      audit({ logger: pino({ level: 'warn' }, { write: (l: string) => lines.push(l) }) }),
    ]);
    const before = lines.length;
    await quiet(toolCall(), async () => ok('x'));
    expect(lines.length).toBe(before);
    expect(JSON.stringify(records)).not.toContain('hunter2');
    expect(records[1]).toMatchObject({ outcome: 'error' });
    expect(records[2]).toMatchObject({ outcome: 'error', error: 'Error' }); // its kind, never its text
  });
});

describe.each(ERAS)('built-in middleware through the runtime (%s era)', (era) => {
  let client: TestClient | undefined;
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await client?.close();
    await runtime?.close();
    client = runtime = undefined;
  });

  it('maps handler errors to isError results without stack traces or host paths', async () => {
    client = await connect(createLab().module, { era });
    const plain = await client.callTool({ name: 'boom', arguments: { kind: 'plain' } });
    expect(plain.isError).toBe(true);
    expect(resultText(plain)).toBe('database at <path> is corrupt');
    expect(resultText(await client.callTool({ name: 'boom', arguments: { kind: 'fs' } }))).toBe(
      'data.txt: no such file or directory',
    );
    expect(resultText(await client.callTool({ name: 'boom', arguments: { kind: 'tool' } }))).toBe(
      'Use a smaller limit (max 10).',
    );
  });

  it('times out a slow call, aborting the handler', async () => {
    const lab = createLab();
    client = await connect(lab.module, { era, timeoutMs: 100 });
    const result = await client.callTool({ name: 'slow', arguments: { ms: 10_000 } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/Tool slow timed out after 100 ms/);
    expect(lab.state.slowAborted).toBe(1);
  });

  it('rate-limits with an isError result saying when to retry', async () => {
    client = await connect(createLab().module, { era, rateLimit: { points: 3, durationSec: 30 } });
    for (let i = 0; i < 3; i++)
      expect((await client.callTool({ name: 'counter', arguments: {} })).isError).toBeFalsy();
    const refused = await client.callTool({ name: 'counter', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/Retry after \d+ s/);
  });

  it('caps output with a note', async () => {
    client = await connect(createLab().module, { era, maxOutputBytes: 1000 });
    const result = await client.callTool({ name: 'big', arguments: { bytes: 5000 } });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/^x{1000}\n\[Output truncated: showing 1000 B of 4\.9 KiB/);
    const read = await client.readResource({ uri: 'lab://huge' });
    const item = read.contents[0] as { text: string };
    expect(item.text.length).toBeLessThan(2000);
    expect(item.text).toMatch(/\[Truncated: 1000 B of 586 KiB shown/);
  });

  it('caches read-only results per principal only', async () => {
    const lab = createLab();
    runtime = await createRuntime(lab.module, { cache: { ttlMs: 60_000 } });
    const alice = await connect(runtime, { era, auth: auth('alice') });
    const bob = await connect(runtime, { era, auth: auth('bob') });
    try {
      const a1 = resultText(await alice.callTool({ name: 'whoami', arguments: {} }));
      const a2 = resultText(await alice.callTool({ name: 'whoami', arguments: {} }));
      const b1 = resultText(await bob.callTool({ name: 'whoami', arguments: {} }));
      expect(a1).toBe('principal=alice run=1');
      expect(a2).toBe(a1); // served from the cache
      expect(b1).toBe('principal=bob run=2'); // never alice's cached result
      expect(lab.state.counter).toBe(2);
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});

describe('output limit per tool', () => {
  it("honours a tool's own maxOutputBytes and names a binary block it had to leave out", async () => {
    const call = toolCall();
    (call as { tool: { maxOutputBytes?: number } }).tool.maxOutputBytes = 10_000;
    const chain = compileChain([outputLimit({ maxBytes: 100 })]);
    const image = { type: 'image' as const, data: 'A'.repeat(5000), mimeType: 'image/png' };
    const kept = (await chain(call, async () => ({ content: [image] }))) as CallToolResult;
    expect(kept.content).toEqual([image]);
    const small = toolCall();
    const dropped = (await chain(small, async () => ({ content: [image] }))) as CallToolResult;
    expect(dropped.content).toHaveLength(1);
    expect(resultText(dropped)).toMatch(
      /Left out: image \(image\/png\) of 4\.9 KiB; the server's output limit/,
    );
  });
});
