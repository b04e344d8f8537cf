import { readFileSync } from 'node:fs';
import { declareServer } from '@mcpkit/core';
import { slackOptionsSchema } from './options.js';

/** A token from `NAME`, or from the file `NAME_FILE` names (Docker and Kubernetes secrets). */
function token(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const file = env[`${name}_FILE`]?.trim();
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${name}_FILE could not be read (${code})`);
  }
}

/** How `mcpkit serve slack` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'slack',
    description:
      'Slack: channels, history, threads, users, search (with a user token); posting only to --post-channels',
    options: slackOptionsSchema,
    env: { apiUrl: 'SLACK_API_URL', teamId: 'SLACK_TEAM_ID' },
    // Posts reach other people: the write tools exist only when --post-channels names where they
    // may go (the server's own gate); --read-only (core's policy) removes them whatever else is set.
    writes: 'on',
    async create(options, { env, logger }) {
      const { createSlackServer } = await import('./server.js');
      const { writes, readOnly: _r, allowWrites: _a, marketplaceApp, ...rest } = options;
      return createSlackServer({
        ...rest,
        writes,
        ...(marketplaceApp !== undefined ? { marketplaceApp } : {}),
        botToken: token(env, 'SLACK_BOT_TOKEN'),
        userToken: token(env, 'SLACK_USER_TOKEN'),
        logger,
      });
    },
  }),
];
