import { option } from '@mcpkit/core';
import * as z from 'zod';

/** A channel id as Slack writes them (C0123ABCD9; G… for older private channels, D… for DMs). */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** The Slack server's own options; --read-only / --allow-writes come from core. */
export const slackOptionsSchema = z
  .object({
    postChannels: option
      .list()
      .refine((list) => list.every((c) => c === '*' || CHANNEL_ID.test(c)), {
        message: 'give channel ids (C0123ABCD9) separated by commas, or * for every channel',
      })
      .optional()
      .describe('Channels post_message and add_reaction may write to: ids (C0123ABCD9,C0456EFGH1) or *'),
    marketplaceApp: option
      .flag()
      .optional()
      .describe(
        'The Slack app is in the Marketplace (full history limits); false: it is not (15 messages a call, 1 call a minute); unset: detected',
      ),
    apiUrl: z.string().url().optional().describe('Slack Web API base URL (default https://slack.com/api/)'),
    teamId: z
      .string()
      .regex(/^[TE][A-Z0-9]{2,}$/, 'a workspace id such as T0123ABCD9')
      .optional()
      .describe('Workspace id, for org-wide apps'),
    timeoutMs: option.whole(1_000, 120_000).default(15_000).describe('Timeout of one Slack request (ms)'),
    cacheTtlSeconds: option
      .whole(0, 86_400)
      .default(600)
      .describe('How long user names and the channel list are cached (seconds)'),
  })
  .strict();

export type SlackOptions = z.output<typeof slackOptionsSchema>;

/** Where writes may go: every channel, or the listed ids. Empty means nowhere. */
export class PostPolicy {
  readonly all: boolean;
  readonly ids: ReadonlySet<string>;

  constructor(channels: readonly string[] = []) {
    this.all = channels.includes('*');
    this.ids = new Set(channels.filter((c) => c !== '*'));
  }

  get enabled(): boolean {
    return this.all || this.ids.size > 0;
  }

  allows(channelId: string): boolean {
    return this.all || this.ids.has(channelId);
  }

  describe(): string {
    return this.all ? 'every channel the app is in' : [...this.ids].join(', ');
  }
}
