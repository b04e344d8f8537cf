import { sanitizeText } from './sanitize.js';

/**
 * GitHub's JSON as the compact plain data the tools return: no URL templates, no nested user
 * objects (a user is a login), every text sanitised before a model reads it.
 */

/** Text from GitHub, sanitised (see sanitize.ts); null and undefined become ''. */
export const clean = (v: unknown): string =>
  sanitizeText(typeof v === 'string' ? v : v == null ? '' : String(v));
export const cleanOrNull = (v: unknown): string | null => (v == null ? null : clean(v));
export const login = (u: any): string | null => (u && typeof u.login === 'string' ? u.login : null);
export const labelNames = (labels: any[] | undefined): string[] =>
  (labels ?? []).map((l) => clean(typeof l === 'string' ? l : l?.name)).filter(Boolean);
export const firstLine = (text: string) => text.split('\n', 1)[0] ?? '';

export interface RepoRow {
  fullName: string;
  description: string | null;
  private: boolean;
  stars: number;
  language: string | null;
  defaultBranch: string;
  updatedAt: string;
  archived: boolean;
}

export interface IssueRow {
  number: number;
  title: string;
  state: string;
  author: string | null;
  labels: string[];
  assignees: string[];
  comments: number;
  createdAt: string;
  updatedAt: string;
}

export interface IssueDetail extends IssueRow {
  stateReason: string | null;
  authorAssociation: string;
  body: string | null;
  closedAt: string | null;
  isPullRequest: boolean;
  url: string;
}

export interface CommentRow {
  id: number;
  author: string | null;
  authorAssociation: string;
  body: string;
  createdAt: string;
}

export interface FileEntry {
  name: string;
  path: string;
  type: string;
  size: number;
}

export type Contents =
  | { kind: 'dir'; path: string; entries: FileEntry[] }
  | { kind: 'file'; path: string; sha: string; size: number; content?: Buffer; overLimit?: boolean };

export interface PullRow {
  number: number;
  title: string;
  state: string;
  draft: boolean;
  author: string | null;
  head: string;
  base: string;
  createdAt: string;
  updatedAt: string;
}

export interface PullDetail extends PullRow {
  body: string | null;
  authorAssociation: string;
  merged: boolean;
  mergeable: boolean | null;
  mergeableState: string | null;
  headSha: string;
  baseSha: string;
  headRepo: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  comments: number;
  reviewComments: number;
  mergedAt: string | null;
  url: string;
}

export function repoRow(r: any): RepoRow {
  return {
    fullName: String(r.full_name),
    description: cleanOrNull(r.description),
    private: !!r.private,
    stars: Number(r.stargazers_count ?? 0),
    language: r.language ?? null,
    defaultBranch: String(r.default_branch ?? ''),
    updatedAt: String(r.updated_at ?? ''),
    archived: !!r.archived,
  };
}

export function commitRow(c: any) {
  return {
    sha: String(c.sha),
    author: login(c.author) ?? cleanOrNull(c.commit?.author?.name),
    date: String(c.commit?.author?.date ?? ''),
    message: firstLine(clean(c.commit?.message)),
  };
}

export function fileRow(f: any) {
  return {
    filename: clean(f.filename),
    status: String(f.status),
    additions: Number(f.additions ?? 0),
    deletions: Number(f.deletions ?? 0),
    ...(f.previous_filename ? { previousFilename: clean(f.previous_filename) } : {}),
    ...(typeof f.patch === 'string' ? { patch: clean(f.patch) } : {}),
  };
}

export function issueRow(i: any): IssueRow {
  return {
    number: Number(i.number),
    title: clean(i.title),
    state: String(i.state),
    author: login(i.user),
    labels: labelNames(i.labels),
    assignees: ((i.assignees as any[]) ?? []).map(login).filter((x): x is string => !!x),
    comments: Number(i.comments ?? 0),
    createdAt: String(i.created_at),
    updatedAt: String(i.updated_at),
  };
}

/** Who wrote a comment or review, and their standing in the repository (what lockdown reads). */
export function authored(c: any): Pick<CommentRow, 'id' | 'author' | 'authorAssociation'> {
  return {
    id: Number(c.id),
    author: login(c.user),
    authorAssociation: String(c.author_association ?? 'NONE'),
  };
}

export function commentRow(c: any): CommentRow {
  return {
    ...authored(c),
    body: clean(c.body),
    createdAt: String(c.created_at),
  };
}

export function pullRow(p: any): PullRow {
  return {
    number: Number(p.number),
    title: clean(p.title),
    state: p.merged_at ? 'merged' : String(p.state),
    draft: !!p.draft,
    author: login(p.user),
    head: clean(p.head?.label ?? p.head?.ref),
    base: clean(p.base?.ref),
    createdAt: String(p.created_at),
    updatedAt: String(p.updated_at),
  };
}
