import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, interpolateEnv, loadConfig, parseConfig } from '../src/config.js';
import { testCatalog as catalog } from './support/catalog.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('interpolateEnv', () => {
  const env = { TOKEN: 's3cret', EMPTY: '' };
  it('replaces ${VAR} and ${VAR:-default} in every string, and $${ is literal', () => {
    expect(
      interpolateEnv({ a: ['x ${TOKEN} y'], b: { c: '${MISSING:-fallback}', d: '$${TOKEN}', e: 7 } }, env),
    ).toEqual({
      a: ['x s3cret y'],
      b: { c: 'fallback', d: '${TOKEN}', e: 7 },
    });
    expect(interpolateEnv('${EMPTY:-dflt}', env)).toBe('dflt');
  });

  it('names the missing variable and where it was used', () => {
    expect(() => interpolateEnv({ servers: { pg: { args: ['${DATABASE_URL}'] } } }, env)).toThrow(
      /\$\.servers\.pg\.args\[0\]: environment variable DATABASE_URL is not set/,
    );
  });

  it('does not let a value inject structure', () => {
    expect(interpolateEnv({ a: '${X}' }, { X: '", "evil": "1' })).toEqual({ a: '", "evil": "1' });
  });
});

describe('loadConfig', () => {
  it('reads YAML with defaults filled in', async () => {
    const file = path.join(dir, 'mcpkit.yaml');
    await writeFile(
      file,
      [
        'servers:',
        '  shop:',
        '    server: catalog',
        '  calc:',
        '    server: calculator',
        '    readOnly: true',
        'rateLimit:',
        '  points: 5',
        '  durationSec: 1',
        '',
      ].join('\n'),
    );
    const { config, baseDir } = await loadConfig(file, { catalog });
    expect(baseDir).toBe(dir);
    expect(config.servers.shop).toEqual({ server: 'catalog', args: [], options: {} });
    expect(config.servers.calc?.readOnly).toBe(true);
    expect(config.limits).toEqual({
      timeoutMs: 60_000,
      maxOutputBytes: 262_144,
      maxMessageBytes: 16_777_216,
      maxInputElements: 100_000,
    });
    expect(config.rateLimit).toEqual({ points: 5, durationSec: 1, store: { kind: 'memory' } });
  });

  it('reads JSON, and reports every invalid field with its path', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ servers: { ok: { server: 'catalog', bogus: 1 } }, limits: { timeoutMs: -5 } }),
    );
    const error = await loadConfig(file, { catalog }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/bogus/);
    expect(error.message).toMatch(/timeoutMs/);
  });

  it('says clearly when the file is missing or not parseable', async () => {
    await expect(loadConfig(path.join(dir, 'nope.yaml'), { catalog })).rejects.toThrow(
      /Cannot read config .*ENOENT/,
    );
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, 'servers: [unclosed');
    await expect(loadConfig(file, { catalog })).rejects.toThrow(/Cannot parse config/);
  });

  it('refuses an empty server list and bad keys', () => {
    expect(() => parseConfig({ servers: {} }, { catalog })).toThrow(/at least one server/);
    expect(() => parseConfig({ servers: { 'Bad Key': { server: 'x' } } }, { catalog })).toThrow(
      /Invalid key[\s\S]*Bad Key/,
    );
  });
});

describe("server options checked at load, against each server's declaration", () => {
  it('names the option path of a misspelled option, with a suggestion', async () => {
    const file = path.join(dir, 'typo.yaml');
    await writeFile(
      file,
      ['servers:', '  db:', '    server: postgres', '    options:', '      maxRow: 5', ''].join('\n'),
    );
    const error = await loadConfig(file, { catalog }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('servers.db.options.maxRow: unknown option (did you mean maxRows?)');
    expect(error.message).toContain(file);
  });

  it('reports every bad entry at once: an unknown server, a bad value, a stray argument', () => {
    const error = (() => {
      try {
        parseConfig(
          {
            servers: {
              a: { server: 'nope' },
              b: { server: 'postgres', options: { maxRows: 'abc' } },
              c: { server: 'calculator', args: ['extra'] },
            },
          },
          { catalog },
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/servers\.a\.server: unknown server "nope"/);
    expect(error!.message).toMatch(/servers\.b\.options\.maxRows: /);
    expect(error!.message).toMatch(/calculator options in servers\.c\.options: takes no arguments/);
  });

  it('accepts options a server declares, positional args and the common write flags', () => {
    const config = parseConfig(
      {
        servers: {
          db: { server: 'postgres', args: ['postgresql://u@h/db'], options: { maxRows: 5, readOnly: true } },
        },
      },
      { catalog },
    );
    expect(config.servers.db?.args).toEqual(['postgresql://u@h/db']);
  });
});
