import { describe, expect, it } from 'vitest';
import { UNLIMITED, WireGuard, type WireLimits } from '../src/db/wire-guard.js';

// Backend messages built by hand (protocol 3.0), fed to the guard in every kind of chunking.

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function dataRow(values: (string | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0]!.writeInt16BE(values.length, 0);
  for (const value of values) {
    const length = Buffer.alloc(4);
    if (value === null) {
      length.writeInt32BE(-1, 0);
      parts.push(length);
    } else {
      const bytes = Buffer.from(value, 'utf8');
      length.writeInt32BE(bytes.length, 0);
      parts.push(length, bytes);
    }
  }
  return message('D', Buffer.concat(parts));
}

const complete = (tag: string) => message('C', Buffer.from(`${tag}\0`));
const ready = () => message('Z', Buffer.from('T'));
const parseComplete = () => message('1', Buffer.alloc(0));
function errorResponse(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([code, text]) => Buffer.from(`${code}${text}\0`));
  return message('E', Buffer.concat([...parts, Buffer.from([0])]));
}

/** The messages in a byte stream, decoded enough to compare. */
function decode(bytes: Buffer) {
  const out: { type: string; values?: (string | null)[]; fields?: Record<string, string>; raw?: string }[] =
    [];
  let at = 0;
  while (at < bytes.length) {
    const type = String.fromCharCode(bytes[at]!);
    const length = bytes.readInt32BE(at + 1);
    const body = bytes.subarray(at + 5, at + 1 + length);
    at += 1 + length;
    if (type === 'D') {
      const values: (string | null)[] = [];
      let i = 2;
      for (let n = body.readInt16BE(0); n > 0; n--) {
        const size = body.readInt32BE(i);
        i += 4;
        values.push(size < 0 ? null : body.subarray(i, i + size).toString('utf8'));
        if (size > 0) i += size;
      }
      expect(i).toBe(body.length); // the rewritten length matches what it holds
      out.push({ type, values });
    } else if (type === 'E' || type === 'N') {
      const fields: Record<string, string> = {};
      let i = 0;
      while (body[i] !== 0) {
        const end = body.indexOf(0, i + 1);
        fields[String.fromCharCode(body[i]!)] = body.subarray(i + 1, end).toString('utf8');
        i = end + 1;
      }
      expect(i).toBe(body.length - 1);
      out.push({ type, fields });
    } else out.push({ type, raw: body.toString('latin1') });
  }
  expect(at).toBe(bytes.length);
  return out;
}

/** Runs a stream through a guard cut into chunks at the given sizes (cycled). */
function through(stream: Buffer, limits: WireLimits, sizes: number[]): Buffer {
  const guard = new WireGuard(limits);
  const out: Buffer[] = [];
  let at = 0;
  for (let k = 0; at < stream.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(...guard.push(Buffer.from(stream.subarray(at, at + size))));
    at += size;
  }
  return Buffer.concat(out);
}

const CHUNKINGS = [[1], [2, 3, 5], [7], [4096], [1 << 20], [1, 1000, 13]];

const limits: WireLimits = { fieldBytes: 10, rowBytes: 100, messageBytes: 40 };

