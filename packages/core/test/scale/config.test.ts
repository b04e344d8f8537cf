import path from 'node:path';
import { expect, it } from 'vitest';
import {
  buildFromConfig,
  ConfigError,
  httpOptionsFromConfig,
  loadConfig,
  parseConfig,
} from '../../src/config.js';
import { silentLogger } from '../../src/index.js';
import { testCatalog as catalog } from '../support/catalog.js';
import { repoRoot } from './topology.js';

/** The one `redis` section, as deploy/mcpkit-node.yaml uses it, reaches every shared use. */
it('reads deploy/mcpkit-node.yaml: redis from ${REDIS_URL} for rate limits, cache and HTTP', async () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6390' };
  const { config, baseDir } = await loadConfig(path.join(repoRoot, 'deploy/mcpkit-node.yaml'), {
    catalog,
    env,
  });
  expect(config.redis).toEqual({
    url: 'redis://127.0.0.1:6390',
    keyPrefix: 'mcpkit:',
    connectTimeoutMs: 2000,
    commandTimeoutMs: 1000,
  });
  const built = await buildFromConfig(config, catalog, { logger: silentLogger(), cwd: baseDir, env });
  expect(built.runtime.rateLimit).toMatchObject({
    points: 120,
    whenStoreDown: 'local',
    store: { kind: 'redis', url: 'redis://127.0.0.1:6390', keyPrefix: 'mcpkit:' },
  });
  expect(built.runtime.cache).toMatchObject({ ttlMs: 10000, redis: { url: 'redis://127.0.0.1:6390' } });
  // HTTP serving sees the same section (the bus and the 2025 event store), with or without an http section.
  expect(httpOptionsFromConfig(config.http!, baseDir).redis).toEqual(config.redis);
  await built.module.close?.();
});

it('refuses a redis URL of another scheme, and a redis store with no redis to use', () => {
  const base = { servers: { c: { server: 'catalog' } } };
  expect(() => parseConfig({ ...base, redis: { url: 'http://x' } }, { catalog })).toThrow(ConfigError);
  expect(() =>
    parseConfig({ ...base, rateLimit: { points: 1, durationSec: 1, store: { kind: 'redis' } } }, { catalog }),
  ).toThrow(/a redis rate-limit store needs a url, or a redis section/);
  expect(() => parseConfig({ ...base, cache: { ttlMs: 5, store: 'redis' } }, { catalog })).toThrow(
    /cache.store redis needs a redis section/,
  );
  // Without a redis section nothing is shared: memory stores, no redis for HTTP.
  const plain = parseConfig({ ...base, rateLimit: { points: 1, durationSec: 1 } }, { catalog });
  expect(plain.rateLimit?.store).toEqual({ kind: 'memory' });
  expect(plain.http).toBeUndefined();
});
