import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS } from '../../src/testing/index.js';
import { serveRuntimeOverHttp } from '../../src/transports/http/serve-http.js';
import { startServer } from './fixture.js';
import { initializeBody, JSON_HEADERS, modernRequest, openSession, raw } from './raw.js';

const MAX_BODY = 64 * 1024;

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({ limits: { maxBodyBytes: MAX_BODY, maxDepth: 32 } });
});
afterAll(() => server.close());

/** A request of each era: a 2025 initialize (no session yet) or a 2026 tools/list. */
function eraRequest(era: (typeof ERAS)[number], id: number | string = 1) {
  if (era === 'legacy') return { headers: { ...JSON_HEADERS }, body: initializeBody('2025-06-18', id) };
  const { headers, message } = modernRequest('tools/list', id);
  return { headers, body: JSON.stringify(message) };
}

/** Headers under which a body reaches each era's path (a legacy session, or the modern envelope). */
async function eraHeaders(era: (typeof ERAS)[number]): Promise<Record<string, string>> {
  if (era === 'legacy') return (await openSession(server.handle.url)).headers;
  return modernRequest('tools/list', 1).headers;
}

describe.each(ERAS)('request guards (%s)', (era) => {
  it('answers a well-formed request (the control case)', async () => {
    const { headers, body } = eraRequest(era);
    const res = await raw(server.handle.url, { headers, body });
    expect(res.status).toBe(200);
    expect(res.messages[0].result).toBeDefined();
  });

  it('refuses a forged Host with 403 before doing anything', async () => {
    const { headers, body } = eraRequest(era);
    const res = await raw(server.handle.url, { headers: { ...headers, host: 'evil.example.com' }, body });
    expect(res.status).toBe(403);
    expect(res.messages[0].error.message).toMatch(/Host/);
    const rebinding = await raw(server.handle.url, {
      headers: { ...headers, host: `localhost.evil.example.com:${server.handle.port}` },
      body,
    });
    expect(rebinding.status).toBe(403);
  });

  it('refuses a foreign or opaque Origin with 403, accepts a loopback one', async () => {
    const { headers, body } = eraRequest(era);
    for (const origin of ['https://evil.example.com', 'null', 'http://127.0.0.1.evil.example.com']) {
      const res = await raw(server.handle.url, { headers: { ...headers, origin }, body });
      expect(res.status, origin).toBe(403);
    }
    const ok = await raw(server.handle.url, {
      headers: { ...headers, origin: 'http://localhost:6274' },
      body,
    });
    expect(ok.status).toBe(200);
  });

  it('answers an oversized body with 413 from its Content-Length, without reading it', async () => {
    const { headers } = eraRequest(era);
    const result = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(server.handle.url, {
          method: 'POST',
          headers: { ...headers, 'content-length': String(512 * 1024 * 1024) },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode!, connection: res.headers.connection });
          req.destroy();
        });
        req.on('error', reject);
        req.write('{"jsonrpc":"2.0",'); // a few bytes of a 512 MiB promise
      },
    );
    expect(result.status).toBe(413);
    expect(result.connection).toBe('close');
  });

  it('stops reading a chunked body at the cap and answers 413', async () => {
    const { headers } = eraRequest(era);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const result = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      let done = false;
      const req = httpRequest(server.handle.url, { method: 'POST', headers });
      req.on('response', (res) => {
        done = true;
        res.resume();
        resolve({ status: res.statusCode!, sent });
        req.destroy();
      });
      req.on('error', (error) => (done ? undefined : reject(error)));
      const pump = () => {
        // Keep sending until the server answers (at most 4096x the cap, 256 MB: a server that
        // read it all would take it all).
        while (!done && sent < MAX_BODY * 4096) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      req.write('[');
      pump();
    });
    expect(result.status).toBe(413);
    // What was sent past the cap sits in the kernel's socket buffers (up to ~36 MB on Linux with
    // autotuning), never read: far less than everything.
    expect(result.sent).toBeLessThan(MAX_BODY * 1024);
  });

  it('answers invalid JSON with a JSON-RPC parse error, never a 500', async () => {
    const headers = await eraHeaders(era);
    for (const body of ['{"jsonrpc":"2.0","id":1,', 'not json', '', '\u0000\u0001', '{"a":1}}']) {
      const res = await raw(server.handle.url, { headers, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.messages[0].error.code).toBe(-32700);
    }
    const badUtf8 = await raw(server.handle.url, { headers, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(badUtf8.status).toBe(400);
    expect(badUtf8.messages[0].error.code).toBe(-32700);
  });

  it('answers deeply nested JSON with an invalid-request error on the request id', async () => {
    const headers = await eraHeaders(era);
    const deep = `{"jsonrpc":"2.0","id":"deep-1","method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(5000)}${']'.repeat(5000)}}}}`;
    const res = await raw(server.handle.url, { headers, body: deep });
    expect(res.status).toBe(400);
    expect(res.messages[0].error.code).toBe(-32600);
    expect(res.messages[0].error.message).toMatch(/nested deeper than 32/);
    expect(res.messages[0].id).toBe('deep-1');
    // 100k levels: the byte scan stops early; nothing recursive ever sees it.
    const deeper = await raw(server.handle.url, { headers, body: '['.repeat(60_000) });
    expect(deeper.status).toBe(400);
    expect(deeper.messages[0].error.code).toBe(-32600);
  });

  it('answers a JSON value that is not a JSON-RPC message with -32600', async () => {
    const headers = await eraHeaders(era);
    for (const body of [
      '42',
      '"text"',
      'null',
      '{"jsonrpc":"1.0","id":1,"method":"ping"}',
      '{"id":{},"method":"x","jsonrpc":"2.0"}',
    ]) {
      const res = await raw(server.handle.url, { headers, body });
      expect(res.status, body).toBe(400);
      expect(res.messages[0].error.code, body).toBe(-32600);
    }
  });

  it('refuses JSON-RPC batches (removed after 2025-03-26)', async () => {
    const headers = await eraHeaders(era);
    const batch =
      era === 'modern'
        ? JSON.stringify([modernRequest('tools/list', 1).message, modernRequest('tools/list', 2).message])
        : JSON.stringify([
            { jsonrpc: '2.0', id: 1, method: 'tools/list' },
            { jsonrpc: '2.0', id: 2, method: 'tools/list' },
          ]);
    const res = await raw(server.handle.url, { headers, body: batch });
    expect(res.status).toBe(400);
    expect(res.messages[0].error.code).toBe(-32600);
    expect(res.messages[0].error.message).toMatch(/batches are not supported/);
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const { headers, body } = eraRequest(era);
    const res = await raw(server.handle.url, { headers: { ...headers, 'content-type': 'text/plain' }, body });
    expect(res.status).toBe(415);
  });

  it('keeps two clients that reuse the same JSON-RPC ids apart', async () => {
    const url = server.handle.url;
    const callers = ['alpha', 'beta'];
    const sessions =
      era === 'legacy'
        ? await Promise.all(callers.map(() => openSession(url).then((s) => s.headers)))
        : callers.map(() => modernRequest('tools/call', 0).headers);
    const call = (caller: number, id: number) => {
      const text = `${callers[caller]}-${id}`;
      const message =
        era === 'legacy'
          ? {
              jsonrpc: '2.0',
              id,
              method: 'tools/call',
              params: { name: 'slow_echo', arguments: { text, ms: 20 * (id % 3) } },
            }
          : modernRequest('tools/call', id, { name: 'slow_echo', arguments: { text, ms: 20 * (id % 3) } })
              .message;
      return raw(url, {
        headers: { ...sessions[caller]!, 'mcp-name': 'slow_echo' },
        body: JSON.stringify(message),
      }).then((res) => ({ expected: text, id, res }));
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => [call(0, i + 1), call(1, i + 1)]).flat(),
    );
    for (const { expected, id, res } of results) {
      expect(res.status).toBe(200);
      const reply = res.messages.find((m) => m.id === id);
      expect(reply?.result?.content?.[0]?.text).toBe(expected);
    }
  });
});

