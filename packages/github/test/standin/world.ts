import { createHash } from 'node:crypto';

/**
 * The stand-in's state: users, repositories with git-like commits (each a full snapshot of its
 * files), branches, issues, comments, pull requests, reviews, statuses and check runs. Seeded the
 * same way every time (no randomness), so tests can compute what GitHub would answer.
 */

export type Permission = 'admin' | 'write' | 'read';

export interface User {
  login: string;
  id: number;
  type: 'User' | 'Organization';
  name: string | null;
  createdAt: string;
}

export interface Blob {
  sha: string;
  content: Buffer;
}

export interface FileChange {
  filename: string;
  status: 'added' | 'modified' | 'removed';
  additions: number;
  deletions: number;
  patch: string;
}

export interface Commit {
  sha: string;
  message: string;
  author: string;
  date: string;
  parents: string[];
  tree: Map<string, Blob>;
  changes: FileChange[];
}

export interface Issue {
  number: number;
  title: string;
  body: string | null;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  id: number;
  /** Set when this issue is the conversation of a pull request. */
  pull?: boolean;
}

export interface Comment {
  id: number;
  issue: number;
  author: string;
  body: string;
  createdAt: string;
}

export interface Pull {
  number: number;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  merged: boolean;
  mergeSha: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  draft: boolean;
  id: number;
}

