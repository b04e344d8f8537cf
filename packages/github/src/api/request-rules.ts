import { rateLimitOf } from './errors.js';
import { Gate, Pacer, sleep } from './limits.js';

/**
 * GitHub's rules for a client, applied around each request in one Octokit request hook (they
 * used to come from @octokit/plugin-throttling and @octokit/plugin-retry, whose Bottleneck
 * limiters cost a few milliseconds of timers per request even when nothing had to wait):
 *
 * - rate limits (403/429): a primary limit (`x-ratelimit-remaining: 0`, wait until
 *   `x-ratelimit-reset` plus a second) or a secondary one (`retry-after`, else 60 s) is waited out
 *   once when the wait fits in `maxRateLimitWaitSeconds`; otherwise the error goes back at once
 *   and says when to retry (errors.ts);
 * - a transient failure (a 5xx, any status not in FINAL, or no answer at all) is retried once
 *   after half a second, unless the request says `request.retries: 0` (writes do);
 * - at most 10 requests in flight per token; writes start at least 1 s apart, writes that notify
 *   people 3 s apart, searches 2 s apart (GitHub's advice, and the throttling plugin's figures),
 *   per token and across the clients of this process.
 *
 * Nothing here starts a timer unless a request really has to wait.
 */

/** Statuses whose answer a retry would not change (or, for 409, that a write may have caused). */
const FINAL = new Set([400, 401, 403, 404, 409, 410, 422, 429, 451]);
const TRANSIENT_RETRY_MS = 500;
const MAX_IN_FLIGHT = 10;
const SPACING_MS = { write: 1000, notifications: 3000, search: 2000 };

/** Write endpoints that notify people (GitHub's list, as @octokit/plugin-throttling 11 ships it). */
const NOTIFYING = [
  '/orgs/{org}/invitations',
  '/orgs/{org}/invitations/{invitation_id}',
  '/orgs/{org}/teams/{team_slug}/discussions',
  '/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments',
  '/repos/{owner}/{repo}/collaborators/{username}',
  '/repos/{owner}/{repo}/commits/{commit_sha}/comments',
  '/repos/{owner}/{repo}/issues',
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/{issue_number}/sub_issue',
  '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority',
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
  '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
  '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
  '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  '/repos/{owner}/{repo}/releases',
  '/teams/{team_id}/discussions',
  '/teams/{team_id}/discussions/{discussion_number}/comments',
];
const notifying = new RegExp(
  `^(?:${NOTIFYING.map((p) => `(?:${p.replace(/\{[^}]+\}/g, '[^/]+')})`).join('|')})/?$`,
  'i',
);

/** What the hook sees of Octokit's request options. */
export interface HookOptions {
  method: string;
  url: string;
  request?: { signal?: AbortSignal | null; retries?: number };
}
type Send<R> = (options: HookOptions) => R | Promise<R>;

interface TokenLimits {
  gate: Gate;
  write: Pacer;
  notifications: Pacer;
  search: Pacer;
}

// Limits are GitHub's per token, so they are shared by every client of the process with that token.
const byToken = new Map<string, TokenLimits>();

function limitsOf(tokenId: string): TokenLimits {
  let limits = byToken.get(tokenId);
  if (!limits) {
    limits = {
      gate: new Gate(MAX_IN_FLIGHT),
      write: new Pacer(SPACING_MS.write),
      notifications: new Pacer(SPACING_MS.notifications),
      search: new Pacer(SPACING_MS.search),
    };
    byToken.set(tokenId, limits);
  }
  return limits;
}

export interface RuleOptions {
  /** A hash of the token (never the token itself): the key of the per-token limits. */
  tokenId: string;
  /** Longest rate-limit wait, in seconds, sat out by itself (once). */
  maxRateLimitWaitSeconds: number;
  /** Space writes and searches as GitHub asks. */
  pacing: boolean;
}

/** The hook for `octokit.hook.wrap('request', …)` applying the rules above. */
export function requestRules(rules: RuleOptions) {
  const limits = limitsOf(rules.tokenId);
  return async <R>(send: Send<R>, options: HookOptions): Promise<R> => {
    const signal = options.request?.signal;
    const retries = options.request?.retries ?? 1;
    const paced = rules.pacing ? pacersFor(limits, options) : undefined;
    let transient = 0;
    let limited = 0;
    for (;;) {
      if (paced) for (const pacer of paced) await pacer.turn(signal);
      try {
        return await limits.gate.run(() => send(options));
      } catch (error) {
        if (signal?.aborted) throw error;
        const limit = rateLimitOf(error as Parameters<typeof rateLimitOf>[0]);
        if (limit) {
          // Retry after the reset, not at it (GitHub's advice).
          const seconds = limit.kind === 'primary' ? limit.retryAfterSeconds + 1 : limit.retryAfterSeconds;
          if (limited >= 1 || seconds > rules.maxRateLimitWaitSeconds) throw error;
          limited++;
          await sleep(seconds * 1000, signal);
        } else if (transient < retries && isTransient(error)) {
          transient++;
          await sleep(TRANSIENT_RETRY_MS, signal);
        } else {
          throw error;
        }
      }
    }
  };
}

/** The pacers a request waits for: none for a read, the write pacer (and maybe notifications), search. */
function pacersFor(limits: TokenLimits, options: HookOptions): Pacer[] | undefined {
  const read = options.method === 'GET' || options.method === 'HEAD';
  const path = new URL(options.url, 'http://github.test').pathname;
  if (read) return path.startsWith('/search/') ? [limits.search] : undefined;
  return notifying.test(path) ? [limits.write, limits.notifications] : [limits.write];
}

/**
 * A failure worth one more try: Octokit's RequestError (it carries `request`) with a status a
 * retry may change, including a connection that failed (status 500, no response). Not a cancel.
 */
function isTransient(error: unknown): boolean {
  const e = error as { status?: unknown; request?: unknown; name?: string };
  return (
    e?.request !== undefined &&
    typeof e.status === 'number' &&
    e.status >= 400 &&
    !FINAL.has(e.status) &&
    e.name !== 'AbortError'
  );
}
