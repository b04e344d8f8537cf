import * as crypto from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/transports/http/auth.js';

// Node's own timingSafeEqual, watched (node:crypto is not our code): every comparison of a static
// token must go through it, on equal-length digests, against every configured token.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const logger = pino({ level: 'silent' });
const resource = new URL('http://127.0.0.1:3000/mcp');
const ISSUER = 'https://issuer.example.com';
const ALICE = 'alice-static-token-3f9a0c1d77e2';
const BOB = 'bob-static-token-8b21d4e6a0c9f';

describe('static tokens are compared in constant time', () => {
  afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

  it('compares digests of equal length against every token, whether or not one matches', async () => {
    const auth = await createAuthenticator(
      {
        tokens: [
          { token: ALICE, principal: 'alice' },
          { token: BOB, principal: 'bob' },
        ],
      },
      resource,
      logger,
    );
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const [token, principal] of [
      [ALICE, 'alice'], // the first one matches: the second is still compared
      [BOB, 'bob'],
      [ALICE.slice(0, -1), undefined], // a prefix, a longer token, one character off: refused
      [`${ALICE}x`, undefined],
      [`${ALICE.slice(0, -1)}3`, undefined],
      ['short', undefined],
    ] as const) {
      compare.mockClear();
      const outcome = await auth.authenticate([`Bearer ${token}`]);
      if (principal) expect(outcome).toMatchObject({ clientId: principal });
      else expect(outcome).toBeInstanceOf(Response);
      expect(compare, token).toHaveBeenCalledTimes(2);
      for (const [a, b] of compare.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    }
  });
});

describe('a JWKS URL must be https, except on loopback', () => {
  const make = (jwksUrl: string) =>
    createAuthenticator({ jwt: { jwksUrl, issuer: ISSUER } }, resource, logger);

  it.each([
    'http://keys.example.com/jwks.json',
    'http://10.0.0.5/jwks.json',
    'http://127.0.0.1.nip.io/jwks.json',
    'http://localhost.example.com/jwks.json',
    'ftp://keys.example.com/jwks.json',
  ])('refuses %s', async (url) => {
    await expect(make(url)).rejects.toThrow(/the JWKS URL must be https \(http only on loopback\)/);
  });

  it.each([
    'https://keys.example.com/.well-known/jwks.json',
    'http://127.0.0.1:8080/jwks.json',
    'http://127.9.8.7/jwks.json',
    'http://localhost:8080/jwks.json',
    'http://[::1]:8080/jwks.json',
  ])('accepts %s (nothing is fetched until a token arrives)', async (url) => {
    await expect(make(url)).resolves.toMatchObject({ metadata: expect.any(Object) });
  });
});
