import { declareServer } from '@mcpkit/core';
import { slackOptionsSchema } from './options.js';

/** How `mcpkit serve slack` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'slack',
    description:
      'Slack: channels, history, threads, users, search (with a user token); posting only to --post-channels',
    options: slackOptionsSchema,
    env: { apiUrl: 'SLACK_API_URL', teamId: 'SLACK_TEAM_ID' },
    // Posts reach other people: off unless --allow-writes, and then only to --post-channels.
    writes: 'off',
    async create(options, { env, logger }) {
      const { createSlackServer } = await import('./server.js');
      const { writes, readOnly: _r, allowWrites: _a, marketplaceApp, ...rest } = options;
      return createSlackServer({
        ...rest,
        writes,
        ...(marketplaceApp !== undefined ? { marketplaceApp } : {}),
        botToken: env.SLACK_BOT_TOKEN,
        userToken: env.SLACK_USER_TOKEN,
        logger,
      });
    },
  }),
];
