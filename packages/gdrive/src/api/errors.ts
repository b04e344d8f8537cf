/**
 * A Drive API failure as a model can act on it: status, Google's reason, Google's message and,
 * for rate limits, when to retry. Built from the client library's error without its request
 * (which carries the bearer token).
 */
import { asHttpError } from '../auth/provider.js';

export class DriveApiError extends Error {
  override readonly name = 'DriveApiError';
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get rateLimited(): boolean {
    return (
      this.status === 429 ||
      (this.status === 403 &&
        (this.reason === 'rateLimitExceeded' || this.reason === 'userRateLimitExceeded'))
    );
  }
}

function decode(data: unknown): unknown {
  if (data instanceof ArrayBuffer) data = Buffer.from(data);
  if (Buffer.isBuffer(data)) data = data.toString('utf8');
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return data;
}

function header(headers: unknown, name: string): string | undefined {
  // Fetch Headers (possibly another realm's), or a plain object of lower-case names.
  const get = (headers as { get?: unknown } | undefined)?.get;
  if (typeof get === 'function') return (get.call(headers, name) as string | null) ?? undefined;
  if (headers && typeof headers === 'object') {
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Google's `{error: {code, message, errors: [{reason}]}}` from an HTTP error, or undefined. */
export function toDriveApiError(e: unknown): DriveApiError | undefined {
  const http = asHttpError(e);
  const res = http?.response;
  if (!res?.status) return undefined;
  // With responseType 'stream' gaxios leaves data empty and puts the body in the message.
  const body = (decode(res.data) ?? decode((e as Error).message)) as
    | { error?: { message?: string; errors?: { reason?: string; message?: string }[] } }
    | undefined;
  const err = typeof body?.error === 'object' ? body.error : undefined;
  const reason = err?.errors?.[0]?.reason;
  const message = (err?.message ?? `HTTP ${res.status}`).slice(0, 500);
  const retry = Number(header(res.headers, 'retry-after'));
  return new DriveApiError(
    res.status,
    reason,
    message,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}
