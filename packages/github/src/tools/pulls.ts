import {
  annotations,
  clip,
  decodeCursor,
  defineTool,
  encodeCursor,
  formatBytes,
  requestKey,
  structured,
  type ToolDefinition,
  ToolError,
  textWindow,
} from '@mcpkit/core';
import * as z from 'zod';
import { withheldNote } from '../api/lockdown.js';
import {
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
} from './shared.js';

export const DEFAULT_DIFF_BYTES = 20 * 1024;
export const MAX_DIFF_BYTES = 48 * 1024;

/** The part of a unified diff that belongs to one file (its `diff --git` section). */
export function fileSection(diff: string, file: string): string | undefined {
  const sections = diff.split(/^(?=diff --git )/m);
  return sections.find((s) => {
    const first = s.slice(0, s.indexOf('\n'));
    return first === `diff --git a/${file} b/${file}` || first.endsWith(` b/${file}`);
  });
}

export function pullTools(gh: GhContext): ToolDefinition[] {
  const { api, lockdown } = gh;
  const pull_number = number('Pull request');

  const listPulls = defineTool({
    name: 'list_pull_requests',
    title: 'List pull requests',
    description:
      'Pull requests of a repository: number, title, state, draft, author, head and base. Paged with cursor.',
    input: z.object({
      owner,
      repo,
      state: z.enum(['open', 'closed', 'all']).default('open'),
      base: z.string().min(1).max(255).optional().describe('Only pull requests into this branch'),
      head: z.string().min(1).max(300).optional().describe('Only pull requests from "owner:branch"'),
      sort: z.enum(['created', 'updated', 'popularity', 'long-running']).default('created'),
      direction: z.enum(['asc', 'desc']).default('desc'),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('list_pull_requests', input);
      const r = await api.listPulls(input.owner, input.repo, input, page, input.limit, ctx);
      const nextCursor = nextCursorOf('list_pull_requests', input, page, r.hasNext);
      return structured(
        { items: r.items, ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          r.items.length ? undefined : 'No pull requests on this page.',
          ...r.items.map((p) =>
            row(
              `#${p.number} ${p.state}${p.draft ? ' draft' : ''} "${p.title}" by ${p.author ?? '?'}`,
              `${p.head} → ${p.base}`,
              `updated ${date(p.updatedAt)}`,
            ),
          ),
          moreNote(nextCursor, 'pull requests'),
        ),
      );
    },
  });

  const getPull = defineTool({
    name: 'get_pull_request',
    title: 'Get a pull request',
    description:
      'A pull request: state, head and base (with shas), mergeable, size (+/−, files, commits) and body ' +
      '(cut at body_max_chars). Use get_pull_request_diff, get_pull_request_files and ' +
      'get_pull_request_status for the rest.',
    input: z.object({
      owner,
      repo,
      pull_number,
      body_max_chars: z.number().int().min(100).max(20_000).default(4000),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const p = await api.getPull(input.owner, input.repo, input.pull_number, ctx);
      const trusted = await lockdown.trusted(input.owner, input.repo, p.author, ctx);
      const body = trusted
        ? p.body === null
          ? null
          : clip(p.body, input.body_max_chars)
        : withheldNote(p.author);
      return structured(
        { ...p, body, ...(trusted ? {} : { bodyWithheld: true }) },
        joinLines(
          `#${p.number} ${p.state}${p.draft ? ' draft' : ''} "${p.title}" by ${p.author ?? '?'}`,
          row(
            `${p.head} (${p.headSha.slice(0, 7)}) → ${p.base} (${p.baseSha.slice(0, 7)})`,
            `mergeable: ${p.mergeable ?? 'unknown'} (${p.mergeableState ?? '?'})`,
          ),
          row(
            `+${p.additions} −${p.deletions} in ${p.changedFiles} files, ${p.commits} commits`,
            `${p.comments} comments, ${p.reviewComments} review comments`,
          ),
          quoted(body, '(no description)'),
          p.url,
        ),
      );
    },
  });

  const getFiles = defineTool({
    name: 'get_pull_request_files',
    title: "List a pull request's files",
    description:
      'Files a pull request changes: name, status, additions, deletions (no patches; see ' +
      'get_pull_request_diff). Paged with cursor.',
    input: z.object({ owner, repo, pull_number, limit: limit(100, 30), cursor }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('get_pull_request_files', input);
      const r = await api.listPullFiles(input.owner, input.repo, input.pull_number, page, input.limit, ctx);
      const nextCursor = nextCursorOf('get_pull_request_files', input, page, r.hasNext);
      return structured(
        { items: r.items, ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          ...r.items.map(
            (f) =>
              `${f.status} ${f.filename}${'previousFilename' in f ? ` (from ${f.previousFilename})` : ''}` +
              ` +${f.additions} −${f.deletions}`,
          ),
          moreNote(nextCursor, 'files'),
        ),
      );
    },
  });

  const getDiff = defineTool({
    name: 'get_pull_request_diff',
    title: "Read a pull request's diff",
    description:
      'The unified diff of a pull request as plain text, in pages of at most max_bytes ' +
      `(default ${DEFAULT_DIFF_BYTES / 1024} KiB, up to ${MAX_DIFF_BYTES / 1024} KiB); ` +
      "follow nextCursor to read on. file narrows it to one file's section.",
    input: z.object({
      owner,
      repo,
      pull_number,
      file: z.string().min(1).max(4096).optional().describe("Only this file's part of the diff"),
      max_bytes: z.number().int().min(1024).max(MAX_DIFF_BYTES).default(DEFAULT_DIFF_BYTES),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const { headSha, diff } = await api.getPullDiff(input.owner, input.repo, input.pull_number, ctx);
      const key = requestKey(
        'get_pull_request_diff',
        input.owner,
        input.repo,
        input.pull_number,
        input.file ?? '',
        input.max_bytes,
      );
      let offset = 0;
      if (input.cursor) {
        const state = decodeCursor<{ o: number; h: string }>(input.cursor, key);
        if (state.h !== headSha) {
          throw new ToolError(
            'The pull request changed since that cursor was given (new commits); ' +
              'read the diff again without a cursor',
          );
        }
        offset = Number(state.o) || 0;
      }
      const source = input.file ? fileSection(diff, input.file) : diff;
      if (source === undefined) {
        throw new ToolError(
          `"${input.file}" is not in this pull request's diff; ` +
            `list its files with ${ctx.servedName('get_pull_request_files')}`,
        );
      }
      const win = textWindow(source, offset, input.max_bytes);
      const nextCursor =
        win.nextOffset !== undefined ? encodeCursor({ o: win.nextOffset, h: headSha }, key) : undefined;
      const note = nextCursor
        ? `[${formatBytes(win.totalBytes - (win.nextOffset ?? 0))} more of ${formatBytes(win.totalBytes)}: ` +
          `call again with cursor="${nextCursor}"]`
        : `[end of diff: ${formatBytes(win.totalBytes)}]`;
      const value = {
        pullNumber: input.pull_number,
        headSha,
        ...(input.file ? { file: input.file } : {}),
        offset: win.offset,
        bytes: Buffer.byteLength(win.text),
        totalBytes: win.totalBytes,
        ...(nextCursor ? { nextCursor } : {}),
      };
      // The diff itself is returned as plain text (not JSON-escaped); the structure says where it is.
      return structured(value, `${win.text}${win.text.endsWith('\n') ? '' : '\n'}${note}`);
    },
  });

  const getStatus = defineTool({
    name: 'get_pull_request_status',
    title: "Get a pull request's checks",
    description:
      "Combined status of a pull request's head commit: commit statuses and check runs, " +
      'with one overall state.',
    input: z.object({ owner, repo, pull_number }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const s = await api.getPullStatus(input.owner, input.repo, input.pull_number, ctx);
      const statuses = s.statuses
        .slice(0, 100)
        .map((x) => ({ ...x, description: x.description ? clip(x.description, 200) : null }));
      const checks = s.checks.slice(0, 100);
      return structured(
        { ...s, statuses, checks },
        joinLines(
          `#${s.number} head ${s.headSha.slice(0, 7)}: ${s.state} · mergeable: ${s.mergeable ?? 'unknown'}`,
          ...statuses.map(
            (x) => `status ${x.context}: ${x.state}${x.description ? ` — ${x.description}` : ''}`,
          ),
          ...checks.map((x) => `check ${x.name}: ${x.conclusion ?? x.status}`),
          s.totalChecks > checks.length
            ? `[${s.totalChecks - checks.length} more check runs not shown]`
            : undefined,
        ),
      );
    },
  });

  const getReviews = defineTool({
    name: 'get_pull_request_reviews',
    title: "List a pull request's reviews",
    description:
      'Reviews of a pull request: author, state (APPROVED, CHANGES_REQUESTED, ...), body (cut at ' +
      'body_max_chars). Paged with cursor. In lockdown, reviews by authors without push access to a public ' +
      'repository are withheld.',
    input: z.object({
      owner,
      repo,
      pull_number,
      body_max_chars: z.number().int().min(100).max(10_000).default(2000),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('get_pull_request_reviews', input);
      const r = await api.listPullReviews(input.owner, input.repo, input.pull_number, page, input.limit, ctx);
      const { items, withheld } = await lockdown.redact(input.owner, input.repo, r.items, ctx);
      const shown = items.map((x) => ({ ...x, body: clip(x.body ?? '', input.body_max_chars) }));
      const nextCursor = nextCursorOf('get_pull_request_reviews', input, page, r.hasNext);
      return structured(
        { items: shown, ...(withheld ? { withheld } : {}), ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          shown.length ? undefined : 'No reviews.',
          ...shown.map(
            (x) =>
              `review ${x.id} ${x.state} by ${x.author ?? '?'} on ${date(x.submittedAt)}` +
              (x.body ? `:\n${quoted(x.body)}` : ''),
          ),
          withheld ? `[${withheld} reviews withheld by lockdown]` : undefined,
          moreNote(nextCursor, 'reviews'),
        ),
      );
    },
  });

  const getComments = defineTool({
    name: 'get_pull_request_comments',
    title: "List a pull request's review comments",
    description:
      "Review comments on a pull request's diff: author, file, line, body (cut at body_max_chars). " +
      'Paged with cursor. ' +
      "The conversation's plain comments are on get_issue.",
    input: z.object({
      owner,
      repo,
      pull_number,
      body_max_chars: z.number().int().min(100).max(10_000).default(1500),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('get_pull_request_comments', input);
      const r = await api.listPullReviewComments(
        input.owner,
        input.repo,
        input.pull_number,
        page,
        input.limit,
        ctx,
      );
      const { items, withheld } = await lockdown.redact(input.owner, input.repo, r.items, ctx);
      const shown = items.map((x) => ({ ...x, body: clip(x.body ?? '', input.body_max_chars) }));
      const nextCursor = nextCursorOf('get_pull_request_comments', input, page, r.hasNext);
      return structured(
        { items: shown, ...(withheld ? { withheld } : {}), ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          shown.length ? undefined : 'No review comments.',
          ...shown.map(
            (x) =>
              `comment ${x.id} by ${x.author ?? '?'} on ${x.path}${x.line ? `:${x.line}` : ''}:\n` +
              quoted(x.body),
          ),
          withheld ? `[${withheld} comments withheld by lockdown]` : undefined,
          moreNote(nextCursor, 'comments'),
        ),
      );
    },
  });

  return [listPulls, getPull, getFiles, getDiff, getStatus, getReviews, getComments];
}

export function pullWriteTools(gh: GhContext, allowMerge: boolean): ToolDefinition[] {
  const { api } = gh;
  const pull_number = number('Pull request');
  const createPull = defineTool({
    name: 'create_pull_request',
    title: 'Open a pull request',
    description: 'Open a pull request from head (a branch, or "owner:branch" from a fork) into base.',
    input: z.object({
      owner,
      repo,
      title: z.string().min(1).max(256),
      head: z.string().min(1).max(300).describe('Branch with the changes'),
      base: z.string().min(1).max(255).describe('Branch to merge into'),
      body: z.string().max(65_536).optional(),
      draft: z.boolean().optional(),
      maintainer_can_modify: z.boolean().optional(),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const { owner: o, repo: r, ...fields } = input;
      const out = await api.createPull(o, r, fields, ctx);
      return structured(out, `Opened pull request #${out.number}: ${out.url}`);
    },
  });
  const updatePull = defineTool({
    name: 'update_pull_request',
    title: 'Update a pull request',
    description:
      "Change a pull request's title, body, base branch, or state (close/reopen). " +
      'Only the given fields change.',
    input: z.object({
      owner,
      repo,
      pull_number,
      title: z.string().min(1).max(256).optional(),
      body: z.string().max(65_536).optional(),
      state: z.enum(['open', 'closed']).optional(),
      base: z.string().min(1).max(255).optional(),
      maintainer_can_modify: z.boolean().optional(),
    }),
    annotations: annotations.update(true),
    async handler(input, ctx) {
      const { owner: o, repo: r, pull_number: n, ...fields } = input;
      const out = await api.updatePull(o, r, n, fields, ctx);
      return structured(out, `Updated pull request #${out.number} (${out.state}): ${out.url}`);
    },
  });
  const createReview = defineTool({
    name: 'create_pull_request_review',
    title: 'Review a pull request',
    description: 'Submit a review: APPROVE, REQUEST_CHANGES or COMMENT (the last two need a body).',
    input: z.object({
      owner,
      repo,
      pull_number,
      event: z.enum(['APPROVE', 'REQUEST_CHANGES', 'COMMENT']),
      body: z.string().max(65_536).optional(),
      commit_id: z
        .string()
        .regex(/^[0-9a-f]{40}$/)
        .optional()
        .describe('Review this commit (default: the head)'),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const { owner: o, repo: r, pull_number: n, ...fields } = input;
      const out = await api.createReview(o, r, n, fields, ctx);
      return structured(out, `Submitted review ${out.id} (${out.state}): ${out.url}`);
    },
  });
  const tools = [createPull, updatePull, createReview];
  if (allowMerge) {
    tools.push(
      defineTool({
        name: 'merge_pull_request',
        title: 'Merge a pull request',
        description:
          'Merge a pull request. sha is required: the head commit you reviewed (from get_pull_request); ' +
          'GitHub refuses ' +
          'the merge if the head moved since.',
        input: z.object({
          owner,
          repo,
          pull_number,
          sha: z
            .string()
            .regex(/^[0-9a-f]{40}$/)
            .describe('The head commit sha that was reviewed'),
          merge_method: z.enum(['merge', 'squash', 'rebase']).default('merge'),
          commit_title: z.string().max(256).optional(),
          commit_message: z.string().max(65_536).optional(),
        }),
        annotations: annotations.destructive(true),
        async handler(input, ctx) {
          const { owner: o, repo: r, pull_number: n, ...fields } = input;
          const out = await api.mergePull(o, r, n, fields, ctx);
          return structured(
            out,
            `${out.merged ? 'Merged' : 'Not merged'} #${n}: ${out.message} (${out.sha.slice(0, 7)})`,
          );
        },
      }),
    );
  }
  return tools;
}
