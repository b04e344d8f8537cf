import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkToolSnapshots } from '../src/testing/index.js';

const echo = { name: 'echo', description: 'Echo', inputSchema: { type: 'object', properties: {} } };

describe('checkToolSnapshots', () => {
  let dir: string;
  const saved = { update: process.env.UPDATE_TOOLSNAPS, ci: process.env.CI };
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'mcpkit-snaps-')), '__toolsnaps__');
    delete process.env.UPDATE_TOOLSNAPS;
    delete process.env.CI; // a missing snapshot must fail on a laptop too, not only in CI
  });
  afterEach(() => {
    rmSync(path.dirname(dir), { recursive: true, force: true });
    for (const [key, value] of [
      ['UPDATE_TOOLSNAPS', saved.update],
      ['CI', saved.ci],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('fails on a missing snapshot and writes nothing, unless updating is asked for', () => {
    expect(() => checkToolSnapshots([echo], dir)).toThrow(/echo: no snapshot .*UPDATE_TOOLSNAPS=1/);
    expect(readdirSync(dir)).toEqual([]);
    process.env.UPDATE_TOOLSNAPS = '1';
    checkToolSnapshots([echo], dir);
    expect(JSON.parse(readFileSync(path.join(dir, 'echo.json'), 'utf8'))).toEqual(echo);
    delete process.env.UPDATE_TOOLSNAPS;
    expect(() => checkToolSnapshots([echo], dir)).not.toThrow();
  });

  it('fails on a changed definition, showing both, and on a snapshot with no tool', () => {
    process.env.UPDATE_TOOLSNAPS = '1';
    checkToolSnapshots([echo, { ...echo, name: 'gone' }], dir);
    delete process.env.UPDATE_TOOLSNAPS;
    const changed = { ...echo, description: 'Echo, louder' };
    expect(() => checkToolSnapshots([changed, { ...echo, name: 'gone' }], dir)).toThrow(
      /echo: the listed definition differs[\s\S]*"Echo"[\s\S]*"Echo, louder"/,
    );
    expect(() => checkToolSnapshots([echo], dir)).toThrow(/gone\.json: a snapshot with no tool behind it/);
    expect(existsSync(path.join(dir, 'gone.json'))).toBe(true);
  });

  it('writes keys sorted, so the same definition in another key order is no change', () => {
    process.env.UPDATE_TOOLSNAPS = '1';
    checkToolSnapshots([echo], dir);
    delete process.env.UPDATE_TOOLSNAPS;
    const reordered = { inputSchema: { properties: {}, type: 'object' }, description: 'Echo', name: 'echo' };
    expect(() => checkToolSnapshots([reordered], dir)).not.toThrow();
    writeFileSync(path.join(dir, 'echo.json'), '{}\n');
    expect(() => checkToolSnapshots([echo], dir)).toThrow(/differs/);
  });
});
