/** Errors of the auth layer; every message is safe to show a model (no token, no path). */

export const REAUTH_HINT = 're-authenticate with `mcpkit auth gdrive`';

export type AuthErrorKind =
  /** The stored grant is gone (revoked, expired, never made): the user must consent again. */
  | 'reauth'
  /** Credentials are missing or malformed in the configuration. */
  | 'config'
  /** Google refused the service account (key, delegation, scopes). */
  | 'denied'
  /** Google's token endpoint could not be reached. */
  | 'unreachable';

export class DriveAuthError extends Error {
  override readonly name = 'DriveAuthError';
  constructor(
    message: string,
    readonly kind: AuthErrorKind,
  ) {
    super(message);
  }
}

/** A configuration mistake found at start-up (missing client id/secret, unreadable key file). */
export class DriveConfigError extends Error {
  override readonly name = 'DriveConfigError';
}