describe('HTTP surface', () => {
  it('serves /healthz and 404s unknown paths', async () => {
    const health = await raw(new URL('/healthz', server.handle.url), { method: 'GET' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: 'ok' });
    const missing = await raw(new URL('/other', server.handle.url), { method: 'GET', headers: {} });
    expect(missing.status).toBe(404);
  });

  it('answers methods the endpoint does not serve with 405', async () => {
    const res = await raw(server.handle.url, { method: 'PUT', headers: JSON_HEADERS, body: '{}' });
    expect(res.status).toBe(405);
  });

  it('needs a session for 2025-era requests after initialize, and 404s an unknown one', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
    const none = await raw(server.handle.url, { headers: JSON_HEADERS, body });
    expect(none.status).toBe(400);
    expect(none.messages[0].id).toBe(7);
    const unknown = await raw(server.handle.url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': 'no-such-session' },
      body,
    });
    expect(unknown.status).toBe(404);
  });

  it('accepts a batch on a 2025-03-26 session, the one revision that had them', async () => {
    const { headers } = await openSession(server.handle.url, '2025-03-26');
    const res = await raw(server.handle.url, {
      headers,
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.messages.map((m) => m.id).sort()).toEqual([1, 2]);
  });

  it('ends a 2025 session on DELETE', async () => {
    const { headers } = await openSession(server.handle.url);
    const before = server.handle.sessionCount;
    const del = await raw(server.handle.url, { method: 'DELETE', headers });
    expect(del.status).toBe(200);
    expect(server.handle.sessionCount).toBe(before - 1);
    const after = await raw(server.handle.url, {
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(after.status).toBe(404);
  });

  it('caps the number of sessions, reusing the oldest of the same caller', async () => {
    const capped = await startServer({ limits: { maxSessions: 3 } });
    try {
      const opened = [];
      for (let i = 0; i < 5; i++) opened.push(await openSession(capped.handle.url));
      expect(capped.handle.sessionCount).toBe(3);
      const oldest = await raw(capped.handle.url, {
        headers: opened[0]!.headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(oldest.status).toBe(404);
      const newest = await raw(capped.handle.url, {
        headers: opened[4]!.headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(newest.status).toBe(200);
    } finally {
      await capped.close();
    }
  });

  it('caps the sessions one caller holds', async () => {
    const capped = await startServer({ limits: { maxSessionsPerPrincipal: 2 } });
    try {
      for (let i = 0; i < 4; i++) await openSession(capped.handle.url);
      expect(capped.handle.sessionCount).toBe(2);
    } finally {
      await capped.close();
    }
  });

  it('closes idle sessions (waits for the sweep, not for a time)', async () => {
    const idle = await startServer({ limits: { sessionIdleMs: 300 } });
    try {
      await openSession(idle.handle.url);
      expect(idle.handle.sessionCount).toBe(1);
      await expect.poll(() => idle.handle.sessionCount, { timeout: 30_000, interval: 50 }).toBe(0);
    } finally {
      await idle.close();
    }
  });

  it('gives CORS to browser origins the configuration names, and only to them', async () => {
    const cors = await startServer({ allowedOrigins: ['https://app.example.com'] });
    try {
      const preflight = await raw(cors.handle.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, mcp-session-id',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(preflight.headers['access-control-allow-headers']).toContain('mcp-session-id');
      const call = await raw(cors.handle.url, {
        headers: { ...JSON_HEADERS, origin: 'https://app.example.com' },
        body: initializeBody(),
      });
      expect(call.status).toBe(200);
      expect(call.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(call.headers['access-control-expose-headers']).toContain('mcp-session-id');
      const local = await raw(cors.handle.url, {
        headers: { ...JSON_HEADERS, origin: 'http://localhost:5173' },
        body: initializeBody(),
      });
      expect(local.status).toBe(200);
      expect(local.headers['access-control-allow-origin']).toBeUndefined();
      const foreign = await raw(cors.handle.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(foreign.status).toBe(403);
    } finally {
      await cors.close();
    }
  });

  it('refuses to listen beyond loopback without authentication', async () => {
    await expect(serveRuntimeOverHttp(server.runtime, { host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /without authentication/,
    );
  });
});
