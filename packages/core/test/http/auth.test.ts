import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { base64url, exportSPKI, SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS, resultText } from '../../src/testing/index.js';
import { connectHttp, createIssuer, startServer } from './fixture.js';
import { initializeBody, JSON_HEADERS, modernRequest, openSession, raw } from './raw.js';

const ISSUER = 'https://issuer.example.com';
const ALICE = 'alice-static-token-3f9a0c1d77e2';
const BOB = 'bob-static-token-8b21d4e6a0c9f';

let issuer: Awaited<ReturnType<typeof createIssuer>>;
let server: Awaited<ReturnType<typeof startServer>>;
let dir: string;
const auditLines: any[] = [];

beforeAll(async () => {
  issuer = await createIssuer();
  dir = mkdtempSync(path.join(tmpdir(), 'mcpkit-http-auth-'));
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(issuer.jwks));
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) auditLines.push(JSON.parse(line));
      done();
    },
  });
  server = await startServer(
    {
      auth: {
        tokens: [
          { token: ALICE, principal: 'alice', scopes: ['admin'] },
          { token: BOB, principal: 'bob' },
        ],
        jwt: { jwksFile, issuer: ISSUER },
        scopesSupported: ['admin'],
      },
    },
    {
      logger: pino({ level: 'info' }, sink),
      rateLimit: { points: 3, durationSec: 60, store: { kind: 'memory' } },
    },
  );
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const jwt = (claims: Record<string, unknown> = {}, options: Parameters<typeof issuer.sign>[1] = {}) =>
  issuer.sign(
    { iss: ISSUER, aud: server.handle.url.href, sub: 'carol', scope: 'admin', ...claims },
    { expiresIn: '10m', ...options },
  );

function eraRequest(era: (typeof ERAS)[number]) {
  if (era === 'legacy') return { headers: { ...JSON_HEADERS }, body: initializeBody() };
  const { headers, message } = modernRequest('tools/list', 1);
  return { headers, body: JSON.stringify(message) };
}