export interface Review {
  id: number;
  pull: number;
  author: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface ReviewComment {
  id: number;
  pull: number;
  reviewId: number | null;
  author: string;
  path: string;
  line: number;
  body: string;
  diffHunk: string;
  commitId: string;
  createdAt: string;
}

export interface Status {
  id: number;
  context: string;
  state: 'success' | 'pending' | 'failure' | 'error';
  description: string;
  createdAt: string;
}

export interface CheckRun {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | null;
  startedAt: string;
  completedAt: string | null;
}

export interface Repo {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  description: string | null;
  language: string | null;
  stars: number;
  topics: string[];
  createdAt: string;
  updatedAt: string;
  defaultBranch: string;
  collaborators: Map<string, Permission>;
  branches: Map<string, string>;
  commits: Map<string, Commit>;
  issues: Map<number, Issue>;
  comments: Comment[];
  pulls: Map<number, Pull>;
  reviews: Review[];
  reviewComments: ReviewComment[];
  statuses: Map<string, Status[]>;
  checkRuns: Map<string, CheckRun[]>;
  nextNumber: number;
}

export interface Token {
  login: string;
  /** Classic tokens report their scopes in X-OAuth-Scopes; fine-grained ones do not. */
  scopes?: string[];
}

export function gitSha(kind: string, content: Buffer | string): string {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return createHash('sha1').update(`${kind} ${body.length}\0`).update(body).digest('hex');
}

export function blob(content: Buffer | string): Blob {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { sha: gitSha('blob', buf), content: buf };
}

const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);
export function at(minutes: number): string {
  return new Date(BASE_TIME + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let ids = 1000;
export function nextId(): number {
  ids += 1;
  return ids;
}

export class World {
  users = new Map<string, User>();
  repos = new Map<string, Repo>();
  tokens = new Map<string, Token>();

  addUser(login: string, name: string | null = null, type: User['type'] = 'User'): User {
    const user = { login, id: nextId(), type, name, createdAt: at(-100_000) };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  user(login: string): User {
    const found = this.users.get(login.toLowerCase());
    if (!found) throw new Error(`no user ${login}`);
    return found;
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  addRepo(owner: string, name: string, opts: Partial<Repo> = {}): Repo {
    const repo: Repo = {
      owner,
      name,
      id: nextId(),
      private: false,
      description: null,
      language: null,
      stars: 0,
      topics: [],
      createdAt: at(-50_000),
      updatedAt: at(-10),
      defaultBranch: 'main',
      collaborators: new Map([[owner.toLowerCase(), 'admin']]),
      branches: new Map(),
      commits: new Map(),
      issues: new Map(),
      comments: [],
      pulls: new Map(),
      reviews: [],
      reviewComments: [],
      statuses: new Map(),
      checkRuns: new Map(),
      nextNumber: 1,
      ...opts,
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /** Makes a commit on `branch` (created from `from` when missing) with the given file edits. */
  commit(
    repo: Repo,
    branch: string,
    message: string,
    author: string,
    edits: Record<string, Buffer | string | null>,
    minutes: number,
    from = repo.defaultBranch,
  ): Commit {
    const parentSha = repo.branches.get(branch) ?? repo.branches.get(from);
    const parent = parentSha ? repo.commits.get(parentSha) : undefined;
    const tree = new Map(parent?.tree ?? []);
    const changes: FileChange[] = [];
    for (const [path, content] of Object.entries(edits)) {
      const before = tree.get(path);
      if (content === null) {
        tree.delete(path);
        if (before) changes.push(change(path, before.content, null));
      } else {
        const b = blob(content);
        tree.set(path, b);
        changes.push(change(path, before?.content ?? null, b.content));
      }
    }
    const date = at(minutes);
    const sha = gitSha('commit', `${parentSha ?? ''}\n${message}\n${author}\n${date}\n${changes.length}`);
    const commit: Commit = {
      sha,
      message,
      author,
      date,
      parents: parentSha ? [parentSha] : [],
      tree,
      changes,
    };
    repo.commits.set(sha, commit);
    repo.branches.set(branch, sha);
    return commit;
  }

  /** A ref as GitHub resolves it: a branch name, a full or abbreviated commit sha, or refs/heads/x. */
  resolve(repo: Repo, ref: string | undefined | null): Commit | undefined {
    const r = ref || repo.defaultBranch;
    const name = r.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
    const branchSha = repo.branches.get(name);
    if (branchSha) return repo.commits.get(branchSha);
    if (/^[0-9a-f]{7,40}$/.test(r)) {
      for (const [sha, c] of repo.commits) if (sha.startsWith(r)) return c;
    }
    return undefined;
  }

  permission(repo: Repo, login: string | undefined): Permission | 'none' {
    if (!login) return 'none';
    return repo.collaborators.get(login.toLowerCase()) ?? 'none';
  }

  canRead(repo: Repo, login: string | undefined): boolean {
    return !repo.private || this.permission(repo, login) !== 'none';
  }

  canPush(repo: Repo, login: string | undefined): boolean {
    const p = this.permission(repo, login);
    return p === 'admin' || p === 'write';
  }
}

function lines(buf: Buffer | null): string[] {
  if (!buf) return [];
  const text = buf.toString('utf8');
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function isBinary(buf: Buffer | null): boolean {
  return !!buf && buf.subarray(0, 8000).includes(0);
}

/** A unified-diff patch of one file (whole-file hunks: enough for the stand-in's seeded edits). */
function change(path: string, before: Buffer | null, after: Buffer | null): FileChange {
  const status = before === null ? 'added' : after === null ? 'removed' : 'modified';
  if (isBinary(before) || isBinary(after))
    return { filename: path, status, additions: 0, deletions: 0, patch: '' };
  const a = lines(before);
  const b = lines(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const removed = a.slice(prefix, a.length - suffix);
  const added = b.slice(prefix, b.length - suffix);
  const oldStart = removed.length ? prefix + 1 : prefix;
  const newStart = added.length ? prefix + 1 : prefix;
  const patch = [
    `@@ -${oldStart},${removed.length} +${newStart},${added.length} @@`,
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
  ].join('\n');
  return { filename: path, status, additions: added.length, deletions: removed.length, patch };
}

/** The unified diff GitHub serves for `application/vnd.github.diff`. */
export function unifiedDiff(changes: FileChange[]): string {
  return changes
    .map((c) => {
      const a = c.status === 'added' ? '/dev/null' : `a/${c.filename}`;
      const b = c.status === 'removed' ? '/dev/null' : `b/${c.filename}`;
      const mode =
        c.status === 'added'
          ? 'new file mode 100644\n'
          : c.status === 'removed'
            ? 'deleted file mode 100644\n'
            : '';
      const body = c.patch ? `--- ${a}\n+++ ${b}\n${c.patch}\n` : 'Binary files differ\n';
      return `diff --git a/${c.filename} b/${c.filename}\n${mode}${body}`;
    })
    .join('');
}

/** Everything between two commits on one line of history, oldest first. */
export function commitsBetween(repo: Repo, baseSha: string, headSha: string): Commit[] {
  const out: Commit[] = [];
  let sha: string | undefined = headSha;
  while (sha && sha !== baseSha) {
    const c = repo.commits.get(sha);
    if (!c) break;
    out.unshift(c);
    sha = c.parents[0];
  }
  return out;
}

/** Net changes from base to head (per file: the base content against the head content). */
export function netChanges(repo: Repo, baseSha: string, headSha: string): FileChange[] {
  const base = repo.commits.get(baseSha)!;
  const head = repo.commits.get(headSha)!;
  const paths = new Set([...base.tree.keys(), ...head.tree.keys()]);
  const out: FileChange[] = [];
  for (const path of [...paths].sort()) {
    const a = base.tree.get(path);
    const b = head.tree.get(path);
    if (a?.sha === b?.sha) continue;
    out.push(change(path, a?.content ?? null, b?.content ?? null));
  }
  return out;
}
