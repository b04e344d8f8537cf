import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS } from '../src/testing/index.js';
import { assertBuilt, CLI } from './support/cli.js';
import { RawStdioHarness, type Reply } from './support/raw-stdio.js';

const PARSE = -32700;
const INVALID = -32600;

/** Hostile lines, each with the error it must get back (code, and id where one is readable). */
const HOSTILE: [label: string, line: string | Buffer, code: number, id: string | null][] = [
  ['truncated JSON', '{"jsonrpc":"2.0","id":"fuzz-1","method":', PARSE, null],
  ['not JSON', 'hello world', PARSE, null],
  ['trailing comma', '{"jsonrpc":"2.0","id":1,}', PARSE, null],
  ['control bytes', Buffer.from([0x00, 0x01, 0x02, 0x7b]), PARSE, null],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), PARSE, null],
  ['overlong UTF-8', Buffer.from([0x22, 0xc0, 0xaf, 0x22]), PARSE, null],
  ['UTF-8 encoded lone surrogate', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), PARSE, null],
  ['a bare number', '42', INVALID, null],
  ['a bare string', '"tools/list"', INVALID, null],
  ['null', 'null', INVALID, null],
  ['an empty batch', '[]', INVALID, null],
  ['a batch', '[{"jsonrpc":"2.0","id":"fuzz-b","method":"ping"}]', INVALID, null],
  ['wrong jsonrpc version', '{"jsonrpc":"1.0","id":"fuzz-v","method":"ping"}', INVALID, 'fuzz-v'],
  ['jsonrpc as a number', '{"jsonrpc":2,"id":"fuzz-n","method":"ping"}', INVALID, 'fuzz-n'],
  ['method as a number', '{"jsonrpc":"2.0","id":"fuzz-m","method":5}', INVALID, 'fuzz-m'],
  ['empty method', '{"jsonrpc":"2.0","id":"fuzz-e","method":""}', INVALID, 'fuzz-e'],
  ['params as an array', '{"jsonrpc":"2.0","id":"fuzz-p","method":"ping","params":[1]}', INVALID, 'fuzz-p'],
  ['params as a string', '{"jsonrpc":"2.0","id":"fuzz-s","method":"ping","params":"x"}', INVALID, 'fuzz-s'],
  ['id as an object', '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', INVALID, null],
  ['id as a boolean', '{"jsonrpc":"2.0","id":true,"method":"ping"}', INVALID, null],
  ['id as a fraction', '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', INVALID, null],
  ['id null on a request', '{"jsonrpc":"2.0","id":null,"method":"ping"}', INVALID, null],
  ['huge numeric id', `{"jsonrpc":"2.0","id":${'9'.repeat(400)},"method":"ping"}`, INVALID, null],
  ['id beyond safe integers', '{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', INVALID, null],
  [
    'a 10k-character id',
    `{"jsonrpc":"2.0","id":"fuzz-${'x'.repeat(10_000)}","method":"ping"}`,
    INVALID,
    null,
  ],
  [
    'a response with both result and error',
    '{"jsonrpc":"2.0","id":"fuzz-r","result":{},"error":{"code":1,"message":"x"}}',
    INVALID,
    'fuzz-r',
  ],
  [
    'a response with a malformed error',
    '{"jsonrpc":"2.0","id":"fuzz-q","error":{"code":"x"}}',
    INVALID,
    'fuzz-q',
  ],
  ['no method and no id', '{"jsonrpc":"2.0","params":{}}', INVALID, null],
  [
    'deep nesting',
    `{"jsonrpc":"2.0","id":"fuzz-deep","method":"tools/call","params":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    INVALID,
    'fuzz-deep',
  ],
  [
    'deep nesting inside strings is fine',
    '{"jsonrpc":"2.0","id":"fuzz-str","method":"nope","params":{"s":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}}',
    -32601,
    'fuzz-str',
  ],
  ['an unknown method', '{"jsonrpc":"2.0","id":"fuzz-u","method":"no/such/method"}', -32601, 'fuzz-u'],
];

async function expectHealthy(h: RawStdioHarness, n = 1): Promise<void> {
  const result = await h.client.callTool({ name: 'add', arguments: { a: n, b: 1 } });
  expect(result.structuredContent).toEqual({ sum: n + 1 });
}

describe.each(ERAS)('stdio under hostile input (%s era)', (era) => {
  let h: RawStdioHarness;

  beforeAll(async () => {
    assertBuilt();
    h = new RawStdioHarness(process.execPath, [CLI, 'serve', 'calculator', '--log-level', 'silent'], era);
    // Garbage before the handshake must not decide or break the connection.
    await h.write('garbage before the handshake\n');
    expect((await h.waitForReplies(1))[0]!.error!.code).toBe(PARSE);
    await h.connect();
  }, 60_000);

  afterAll(async () => {
    const code = await h.close();
    expect(h.badLines).toEqual([]); // every byte on stdout was a JSON-RPC message
    expect(code).toBe(0); // it exits cleanly when stdin closes, and only then
  });

  it.each(HOSTILE)('answers %s with its JSON-RPC error and keeps serving', async (_label, line, code, id) => {
    await h.write(Buffer.concat([Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\n')]));
    const [reply] = await h.waitForReplies(1);
    expect(reply!.error?.code).toBe(code);
    expect(reply!.id).toBe(id);
    expect(h.alive).toBe(true);
    await expectHealthy(h);
  });

  it('refuses a 50 MB line with an error on its id, without dying or stalling other requests', async () => {
    const before = h.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    const big = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const head = Buffer.from(
      '{"jsonrpc":"2.0","id":"fuzz-big","method":"tools/call","params":{"name":"add","arguments":{"a":"',
    );
    await h.write(Buffer.concat([head, big, Buffer.from('"}}}\n')]));
    const [reply] = await h.waitForReplies(1, 60_000);
    expect(reply).toMatchObject({
      id: 'fuzz-big',
      error: { code: INVALID, message: expect.stringMatching(/exceeds the 16 MiB limit/) },
    });
    expect((await before).structuredContent).toEqual({ sum: 3 });
    await expectHealthy(h, 7);
  }, 120_000);

  it('answers a flood of 10k requests and 10k bad lines, each on its own id, and keeps serving', async () => {
    // 2026-07-28 requests carry the per-request envelope; 2025 ones do not.
    const meta =
      era === 'modern'
        ? ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"f","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}'
        : '';
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        `{"jsonrpc":"2.0","id":"fuzz-flood-${i}","method":"tools/call","params":{"name":"add","arguments":{"a":${i},"b":1}${meta}}}`,
      );
      lines.push(`{"jsonrpc":"2.0","id":"fuzz-bad-${i}","method":${i}}`);
    }
    await h.write(`${lines.join('\n')}\n`);
    const replies = await h.waitForReplies(20_000, 150_000);
    const calls = replies.filter((r: Reply) => String(r.id).startsWith('fuzz-flood-'));
    const bad = replies.filter((r: Reply) => String(r.id).startsWith('fuzz-bad-'));
    expect(calls).toHaveLength(10_000);
    expect(new Set(calls.map((r) => r.id)).size).toBe(10_000);
    for (const reply of calls) {
      const i = Number(String(reply.id).slice('fuzz-flood-'.length));
      expect((reply.result as { structuredContent?: unknown }).structuredContent).toEqual({ sum: i + 1 });
    }
    expect(bad).toHaveLength(10_000);
    expect(bad.every((r) => r.error?.code === INVALID)).toBe(true);
    await expectHealthy(h, 11);
  }, 180_000);

  it('survives seeded random mutations of valid messages', async () => {
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const base = Buffer.from(
      '{"jsonrpc":"2.0","id":"fuzz-mut","method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}',
    );
    for (let round = 0; round < 500; round++) {
      const bytes = Buffer.from(base);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = Math.floor(random() * 256);
        if (bytes[at] === 0x0a) bytes[at] = 0x20; // keep it one line
      }
      await h.write(Buffer.concat([bytes, Buffer.from('\n')]));
    }
    // A mutation may still be a valid notification (no reply), so assert on health, not counts.
    await new Promise((r) => setTimeout(r, 500));
    h.rawReplies.splice(0);
    expect(h.alive).toBe(true);
    await expectHealthy(h, 20);
  }, 60_000);
});
