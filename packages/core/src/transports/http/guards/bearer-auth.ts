import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { type HttpGuard, headerValues, refuse } from './guard.js';

/** What the guard needs of an authenticator (the transport's own, from auth.ts, is one). */
export interface BearerAuthenticator {
  /** All Authorization header values -> the verified caller, or the challenge to answer with. */
  authenticate(authorization: readonly string[]): Promise<AuthInfo | Response>;
}

/**
 * Bearer authentication: every Authorization header goes to the authenticator (two credentials
 * are refused); the verified caller becomes `req.auth`, a refusal is its 401/403/503 challenge.
 * A refused POST ends its connection, its body unread.
 */
export function bearerAuthGuard(authenticator: BearerAuthenticator, logger: Logger): HttpGuard {
  return async (req) => {
    const verdict = await authenticator.authenticate(headerValues(req, 'authorization'));
    if (verdict instanceof Response) {
      logger.debug({ status: verdict.status }, 'refused: authentication');
      return refuse(verdict, req.method === 'POST');
    }
    req.auth = verdict;
    return undefined;
  };
}

/** Without authentication nobody is anyone: an `auth` set on the request elsewhere is dropped. */
export const anonymousGuard: HttpGuard = (req) => {
  delete req.auth;
  return undefined;
};
