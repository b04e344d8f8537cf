import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, fromClaudeDesktop, interpolateEnv, loadConfig, parseConfig } from '../src/index.js';

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
    const { config, baseDir } = await loadConfig(file);
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
    const error = await loadConfig(file).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/bogus/);
    expect(error.message).toMatch(/timeoutMs/);
  });

  it('says clearly when the file is missing or not parseable', async () => {
    await expect(loadConfig(path.join(dir, 'nope.yaml'))).rejects.toThrow(/Cannot read config .*ENOENT/);
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, 'servers: [unclosed');
    await expect(loadConfig(file)).rejects.toThrow(/Cannot parse config/);
  });

  it('refuses an empty server list and bad keys', () => {
    expect(() => parseConfig({ servers: {} })).toThrow(/at least one server/);
    expect(() => parseConfig({ servers: { 'Bad Key': { server: 'x' } } })).toThrow(
      /Invalid key[\s\S]*Bad Key/,
    );
  });
});

describe("Claude Desktop's mcpServers shape", () => {
  it('maps `mcpkit serve` entries (direct, npx, node) to mounted built-ins and applies env', () => {
    const config = parseConfig(
      {
        mcpServers: {
          shop: { command: 'mcpkit', args: ['serve', 'catalog', './data'] },
          calc: { command: 'npx', args: ['-y', 'mcpkit@latest', 'serve', 'calculator', '--read-only'] },
          'my-db': {
            command: '/usr/bin/node',
            args: ['/opt/mcpkit/packages/cli/dist/bin.js', 'serve', 'postgres', '${DATABASE_URL}'],
            env: { DATABASE_URL: 'postgresql://u@localhost/db' },
          },
        },
      },
      {},
    );
    expect(config.servers).toEqual({
      shop: { server: 'catalog', args: ['./data'], options: {} },
      calc: { server: 'calculator', args: [], options: {}, readOnly: true },
      mydb: { server: 'postgres', args: ['postgresql://u@localhost/db'], options: {} },
    });
  });

  it('refuses an entry that is not an mcpkit server, naming it', () => {
    expect(() =>
      fromClaudeDesktop({ mcpServers: { py: { command: 'python', args: ['server.py'] } } }),
    ).toThrow(/mcpServers\.py: "python server\.py" is not an mcpkit server/);
  });
});
