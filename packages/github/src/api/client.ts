import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { type HookOptions, requestRules } from './request-rules.js';

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
 * Octokit with GitHub's rate-limit, retry and pacing rules in one request hook (request-rules.ts)
 * and a small budget: a 5xx is retried once after half a second; a rate limit is waited out only
 * when it ends within `maxRateLimitWaitSeconds` (once), otherwise the call fails at once and the
 * error says when to retry. A request that need not wait costs what Octokit's own request costs.
 */
export function createClient(options: ClientOptions): GitHubClient {
  const octokit = new Octokit({
    baseUrl: normalizeApiUrl(options.apiUrl),
    ...(options.token ? { auth: options.token } : {}),
    userAgent: options.userAgent ?? 'mcpkit-github',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const rules = requestRules({
    // Limits are per token: key them by a hash of it, never by the token itself.
    tokenId: createHash('sha256')
      .update(options.token ?? 'anonymous')
      .digest('hex')
      .slice(0, 16),
    maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 2,
    pacing: options.pacing ?? true,
  });
  octokit.hook.wrap('request', (send, requestOptions) =>
    rules((o: HookOptions) => send(o as typeof requestOptions), requestOptions as unknown as HookOptions),
  );
  return octokit;
}
