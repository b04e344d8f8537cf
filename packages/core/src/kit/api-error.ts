import { redactSecrets } from '../errors/redact.js';
import { ToolError } from '../errors/tool-error.js';

export interface ApiFailure {
  /** The service, as a user names it: "GitHub", "Slack", "Google Drive". */
  service: string;
  /** HTTP status, when there was a response. */
  status?: number;
  /** The vendor's own error text or code (`Not Found`, `channel_not_found`). */
  message: string;
  /** One more sentence that helps the model act (which scope is missing, what to check). */
  hint?: string;
  /** Seconds until the call may be retried (Retry-After, a rate-limit reset). */
  retryAfterSeconds?: number;
  /** Extra structured details for programs (error codes, needed scopes). */
  details?: Record<string, unknown>;
}

const GENERIC_HINTS: Record<number, string> = {
  401: 'the credentials were refused: check the token the server was started with',
  403: 'the token lacks permission for this',
  404: 'it does not exist, or the token cannot see it',
  422: 'the request was invalid; check the arguments',
};

/**
 * A third-party API call that failed, worded once for every server: service, status, the
 * vendor's message, a hint and, for a rate limit, when to retry. Thrown from a handler it
 * reaches the model as an `isError` result (never a stack trace); secrets are redacted.
 */
export class ApiError extends ToolError {
  readonly status?: number;
  readonly retryAfterSeconds?: number;

  constructor(failure: ApiFailure, secrets: readonly string[] = []) {
    const retry =
      failure.retryAfterSeconds !== undefined
        ? `rate limited: retry after ${Math.ceil(failure.retryAfterSeconds)} s (at ${new Date(
            Date.now() + failure.retryAfterSeconds * 1000,
          )
            .toISOString()
            .slice(0, 19)}Z)`
        : undefined;
    const hint = failure.hint ?? (failure.status ? GENERIC_HINTS[failure.status] : undefined);
    const head = `${failure.service} API error${failure.status ? ` ${failure.status}` : ''}: ${failure.message}`;
    const text = [head, retry, hint].filter(Boolean).join('; ');
    super(redactSecrets(text, secrets), {
      data: {
        service: failure.service,
        ...(failure.status ? { status: failure.status } : {}),
        ...(failure.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: Math.ceil(failure.retryAfterSeconds) }
          : {}),
        ...(failure.details ?? {}),
      },
    });
    this.status = failure.status;
    this.retryAfterSeconds = failure.retryAfterSeconds;
  }
}

/** True for ApiError, also across two copies of this package. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || (error instanceof Error && 'retryAfterSeconds' in error);
}