describe.each(ERAS)('bearer authentication (%s)', (era) => {
  async function refused(authorization: string | string[] | undefined, why: string) {
    const { headers, body } = eraRequest(era);
    const res = await raw(server.handle.url, {
      headers: { ...headers, ...(authorization === undefined ? {} : { authorization }) },
      body,
    });
    expect(res.status, why).toBe(401);
    const challenge = res.headers['www-authenticate'] as string;
    expect(challenge, why).toMatch(/^Bearer /);
    expect(challenge, why).toContain(
      `resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', server.handle.url).href}"`,
    );
    return res;
  }

  it('accepts a valid static token and a valid JWT', async () => {
    for (const token of [ALICE, await jwt()]) {
      const { headers, body } = eraRequest(era);
      const res = await raw(server.handle.url, {
        headers: { ...headers, authorization: `Bearer ${token}` },
        body,
      });
      expect(res.status).toBe(200);
    }
  });

  it('refuses a missing token', async () => {
    const res = await refused(undefined, 'missing');
    expect(res.headers['www-authenticate']).toContain('invalid_token');
  });

  it('refuses anything but exactly "Bearer <token>"', async () => {
    const cases: [string | string[], string][] = [
      [`Basic ${Buffer.from('alice:pw').toString('base64')}`, 'basic'],
      ['Bearer', 'no token'],
      ['Bearer ', 'empty token'],
      [`bearer ${ALICE}`, 'lower-case scheme'],
      [`Bearer  ${ALICE}`, 'two spaces'],
      [`Bearer ${ALICE} extra`, 'trailing parameter'],
      [`Bearer ${ALICE},Bearer ${BOB}`, 'two credentials in one header'],
      [[`Bearer ${ALICE}`, `Bearer ${ALICE}`], 'two Authorization headers'],
      [ALICE, 'no scheme'],
      [`Bearer "${ALICE}"`, 'quoted'],
    ];
    for (const [header, why] of cases) await refused(header, why);
  });

  it('refuses an unknown static token', async () => {
    await refused(`Bearer ${ALICE.slice(0, -1)}x`, 'one character off');
  });

  it('refuses expired and not-yet-valid JWTs', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await refused(`Bearer ${await jwt({}, { expiresIn: now - 600 })}`, 'expired');
    expect(expired.headers['www-authenticate']).toContain('expired');
    const early = await refused(`Bearer ${await jwt({}, { notBefore: now + 600 })}`, 'not yet valid');
    expect(early.headers['www-authenticate']).toContain('not yet valid');
    await refused(
      `Bearer ${await issuer.sign({ iss: ISSUER, aud: server.handle.url.href, sub: 'x' })}`,
      'no exp',
    );
  });

  it('refuses a JWT from another issuer or for another audience', async () => {
    await refused(`Bearer ${await jwt({ iss: 'https://evil.example.com' })}`, 'wrong issuer');
    await refused(`Bearer ${await jwt({ aud: 'https://other.example.com/mcp' })}`, 'wrong audience');
    await refused(`Bearer ${await jwt({ aud: undefined })}`, 'no audience');
  });

  it('refuses alg: none, key confusion and bad signatures', async () => {
    const claims = {
      iss: ISSUER,
      aud: server.handle.url.href,
      sub: 'mallory',
      scope: 'admin',
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    await refused(`Bearer ${none}`, 'alg none');
    const noneKid = `${encode({ alg: 'none', kid: 'test-key' })}.${encode(claims)}.`;
    await refused(`Bearer ${noneKid}`, 'alg none with kid');

    // HS256 "signed" with the issuer's public key (what a verifier that trusts the header would accept).
    const pem = await exportSPKI(issuer.publicKey);
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
      .sign(new TextEncoder().encode(pem));
    await refused(`Bearer ${confused}`, 'HS256 with the public key');

    const valid = await jwt();
    const [h, p, s] = valid.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    await refused(`Bearer ${flipped}`, 'tampered signature');
    const forged = `${h}.${encode({ ...claims, sub: 'alice' })}.${s}`;
    await refused(`Bearer ${forged}`, 'payload swapped under a valid signature');

    const stranger = await createIssuer();
    await refused(
      `Bearer ${await stranger.sign({ ...claims }, {})}`,
      'signed by another key with the same kid',
    );
    await refused(`Bearer ${await jwt({}, { kid: 'unknown-kid' })}`, 'unknown kid');
    await refused('Bearer a.b.c', 'garbage JWT');
  });

  it('lets the verified principal reach the tools, and lists only the tools its scopes allow', async () => {
    const alice = await connectHttp(server.handle.url, era, ALICE);
    const bob = await connectHttp(server.handle.url, era, BOB);
    const carol = await connectHttp(server.handle.url, era, await jwt());
    const dave = await connectHttp(server.handle.url, era, await jwt({ sub: 'dave', scope: 'read' }));
    try {
      const who = await alice.callTool({ name: 'whoami', arguments: {} });
      expect(who.structuredContent).toEqual({ principal: 'alice', scopes: ['admin'], era });
      const jwtWho = await carol.callTool({ name: 'whoami', arguments: {} });
      expect(jwtWho.structuredContent).toEqual({ principal: 'carol', scopes: ['admin'], era });

      const names = async (client: typeof alice) => (await client.listTools()).tools.map((t) => t.name);
      expect(await names(alice)).toContain('admin_reset');
      expect(await names(carol)).toContain('admin_reset');
      expect(await names(bob)).not.toContain('admin_reset');
      expect(await names(dave)).not.toContain('admin_reset');

      expect(resultText((await alice.callTool({ name: 'admin_reset', arguments: {} })) as any)).toBe('reset');
      const denied = await bob
        .callTool({ name: 'admin_reset', arguments: {} })
        .then((r) => ({ isError: r.isError === true, text: resultText(r as any) }))
        .catch((error: Error) => ({ isError: true, text: error.message }));
      expect(denied.isError).toBe(true);
      expect(denied.text).not.toBe('reset');
    } finally {
      await Promise.all([alice, bob, carol, dave].map((c) => c.close()));
    }
  });
});

