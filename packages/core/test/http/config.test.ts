import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpOptionsFromConfig } from '../../src/config/http-options.js';
import { ConfigError, parseConfig as parse } from '../../src/config/load.js';
import { testCatalog as catalog } from '../support/catalog.js';

const parseConfig = (raw: unknown, env?: NodeJS.ProcessEnv) =>
  parse(raw, { catalog, ...(env ? { env } : {}) });

import { resolveHttpOptions } from '../../src/transports/http/options.js';

const servers = { calc: { server: 'calculator' } };

describe('the http section of a config', () => {
  it('fills safe defaults', () => {
    const config = parseConfig({ servers, http: {} });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, path: '/mcp', allowedHosts: [] });
    const options = httpOptionsFromConfig(config.http!, '/srv');
    const resolved = resolveHttpOptions(options, 3000);
    expect(resolved.resourceUrl.href).toBe('http://127.0.0.1:3000/mcp');
    expect(resolved.allowedHosts).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '[::1]']));
    expect(resolved.auth).toBeUndefined();
  });

  it('reads tokens (with ${ENV} secrets) and a JWKS file relative to the config', () => {
    const config = parseConfig(
      {
        servers,
        http: {
          host: '0.0.0.0',
          publicUrl: 'https://mcp.example.com/mcp',
          auth: {
            tokens: [{ token: '${MCP_TEST_TOKEN}', principal: 'ci', scopes: ['admin'] }],
            jwt: { jwksFile: 'keys/jwks.json', issuer: 'https://id.example.com' },
          },
          limits: { maxBodyBytes: 1024, sessionIdleSec: 60 },
        },
      },
      { MCP_TEST_TOKEN: 'a-long-enough-secret-token-1234' },
    );
    const options = httpOptionsFromConfig(config.http!, path.join(path.sep, 'etc', 'mcpkit'));
    expect(options.auth?.tokens).toEqual([
      { token: 'a-long-enough-secret-token-1234', principal: 'ci', scopes: ['admin'] },
    ]);
    expect(options.auth?.jwt?.jwksFile).toBe(path.join(path.sep, 'etc', 'mcpkit', 'keys', 'jwks.json'));
    expect(options.limits).toMatchObject({ maxBodyBytes: 1024, sessionIdleMs: 60_000 });
    const resolved = resolveHttpOptions(options, 8080);
    expect(resolved.resourceUrl.href).toBe('https://mcp.example.com/mcp');
    expect(resolved.allowedHosts).toEqual(['mcp.example.com']);
  });

  it('names the server by its first allowed host when it listens on every interface', () => {
    const resolved = resolveHttpOptions(
      {
        host: '0.0.0.0',
        allowedHosts: ['mcp.internal:8443', 'other'],
        auth: { tokens: [], jwt: { issuer: 'i', jwksFile: 'f' } },
      },
      8443,
    );
    expect(resolved.resourceUrl.href).toBe('http://mcp.internal:8443/mcp');
    expect(resolved.allowedHosts).toEqual(['mcp.internal', 'other']);
    expect(resolved.allowedOrigins).toEqual([]);
  });

  it('refuses weak or ambiguous settings with a message naming them', () => {
    const bad = [
      [{ auth: { tokens: [{ token: 'short', principal: 'x' }] } }, /at least 16/],
      [{ auth: { tokens: [{ token: 'has spaces in it, so no bearer', principal: 'x' }] } }, /bearer token/],
      [{ auth: { jwt: { issuer: 'https://id.example.com' } } }, /exactly one of jwksUrl and jwksFile/],
      [{ auth: { jwt: { issuer: 'i', jwksFile: 'a', algorithms: ['HS256'] } } }, /algorithms/],
      [{ auth: {} }, /tokens or jwt/],
      [{ port: 70000 }, /port/],
      [{ path: 'mcp' }, /path/],
      [{ listen: 'x' }, /listen/],
    ] as const;
    for (const [http, message] of bad) {
      expect(() => parseConfig({ servers, http }), JSON.stringify(http)).toThrow(ConfigError);
      expect(() => parseConfig({ servers, http }), JSON.stringify(http)).toThrow(message);
    }
  });
});
