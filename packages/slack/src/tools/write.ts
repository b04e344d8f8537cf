import { annotations, defineTool, structured, ToolError } from '@mcpkit/core';
import * as z from 'zod';
import { markdownToMrkdwn } from '../format/mrkdwn.js';
import { channelArg } from './channels.js';
import { type SlackToolContext, slack, tsArg } from './context.js';

/**
 * The channel a write goes to, refused unless the server was started with it in --post-channels.
 * An id is checked before any request to Slack; a #name is resolved (a read) first.
 */
async function allowedChannel(sx: SlackToolContext, ref: string, what: string): Promise<string> {
  const id = await slack(sx, () => sx.api.resolveChannel(ref));
  if (!sx.post.allows(id)) {
    throw new ToolError(
      `${what} in ${ref} is not allowed: this server may write only to ${sx.post.describe()} ` +
        '(the --post-channels option). Nothing was sent.',
    );
  }
  return id;
}

export function writeTools(sx: SlackToolContext) {
  const post = defineTool({
    name: 'post_message',
    title: 'Post a Slack message',
    description:
      'Posts a message as the app, only to the channels the server was started with (--post-channels; ' +
      'a post elsewhere is refused and says which are allowed). ' +
      'Markdown is converted to Slack mrkdwn; link previews are off. thread_ts replies in a thread ' +
      '(reply_broadcast also shows the reply in the channel). Answers the ts and a permalink.',
    input: z.object({
      channel: channelArg,
      text: z.string().min(1).max(40_000).describe('Message text (Markdown)'),
      thread_ts: z.string().max(20).optional().describe('Reply in the thread of this message ts'),
      reply_broadcast: z.boolean().default(false).describe('Also show a thread reply in the channel'),
    }),
    annotations: annotations.write(true),
    async handler(input) {
      const threadTs = input.thread_ts ? tsArg(input.thread_ts, 'thread_ts') : undefined;
      const channel = await allowedChannel(sx, input.channel, 'Posting');
      const r = await slack(sx, () =>
        sx.api.postMessage({
          channel,
          text: markdownToMrkdwn(input.text),
          ...(threadTs ? { threadTs, replyBroadcast: input.reply_broadcast } : {}),
        }),
      );
      const where = threadTs ? `in the thread ${threadTs} of ${r.channel}` : `in ${r.channel}`;
      return structured(
        {
          channel: r.channel,
          ts: r.ts,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(r.permalink ? { permalink: r.permalink } : {}),
        },
        `Posted ${where}: ts=${r.ts}${r.permalink ? ` ${r.permalink}` : ''}`,
      );
    },
  });

  const react = defineTool({
    name: 'add_reaction',
    title: 'React to a Slack message',
    description:
      'Adds an emoji reaction to a message, only in the channels the server was started with (--post-channels).',
    input: z.object({
      channel: channelArg,
      timestamp: z.string().max(20).describe('ts of the message'),
      name: z
        .string()
        .regex(/^:?[a-z0-9_+'-]+(::skin-tone-[2-6])?:?$/, 'an emoji name such as thumbsup or :tada:')
        .max(100)
        .describe('Emoji name, such as thumbsup'),
    }),
    annotations: annotations.write(true),
    async handler(input) {
      const timestamp = tsArg(input.timestamp, 'timestamp');
      const channel = await allowedChannel(sx, input.channel, 'Reacting');
      const name = input.name.replace(/^:|:$/g, '');
      await slack(sx, () => sx.api.addReaction({ channel, timestamp, name }));
      return structured({ channel, timestamp, name }, `Added :${name}: to ${timestamp} in ${channel}.`);
    },
  });

  return [post, react];
}
