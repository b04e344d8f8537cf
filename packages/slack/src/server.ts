import { defineServer, type Logger, packageVersion, type ServerModule } from '@mcpkit/core';
import { type MarketplaceSetting, SlackApi } from './api/index.js';
import { PostPolicy } from './options.js';
import { channelTools } from './tools/channels.js';
import type { SlackToolContext } from './tools/context.js';
import { messageTools } from './tools/messages.js';
import { searchTools } from './tools/search.js';
import { userTools } from './tools/users.js';
import { writeTools } from './tools/write.js';

export const VERSION = packageVersion(import.meta.url);

export interface SlackServerOptions {
  /** SLACK_BOT_TOKEN (xoxb-…): reads and writes. */
  botToken?: string;
  /** SLACK_USER_TOKEN (xoxp-…): search_messages; reads too when there is no bot token. */
  userToken?: string;
  /** Web API base URL (tests, proxies); default https://slack.com/api/. */
  apiUrl?: string;
  /** SLACK_TEAM_ID, for org-wide apps. */
  teamId?: string;
  /** Channel ids writes may go to, or ['*']. Without any, no write tool is served. */
  postChannels?: readonly string[];
  /** Whether writes are on at all (core's --allow-writes / --read-only). Default false. */
  writes?: boolean;
  /** true: the app is in the Slack Marketplace; false: it is not; unset: detected. */
  marketplaceApp?: MarketplaceSetting;
  timeoutMs?: number;
  cacheTtlSeconds?: number;
  /** Retries of failed requests (at most 2). */
  retries?: number;
  logger?: Logger;
}

/** Thrown when no token is configured: the server cannot do anything, so it says so at start. */
export class SlackConfigError extends Error {
  override readonly name = 'SlackConfigError';
}

/**
 * The Slack server: channels, history, threads, users, search (with a user token) and, only where
 * --post-channels allows and writes are on, posting and reactions. Nothing here calls Slack: the
 * server starts and lists its tools offline.
 */
export function createSlackServer(options: SlackServerOptions): ServerModule {
  const botToken = options.botToken?.trim() || undefined;
  const userToken = options.userToken?.trim() || undefined;
  if (!botToken && !userToken) {
    throw new SlackConfigError(
      'Slack needs a token: set SLACK_BOT_TOKEN (xoxb-…) and, for search, SLACK_USER_TOKEN (xoxp-…)',
    );
  }
  const api = new SlackApi({
    ...(botToken ? { botToken } : {}),
    ...(userToken ? { userToken } : {}),
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.teamId ? { teamId: options.teamId } : {}),
    marketplaceApp: options.marketplaceApp ?? 'auto',
    timeoutMs: options.timeoutMs ?? 15_000,
    retries: options.retries ?? 2,
    cacheTtlMs: (options.cacheTtlSeconds ?? 600) * 1000,
    warn: (message) => options.logger?.warn({ service: 'slack' }, message),
  });
  const post = new PostPolicy(options.postChannels ?? []);
  const writes = options.writes === true && post.enabled;
  if (!options.writes && post.enabled) {
    options.logger?.warn('slack: --post-channels is set but --read-only wins, so posting stays off');
  }
  const sx: SlackToolContext = { api, post, secrets: [botToken, userToken].filter((t): t is string => !!t) };
  const tools = [
    ...channelTools(sx),
    ...messageTools(sx),
    ...(userToken ? searchTools(sx) : []),
    ...userTools(sx),
    ...(writes ? writeTools(sx) : []),
  ];
  return defineServer({
    name: 'slack',
    version: VERSION,
    title: 'mcpkit Slack',
    instructions: [
      'Slack workspace tools. Channels are named by id (C0123ABCD9) or #name; messages by their ts',
      '(1700000000.000100). Every list is paged: pass next_cursor back as cursor.',
      userToken ? '' : 'search_messages is not available (it needs SLACK_USER_TOKEN).',
      writes
        ? `Posting and reactions are allowed in ${post.describe()} only.`
        : 'This server does not post (start it with --post-channels <ids> to allow that).',
    ]
      .filter(Boolean)
      .join(' '),
    tools,
  });
}
