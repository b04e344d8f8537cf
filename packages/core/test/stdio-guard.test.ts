import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inspectLine, nestingDepth, sniffId } from '../src/transports/jsonrpc/message-guard.js';
import { HardenedStdioTransport } from '../src/transports/stdio/hardened-stdio-transport.js';
import { BoundedLineReader } from '../src/transports/stdio/line-reader.js';

const limits = { maxDepth: 64, maxIdLength: 256 };

describe('BoundedLineReader', () => {
  it('reassembles lines across arbitrary chunk boundaries', () => {
    const lines: string[] = [];
    const reader = new BoundedLineReader(1024);
    const text = 'alpha\nbeta\r\ngamma\n\ndelta';
    for (const ch of text)
      reader.push(Buffer.from(ch), (e) => e.type === 'line' && lines.push(e.bytes.toString()));
    reader.end((e) => e.type === 'line' && lines.push(e.bytes.toString()));
    expect(lines).toEqual(['alpha', 'beta\r', 'gamma', '', 'delta']);
  });

  it('reports an oversized line once with its prefix and size, holding only the prefix', () => {
    const events: { type: string; size?: number; prefix?: string }[] = [];
    const reader = new BoundedLineReader(10, 4);
    reader.push(Buffer.from('0123456'), () => {});
    reader.push(Buffer.from('789abcdef'), () => {});
    reader.push(Buffer.from('XYZ\nok\n'), (e) =>
      events.push(
        e.type === 'oversized'
          ? { type: e.type, size: e.size, prefix: e.prefix.toString() }
          : { type: e.type },
      ),
    );
    expect(events).toEqual([{ type: 'oversized', size: 19, prefix: '0123' }, { type: 'line' }]);
  });
});

describe('inspectLine', () => {
  const check = (line: string) => inspectLine(Buffer.from(line), limits);

  it('passes valid requests, notifications and responses', () => {
    expect(check('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toMatchObject({ ok: true });
    expect(check('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({ ok: true });
    expect(check('{"jsonrpc":"2.0","id":"a","result":{}}')).toMatchObject({ ok: true });
    expect(check('{"jsonrpc":"2.0","id":"a","error":{"code":-1,"message":"m"}}')).toMatchObject({ ok: true });
  });

  it('ignores blank lines', () => {
    expect(check('   ')).toBeUndefined();
  });

  it('keeps the id in the error when it is readable', () => {
    expect(check('{"jsonrpc":"2.0","id":7,"method":["x"]}')).toMatchObject({
      ok: false,
      reply: { id: 7, error: { code: -32600 } },
    });
  });
});

describe('nestingDepth', () => {
  it('counts brackets outside strings only', () => {
    expect(nestingDepth(Buffer.from('{"a":[[1],{"b":2}]}'), 100)).toBe(3);
    expect(nestingDepth(Buffer.from('{"a":"[[[[{{{{\\"[[["}'), 100)).toBe(1);
  });
});

describe('sniffId', () => {
  it('finds the top-level id wherever it sits, skipping nested ids', () => {
    expect(sniffId(Buffer.from('{"jsonrpc":"2.0","id":42,"method":"x","params":{"a":"'), limits)).toBe(42);
    expect(sniffId(Buffer.from('{"params":{"id":1,"x":[{"id":2}]},"id":"real","method'), limits)).toBe(
      'real',
    );
    expect(sniffId(Buffer.from('{"method":"x","id":"esc\\"aped"'), limits)).toBe('esc"aped');
  });

  it('gives up (null) when the id is cut off, absent or unusable', () => {
    expect(sniffId(Buffer.from('{"jsonrpc":"2.0","params":{"a":"xxxx'), limits)).toBeNull();
    expect(sniffId(Buffer.from('{"id":1.5,"x":1}'), limits)).toBeNull();
    expect(sniffId(Buffer.from('[{"id":1}]'), limits)).toBeNull();
    expect(sniffId(Buffer.from(`{"id":"${'x'.repeat(300)}"}`), limits)).toBeNull();
  });
});

describe('HardenedStdioTransport', () => {
  it('delivers valid messages, answers bad ones itself, and closes on end of input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new HardenedStdioTransport(input, output);
    const received: unknown[] = [];
    let closed = false;
    transport.onmessage = (m) => received.push(m);
    transport.onclose = () => {
      closed = true;
    };
    await transport.start();
    const written: string[] = [];
    output.on('data', (chunk) => written.push(...String(chunk).split('\n').filter(Boolean)));
    input.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\nnope\n');
    await new Promise((r) => setImmediate(r));
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    expect(written.map((l) => JSON.parse(l))).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringContaining('Parse error') } },
      { jsonrpc: '2.0', id: 1, result: {} },
    ]);
    input.end();
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(true);
  });
});
