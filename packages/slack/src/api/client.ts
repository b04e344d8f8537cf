import { type Logger, LogLevel, WebClient } from '@slack/web-api';

// The vendor's client, configured for a tool server: a base URL that tests and proxies can point
// elsewhere, no absolute URLs (a method name that is a URL would carry the token there), a timeout
// (the default is none), at most 2 retries (the default is 10 over ~30 minutes), and rate limits
// surfaced instead of waited out. Its logger never writes to stdout, where stdio MCP speaks.

export interface ClientOptions {
  /** Web API base URL, ending in /api/ (default https://slack.com/api/). */
  apiUrl?: string;
  /** Per-request timeout in ms (default 15,000). */
  timeoutMs?: number;
  /** Retries of failed requests (network, 5xx); at most 2. */
  retries?: number;
  /** SLACK_TEAM_ID, for org-wide apps. */
  teamId?: string;
  /** Where the client's own warnings go (default: dropped). */
  warn?: (message: string) => void;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';
export const MAX_RETRIES = 2;

function quietLogger(warn: ((message: string) => void) | undefined): Logger {
  let level = LogLevel.WARN;
  const emit = (...msg: unknown[]) => warn?.(msg.map(String).join(' '));
  return {
    debug: () => {},
    info: () => {},
    warn: emit,
    error: emit,
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createWebClient(token: string, options: ClientOptions = {}): WebClient {
  const retries = Math.max(0, Math.min(MAX_RETRIES, options.retries ?? MAX_RETRIES));
  return new WebClient(token, {
    slackApiUrl: options.apiUrl ?? DEFAULT_API_URL,
    allowAbsoluteUrls: false,
    timeout: options.timeoutMs ?? 15_000,
    retryConfig: { retries, factor: 2, minTimeout: 250, maxTimeout: 1_000, randomize: true },
    rejectRateLimitedCalls: true,
    maxRequestConcurrency: 10,
    logger: quietLogger(options.warn),
    ...(options.teamId ? { teamId: options.teamId } : {}),
  });
}