describe('the principal in middleware', () => {
  it('rate-limits per principal and names the principal in the audit log', async () => {
    const erin = await connectHttp(server.handle.url, 'modern', await jwt({ sub: 'erin' }));
    const frank = await connectHttp(server.handle.url, 'legacy', await jwt({ sub: 'frank' }));
    try {
      const results = [];
      for (let i = 0; i < 4; i++)
        results.push(await erin.callTool({ name: 'echo', arguments: { text: `${i}` } }));
      expect(results.slice(0, 3).every((r) => !r.isError)).toBe(true);
      expect(results[3]!.isError).toBe(true);
      expect(resultText(results[3] as any)).toMatch(/rate limit/i);
      const other = await frank.callTool({ name: 'echo', arguments: { text: 'ok' } });
      expect(other.isError).toBeFalsy();
      const audited = auditLines.filter((l) => l.audit && l.name === 'echo').map((l) => l.principal);
      expect(audited).toContain('erin');
      expect(audited).toContain('frank');
    } finally {
      await erin.close();
      await frank.close();
    }
  });
});

describe('2025-era sessions are bound to their principal', () => {
  it("refuses another principal's POST, GET stream and DELETE on a session", async () => {
    const aliceHeaders = { authorization: `Bearer ${ALICE}` };
    const { headers } = await openSession(server.handle.url, '2025-06-18', aliceHeaders);
    const asBob = { ...headers, authorization: `Bearer ${BOB}` };
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' });

    const post = await raw(server.handle.url, { headers: asBob, body: ping });
    expect(post.status).toBe(404);
    const get = await raw(server.handle.url, {
      method: 'GET',
      headers: { ...asBob, accept: 'text/event-stream' },
    });
    expect(get.status).toBe(404);
    const del = await raw(server.handle.url, { method: 'DELETE', headers: asBob });
    expect(del.status).toBe(404);
    // Same subject, other scopes: the session was built for the scopes it opened with.
    const asCarol = { ...headers, authorization: `Bearer ${await jwt({ sub: 'alice', scope: '' })}` };
    expect((await raw(server.handle.url, { headers: asCarol, body: ping })).status).toBe(404);
    // No token at all is a 401 before any session lookup.
    const { authorization: _drop, ...anonymous } = headers;
    expect((await raw(server.handle.url, { headers: anonymous, body: ping })).status).toBe(401);

    const still = await raw(server.handle.url, { headers, body: ping });
    expect(still.status).toBe(200);
    expect(still.messages[0]).toMatchObject({ id: 9, result: {} });
    const own = await raw(server.handle.url, { method: 'DELETE', headers });
    expect(own.status).toBe(200);
  });
});

describe('protected-resource metadata (RFC 9728)', () => {
  it('serves the document at the path-aware and the bare well-known paths', async () => {
    for (const p of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await raw(new URL(p, server.handle.url), {
        method: 'GET',
        headers: { origin: 'https://app.example' },
      });
      expect(res.status, p).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const doc = JSON.parse(res.text);
      expect(doc.resource).toBe(server.handle.url.href);
      expect(doc.authorization_servers).toEqual([ISSUER]);
      expect(doc.scopes_supported).toEqual(['admin']);
      expect(doc.bearer_methods_supported).toEqual(['header']);
    }
  });
});

describe('JWKS over HTTP', () => {
  let jwksServer: Server;
  let available = true;
  let remote: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    jwksServer = createServer((_req, res) => {
      if (!available) {
        res.writeHead(500);
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const { port } = jwksServer.address() as AddressInfo;
    remote = await startServer({
      auth: { jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER } },
    });
  });
  afterAll(async () => {
    await remote.close();
    await new Promise((r) => jwksServer.close(r));
  });

  it('verifies against a fetched key set, and answers 503 (not 401) when it cannot be fetched', async () => {
    const token = await issuer.sign(
      { iss: ISSUER, aud: remote.handle.url.href, sub: 'gina' },
      { expiresIn: '5m' },
    );
    const client = await connectHttp(remote.handle.url, 'modern', token);
    expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({
      principal: 'gina',
    });
    await client.close();

    // A server whose key set cannot be fetched cannot decide: 503, and the token is not blamed.
    available = false;
    const { port } = jwksServer.address() as AddressInfo;
    const down = await startServer({
      auth: { jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER } },
    });
    try {
      const downToken = await issuer.sign(
        { iss: ISSUER, aud: down.handle.url.href, sub: 'gina' },
        { expiresIn: '5m' },
      );
      const { headers, message } = modernRequest('tools/list', 1);
      const res = await raw(down.handle.url, {
        headers: { ...headers, authorization: `Bearer ${downToken}` },
        body: JSON.stringify(message),
      });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      available = true;
      await down.close();
    }
  });
});
