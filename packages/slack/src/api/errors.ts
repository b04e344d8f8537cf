import { ErrorCode } from '@slack/web-api';

// Any failure of a Slack call as plain data a tool can turn into an isError result: Slack's own error
// code, the scopes for missing_scope, the seconds to wait for a rate limit. Never the token, never a
// stack, never the API URL.

export interface SlackErrorData {
  /** Slack's error code (`channel_not_found`, `missing_scope`, ...) or one of ours: `ratelimited`,
   * `timeout`, `unreachable`, `http_error`, `unexpected`. */
  code: string;
  /** A sentence a model can act on. */
  message: string;
  needed?: string;
  provided?: string;
  /** Seconds until the call may be retried (rate limits). */
  retryAfter?: number;
  /** HTTP status, for http_error. */
  status?: number;
}

/** Thrown by the API layer; carries only plain data. */
export class SlackApiError extends Error {
  constructor(readonly data: SlackErrorData) {
    super(data.message);
    this.name = 'SlackApiError';
  }
}

const HINTS: Record<string, string> = {
  channel_not_found:
    'No such channel is visible to this token (check the id, or invite the app to the private channel).',
  not_in_channel: 'The app is not a member of this channel; invite it with /invite @<app> and retry.',
  is_archived: 'The channel is archived; it can be read but not posted to.',
  thread_not_found: 'No thread starts at that ts in this channel.',
  message_not_found: 'No message with that ts in this channel.',
  already_reacted: 'This reaction is already on the message.',
  invalid_name: 'Unknown emoji name; use a name without colons, such as thumbsup.',
  user_not_found: 'No user with that id.',
  invalid_cursor: 'The cursor is not valid for this call; start again without it.',
  not_allowed_token_type: 'This method needs a user token (SLACK_USER_TOKEN).',
  invalid_auth: 'The Slack token was rejected; check the configured token.',
  not_authed: 'No Slack token was sent; configure SLACK_BOT_TOKEN.',
  account_inactive: 'The token belongs to a deactivated user or an uninstalled app.',
  token_revoked: 'The Slack token was revoked.',
  msg_too_long: 'The message is too long for Slack (40,000 characters at most).',
  no_text: 'The message has no text.',
  invalid_ts_oldest: '`oldest` is not a valid Slack timestamp.',
  invalid_ts_latest: '`latest` is not a valid Slack timestamp.',
};

const TOKEN_PATTERN = /xox[a-z]-[A-Za-z0-9-]+/g;

/** Removes anything shaped like a Slack token. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, '[token]');
}

function isTimeout(e: unknown): boolean {
  for (let cur: any = e, i = 0; cur && i < 5; cur = cur.cause ?? cur.original, i++) {
    if (cur.name === 'TimeoutError' || cur.name === 'AbortError') return true;
  }
  return false;
}

export function slackErrorData(e: unknown): SlackErrorData {
  if (e instanceof SlackApiError) return e.data;
  const err = e as {
    code?: string;
    data?: Record<string, unknown>;
    retryAfter?: number;
    statusCode?: number;
  };
  switch (err?.code) {
    case ErrorCode.RateLimitedError: {
      const retryAfter = typeof err.retryAfter === 'number' ? err.retryAfter : 60;
      return {
        code: 'ratelimited',
        message: `Slack rate limit reached; retry in ${retryAfter} s.`,
        retryAfter,
      };
    }
    case ErrorCode.PlatformError: {
      const data = err.data ?? {};
      const code = typeof data.error === 'string' ? data.error : 'unknown_error';
      const out: SlackErrorData = { code, message: HINTS[code] ?? `Slack answered ${code}.` };
      if (code === 'missing_scope') {
        if (typeof data.needed === 'string') out.needed = data.needed;
        if (typeof data.provided === 'string') out.provided = data.provided;
        out.message = `The token lacks the scope ${out.needed ?? '(unknown)'}; add it to the Slack app and reinstall.`;
      }
      return out;
    }
    case ErrorCode.HTTPError:
      return {
        code: 'http_error',
        message: `Slack answered HTTP ${err.statusCode ?? '?'}; try again later.`,
        ...(err.statusCode ? { status: err.statusCode } : {}),
      };
    case ErrorCode.RequestError:
      return isTimeout(e)
        ? { code: 'timeout', message: 'Slack did not answer in time; try again.' }
        : { code: 'unreachable', message: 'Slack could not be reached; try again later.' };
    default:
      return isTimeout(e)
        ? { code: 'timeout', message: 'Slack did not answer in time; try again.' }
        : { code: 'unexpected', message: 'The Slack call failed unexpectedly.' };
  }
}
