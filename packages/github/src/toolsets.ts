import type { ToolDefinition } from '@mcpkit/core';

/**
 * Toolsets and tool names as github-mcp-server has them, so a user's `--toolsets` / `--tools`
 * carry over; its consolidated names (`issue_read`, `pull_request_read`, ...) are accepted as
 * aliases of the per-action tools they cover.
 */
export const TOOLSETS: Readonly<Record<string, readonly string[]>> = {
  context: ['get_me'],
  repos: [
    'search_repositories',
    'get_repository',
    'get_file_contents',
    'get_repository_tree',
    'list_branches',
    'list_commits',
    'get_commit',
    'create_branch',
    'create_or_update_file',
  ],
  issues: ['list_issues', 'get_issue', 'search_issues', 'create_issue', 'update_issue', 'add_issue_comment'],
  pull_requests: [
    'list_pull_requests',
    'get_pull_request',
    'get_pull_request_files',
    'get_pull_request_diff',
    'get_pull_request_status',
    'get_pull_request_reviews',
    'get_pull_request_comments',
    'create_pull_request',
    'update_pull_request',
    'create_pull_request_review',
    'merge_pull_request',
  ],
  search: ['search_code', 'search_users'],
};

/** Toolset names github-mcp-server uses for what sits in another toolset here. */
const TOOLSET_ALIASES: Readonly<Record<string, readonly string[]>> = {
  users: ['search_users'],
  all: Object.values(TOOLSETS).flat(),
  default: Object.values(TOOLSETS).flat(),
};

/** github-mcp-server's consolidated and older tool names -> the tools here that do that. */
export const TOOL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  issue_read: ['get_issue'],
  get_issue_comments: ['get_issue'],
  issue_write: ['create_issue', 'update_issue'],
  search_pull_requests: ['search_issues'],
  pull_request_read: [
    'get_pull_request',
    'get_pull_request_files',
    'get_pull_request_diff',
    'get_pull_request_status',
    'get_pull_request_reviews',
    'get_pull_request_comments',
  ],
  list_pull_request_files: ['get_pull_request_files'],
  get_pull_request_review_comments: ['get_pull_request_comments'],
  pull_request_review_write: ['create_pull_request_review'],
  create_pending_pull_request_review: ['create_pull_request_review'],
  get_file_content: ['get_file_contents'],
  list_repository_tree: ['get_repository_tree'],
};

const ALL_TOOLS = new Set(Object.values(TOOLSETS).flat());

export interface Selection {
  toolsets?: readonly string[];
  tools?: readonly string[];
  excludeTools?: readonly string[];
}

function expandTool(name: string): readonly string[] {
  const n = name.trim();
  if (ALL_TOOLS.has(n)) return [n];
  const alias = TOOL_ALIASES[n];
  if (alias) return alias;
  const known = [...ALL_TOOLS, ...Object.keys(TOOL_ALIASES)];
  const near = known.find((k) => k.includes(n) || n.includes(k));
  throw new TypeError(
    `Unknown GitHub tool "${n}"${near ? ` (did you mean ${near}?)` : ''}; ` +
      `known tools: ${[...ALL_TOOLS].join(', ')}`,
  );
}

function expandToolset(name: string): readonly string[] {
  const n = name.trim();
  const set = TOOLSETS[n] ?? TOOLSET_ALIASES[n];
  if (!set) {
    throw new TypeError(
      `Unknown GitHub toolset "${n}"; known toolsets: ${[...Object.keys(TOOLSETS), 'all'].join(', ')}`,
    );
  }
  return set;
}

/**
 * The tool names a selection serves: the toolsets (all of them unless given), plus `tools`
 * (only `tools` when toolsets are not given), minus `excludeTools`. Unknown names are refused.
 */
export function selectedNames(selection: Selection): Set<string> {
  const names = new Set<string>();
  const byToolset = selection.toolsets?.length ? selection.toolsets : selection.tools?.length ? [] : ['all'];
  for (const t of byToolset) for (const n of expandToolset(t)) names.add(n);
  for (const t of selection.tools ?? []) for (const n of expandTool(t)) names.add(n);
  for (const t of selection.excludeTools ?? []) for (const n of expandTool(t)) names.delete(n);
  return names;
}

/**
 * Classic-token scopes a tool needs (any one of them): writes need `repo` or `public_repo`.
 * Reads need none (public data); a private repository's 404 says the token may lack access.
 */
export function scopesFor(tool: ToolDefinition): readonly string[] | undefined {
  return tool.annotations?.readOnlyHint ? undefined : ['repo', 'public_repo'];
}

/** Tools a classic token with `scopes` can use; everything when the scopes are unknown. */
export function visibleWithScopes(
  tools: readonly ToolDefinition[],
  scopes: readonly string[] | null | undefined,
): ToolDefinition[] {
  if (!scopes) return [...tools];
  const granted = new Set(scopes);
  return tools.filter((t) => {
    const need = scopesFor(t);
    return !need || need.some((s) => granted.has(s));
  });
}
