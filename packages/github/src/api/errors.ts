import { ApiError, ToolError } from '@mcpkit/core';

/** Why a request to GitHub failed, as the throttling layer saw it (kept on the error it throws). */
export interface RateLimitInfo {
  kind: 'primary' | 'secondary';
  retryAfterSeconds: number;
  resetAt?: string;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  name?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

const HINTS: Record<number, string> = {
  401:
    'the token was refused: ' +
    'check GITHUB_TOKEN (or GITHUB_PERSONAL_ACCESS_TOKEN) the server was started with',
  403:
    'the token lacks permission for this ' +
    '(a classic token needs the "repo" scope for private repositories and writes)',
  404: 'it does not exist, or the token cannot see it (private repositories need a token with access)',
  409: 'the repository or branch changed (or is empty); read it again and retry',
  422: 'GitHub refused the arguments; see the errors above',
};

/** The rate limit a failed response reports, if any: secondary (retry-after) or primary (reset). */
export function rateLimitOf(error: RequestErrorLike): RateLimitInfo | undefined {
  const headers = error.response?.headers ?? {};
  const status = error.status ?? 0;
  if (status !== 403 && status !== 429) return undefined;
  const message = `${error.message ?? ''} ${messageOf(error.response?.data) ?? ''}`;
  const retryAfter = Number(headers['retry-after']);
  if (/secondary rate/i.test(message) || (Number.isFinite(retryAfter) && retryAfter > 0)) {
    return {
      kind: 'secondary',
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60,
    };
  }
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    const seconds = Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : 60;
    return {
      kind: 'primary',
      retryAfterSeconds: seconds,
      ...(Number.isFinite(reset)
        ? { resetAt: new Date(reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : {}),
    };
  }
  return undefined;
}

function messageOf(data: unknown): string | undefined {
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  return typeof data === 'string' && data.length < 500 ? data : undefined;
}

/** GitHub's 422 `errors[]` in one line: `Issue.title missing_field`. */
function validationDetails(data: unknown): string | undefined {
  const errors = (data as { errors?: unknown[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .slice(0, 10)
    .map((e) => {
      if (typeof e === 'string') return e;
      const o = e as Record<string, unknown>;
      const where = [o.resource, o.field].filter(Boolean).join('.');
      return [where, o.code, typeof o.message === 'string' ? o.message : undefined].filter(Boolean).join(' ');
    })
    .join('; ');
}

/**
 * Any failure of a GitHub call as an error the model can act on: an ApiError with GitHub's status
 * and message (404 also says the token may lack access), a rate limit with when to retry, or a
 * network failure in words. Never a stack trace; the token is redacted.
 */
export function toGitHubError(error: unknown, secrets: readonly string[]): Error {
  if (error instanceof ToolError) return error;
  const e = error as RequestErrorLike;
  // Octokit passes a cancel on as is, but wraps a timeout in a RequestError (status 500) caused by it.
  const causeName = (error as { cause?: { name?: string } })?.cause?.name;
  if (
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError' ||
    causeName === 'TimeoutError' ||
    causeName === 'AbortError'
  ) {
    return new ApiError(
      { service: 'GitHub', message: 'the request was cancelled or timed out; retry shortly' },
      secrets,
    );
  }
  // Octokit reports a failed fetch (no response at all) as status 500 without a response.
  if (typeof e?.status === 'number' && e.status > 0 && e.response) {
    const data = e.response?.data;
    const limit = rateLimitOf(e);
    const vendor = messageOf(data) ?? e.message ?? 'request failed';
    const details = validationDetails(data);
    if (limit) {
      return new ApiError(
        {
          service: 'GitHub',
          status: e.status,
          message: `${vendor.split('. ')[0]!.replace(/\.$/, '')} (${limit.kind} rate limit)`,
          retryAfterSeconds: limit.retryAfterSeconds,
          hint: 'wait until then; other calls may be limited too',
          details: { rateLimit: limit },
        },
        secrets,
      );
    }
    return new ApiError(
      {
        service: 'GitHub',
        status: e.status,
        message: details ? `${vendor}: ${details}` : vendor,
        hint: HINTS[e.status] ?? (e.status >= 500 ? 'GitHub had a problem; retry shortly' : undefined),
        ...(details ? { details: { errors: details } } : {}),
      },
      secrets,
    );
  }
  const chain = error as { code?: string; cause?: { code?: string; cause?: { code?: string } } };
  const cause = chain?.cause?.cause?.code ?? chain?.cause?.code ?? chain?.code;
  const words =
    cause === 'ECONNREFUSED'
      ? 'connection refused'
      : cause === 'ENOTFOUND' || cause === 'EAI_AGAIN'
        ? 'host not found'
        : cause === 'ETIMEDOUT' || cause === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'connection timed out'
          : 'network error';
  return new ApiError(
    {
      service: 'GitHub',
      message: `${words} reaching the GitHub API; check --api-url / GITHUB_API_URL and the network`,
    },
    secrets,
  );
}
