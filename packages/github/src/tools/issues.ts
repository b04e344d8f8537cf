import {
  annotations,
  clip,
  decodeCursor,
  defineTool,
  encodeCursor,
  requestKey,
  structured,
  type ToolDefinition,
} from '@mcpkit/core';
import * as z from 'zod';
import { withheldNote } from '../api/lockdown.js';
import {
  bracketed,
  cursor,
  date,
  type GhContext,
  joinLines,
  limit,
  moreNote,
  nextCursorOf,
  number,
  owner,
  pageOf,
  quoted,
  repo,
  row,
  SEARCH_CAP,
  searchNotes,
} from './shared.js';

const label = z.string().min(1).max(100);

export function issueTools(gh: GhContext): ToolDefinition[] {
  const { api, lockdown } = gh;

  const listIssues = defineTool({
    name: 'list_issues',
    title: 'List issues',
    description:
      'Issues of a repository (pull requests left out), newest first by default: number, title, state, ' +
      'author, labels, comment count. Filter by state, labels, since. Paged with cursor; a page can hold ' +
      "fewer than limit rows when GitHub's page included pull requests.",
    input: z.object({
      owner,
      repo,
      state: z.enum(['open', 'closed', 'all']).default('open'),
      labels: z.array(label).max(20).optional().describe('Only issues with all of these labels'),
      since: z.iso.datetime().optional().describe('Only issues updated at or after this time (ISO 8601)'),
      sort: z.enum(['created', 'updated', 'comments']).default('created'),
      direction: z.enum(['asc', 'desc']).default('desc'),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('list_issues', input);
      const r = await api.listIssues(input.owner, input.repo, input, page, input.limit, ctx);
      const nextCursor = nextCursorOf('list_issues', input, page, r.hasNext);
      return structured(
        { items: r.items, ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          r.items.length ? undefined : 'No issues on this page.',
          ...r.items.map((i) =>
            row(
              `#${i.number} ${i.state} "${i.title}" by ${i.author ?? '?'}${bracketed(i.labels)}`,
              `${i.comments} comments`,
              `updated ${date(i.updatedAt)}`,
            ),
          ),
          moreNote(nextCursor, 'issues'),
        ),
      );
    },
  });

  const getIssue = defineTool({
    name: 'get_issue',
    title: 'Get an issue with its comments',
    description:
      "An issue (or a pull request's conversation): title, state, author, labels, body (cut at " +
      'body_max_chars) and a page of its comments (comments_limit, comments_cursor). In lockdown, text by ' +
      'authors without push access to a public repository is withheld.',
    input: z.object({
      owner,
      repo,
      issue_number: number('Issue'),
      body_max_chars: z.number().int().min(100).max(20_000).default(4000),
      comments_limit: z.number().int().min(0).max(50).default(10).describe('Comments per page (0: none)'),
      comments_cursor: cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const issue = await api.getIssue(input.owner, input.repo, input.issue_number, ctx);
      const key = requestKey('get_issue', input.owner, input.repo, input.issue_number, input.comments_limit);
      const page = input.comments_cursor
        ? Number(decodeCursor<{ page: number }>(input.comments_cursor, key).page) || 1
        : 1;
      const comments =
        input.comments_limit > 0 && issue.comments > 0
          ? await api.listIssueComments(
              input.owner,
              input.repo,
              input.issue_number,
              page,
              input.comments_limit,
              ctx,
            )
          : { items: [], hasNext: false };
      const trustedBody = await lockdown.trusted(input.owner, input.repo, issue.author, ctx);
      const { items, withheld } = await lockdown.redact(input.owner, input.repo, comments.items, ctx);
      const body = trustedBody
        ? issue.body === null
          ? null
          : clip(issue.body, input.body_max_chars)
        : withheldNote(issue.author);
      const shown = items.map((c) => ({ ...c, body: clip(c.body ?? '', 2000) }));
      const next = comments.hasNext ? encodeCursor({ page: page + 1 }, key) : undefined;
      const value = {
        ...issue,
        body,
        ...(trustedBody ? {} : { bodyWithheld: true }),
        commentsPage: shown,
        ...(withheld ? { commentsWithheld: withheld } : {}),
        ...(next ? { nextCommentsCursor: next } : {}),
      };
      return structured(
        value,
        joinLines(
          [
            `#${issue.number} ${issue.state}`,
            issue.stateReason ? ` (${issue.stateReason})` : '',
            issue.isPullRequest ? ' pull request' : '',
            ` "${issue.title}" by ${issue.author ?? '?'} (${issue.authorAssociation.toLowerCase()})`,
          ].join(''),
          row(
            `labels: ${issue.labels.join(', ') || 'none'}`,
            `assignees: ${issue.assignees.join(', ') || 'none'}`,
            `created ${date(issue.createdAt)}`,
            `${issue.comments} comments`,
          ),
          quoted(body, '(no description)'),
          ...shown.map(
            (c) => `comment ${c.id} by ${c.author ?? '?'} on ${date(c.createdAt)}:\n${quoted(c.body)}`,
          ),
          withheld ? `[${withheld} comments withheld by lockdown]` : undefined,
          next ? `[more comments: call again with comments_cursor="${next}"]` : undefined,
        ),
      );
    },
  });

  const searchIssues = defineTool({
    name: 'search_issues',
    title: 'Search issues and pull requests',
    description:
      "Search issues and pull requests across GitHub with GitHub's search syntax " +
      '(e.g. "repo:owner/name is:open label:bug"). type narrows to issues or pull requests. Paged with ' +
      `cursor; GitHub returns at most ${SEARCH_CAP} results per query.`,
    input: z.object({
      query: z.string().min(1).max(256).describe('Search query, GitHub search syntax'),
      type: z.enum(['issue', 'pr']).optional().describe('Only issues or only pull requests'),
      sort: z.enum(['comments', 'reactions', 'created', 'updated']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('search_issues', input);
      const q = input.type ? `${input.query} is:${input.type === 'pr' ? 'pr' : 'issue'}` : input.query;
      const r = await api.searchIssues(q, page, input.limit, input.sort, input.order, ctx);
      const s = searchNotes(r.total, r.incomplete, page, input.limit, r.hasNext);
      const nextCursor = nextCursorOf('search_issues', input, page, s.hasNext);
      return structured(
        {
          totalCount: r.total,
          incompleteResults: r.incomplete,
          items: r.items,
          ...(nextCursor ? { nextCursor } : {}),
          notes: s.notes,
        },
        joinLines(
          `${r.total} results (page ${page})`,
          ...r.items.map((i) =>
            row(
              `${i.repo}#${i.number} ${i.isPullRequest ? 'PR' : 'issue'} ${i.state} "${i.title}"` +
                ` by ${i.author ?? '?'}${bracketed(i.labels)}`,
              `updated ${date(i.updatedAt)}`,
            ),
          ),
          ...s.notes,
          moreNote(nextCursor),
        ),
      );
    },
  });

  return [listIssues, getIssue, searchIssues];
}

export function issueWriteTools(gh: GhContext): ToolDefinition[] {
  const { api } = gh;
  const createIssue = defineTool({
    name: 'create_issue',
    title: 'Create an issue',
    description: 'Open a new issue. Returns its number and URL.',
    input: z.object({
      owner,
      repo,
      title: z.string().min(1).max(256),
      body: z.string().max(65_536).optional(),
      labels: z.array(label).max(20).optional(),
      assignees: z.array(z.string().min(1).max(39)).max(10).optional(),
      milestone: z.number().int().min(1).optional(),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const { owner: o, repo: r, ...fields } = input;
      const out = await api.createIssue(o, r, fields, ctx);
      return structured(out, `Created issue #${out.number}: ${out.url}`);
    },
  });
  const updateIssue = defineTool({
    name: 'update_issue',
    title: 'Update an issue',
    description:
      "Change an issue's title, body, state (close/reopen), labels or assignees. " +
      'Only the given fields change.',
    input: z.object({
      owner,
      repo,
      issue_number: number('Issue'),
      title: z.string().min(1).max(256).optional(),
      body: z.string().max(65_536).optional(),
      state: z.enum(['open', 'closed']).optional(),
      state_reason: z.enum(['completed', 'not_planned', 'reopened']).optional(),
      labels: z.array(label).max(20).optional().describe('Replaces all labels'),
      assignees: z.array(z.string().min(1).max(39)).max(10).optional().describe('Replaces all assignees'),
    }),
    annotations: annotations.update(true),
    async handler(input, ctx) {
      const { owner: o, repo: r, issue_number, ...fields } = input;
      const out = await api.updateIssue(o, r, issue_number, fields, ctx);
      return structured(out, `Updated issue #${out.number} (${out.state}): ${out.url}`);
    },
  });
  const addIssueComment = defineTool({
    name: 'add_issue_comment',
    title: 'Comment on an issue or pull request',
    description: "Add a comment to an issue or a pull request's conversation.",
    input: z.object({
      owner,
      repo,
      issue_number: number('Issue or pull request'),
      body: z.string().min(1).max(65_536),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const out = await api.addIssueComment(input.owner, input.repo, input.issue_number, input.body, ctx);
      return structured(out, `Added comment ${out.id}: ${out.url}`);
    },
  });
  return [createIssue, updateIssue, addIssueComment];
}
