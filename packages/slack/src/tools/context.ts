import { ApiError, type HandlerContext, ToolError } from '@mcpkit/core';
import { type SlackApi, SlackApiError, slackErrorData, toSlackTs } from '../api/index.js';
import type { PostPolicy } from '../options.js';

/** What every Slack tool shares: the API (one per server, caches included) and the write policy. */
export interface SlackToolContext {
  api: SlackApi;
  post: PostPolicy;
  /** The configured tokens, redacted from anything a tool says. */
  secrets: readonly string[];
}

/** A Slack failure as an isError result: Slack's code, what to do, when to retry; never a token. */
export function toApiError(e: unknown, secrets: readonly string[]): ApiError {
  const data = e instanceof SlackApiError ? e.data : slackErrorData(e);
  const scopes = data.code === 'missing_scope' ? { needed: data.needed, provided: data.provided } : {};
  return new ApiError(
    {
      service: 'Slack',
      ...(data.status ? { status: data.status } : {}),
      message: data.code,
      hint: data.message,
      ...(data.retryAfter !== undefined ? { retryAfterSeconds: data.retryAfter } : {}),
      details: { code: data.code, ...scopes },
    },
    secrets,
  );
}

/** Runs Slack calls, turning their failures into ApiError. */
export async function slack<T>(sx: SlackToolContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ToolError) throw e;
    throw toApiError(e, sx.secrets);
  }
}

/** A Slack ts from a ts, Unix seconds or an ISO time; a clear error otherwise. */
export function timeArg(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ts = toSlackTs(value);
  if (!ts) {
    throw new ToolError(
      `${name}: "${value}" is neither a Slack ts (1700000000.000100) nor an ISO time (2025-01-31 or 2025-01-31T09:00:00Z)`,
    );
  }
  return ts;
}

/** A message ts exactly as Slack gives it. */
export function tsArg(value: string, name: string): string {
  if (!/^\d{10}\.\d{6}$/.test(value.trim())) {
    throw new ToolError(`${name}: "${value}" is not a Slack message ts such as 1700000000.000100`);
  }
  return value.trim();
}

/** The "call again" line for a next page. */
export function moreLine(ctx: HandlerContext, tool: string, cursor: string | undefined): string[] {
  return cursor
    ? [`More: call ${ctx.servedName(tool)} again with the same arguments and cursor="${cursor}"`]
    : [];
}
