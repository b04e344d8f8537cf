import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface ClientOptions {
  /** API root: https://api.github.com, https://HOST/api/v3 (GHES), https://api.SUBDOMAIN.ghe.com. */
  apiUrl?: string;
  token?: string;
  userAgent?: string;
  /**
   * Longest wait, in seconds, the client may spend on a rate limit before retrying once by
   * itself; anything longer becomes an error saying when to retry (a call never sleeps for minutes).
   */
  maxRateLimitWaitSeconds?: number;
  /** Space writes 1 s and searches 2 s apart per token, as GitHub asks (tests turn it off). */
  pacing?: boolean;
}

// Only `request` (and the hooks) are used: the domain layer builds every URL itself.
export type GitHubClient = Pick<Octokit, 'request' | 'hook'>;
const GitHubOctokit: typeof Octokit = Octokit.plugin(throttling, retry);

/** A limiter that never waits: the same interface as the Bottleneck groups plugin-throttling uses. */
const unpaced = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      const fn = args.find((a) => typeof a === 'function') as (...a: unknown[]) => unknown;
      const rest = args.slice(args.indexOf(fn) + 1);
      return Promise.resolve(fn(...rest));
    },
  }),
};

/** Checks an API root given by a user: http(s), no query or fragment; returned without a trailing slash. */
export function normalizeApiUrl(value: string | undefined): string {
  if (!value) return DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Invalid GitHub API URL "${value}": expected e.g. https://github.example.com/api/v3`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new TypeError(
      `Invalid GitHub API URL "${value}": use http(s)://host[/path] without query or credentials`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * Octokit with the throttling and retry plugins and a small budget: a 5xx is retried once after
 * half a second; a rate limit is waited out only when it ends within `maxRateLimitWaitSeconds`
 * (once), otherwise the call fails at once and the error says when to retry.
 */
export function createClient(options: ClientOptions): GitHubClient {
  const maxWait = options.maxRateLimitWaitSeconds ?? 2;
  const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < 1 && retryAfter <= maxWait;
  const pacing = options.pacing ?? true;
  return new GitHubOctokit({
    baseUrl: normalizeApiUrl(options.apiUrl),
    ...(options.token ? { auth: options.token } : {}),
    userAgent: options.userAgent ?? 'mcpkit-github',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
      // Limits are per token: key the pacing by a hash of it, never by the token itself.
      id: createHash('sha256')
        .update(options.token ?? 'anonymous')
        .digest('hex')
        .slice(0, 16),
      ...(pacing ? {} : { write: unpaced, search: unpaced, notifications: unpaced }),
    } as never,
    retry: {
      retries: 1,
      retryAfterBaseValue: 500,
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  });
}
