import { ToolError } from '@mcpkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramText } from '../src/db/wire.js';
import { catalogFunctionsFrom, volatileFunctionNamed } from '../src/sql/functions.js';
import { loadParser } from '../src/sql/parse.js';
import { VerdictCache } from '../src/sql/verdicts.js';

beforeAll(() => loadParser());

const stable = catalogFunctionsFrom([
  { kind: 'f', name: 'price_band', volatile: false, composite_arg: false, user_defined: true },
  { kind: 'f', name: 'lower', volatile: false, composite_arg: false, builtin: true },
]);
const nowVolatile = catalogFunctionsFrom([
  {
    kind: 'f',
    name: 'price_band',
    volatile: true,
    composite_arg: false,
    user_defined: true,
    user_volatile: true,
  },
  { kind: 'f', name: 'lower', volatile: false, composite_arg: false, builtin: true },
]);

describe('the verdict cache', () => {
  it('judges a text once per catalog read and gives the same verdict again', () => {
    const cache = new VerdictCache();
    const first = cache.check('SELECT lower(name) FROM t', stable);
    expect(cache.check('SELECT lower(name) FROM t', stable)).toBe(first);
    expect(cache.size).toBe(1);
    expect(first).toMatchObject({ kind: 'select', functions: ['lower'], callsUserCode: false });
  });

  it('remembers refusals, as the same clear error each time', () => {
    const cache = new VerdictCache();
    for (let i = 0; i < 2; i++) {
      expect(() => cache.check('DELETE FROM t', stable)).toThrow(ToolError);
      expect(() => cache.check('DELETE FROM t', stable)).toThrow(/DELETE is not a read statement/);
    }
    expect(cache.size).toBe(1);
  });

  it('judges again against a new read of the catalog: a function now VOLATILE is refused', () => {
    const cache = new VerdictCache();
    const sql = 'SELECT price_band(price) FROM products';
    expect(cache.check(sql, stable)).toMatchObject({ callsUserCode: true, functions: ['price_band'] });
    expect(() => cache.check(sql, nowVolatile)).toThrow(/price_band\(\), a VOLATILE function/);
    expect(cache.size).toBe(1); // the verdicts of the old read are gone
  });

  it('a read of the catalog that says the same has the same fingerprint', () => {
    const again = catalogFunctionsFrom([
      { kind: 'f', name: 'price_band', volatile: false, composite_arg: false, user_defined: true },
      { kind: 'f', name: 'lower', volatile: false, composite_arg: false, builtin: true },
    ]);
    expect(again.fingerprint).toBe(stable.fingerprint);
    expect(nowVolatile.fingerprint).not.toBe(stable.fingerprint);
  });

  it('stays within its bounds, dropping the least recently used', () => {
    const cache = new VerdictCache(3, 1_000);
    for (const n of [1, 2, 3]) cache.check(`SELECT ${n}`, stable);
    cache.check('SELECT 1', stable); // used again: kept
    cache.check('SELECT 4', stable);
    expect(cache.size).toBe(3);
    const bySize = new VerdictCache(100, 40);
    for (const n of [1, 2, 3, 4, 5]) bySize.check(`SELECT ${n}0000000000`, stable); // 18 characters each
    expect(bySize.size).toBe(2);
  });

  it('does not keep very long statements, and never caches without a catalog', () => {
    const cache = new VerdictCache();
    cache.check(`SELECT 1 /* ${'x'.repeat(20_000)} */`, stable);
    cache.check('SELECT 1', undefined);
    expect(cache.size).toBe(0);
  });

  it('refuses a statement with a NUL character', () => {
    expect(() => new VerdictCache().check('SELECT 1\0; DROP TABLE t', stable)).toThrow(/NUL character/);
  });
});

describe('the live volatility check', () => {
  it("names the function from the server's error, and only from that error", () => {
    expect(
      volatileFunctionNamed({
        code: '22P02',
        message: 'invalid input syntax for type integer: "mcpkit: VOLATILE function price_band"',
      }),
    ).toBe('price_band');
    expect(
      volatileFunctionNamed({ code: '22P02', message: 'invalid input syntax for type integer: "x"' }),
    ).toBe(undefined);
    expect(volatileFunctionNamed({ code: '42883', message: 'mcpkit: VOLATILE function f' })).toBe(undefined);
  });
});

describe('parameters as text', () => {
  it('match what node-postgres sends', () => {
    expect(paramText(null)).toBe(null);
    expect(paramText(undefined)).toBe(null);
    expect(paramText(42)).toBe('42');
    expect(paramText(true)).toBe('true');
    expect(paramText('a')).toBe('a');
    expect(paramText(['a"b', 'c\\d', null, 1, [2, null]])).toBe('{"a\\"b","c\\\\d",NULL,"1",{"2",NULL}}');
    expect(paramText({ a: 1 })).toBe('{"a":1}');
  });
});
