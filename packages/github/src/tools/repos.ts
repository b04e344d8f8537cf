import {
  annotations,
  clip,
  decodeCursor,
  defineTool,
  encodeCursor,
  formatBytes,
  lineWindow,
  requestKey,
  structured,
  type ToolDefinition,
  ToolError,
} from '@mcpkit/core';
import * as z from 'zod';
import type { Contents } from '../api/github.js';
import { sanitizeText } from '../api/sanitize.js';
import {
  cursor,
  date,
  type GhContext,
  joinLines,
  limit,
  moreNote,
  nextCursorOf,
  owner,
  pageOf,
  ref,
  repo,
  row,
  SEARCH_CAP,
  searchNotes,
} from './shared.js';

const DEFAULT_MAX_LINES = 300;
const DEFAULT_WINDOW_BYTES = 10 * 1024;
const MAX_WINDOW_BYTES = 48 * 1024;

/** A buffer is text when it has no NUL in its first 8 KB and is valid UTF-8. */
export function isText(buf: Buffer): boolean {
  if (buf.subarray(0, 8000).includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

export interface FileWindowInput {
  startLine: number;
  maxLines: number;
  maxBytes: number;
}

/** A file's text window as the tool and the resource both render it. */
export function fileWindow(
  file: Extract<Contents, { kind: 'file' }>,
  w: FileWindowInput,
  maxFileBytes: number,
) {
  if (file.overLimit) {
    return {
      value: { type: 'file', path: file.path, sha: file.sha, size: file.size, tooLarge: true },
      text:
        `${file.path}: ${formatBytes(file.size)}, larger than the ${formatBytes(maxFileBytes)} ` +
        `this server reads; sha ${file.sha}`,
    };
  }
  const content = file.content ?? Buffer.alloc(0);
  if (!isText(content)) {
    return {
      value: { type: 'file', path: file.path, sha: file.sha, size: file.size, binary: true },
      text: `${file.path}: binary file, ${formatBytes(file.size)}, sha ${file.sha} (content not shown)`,
    };
  }
  // Files are text from GitHub too: invisible and bidi-control characters (Trojan Source, hidden
  // instructions) are removed, and the count is said, so a reviewer knows the file had them.
  const raw = content.toString('utf8');
  const text = sanitizeText(raw);
  const removed = raw.length === text.length ? 0 : [...raw].length - [...text].length;
  const win = lineWindow(text, w.startLine, w.maxLines, w.maxBytes);
  const endLine = win.lines.length ? win.startLine + win.lines.length - 1 : win.startLine - 1;
  if (win.lines.length === 0 && win.totalLines > 0 && w.startLine > win.totalLines) {
    throw new ToolError(
      `start_line ${w.startLine} is past the end: ${file.path} has ${win.totalLines} lines`,
    );
  }
  const body = win.lines.join('\n');
  const value = {
    type: 'file',
    path: file.path,
    sha: file.sha,
    size: file.size,
    totalLines: win.totalLines,
    startLine: win.startLine,
    endLine,
    ...(win.nextLine ? { nextStartLine: win.nextLine } : {}),
    ...(win.lineCut ? { lineCut: true } : {}),
    ...(removed ? { invisibleCharactersRemoved: removed } : {}),
    text: body,
  };
  const head = row(
    file.path,
    `lines ${win.startLine}-${endLine} of ${win.totalLines}`,
    formatBytes(file.size),
    `sha ${file.sha.slice(0, 7)}`,
    removed > 0 && `${removed} invisible or bidi-control characters removed`,
  );
  const note = win.nextLine
    ? `[${win.totalLines - endLine} more lines: call again with start_line=${win.nextLine}]`
    : undefined;
  return {
    value,
    text: joinLines(head, body, win.lineCut ? '[line cut at the byte limit]' : undefined, note),
  };
}

export function repoTools(gh: GhContext): ToolDefinition[] {
  const { api } = gh;

  const searchRepositories = defineTool({
    name: 'search_repositories',
    title: 'Search repositories',
    description:
      "Search GitHub repositories with GitHub's search syntax " +
      '(e.g. "mcp language:typescript stars:>100", "org:github"). Compact rows; paged with cursor. ' +
      `GitHub returns at most ${SEARCH_CAP} results per query.`,
    input: z.object({
      query: z.string().min(1).max(256).describe('Search query, GitHub search syntax'),
      sort: z
        .enum(['stars', 'forks', 'help-wanted-issues', 'updated'])
        .optional()
        .describe('Sort field (default: best match)'),
      order: z.enum(['asc', 'desc']).optional(),
      limit: limit(50, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('search_repositories', input);
      const r = await api.searchRepositories(input.query, page, input.limit, input.sort, input.order, ctx);
      const s = searchNotes(r.total, r.incomplete, page, input.limit, r.hasNext);
      const nextCursor = nextCursorOf('search_repositories', input, page, s.hasNext);
      const items = r.items.map((x) => ({
        ...x,
        description: x.description ? clip(x.description, 200) : null,
      }));
      return structured(
        {
          totalCount: r.total,
          incompleteResults: r.incomplete,
          items,
          ...(nextCursor ? { nextCursor } : {}),
          notes: s.notes,
        },
        joinLines(
          `${r.total} repositories (page ${page})`,
          ...items.map(
            (x) =>
              `${x.fullName}${x.private ? ' (private)' : ''} ★${x.stars} ${x.language ?? ''} ` +
              `updated ${date(x.updatedAt)}${x.description ? ` — ${x.description}` : ''}`,
          ),
          ...s.notes,
          moreNote(nextCursor),
        ),
      );
    },
  });

  const getRepository = defineTool({
    name: 'get_repository',
    title: 'Get a repository',
    description:
      "A repository's facts: description, visibility, default branch, language, stars, topics, license.",
    input: z.object({ owner, repo }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const r = await api.getRepository(input.owner, input.repo, ctx);
      const value = { ...r, description: r.description ? clip(r.description, 1000) : null };
      const flags = [r.visibility, r.archived ? 'archived' : '', r.fork ? 'fork' : '']
        .filter(Boolean)
        .join(', ');
      return structured(
        value,
        joinLines(
          `${r.fullName} (${flags}) default branch ${r.defaultBranch}`,
          value.description ?? undefined,
          row(
            r.language ?? 'no language',
            `★${r.stars}`,
            `${r.forks} forks`,
            `${r.openIssues} open issues and pull requests`,
            r.license,
          ),
          r.topics.length ? `topics: ${r.topics.join(', ')}` : undefined,
          `created ${date(r.createdAt)} · pushed ${date(r.pushedAt)} · ${r.url}`,
        ),
      );
    },
  });

  const getFileContents = defineTool({
    name: 'get_file_contents',
    title: 'Read a file or list a folder',
    description:
      'Read a file in a repository by line window (start_line, max_lines; the result says the total ' +
      'lines and the next start_line), or list a folder (path "" for the root). Binary files come back ' +
      'as size and sha only.',
    input: z.object({
      owner,
      repo,
      path: z
        .string()
        .max(4096)
        .default('')
        .describe('Path in the repository, e.g. "src/index.ts"; "" for the root folder'),
      ref: ref.optional(),
      start_line: z.number().int().min(1).default(1).describe('First line to return (1-based)'),
      max_lines: z
        .number()
        .int()
        .min(1)
        .max(5000)
        .default(DEFAULT_MAX_LINES)
        .describe('Most lines to return'),
      max_bytes: z
        .number()
        .int()
        .min(256)
        .max(MAX_WINDOW_BYTES)
        .default(DEFAULT_WINDOW_BYTES)
        .describe('Most bytes of text to return'),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const contents = await api.getContents(input.owner, input.repo, input.path, input.ref, ctx);
      if (contents.kind === 'dir') {
        const key = requestKey('get_file_contents', input.owner, input.repo, input.path, input.ref);
        const offset = input.cursor ? Number(decodeCursor<{ o: number }>(input.cursor, key).o) || 0 : 0;
        const pageSize = 200;
        const entries = contents.entries.slice(offset, offset + pageSize);
        const next =
          offset + pageSize < contents.entries.length
            ? encodeCursor({ o: offset + pageSize }, key)
            : undefined;
        return structured(
          {
            type: 'dir',
            path: contents.path,
            total: contents.entries.length,
            entries,
            ...(next ? { nextCursor: next } : {}),
          },
          joinLines(
            `${contents.path || '/'} (${contents.entries.length} entries)`,
            ...entries.map((e) => (e.type === 'dir' ? `${e.path}/` : `${e.path} (${formatBytes(e.size)})`)),
            moreNote(next, 'entries'),
          ),
        );
      }
      const w = fileWindow(
        contents,
        { startLine: input.start_line, maxLines: input.max_lines, maxBytes: input.max_bytes },
        api.maxFileBytes,
      );
      return structured(w.value, w.text);
    },
  });

  const getRepositoryTree = defineTool({
    name: 'get_repository_tree',
    title: "List a repository's files",
    description:
      'Paths of the files and folders in a repository at a ref (recursive), optionally under ' +
      'path_prefix. Paths only; paged with cursor. Says when GitHub truncated a very large tree.',
    input: z.object({
      owner,
      repo,
      ref: ref.optional(),
      path_prefix: z.string().max(4096).optional().describe('Only paths under this folder, e.g. "src/"'),
      limit: limit(1000, 200),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const treeRef = input.ref ?? (await api.getRepository(input.owner, input.repo, ctx)).defaultBranch;
      const tree = await api.getTree(input.owner, input.repo, treeRef, true, ctx);
      const prefix = input.path_prefix?.replace(/^\/+/, '') ?? '';
      const all = prefix ? tree.entries.filter((e) => e.path.startsWith(prefix)) : tree.entries;
      const key = requestKey('get_repository_tree', input.owner, input.repo, treeRef, prefix, input.limit);
      const offset = input.cursor ? Number(decodeCursor<{ o: number }>(input.cursor, key).o) || 0 : 0;
      const entries = all.slice(offset, offset + input.limit);
      const next =
        offset + input.limit < all.length ? encodeCursor({ o: offset + input.limit }, key) : undefined;
      const notes = tree.truncated
        ? ['GitHub truncated this tree (over 100,000 entries or 7 MB); list a folder with path_prefix.']
        : [];
      return structured(
        {
          ref: treeRef,
          sha: tree.sha,
          total: all.length,
          truncated: tree.truncated,
          entries,
          ...(next ? { nextCursor: next } : {}),
        },
        joinLines(
          `${all.length} paths at ${treeRef}${prefix ? ` under ${prefix}` : ''} ` +
            `(showing ${offset + 1}-${offset + entries.length})`,
          ...entries.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)),
          ...notes,
          moreNote(next, 'paths'),
        ),
      );
    },
  });

  const listBranches = defineTool({
    name: 'list_branches',
    title: 'List branches',
    description: 'Branches of a repository: name, head commit sha, protected. Paged with cursor.',
    input: z.object({ owner, repo, limit: limit(100, 30), cursor }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('list_branches', input);
      const r = await api.listBranches(input.owner, input.repo, page, input.limit, ctx);
      const nextCursor = nextCursorOf('list_branches', input, page, r.hasNext);
      return structured(
        { items: r.items, ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          ...r.items.map((b) => `${b.name} ${b.sha.slice(0, 7)}${b.protected ? ' (protected)' : ''}`),
          moreNote(nextCursor, 'branches'),
        ),
      );
    },
  });

  const listCommits = defineTool({
    name: 'list_commits',
    title: 'List commits',
    description:
      'Commits on a branch (or from a sha), newest first, optionally touching a path, by an author, or ' +
      'in a date range. Short sha, author, date and the first line of the message. Paged with cursor.',
    input: z.object({
      owner,
      repo,
      sha: z
        .string()
        .min(1)
        .max(255)
        .optional()
        .describe('Branch or commit sha to start from (default: the default branch)'),
      path: z.string().max(4096).optional().describe('Only commits touching this path'),
      author: z.string().max(39).optional().describe('Only commits by this GitHub login'),
      since: z.iso.datetime().optional().describe('Only commits after this time (ISO 8601)'),
      until: z.iso.datetime().optional().describe('Only commits before this time (ISO 8601)'),
      limit: limit(100, 20),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('list_commits', input);
      const r = await api.listCommits(input.owner, input.repo, input, page, input.limit, ctx);
      const nextCursor = nextCursorOf('list_commits', input, page, r.hasNext);
      const items = r.items.map((c) => ({ ...c, message: clip(c.message, 200) }));
      return structured(
        { items, ...(nextCursor ? { nextCursor } : {}) },
        joinLines(
          ...items.map((c) => `${c.sha.slice(0, 7)} ${date(c.date)} ${c.author ?? '?'}: ${c.message}`),
          moreNote(nextCursor, 'commits'),
        ),
      );
    },
  });

  const getCommit = defineTool({
    name: 'get_commit',
    title: 'Get a commit',
    description:
      'A commit: message, author, parents, stats and its changed files (paged with cursor). ' +
      "include_patch adds each file's patch, cut at max_patch_chars.",
    input: z.object({
      owner,
      repo,
      sha: z.string().min(1).max(255).describe('Commit sha (or a branch, for its head commit)'),
      include_patch: z.boolean().default(false).describe("Include each file's patch"),
      max_patch_chars: z.number().int().min(100).max(20_000).default(2000),
      limit: limit(100, 30),
      cursor,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const page = pageOf('get_commit', input);
      const perPage = input.include_patch ? Math.min(input.limit, 10) : input.limit;
      const c = await api.getCommit(input.owner, input.repo, input.sha, page, perPage, ctx);
      const nextCursor = nextCursorOf('get_commit', input, page, c.hasNextFiles);
      const files = c.files.map(({ patch, ...f }) =>
        input.include_patch && patch !== undefined ? { ...f, patch: clip(patch, input.max_patch_chars) } : f,
      );
      const value = { ...c, message: clip(c.message, 4000), files, ...(nextCursor ? { nextCursor } : {}) };
      delete (value as { hasNextFiles?: boolean }).hasNextFiles;
      return structured(
        value,
        joinLines(
          `${c.sha} by ${c.author ?? '?'} on ${c.date}`,
          value.message,
          `+${c.stats.additions} −${c.stats.deletions}; ` +
            `parents ${c.parents.map((p) => p.slice(0, 7)).join(', ') || 'none'}`,
          ...files.map((f) =>
            joinLines(
              `${f.status} ${f.filename} +${f.additions} −${f.deletions}`,
              'patch' in f ? String(f.patch) : undefined,
            ),
          ),
          moreNote(nextCursor, 'files'),
        ),
      );
    },
  });

  return [
    searchRepositories,
    getRepository,
    getFileContents,
    getRepositoryTree,
    listBranches,
    listCommits,
    getCommit,
  ];
}

export function repoWriteTools(gh: GhContext): ToolDefinition[] {
  const { api } = gh;
  const createBranch = defineTool({
    name: 'create_branch',
    title: 'Create a branch',
    description: "Create a branch from another branch (default: the repository's default branch).",
    input: z.object({
      owner,
      repo,
      branch: z.string().min(1).max(255).describe('Name of the new branch'),
      from_branch: z.string().min(1).max(255).optional().describe('Branch to start from'),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const r = await api.createBranch(input.owner, input.repo, input.branch, input.from_branch, ctx);
      return structured(r, `Created branch ${r.branch} from ${r.from} at ${r.sha.slice(0, 7)}`);
    },
  });
  const createOrUpdateFile = defineTool({
    name: 'create_or_update_file',
    title: 'Create or update a file',
    description:
      'Commit a text file to a branch. To update an existing file pass its current blob sha (from ' +
      'get_file_contents); GitHub refuses the write if the file changed since.',
    input: z.object({
      owner,
      repo,
      path: z.string().min(1).max(4096).describe('Path of the file, e.g. "docs/notes.md"'),
      content: z.string().max(1_000_000).describe('The whole new file content (UTF-8 text)'),
      message: z.string().min(1).max(10_000).describe('Commit message'),
      branch: z
        .string()
        .min(1)
        .max(255)
        .optional()
        .describe('Branch to commit to (default: the default branch)'),
      sha: z
        .string()
        .regex(/^[0-9a-f]{40}$/)
        .optional()
        .describe('Blob sha of the file being replaced (required to update)'),
    }),
    annotations: annotations.update(true),
    async handler(input, ctx) {
      const r = await api.createOrUpdateFile(input.owner, input.repo, input.path, input, ctx);
      return structured(
        r,
        `${r.created ? 'Created' : 'Updated'} ${r.path} ` +
          `in commit ${r.commitSha.slice(0, 7)} (blob ${r.sha.slice(0, 7)})`,
      );
    },
  });
  return [createBranch, createOrUpdateFile];
}
