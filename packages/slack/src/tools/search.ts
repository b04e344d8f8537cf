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
import { tsToIso } from '../api/timestamps.js';
import { MAX_CHARS_SHOWN, MAX_MESSAGE_CHARS, RESULT_TEXT_BUDGET, readableText } from '../format/messages.js';
import { moreLine, type SlackToolContext, slack } from './context.js';

/** Slack serves search pages 1 to 100 only. */
const MAX_SEARCH_PAGE = 100;

/** Slack pages search by number; the cursor holds the page, its size and how far into it we got. */
interface SearchState extends Record<string, unknown> {
  p: number;
  n: number;
  k: number;
}

export function searchTools(sx: SlackToolContext) {
  const search = defineTool({
    name: 'search_messages',
    title: 'Search Slack messages',
    description:
      'Searches messages the user token can see. Slack query syntax works: in:#channel, from:@user, ' +
      'before:2025-01-31, after:2025-01-01, on:, "exact phrase". Each match has the channel, author, time, ' +
      `text (cut at ${MAX_CHARS_SHOWN} characters with a mark) and a permalink. ` +
      'Paged: pass next_cursor back as cursor.',
    input: z.object({
      query: z.string().min(1).max(500).describe('Search query (Slack syntax)'),
      sort: z.enum(['timestamp', 'score']).default('timestamp').describe('Newest first, or best match first'),
      limit: z.number().int().min(1).max(50).default(20).describe('Matches per page (1-50)'),
      cursor: z.string().max(2_000).optional().describe('next_cursor from the previous page'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const key = requestKey('search_messages', input.query, input.sort);
      const state = input.cursor
        ? decodeCursor<SearchState>(input.cursor, key)
        : { p: 1, n: input.limit, k: 0 };
      const page = await slack(sx, () =>
        sx.api.search({
          query: input.query,
          count: state.n,
          page: state.p,
          sort: input.sort,
          sortDir: 'desc',
        }),
      );
      const names = await sx.api.userNames(page.matches.flatMap((m) => (m.user ? [m.user] : [])));
      const rows = [];
      let used = 0;
      let k = state.k;
      for (const m of page.matches.slice(state.k)) {
        const full = readableText(m.text, names);
        const text = clip(full, MAX_MESSAGE_CHARS);
        if (rows.length > 0 && used + text.length + 20 > RESULT_TEXT_BUDGET) break;
        used += text.length + 20;
        k++;
        const userName = m.user ? names.get(m.user) : m.username;
        rows.push({
          channel: { id: m.channelId, name: m.channelName },
          ts: m.ts,
          time: tsToIso(m.ts),
          ...(m.user ? { user: m.user } : {}),
          ...(userName ? { user_name: userName } : {}),
          text,
          ...(text !== full ? { cut_chars: full.length - MAX_MESSAGE_CHARS } : {}),
          ...(m.permalink ? { permalink: m.permalink } : {}),
        });
      }
      const next: SearchState | undefined =
        k < page.matches.length
          ? { p: state.p, n: state.n, k }
          : state.p < Math.min(page.pages, MAX_SEARCH_PAGE)
            ? { p: state.p + 1, n: state.n, k: 0 }
            : undefined;
      const capped = !next && page.pages > MAX_SEARCH_PAGE;
      const cursor = next ? encodeCursor(next, key) : undefined;
      const first = (state.p - 1) * state.n + state.k + 1;
      const lines = [
        page.total
          ? `${page.total} match${page.total === 1 ? '' : 'es'} for ${JSON.stringify(input.query)}; showing ${first}-${first + rows.length - 1}`
          : `No messages match ${JSON.stringify(input.query)}.`,
        ...rows.map(
          (r) =>
            `[${r.time}] #${r.channel.name} (${r.channel.id}) ${r.user_name ?? r.user ?? 'unknown'} ts=${r.ts}\n` +
            `${r.text
              .split('\n')
              .map((l) => `  ${l}`)
              .join('\n')}${r.permalink ? `\n  ${r.permalink}` : ''}`,
        ),
        ...moreLine(ctx, 'search_messages', cursor),
        ...(capped
          ? [`Slack shows only the first ${MAX_SEARCH_PAGE} pages of a search; narrow the query.`]
          : []),
      ];
      return structured(
        { total: page.total, matches: rows, ...(cursor ? { next_cursor: cursor } : {}) },
        lines.join('\n'),
      );
    },
  });
  return [search];
}
