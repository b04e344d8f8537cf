import { annotations, defineTool, structured, type ToolDefinition } from '@mcpkit/core';
import * as z from 'zod';
import {
  cursor,
  type GhContext,
  joinLines,
  limit,
  moreNote,
  nextCursorOf,
  pageOf,
  SEARCH_CAP,
  searchNotes,
} from './shared.js';

export function searchTools(gh: GhContext): ToolDefinition[] {
  const { api } = gh;
  const searchCode = defineTool({
    name: 'search_code',
    title: 'Search code',
    description:
      "Search file contents across GitHub with GitHub's code search syntax " +
      '(e.g. "useState repo:facebook/react path:src"). Repository, path and sha of each match; read a ' +
      `file with get_file_contents. GitHub returns at most ${SEARCH_CAP} results and allows about 10 ` +
      'code searches a minute.',
    input: z.object({
      query: z.string().min(1).max(256).describe('Search query, GitHub code search syntax'),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('search_code', input);
      const r = await api.searchCode(input.query, page, input.limit, ctx);
      const s = searchNotes(r.total, r.incomplete, page, input.limit, r.hasNext);
      const nextCursor = nextCursorOf('search_code', input, page, s.hasNext);
      return structured(
        {
          totalCount: r.total,
          incompleteResults: r.incomplete,
          items: r.items,
          ...(nextCursor ? { nextCursor } : {}),
          notes: s.notes,
        },
        joinLines(
          `${r.total} files (page ${page})`,
          ...r.items.map((c) => `${c.repo}: ${c.path} (${c.sha.slice(0, 7)})`),
          ...s.notes,
          moreNote(nextCursor),
        ),
      );
    },
  });
  const searchUsers = defineTool({
    name: 'search_users',
    title: 'Search users',
    description:
      'Search GitHub users and organizations (e.g. "tom location:berlin", "type:org"). Login and type; ' +
      `paged with cursor (at most ${SEARCH_CAP} results).`,
    input: z.object({
      query: z.string().min(1).max(256),
      sort: z.enum(['followers', 'repositories', 'joined']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('search_users', input);
      const r = await api.searchUsers(input.query, page, input.limit, input.sort, input.order, ctx);
      const s = searchNotes(r.total, r.incomplete, page, input.limit, r.hasNext);
      const nextCursor = nextCursorOf('search_users', input, page, s.hasNext);
      const items = r.items.map(({ login, type }) => ({ login, type }));
      return structured(
        {
          totalCount: r.total,
          incompleteResults: r.incomplete,
          items,
          ...(nextCursor ? { nextCursor } : {}),
          notes: s.notes,
        },
        joinLines(
          `${r.total} users (page ${page})`,
          ...items.map((u) => `${u.login} (${u.type})`),
          ...s.notes,
          moreNote(nextCursor),
        ),
      );
    },
  });
  return [searchCode, searchUsers];
}
