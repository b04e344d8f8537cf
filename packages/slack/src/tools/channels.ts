import {
  annotations,
  clip,
  decodeCursor,
  defineTool,
  encodeCursor,
  requestKey,
  structured,
} from '@mcpkit/core';
import * as z from 'zod';
import type { ChannelSummary } from '../api/index.js';
import { tsToIso } from '../api/timestamps.js';
import { moreLine, type SlackToolContext, slack } from './context.js';

const TOPIC_CHARS = 120;

export const channelArg = z.string().min(1).max(100).describe('Channel id (C0123ABCD9) or name (#general)');

function channelRow(c: ChannelSummary) {
  return {
    id: c.id,
    name: c.name,
    private: c.isPrivate,
    archived: c.isArchived,
    member: c.isMember,
    ...(c.numMembers !== undefined ? { members: c.numMembers } : {}),
    ...(c.topic ? { topic: clip(c.topic, TOPIC_CHARS) } : {}),
  };
}

function channelLine(c: ReturnType<typeof channelRow>): string {
  const flags = [
    c.private ? 'private' : 'public',
    ...(c.archived ? ['archived'] : []),
    c.member ? 'member' : 'not a member',
    ...(c.members !== undefined ? [`${c.members} members`] : []),
  ];
  return `#${c.name} (${c.id}) · ${flags.join(' · ')}${c.topic ? ` — ${c.topic}` : ''}`;
}

/** Sorted by name, then id: the order pages are cut in, stable across directory refreshes. */
function byName(a: ChannelSummary, b: ChannelSummary): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export function channelTools(sx: SlackToolContext) {
  const listChannels = defineTool({
    name: 'list_channels',
    title: 'List Slack channels',
    description:
      'Public and private channels the token can see, by name. Archived channels only with include_archived. ' +
      'name_contains filters by name. The list comes from a cache of the workspace directory ' +
      '(refreshed every few minutes). Paged: pass next_cursor back as cursor.',
    input: z.object({
      types: z
        .array(z.enum(['public', 'private']))
        .min(1)
        .default(['public', 'private'])
        .describe('Which channels: public, private, or both (default)'),
      include_archived: z.boolean().default(false).describe('Include archived channels'),
      name_contains: z
        .string()
        .max(80)
        .optional()
        .describe('Only channels whose name contains this (case-insensitive)'),
      limit: z.number().int().min(1).max(200).default(100).describe('Channels per page (1-200)'),
      cursor: z.string().max(2_000).optional().describe('next_cursor from the previous page'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const filter = input.name_contains?.toLowerCase();
      const key = requestKey('list_channels', [...input.types].sort(), input.include_archived, filter ?? '');
      const after = input.cursor ? decodeCursor<{ name: string; id: string }>(input.cursor, key) : undefined;
      const directory = await slack(sx, () => sx.api.channelDirectory());
      const matching = directory.channels
        .filter((c) => input.types.includes(c.isPrivate ? 'private' : 'public'))
        .filter((c) => input.include_archived || !c.isArchived)
        .filter((c) => !filter || c.name.toLowerCase().includes(filter))
        .sort(byName);
      const start = after ? matching.findIndex((c) => byName(c, { ...c, ...after }) > 0) : 0;
      const page = start < 0 ? [] : matching.slice(start, start + input.limit);
      const last = page.at(-1);
      const more = start >= 0 && start + input.limit < matching.length;
      const next = more && last ? encodeCursor({ name: last.name, id: last.id }, key) : undefined;
      const rows = page.map(channelRow);
      const caveats = [
        ...(directory.complete ? [] : ['the workspace has more channels than the directory reads']),
        ...(directory.privateIncluded
          ? []
          : ['private channels are not listed: the token lacks groups:read']),
      ];
      const lines = [
        `${matching.length} channel${matching.length === 1 ? '' : 's'} match; showing ${rows.length}` +
          (caveats.length ? ` (${caveats.join('; ')})` : ''),
        ...rows.map(channelLine),
        ...moreLine(ctx, 'list_channels', next),
      ];
      return structured(
        {
          channels: rows,
          total: matching.length,
          ...(next ? { next_cursor: next } : {}),
          ...(directory.complete ? {} : { directory_incomplete: true }),
          ...(directory.privateIncluded ? {} : { private_unavailable: true }),
        },
        lines.join('\n'),
      );
    },
  });

  const getChannel = defineTool({
    name: 'get_channel',
    title: 'Get a Slack channel',
    description:
      'One channel by id or #name: name, privacy, archived, membership, member count, topic, purpose, created.',
    input: z.object({ channel: channelArg }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const c = await slack(sx, async () => sx.api.channelInfo(await sx.api.resolveChannel(input.channel)));
      const value = {
        ...channelRow(c),
        general: c.isGeneral,
        ...(c.topic ? { topic: clip(c.topic, 500) } : {}),
        ...(c.purpose ? { purpose: clip(c.purpose, 500) } : {}),
        ...(c.created ? { created: tsToIso(String(c.created)) } : {}),
      };
      const lines = [
        channelLine(channelRow(c)),
        ...(value.purpose ? [`Purpose: ${value.purpose}`] : []),
        ...(value.created ? [`Created: ${value.created}`] : []),
        `Read it with ${ctx.servedName('get_channel_history')} channel="${c.id}".`,
      ];
      return structured(value, lines.join('\n'));
    },
  });

  return [listChannels, getChannel];
}
