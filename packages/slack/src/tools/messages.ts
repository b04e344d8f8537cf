import {
  annotations,
  decodeCursor,
  defineTool,
  encodeCursor,
  type HandlerContext,
  requestKey,
  structured,
} from '@mcpkit/core';
import * as z from 'zod';
import type { MessagePage } from '../api/index.js';
import {
  fitRows,
  MAX_CHARS_SHOWN,
  type MessageRow,
  renderRow,
  toRow,
  userIdsOf,
} from '../format/messages.js';
import { channelArg } from './channels.js';
import { moreLine, type SlackToolContext, slack, timeArg, tsArg } from './context.js';

/** Where the next page starts: Slack's cursor, or a ts bound when a page was cut to fit the budget. */
interface PageState extends Record<string, unknown> {
  /** Slack's next_cursor. */
  s?: string;
  /** History: the next page is older than this ts. Thread: newer than this ts. */
  b?: string;
}

const cursorArg = z.string().max(2_000).optional().describe('next_cursor from the previous page');

function channelLabel(sx: SlackToolContext, id: string): string {
  const known = sx.api.knownChannel(id);
  return known ? `#${known.name} (${id})` : id;
}

/** Rows for a page, names resolved, cut to the result budget; the state for the next page. */
async function pageRows(
  sx: SlackToolContext,
  page: MessagePage,
  state: PageState,
): Promise<{ rows: MessageRow[]; next?: PageState; stopped?: boolean }> {
  const names = await sx.api.userNames(userIdsOf(page.messages));
  const fitted = fitRows(page.messages.map((m) => toRow(m, names)));
  if (fitted.cut) return { rows: fitted.rows, next: { b: fitted.rows.at(-1)!.ts }, stopped: true };
  if (page.nextCursor)
    return { rows: fitted.rows, next: { s: page.nextCursor, ...(state.b ? { b: state.b } : {}) } };
  return { rows: fitted.rows };
}

function notices(page: MessagePage): string[] {
  return page.clamp
    ? [
        `Note: asked for ${page.clamp.requested} messages, Slack gives ${page.clamp.applied} a call: ${page.clamp.reason}.`,
      ]
    : [];
}

function resultFor(
  ctx: HandlerContext,
  tool: string,
  head: string,
  rows: MessageRow[],
  page: MessagePage,
  next: string | undefined,
  stopped: boolean,
  extra: Record<string, unknown>,
) {
  const threadHint = (ts: string) => `${ctx.servedName('get_thread')} thread_ts=${ts}`;
  const cut = rows.filter((r) => r.cut_chars).length;
  const lines = [
    head,
    ...rows.map((r) => renderRow(r, tool === 'get_channel_history' ? threadHint : undefined)),
    ...(cut ? [`(${cut} message${cut === 1 ? '' : 's'} cut at ${MAX_CHARS_SHOWN} characters)`] : []),
    ...(stopped ? [`(the page stopped after ${rows.length} messages to keep this result small)`] : []),
    ...moreLine(ctx, tool, next),
    ...notices(page),
  ];
  return structured(
    {
      ...extra,
      messages: rows,
      ...(next ? { next_cursor: next } : {}),
      ...(page.clamp ? { clamped: page.clamp } : {}),
    },
    lines.join('\n'),
  );
}

export function messageTools(sx: SlackToolContext) {
  const history = defineTool({
    name: 'get_channel_history',
    title: 'Read a Slack channel',
    description:
      'Messages of a channel, newest first, with author names, thread reply counts, reactions and files ' +
      '(name and id). oldest/latest bound the time (a ts or an ISO time such as 2025-01-31T09:00:00Z). ' +
      `Text longer than ${MAX_CHARS_SHOWN} characters is cut with a mark; a page also stops early when its ` +
      'text grows large. Paged: pass next_cursor back as cursor. Apps outside the Slack Marketplace get 15 ' +
      'messages a call and one call a minute; the result says when that applies.',
    input: z.object({
      channel: channelArg,
      oldest: z.string().max(40).optional().describe('Only messages after this time (ts or ISO time)'),
      latest: z.string().max(40).optional().describe('Only messages before this time (ts or ISO time)'),
      limit: z.number().int().min(1).max(100).default(20).describe('Messages per page (1-100)'),
      cursor: cursorArg,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const oldest = timeArg(input.oldest, 'oldest');
      const latest = timeArg(input.latest, 'latest');
      const channel = await slack(sx, () => sx.api.resolveChannel(input.channel));
      const key = requestKey('get_channel_history', channel, oldest ?? '', latest ?? '');
      const state = input.cursor ? decodeCursor<PageState>(input.cursor, key) : {};
      const page = await slack(sx, () =>
        sx.api.history({
          channel,
          ...(oldest ? { oldest } : {}),
          ...(state.b || latest ? { latest: state.b ?? latest } : {}),
          limit: input.limit,
          ...(state.s ? { cursor: state.s } : {}),
        }),
      );
      const { rows, next, stopped = false } = await pageRows(sx, page, state);
      const cursor = next ? encodeCursor(next, key) : undefined;
      const head = `${channelLabel(sx, channel)}: ${rows.length} message${rows.length === 1 ? '' : 's'}, newest first`;
      return resultFor(ctx, 'get_channel_history', head, rows, page, cursor, stopped, { channel });
    },
  });

  const thread = defineTool({
    name: 'get_thread',
    title: 'Read a Slack thread',
    description:
      'A thread: its parent message first, then the replies oldest first, with author names, reactions and ' +
      'files. thread_ts is the parent message ts (a reply ts finds its thread too). ' +
      `Text longer than ${MAX_CHARS_SHOWN} characters is cut with a mark. Paged: pass next_cursor back as cursor.`,
    input: z.object({
      channel: channelArg,
      thread_ts: z.string().max(20).describe('ts of the thread parent, such as 1700000000.000100'),
      limit: z.number().int().min(2).max(100).default(50).describe('Messages per page (2-100)'),
      cursor: cursorArg,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const ts = tsArg(input.thread_ts, 'thread_ts');
      const channel = await slack(sx, () => sx.api.resolveChannel(input.channel));
      const key = requestKey('get_thread', channel, ts);
      const state = input.cursor ? decodeCursor<PageState>(input.cursor, key) : {};
      const page = await slack(sx, () =>
        sx.api.replies({
          channel,
          ts,
          limit: input.limit,
          ...(state.b ? { oldest: state.b } : {}),
          ...(state.s ? { cursor: state.s } : {}),
        }),
      );
      // Continuing from a ts bound, Slack repeats the parent first: it was shown already.
      const parentTs = page.messages[0]?.threadTs ?? page.messages[0]?.ts;
      if (state.b && page.messages[0] && page.messages[0].ts === parentTs) page.messages.shift();
      const { rows, next, stopped = false } = await pageRows(sx, page, state);
      // In a thread the ts bound is the newest reply shown: the next page starts after it.
      const cursor = next ? encodeCursor(next, key) : undefined;
      const first = !input.cursor;
      const replies = first ? Math.max(0, rows.length - 1) : rows.length;
      const head =
        `Thread ${ts} in ${channelLabel(sx, channel)}: ` +
        (first
          ? `the parent, then ${replies} repl${replies === 1 ? 'y' : 'ies'} oldest first`
          : `${replies} more replies`);
      return resultFor(ctx, 'get_thread', head, rows, page, cursor, stopped, { channel, thread_ts: ts });
    },
  });

  return [history, thread];
}
