import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { commandTag } from '../src/db/batch.js';
import { encodeStep, encodeSteps } from '../src/db/wire.js';

/** The messages in a buffer of frontend messages: type letter and body. */
function messages(bytes: Buffer): { type: string; body: Buffer; raw: Buffer }[] {
  const out: { type: string; body: Buffer; raw: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes.readInt32BE(at + 1);
    out.push({
      type: String.fromCharCode(bytes[at]!),
      body: bytes.subarray(at + 5, at + 1 + length),
      raw: bytes.subarray(at, at + 1 + length),
    });
    at += 1 + length;
  }
  expect(at).toBe(bytes.length); // no bytes left over or missing
  return out;
}

describe('the step encoder', () => {
  const texts = [
    'SELECT 1',
    "SELECT 'ünïcödé ✓ 𝄞' AS x, $1::text",
    'SELECT * FROM big WHERE id = 42',
    `SELECT '${'x'.repeat(70_000)}'`,
  ];

  it('writes the Parse that node-postgres writes for the same text, prefix included', () => {
    for (const text of texts) {
      for (const prefix of [undefined, 'DECLARE mcpkit_rows NO SCROLL CURSOR FOR ']) {
        const [parse] = messages(encodeStep({ text, prefix }));
        const expected = serialize.parse({ text: (prefix ?? '') + text, name: '', types: [] });
        expect(parse!.type).toBe('P');
        expect(Buffer.compare(parse!.raw, expected)).toBe(0);
      }
    }
  });

  it('follows it with Bind (text values, NULL as -1), Describe when asked, and Execute', () => {
    const plain = messages(encodeStep({ text: 'SELECT 1' }));
    expect(plain.map((m) => m.type).join('')).toBe('PBE');
    expect([...plain[1]!.body]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // "", "", 0 formats, 0 values, 0 result formats
    expect([...plain[2]!.body]).toEqual([0, 0, 0, 0, 0]); // portal "", no row limit

    const described = messages(encodeStep({ text: 'SELECT $1, $2', values: ['é', null], describe: true }));
    expect(described.map((m) => m.type).join('')).toBe('PBDE');
    const bind = described[1]!.body;
    expect(bind.readInt16BE(2)).toBe(0); // no parameter formats: all text
    expect(bind.readInt16BE(4)).toBe(2);
    expect(bind.readInt32BE(6)).toBe(2); // 'é' is two bytes in UTF-8
    expect(bind.subarray(10, 12).toString('utf8')).toBe('é');
    expect(bind.readInt32BE(12)).toBe(-1);
    expect(bind.readInt16BE(16)).toBe(0);
    expect(bind.length).toBe(18);
    expect(described[2]!.body.toString('latin1')).toBe('P\0');
  });

  it('encodes several fixed steps back to back', () => {
    const both = encodeSteps([{ text: 'BEGIN' }, { text: 'ROLLBACK' }]);
    expect(
      messages(both)
        .map((m) => m.type)
        .join(''),
    ).toBe('PBEPBE');
    expect(
      Buffer.compare(both, Buffer.concat([encodeStep({ text: 'BEGIN' }), encodeStep({ text: 'ROLLBACK' })])),
    ).toBe(0);
  });

  it('refuses a NUL in the text or the prefix', () => {
    expect(() => encodeStep({ text: 'SELECT 1\0; DROP TABLE t' })).toThrow(/NUL/);
    expect(() => encodeStep({ text: 'SELECT 1', prefix: 'X\0' })).toThrow(/NUL/);
  });
});

describe('the command tag reader', () => {
  const byRegex = (text: string) => {
    const tag = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/.exec(text);
    const count = tag?.[3] ?? tag?.[2];
    return { command: tag?.[1] ?? text, rowCount: count === undefined ? 0 : Number(count) };
  };

  it('reads every tag as the regular expression it replaced did', () => {
    const tags = [
      'SELECT 1',
      'SELECT 0',
      'FETCH 101',
      'MOVE 999899',
      'INSERT 0 5',
      'INSERT 12345 1',
      'UPDATE 3',
      'DELETE 0',
      'MERGE 7',
      'COPY 100',
      'BEGIN',
      'ROLLBACK',
      'COMMIT',
      'DECLARE CURSOR',
      'DEALLOCATE ALL',
      'SET',
      'CREATE TABLE',
      'CREATE TABLE AS',
      'SELECT 12abc',
      'SELECT 1 2 3',
      'SELECT  5',
      'SELECT ',
      'X 1 y',
      '',
      '123',
      ' SELECT 1',
      'Ab1 2',
      'ÉTAT 3',
      'select 4',
    ];
    for (const tag of tags) expect(commandTag(tag), tag).toEqual(byRegex(tag));
  });
});
