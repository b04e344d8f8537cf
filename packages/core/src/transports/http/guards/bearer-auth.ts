import type { Logger } from 'pino';
import type { Authenticator } from '../auth.js';
import { type HttpGuard, headerValues, refuse } from './guard.js';

/**
 * Bearer authentication: every Authorization header goes to the authenticator (two credentials
 * are refused); the verified caller becomes `req.auth`, a refusal is its 401/403/503 challenge.
 * A refused POST ends its connection, its body unread.
 */
export function bearerAuthGuard(authenticator: Authenticator, logger: Logger): HttpGuard {
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