describe('WireGuard', () => {
  it('passes a stream it has no reason to touch byte for byte, however it is chunked', () => {
    const stream = Buffer.concat([
      parseComplete(),
      message('T', Buffer.from('row description bytes')),
      dataRow(['a', null, '', 'ünïcødé']),
      dataRow(['x'.repeat(500)]),
      complete('FETCH 2'),
      errorResponse({ S: 'ERROR', C: '22P02', M: 'm'.repeat(300) }),
      ready(),
    ]);
    for (const sizes of CHUNKINGS) {
      expect(through(stream, UNLIMITED, sizes).equals(stream)).toBe(true);
    }
  });

  it('cuts values longer than fieldBytes and keeps the message well formed', () => {
    const stream = Buffer.concat([
      dataRow(['short', 'y'.repeat(1000), null, 'z'.repeat(11)]),
      complete('FETCH 1'),
      ready(),
    ]);
    for (const sizes of CHUNKINGS) {
      expect(decode(through(stream, { ...limits, rowBytes: 1e9 }, sizes))).toEqual([
        { type: 'D', values: ['short', 'y'.repeat(10), null, 'z'.repeat(10)] },
        { type: 'C', raw: 'FETCH 1\0' },
        { type: 'Z', raw: 'T' },
      ]);
    }
  });

  it('leaves rows out once a batch reaches rowBytes, and starts again after ReadyForQuery', () => {
    // Each row is 5 + 2 + 4 + 8 = 19 bytes: five fit in 100.
    const rows = Array.from({ length: 8 }, (_, i) => dataRow([`row-${i}`.padEnd(8, '.')]));
    const stream = Buffer.concat([
      ...rows,
      complete('FETCH 8'),
      ready(),
      rows[7]!,
      complete('FETCH 1'),
      ready(),
    ]);
    for (const sizes of CHUNKINGS) {
      const out = decode(through(stream, limits, sizes));
      expect(out.filter((m) => m.type === 'D').map((m) => m.values?.[0])).toEqual([
        'row-0...',
        'row-1...',
        'row-2...',
        'row-3...',
        'row-4...',
        'row-7...', // the next batch has a budget of its own
      ]);
      expect(out.filter((m) => m.type === 'C').map((m) => m.raw)).toEqual(['FETCH 8\0', 'FETCH 1\0']);
    }
  });

  it('shortens each field of a long ErrorResponse', () => {
    const stream = Buffer.concat([
      errorResponse({ S: 'ERROR', C: '22P02', M: `invalid input: "${'x'.repeat(100_000)}"` }),
      ready(),
    ]);
    for (const sizes of [[1], [3], [4096]]) {
      const out = decode(through(stream, { ...limits, messageBytes: 4096 }, sizes));
      expect(out[0]!.fields!.S).toBe('ERROR');
      expect(out[0]!.fields!.C).toBe('22P02');
      expect(out[0]!.fields!.M!.startsWith('invalid input: "xxx')).toBe(true);
      expect(out[0]!.fields!.M!.length).toBeLessThanOrEqual(2048);
      expect(out[1]).toEqual({ type: 'Z', raw: 'T' });
    }
  });

  it('shortens each field of a long NoticeResponse, between rows, as it does an error', () => {
    // A NOTICE is a message in its own right: a RAISE NOTICE quoting a huge value arrives as one.
    const notice = message(
      'N',
      Buffer.concat([
        ...Object.entries({ S: 'NOTICE', C: '00000', M: `saw ${'y'.repeat(200_000)}` }).map(([code, text]) =>
          Buffer.from(`${code}${text}\0`),
        ),
        Buffer.from([0]),
      ]),
    );
    const stream = Buffer.concat([
      dataRow(['before']),
      notice,
      dataRow(['after']),
      complete('SELECT 2'),
      ready(),
    ]);
    for (const sizes of [[1], [7], [4096], [1 << 20]]) {
      const out = decode(through(stream, { ...limits, messageBytes: 4096 }, sizes));
      expect(out.map((m) => m.type)).toEqual(['D', 'N', 'D', 'C', 'Z']);
      expect(out[0]!.values).toEqual(['before']);
      expect(out[1]!.fields!.S).toBe('NOTICE');
      expect(out[1]!.fields!.C).toBe('00000');
      expect(out[1]!.fields!.M!.startsWith('saw yyy')).toBe(true);
      expect(out[1]!.fields!.M!.length).toBeLessThanOrEqual(2048);
      expect(out[2]!.values).toEqual(['after']);
    }
  });

  it('never holds more of a huge value than fieldBytes', () => {
    const guard = new WireGuard({ fieldBytes: 16, rowBytes: 1e9, messageBytes: 1e9 });
    const huge = 50 * 2 ** 20;
    const head = Buffer.alloc(5 + 2 + 4);
    head.write('D', 0, 'latin1');
    head.writeInt32BE(4 + 2 + 4 + huge, 1);
    head.writeInt16BE(1, 5);
    head.writeInt32BE(huge, 7);
    const out: Buffer[] = [...guard.push(head)];
    let most = { viewed: 0, pinned: 0 };
    for (let sent = 0; sent < huge; sent += 64 * 1024) {
      // A fresh chunk each time, as a socket delivers them: keeping a slice of each would pin it.
      out.push(...guard.push(Buffer.alloc(64 * 1024, 0x61)));
      const now = held(guard);
      most = { viewed: Math.max(most.viewed, now.viewed), pinned: Math.max(most.pinned, now.pinned) };
    }
    // What it holds mid-value: the kept 16 bytes and small headers, in at most a few chunks.
    expect(most.viewed).toBeLessThanOrEqual(16 + 64);
    expect(most.pinned).toBeLessThanOrEqual(3 * 64 * 1024);
    out.push(...guard.push(ready()));
    expect(decode(Buffer.concat(out))).toEqual([
      { type: 'D', values: ['a'.repeat(16)] },
      { type: 'Z', raw: 'T' },
    ]);
  });
});

/**
 * The bytes an object holds through its fields (followed a few levels into arrays and objects):
 * `viewed` is the length of every buffer it keeps, `pinned` the size of the memory those buffers
 * keep alive (a slice keeps its whole chunk).
 */
function held(root: object): { viewed: number; pinned: number } {
  let viewed = 0;
  const backing = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      viewed += value.byteLength;
      backing.add(value.buffer);
      return;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child, depth + 1);
  };
  visit(root, 0);
  let pinned = 0;
  for (const buffer of backing) pinned += buffer.byteLength;
  return { viewed, pinned };
}
