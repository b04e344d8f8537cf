import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { createAuthenticator } from '../../src/transports/http/auth.js';
import {
  anonymousGuard,
  bearerAuthGuard,
  bodyLimitGuard,
  composeGuards,
  corsGuard,
  type GuardedRequest,
  type HttpGuard,
  hostGuard,
  methodGuard,
  originGuard,
} from '../../src/transports/http/guards/index.js';
import { sendResponse } from '../../src/transports/http/send.js';
import { raw } from './raw.js';

const logger = silentLogger();
let server: Server | undefined;

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

/**
 * Guards mounted the way a user would mount them in a node:http server of their own: a refusal is
 * sent, anything else reaches a handler that echoes the caller the guards let through.
 */
async function mount(guard: HttpGuard): Promise<URL> {
  server = createServer(async (req: GuardedRequest, res) => {
    const refusal = await guard(req, res);
    if (refusal) return sendResponse(res, refusal.response, refusal.close);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ principal: req.auth?.clientId ?? null }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`);
}

/** Sends bytes as they are and collects the whole answer (the server closes after it). */
function rawExchange(url: URL, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** A guard of the test's own that counts the requests reaching it. */
function counter(): { guard: HttpGuard; count: () => number } {
  let seen = 0;
  return {
    guard: () => {
      seen++;
      return undefined;
    },
    count: () => seen,
  };
}

describe('HTTP guards composed on a plain node:http server', () => {
  it('runs in order: the first refusal answers and the guards after it never run', async () => {
    const after = counter();
    const url = await mount(
      composeGuards(hostGuard(['127.0.0.1'], logger), methodGuard(['POST']), after.guard, bodyLimitGuard(16)),
    );

    const forged = await raw(url, { method: 'PUT', headers: { host: 'evil.example.com' } });
    expect(forged.status).toBe(403); // the Host guard answers, not the method guard after it
    expect(forged.messages[0].error.message).toMatch(/Host/);

    const put = await raw(url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect(after.count()).toBe(0);

    const big = await raw(url, { body: 'x'.repeat(17) });
    expect(big.status).toBe(413);
    expect(big.headers.connection).toBe('close');
    expect(after.count()).toBe(1);

    const ok = await raw(url, { body: 'x'.repeat(16) });
    expect(ok.status).toBe(200);
    expect(after.count()).toBe(2);
  });

  it('refuses a second Host or Origin header, whatever the first says', async () => {
    const url = await mount(
      composeGuards(hostGuard(['127.0.0.1'], logger), originGuard(['localhost'], logger)),
    );
    const host = `127.0.0.1:${url.port}`;
    expect((await raw(url, { method: 'GET', headers: { host } })).status).toBe(200);
    // node's client sends one Host only: the smuggled request is written by hand.
    const twoHosts = await rawExchange(
      url,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n`,
    );
    expect(twoHosts).toMatch(/^HTTP\/1\.1 403 /);
    expect(twoHosts).toMatch(/Forbidden: Missing Host header/);
    const origin = 'http://localhost:5173';
    expect((await raw(url, { method: 'GET', headers: { origin } })).status).toBe(200);
    const twoOrigins = await raw(url, { method: 'GET', headers: { origin: [origin, origin] } });
    expect(twoOrigins.status).toBe(403);
    expect(twoOrigins.messages[0].error.message).toMatch(/Origin/);
  });

  it('lets CORS through for named origins only, and answers their preflight itself', async () => {
    const url = await mount(corsGuard(['app.example.com', 'moz-extension://*']));

    const call = await raw(url, { method: 'GET', headers: { origin: 'https://app.example.com' } });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(call.headers.vary).toBe('Origin');

    const preflight = await raw(url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST, DELETE');
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');

    // A scheme wildcard admits an origin elsewhere (the Origin guard) but grants no CORS.
    for (const origin of ['moz-extension://abc123', 'https://other.example.com']) {
      const other = await raw(url, { method: 'OPTIONS', headers: { origin } });
      expect(other.status, origin).toBe(200); // not a preflight answer: the request went on
      expect(other.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('hands the verified caller to what follows, and drops an identity nobody verified', async () => {
    const token = 'guard-pieces-token-5e1f0a9b';
    const authenticator = await createAuthenticator(
      { tokens: [{ token, principal: 'carol' }] },
      new URL('http://127.0.0.1/mcp'),
      logger,
    );
    const url = await mount(bearerAuthGuard(authenticator, logger));

    const missing = await raw(url, { method: 'GET' });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    const refusedPost = await raw(url, { headers: { authorization: 'Bearer wrong-token' } });
    expect(refusedPost.status).toBe(401);
    expect(refusedPost.headers.connection).toBe('close'); // its body was never read

    const ok = await raw(url, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ principal: 'carol' });

    await new Promise((resolve) => server!.close(resolve));
    // Something earlier claims an identity; without authentication configured it does not stand.
    const claim: HttpGuard = (req) => {
      req.auth = { token: 'forged', clientId: 'mallory', scopes: [] };
      return undefined;
    };
    const anonymous = await mount(composeGuards(claim, anonymousGuard));
    const res = await raw(anonymous, { method: 'GET' });
    expect(JSON.parse(res.text)).toEqual({ principal: null });
  });
});
