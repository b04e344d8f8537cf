import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS } from '../../src/transports/http/options.js';
import { startServer } from './fixture.js';
import { openSession, raw } from './raw.js';

const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

/** The README's numbers, as a server with no limits configured applies them. */
describe('HTTP session limits, by default', () => {
  it('are 1000 sessions, 100 per caller, and 30 minutes idle', () => {
    expect(DEFAULT_HTTP_LIMITS).toMatchObject({
      maxSessions: 1000,
      maxSessionsPerPrincipal: 100,
      sessionIdleMs: 30 * 60_000,
    });
  });

  it('one caller holds at most 100 sessions: its 101st closes its least recently used', async () => {
    const server = await startServer();
    try {
      const opened = [];
      for (let i = 0; i < 101; i++) opened.push(await openSession(server.handle.url));
      expect(server.handle.sessionCount).toBe(100);
      expect((await raw(server.handle.url, { headers: opened[0]!.headers, body: ping })).status).toBe(404);
      expect((await raw(server.handle.url, { headers: opened[1]!.headers, body: ping })).status).toBe(200);
      expect((await raw(server.handle.url, { headers: opened[100]!.headers, body: ping })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('the server holds at most 1000: a new caller past that is told to retry', async () => {
    // 11 callers with 91 sessions each, none past its own share: 1001 sessions asked for.
    const callers = Array.from({ length: 12 }, (_, i) => ({
      token: `caller-${i}-token-5c0ffee${i}`,
      principal: `caller-${i}`,
    }));
    const server = await startServer({ auth: { tokens: callers } });
    const as = (i: number) => ({ authorization: `Bearer ${callers[i]!.token}` });
    try {
      for (let c = 0; c < 11; c++) {
        // a few at a time: quicker, and still well under any caller's share
        for (let i = 0; i < 91; i += 7) {
          await Promise.all(
            Array.from({ length: Math.min(7, 91 - i) }, () =>
              openSession(server.handle.url, undefined, as(c)),
            ),
          );
        }
      }
      // At the cap, the caller that asked last made room from its own sessions.
      expect(server.handle.sessionCount).toBe(1000);
      const refused = await raw(server.handle.url, {
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...as(11),
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      });
      expect(refused.status).toBe(503);
      expect(refused.text).toContain('Too many open sessions; retry later');
      expect(refused.headers['retry-after']).toBe('30');
      expect(server.handle.sessionCount).toBe(1000);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('idle sessions', () => {
  it('are closed once idle past the limit, and their id is then unknown', async () => {
    const server = await startServer({ limits: { sessionIdleMs: 200 } });
    try {
      const session = await openSession(server.handle.url);
      expect(server.handle.sessionCount).toBe(1);
      // The sweep runs on its own clock: wait for its result, not for a time.
      await expect.poll(() => server.handle.sessionCount, { timeout: 30_000, interval: 50 }).toBe(0);
      expect((await raw(server.handle.url, { headers: session.headers, body: ping })).status).toBe(404);
    } finally {
      await server.close();
    }
  }, 60_000);
});
