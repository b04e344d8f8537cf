import {
  annotations,
  decodeCursor,
  defineTool,
  encodeCursor,
  requestKey,
  structured,
  ToolError,
} from '@mcpkit/core';
import * as z from 'zod';
import type { UserSummary } from '../api/index.js';
import { moreLine, type SlackToolContext, slack } from './context.js';

function userRow(u: UserSummary) {
  return {
    id: u.id,
    name: u.name,
    display_name: u.displayName,
    ...(u.realName ? { real_name: u.realName } : {}),
    ...(u.title ? { title: u.title } : {}),
    ...(u.tz ? { tz: u.tz } : {}),
    ...(u.email ? { email: u.email } : {}),
    ...(u.isBot ? { bot: true } : {}),
    ...(u.deleted ? { deactivated: true } : {}),
  };
}

function userLine(u: ReturnType<typeof userRow>): string {
  const bits = [
    u.real_name && u.real_name !== u.display_name ? u.real_name : undefined,
    u.title,
    u.tz,
    u.email,
    u.bot ? 'bot' : undefined,
    u.deactivated ? 'deactivated' : undefined,
  ].filter(Boolean);
  return `${u.display_name} @${u.name} (${u.id})${bits.length ? ` · ${bits.join(' · ')}` : ''}`;
}

export function userTools(sx: SlackToolContext) {
  const listUsers = defineTool({
    name: 'list_users',
    title: 'List Slack users',
    description:
      'Members of the workspace: id, name, display and real name, title, time zone (email only with the ' +
      'users:read.email scope). Bots and deactivated accounts only on request. Paged: pass next_cursor back as cursor.',
    input: z.object({
      include_bots: z.boolean().default(false).describe('Include bots and apps'),
      include_deactivated: z.boolean().default(false).describe('Include deactivated accounts'),
      limit: z
        .number()
        .int()
        .min(1)
        .max(200)
        .default(100)
        .describe('Users per page before filtering (1-200)'),
      cursor: z.string().max(2_000).optional().describe('next_cursor from the previous page'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const key = requestKey('list_users', input.include_bots, input.include_deactivated);
      const state = input.cursor ? decodeCursor<{ s: string }>(input.cursor, key) : undefined;
      const page = await slack(sx, () =>
        sx.api.listUsers({ limit: input.limit, ...(state ? { cursor: state.s } : {}) }),
      );
      const rows = page.users
        .filter((u) => input.include_bots || !u.isBot)
        .filter((u) => input.include_deactivated || !u.deleted)
        .map(userRow);
      const cursor = page.nextCursor ? encodeCursor({ s: page.nextCursor }, key) : undefined;
      const lines = [
        `${rows.length} user${rows.length === 1 ? '' : 's'} on this page`,
        ...rows.map(userLine),
        ...moreLine(ctx, 'list_users', cursor),
      ];
      return structured({ users: rows, ...(cursor ? { next_cursor: cursor } : {}) }, lines.join('\n'));
    },
  });

  const getUser = defineTool({
    name: 'get_user',
    title: 'Get a Slack user',
    description:
      'One user by id (U0123ABCD9): names, title, time zone, bot or deactivated (email with users:read.email).',
    input: z.object({ user: z.string().min(1).max(30).describe('User id, such as U0123ABCD9') }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const id = input.user.trim().replace(/^<@([A-Z0-9]+)>$/, '$1');
      if (!/^[UW][A-Z0-9]{2,}$/.test(id)) {
        throw new ToolError(
          `user: "${input.user}" is not a user id (U0123ABCD9); find ids with ${ctx.servedName('list_users')}`,
        );
      }
      const row = userRow(await slack(sx, () => sx.api.user(id)));
      return structured(row, userLine(row));
    },
  });

  return [listUsers, getUser];
}
