import { ToolError } from '@mcpkit/core';
import type { GitHubClient } from './client.js';
import {
  authored,
  type Contents,
  clean,
  cleanOrNull,
  commentRow,
  commitRow,
  fileRow,
  type IssueDetail,
  type IssueRow,
  issueRow,
  type PullDetail,
  pullRow,
  type RepoRow,
  repoRow,
} from './compact.js';
import { toGitHubError } from './errors.js';
import { deadline } from './limits.js';
import { checkLogin, checkPath, checkRef, pathSegs, repoPath, seg } from './paths.js';
import { sanitizeText } from './sanitize.js';

/**
 * The domain layer: each function makes the GitHub calls one tool needs and returns compact
 * plain data (no URL templates, no nested user objects, text sanitised). Paging is by GitHub's
 * page numbers; the tools turn them into opaque cursors.
 */

export type {
  CommentRow,
  Contents,
  FileEntry,
  IssueDetail,
  IssueRow,
  PullDetail,
  PullRow,
  RepoRow,
} from './compact.js';

export interface Page<T> {
  items: T[];
  /** GitHub's Link header has rel="next". */
  hasNext: boolean;
}

export interface SearchPage<T> extends Page<T> {
  total: number;
  incomplete: boolean;
}

const MEDIA = {
  json: 'application/vnd.github+json',
  object: 'application/vnd.github.object+json',
  raw: 'application/vnd.github.raw+json',
  diff: 'application/vnd.github.diff',
} as const;

function hasNext(headers: Record<string, unknown>): boolean {
  return /rel="next"/.test(String(headers.link ?? ''));
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ApiOptions {
  /** Used only to redact it from any error text. */
  token?: string;
  timeoutMs?: number;
  /** Largest file read whole (through the raw media type) for line windows. */
  maxFileBytes?: number;
}

/** Diffs are paged by byte offset; keep the last few so following a cursor does not refetch 2 MB. */
class DiffCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string): string | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: string): void {
    if (value.length > this.maxBytes) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}

export class GitHubApi {
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  readonly maxFileBytes: number;
  private readonly diffs = new DiffCache(32 * 1024 * 1024);
  private readonly visibility = new Map<string, { private: boolean; at: number }>();

  constructor(
    readonly client: GitHubClient,
    options: ApiOptions = {},
  ) {
    this.secrets = options.token ? [options.token] : [];
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
  }

  /** One page of a search: its items made compact, GitHub's total, and whether it was incomplete. */
  private async search<T>(
    url: string,
    params: Record<string, unknown>,
    opts: CallOptions,
    compact: (item: any) => T,
  ): Promise<{ total: number; incomplete: boolean; hasNext: boolean; items: T[] }> {
    const { data, headers } = await this.call('GET', url, params, opts);
    return {
      total: Number(data.total_count),
      incomplete: !!data.incomplete_results,
      hasNext: hasNext(headers),
      items: (data.items as any[]).map(compact),
    };
  }

  /** One page of a GitHub list: its items, each made compact, and whether a next page exists. */
  private async page<T>(
    url: string,
    params: Record<string, unknown>,
    opts: CallOptions,
    compact: (item: any) => T,
  ): Promise<{ hasNext: boolean; items: T[] }> {
    const { data, headers } = await this.call('GET', url, params, opts);
    return { hasNext: hasNext(headers), items: (data as any[]).map(compact) };
  }

  /** One request: encoded URL, media type, a signal that also times out; errors mapped for the model. */
  private async call(
    method: string,
    url: string,
    params: Record<string, unknown> = {},
    opts: CallOptions & { accept?: string; stream?: boolean } = {},
  ): Promise<{ data: any; headers: Record<string, any>; status: number }> {
    const limit = deadline(this.timeoutMs, opts.signal);
    const signal = limit.signal;
    const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    try {
      const res = await this.client.request(`${method} ${url}`, {
        ...defined,
        headers: { accept: opts.accept ?? MEDIA.json, 'x-github-api-version': '2022-11-28' },
        // A failed write may still have happened: only reads are retried (once, on a 5xx).
        request: {
          signal,
          ...(method === 'GET' ? {} : { retries: 0 }),
          ...(opts.stream ? { parseSuccessResponseBody: false } : {}),
        },
      });
      return { data: res.data, headers: res.headers as Record<string, any>, status: res.status };
    } catch (error) {
      throw toGitHubError(error, this.secrets);
    } finally {
      // A streamed body is read after this returns: its time limit runs on.
      if (!opts.stream) limit.stop();
    }
  }

  // ------------------------------------------------------------ context

  /** The authenticated user, and the token's scopes when it is a classic token (else undefined). */
  async me(opts: CallOptions = {}) {
    const { data: u, headers } = await this.call('GET', '/user', {}, opts);
    const scopesHeader = headers['x-oauth-scopes'];
    return {
      login: String(u.login),
      name: cleanOrNull(u.name),
      type: String(u.type),
      company: cleanOrNull(u.company),
      publicRepos: Number(u.public_repos ?? 0),
      privateRepos: u.total_private_repos ?? null,
      plan: u.plan?.name ?? null,
      createdAt: String(u.created_at),
      tokenScopes:
        typeof scopesHeader === 'string'
          ? scopesHeader
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : null,
    };
  }

  // ------------------------------------------------------------ repositories

  async searchRepositories(
    q: string,
    page: number,
    perPage: number,
    sort?: string,
    order?: string,
    opts: CallOptions = {},
  ): Promise<SearchPage<RepoRow>> {
    const { data, headers } = await this.call(
      'GET',
      '/search/repositories',
      { q, sort, order, per_page: perPage, page },
      opts,
    );
    return {
      total: data.total_count,
      incomplete: !!data.incomplete_results,
      hasNext: hasNext(headers),
      items: (data.items as any[]).map((r) => repoRow(r)),
    };
  }

  async getRepository(owner: string, repo: string, opts: CallOptions = {}) {
    const { data: r } = await this.call('GET', repoPath(owner, repo), {}, opts);
    this.visibility.set(`${owner}/${repo}`.toLowerCase(), { private: !!r.private, at: Date.now() });
    return {
      ...repoRow(r),
      visibility: String(r.visibility ?? (r.private ? 'private' : 'public')),
      fork: !!r.fork,
      forks: Number(r.forks_count ?? 0),
      openIssues: Number(r.open_issues_count ?? 0),
      topics: ((r.topics as string[] | undefined) ?? []).map(clean),
      license: r.license?.spdx_id ?? null,
      homepage: cleanOrNull(r.homepage),
      createdAt: String(r.created_at),
      pushedAt: r.pushed_at ?? null,
      url: String(r.html_url),
      canPush: r.permissions ? !!(r.permissions.push || r.permissions.admin) : null,
    };
  }

  /** Whether a repository is private (cached 5 minutes; lockdown asks this for every read). */
  async isPrivate(owner: string, repo: string, opts: CallOptions = {}): Promise<boolean> {
    const hit = this.visibility.get(`${owner}/${repo}`.toLowerCase());
    if (hit && Date.now() - hit.at < 300_000) return hit.private;
    return (await this.getRepository(owner, repo, opts)).private;
  }

  /**
   * A file or a folder. Files come through the `object` media type (metadata plus base64 content
   * up to 1 MB); larger ones, up to maxFileBytes, through the `raw` media type.
   */
  async getContents(
    owner: string,
    repo: string,
    path: string,
    ref?: string,
    opts: CallOptions = {},
  ): Promise<Contents> {
    const p = checkPath(path);
    const url = `${repoPath(owner, repo)}/contents${p ? `/${pathSegs(p)}` : ''}`;
    const refParam = ref ? checkRef(ref) : undefined;
    const { data } = await this.call('GET', url, { ref: refParam }, { ...opts, accept: MEDIA.object });
    const entries = Array.isArray(data) ? data : data.type === 'dir' ? data.entries : undefined;
    if (entries) {
      return {
        kind: 'dir',
        path: p,
        entries: (entries as any[]).map((e) => ({
          name: clean(e.name),
          path: clean(e.path),
          type: String(e.type),
          size: Number(e.size ?? 0),
        })),
      };
    }
    if (data.type !== 'file') {
      throw new ToolError(
        `"${p}" is a ${data.type}, not a file or folder; ` +
          (data.type === 'submodule' ? 'open the submodule repository instead' : 'read its target instead'),
      );
    }
    const size = Number(data.size ?? 0);
    const base = { kind: 'file' as const, path: p, sha: String(data.sha), size };
    if (
      data.encoding === 'base64' &&
      typeof data.content === 'string' &&
      (data.content !== '' || size === 0)
    ) {
      return { ...base, content: Buffer.from(data.content, 'base64') };
    }
    if (size > this.maxFileBytes) return { ...base, overLimit: true };
    const raw = await this.call('GET', url, { ref: refParam }, { ...opts, accept: MEDIA.raw, stream: true });
    return { ...base, content: await readCapped(raw.data, this.maxFileBytes) };
  }

  async getTree(owner: string, repo: string, ref: string, recursive: boolean, opts: CallOptions = {}) {
    const { data } = await this.call(
      'GET',
      `${repoPath(owner, repo)}/git/trees/${seg(checkRef(ref))}`,
      recursive ? { recursive: '1' } : {},
      opts,
    );
    return {
      sha: String(data.sha),
      truncated: !!data.truncated,
      entries: (data.tree as any[]).map((e) => ({
        path: clean(e.path),
        type: e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : 'file',
        ...(typeof e.size === 'number' ? { size: e.size } : {}),
      })),
    };
  }

  async listBranches(owner: string, repo: string, page: number, perPage: number, opts: CallOptions = {}) {
    return this.page(`${repoPath(owner, repo)}/branches`, { per_page: perPage, page }, opts, (b) => ({
      name: clean(b.name),
      sha: String(b.commit?.sha),
      protected: !!b.protected,
    }));
  }

  async listCommits(
    owner: string,
    repo: string,
    filter: { sha?: string; path?: string; author?: string; since?: string; until?: string },
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/commits`,
      {
        sha: filter.sha ? checkRef(filter.sha, 'sha') : undefined,
        path: filter.path ? checkPath(filter.path) : undefined,
        author: filter.author ? checkLogin(filter.author, 'author') : undefined,
        since: filter.since,
        until: filter.until,
        per_page: perPage,
        page,
      },
      opts,
      (c) => commitRow(c),
    );
  }

  async getCommit(
    owner: string,
    repo: string,
    ref: string,
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    const { data: c, headers } = await this.call(
      'GET',
      `${repoPath(owner, repo)}/commits/${seg(checkRef(ref, 'sha'))}`,
      { per_page: perPage, page },
      opts,
    );
    return {
      ...commitRow(c),
      message: clean(c.commit?.message),
      parents: ((c.parents as any[]) ?? []).map((p) => String(p.sha)),
      stats: { additions: Number(c.stats?.additions ?? 0), deletions: Number(c.stats?.deletions ?? 0) },
      files: ((c.files as any[]) ?? []).map((f) => fileRow(f)),
      hasNextFiles: hasNext(headers),
    };
  }

  // ------------------------------------------------------------ issues

  async listIssues(
    owner: string,
    repo: string,
    filter: { state?: string; labels?: string[]; since?: string; sort?: string; direction?: string },
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ): Promise<Page<IssueRow> & { pullsSkipped: number }> {
    const { data, headers } = await this.call(
      'GET',
      `${repoPath(owner, repo)}/issues`,
      {
        state: filter.state,
        labels: filter.labels?.length ? filter.labels.join(',') : undefined,
        since: filter.since,
        sort: filter.sort,
        direction: filter.direction,
        per_page: perPage,
        page,
      },
      opts,
    );
    const all = data as any[];
    const issues = all.filter((i) => !i.pull_request);
    return {
      hasNext: hasNext(headers),
      items: issues.map((i) => issueRow(i)),
      pullsSkipped: all.length - issues.length,
    };
  }

  async getIssue(owner: string, repo: string, number: number, opts: CallOptions = {}): Promise<IssueDetail> {
    const { data: i } = await this.call('GET', `${repoPath(owner, repo)}/issues/${seg(number)}`, {}, opts);
    return {
      ...issueRow(i),
      stateReason: i.state_reason ?? null,
      authorAssociation: String(i.author_association ?? 'NONE'),
      body: cleanOrNull(i.body),
      closedAt: i.closed_at ?? null,
      isPullRequest: !!i.pull_request,
      url: String(i.html_url),
    };
  }

  async listIssueComments(
    owner: string,
    repo: string,
    number: number,
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/issues/${seg(number)}/comments`,
      { per_page: perPage, page },
      opts,
      (c) => commentRow(c),
    );
  }

  // ------------------------------------------------------------ search

  async searchIssues(
    q: string,
    page: number,
    perPage: number,
    sort?: string,
    order?: string,
    opts: CallOptions = {},
  ) {
    return this.search('/search/issues', { q, sort, order, per_page: perPage, page }, opts, (i) => ({
      repo: String(i.repository_url ?? '').split('/repos/')[1] ?? '',
      ...issueRow(i),
      isPullRequest: !!i.pull_request,
    }));
  }

  async searchCode(q: string, page: number, perPage: number, opts: CallOptions = {}) {
    return this.search('/search/code', { q, per_page: perPage, page }, opts, (c) => ({
      repo: String(c.repository?.full_name ?? ''),
      path: clean(c.path),
      sha: String(c.sha),
      url: String(c.html_url),
    }));
  }

  async searchUsers(
    q: string,
    page: number,
    perPage: number,
    sort?: string,
    order?: string,
    opts: CallOptions = {},
  ) {
    return this.search('/search/users', { q, sort, order, per_page: perPage, page }, opts, (u) => ({
      login: String(u.login),
      type: String(u.type),
      url: String(u.html_url),
    }));
  }

  // ------------------------------------------------------------ pull requests

  async listPulls(
    owner: string,
    repo: string,
    filter: { state?: string; base?: string; head?: string; sort?: string; direction?: string },
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/pulls`,
      {
        state: filter.state,
        base: filter.base ? checkRef(filter.base, 'base') : undefined,
        head: filter.head,
        sort: filter.sort,
        direction: filter.direction,
        per_page: perPage,
        page,
      },
      opts,
      (p) => pullRow(p),
    );
  }

  async getPull(owner: string, repo: string, number: number, opts: CallOptions = {}): Promise<PullDetail> {
    const { data: p } = await this.call('GET', `${repoPath(owner, repo)}/pulls/${seg(number)}`, {}, opts);
    return {
      ...pullRow(p),
      body: cleanOrNull(p.body),
      authorAssociation: String(p.author_association ?? 'NONE'),
      merged: !!p.merged,
      mergeable: p.mergeable ?? null,
      mergeableState: p.mergeable_state ?? null,
      headSha: String(p.head?.sha),
      baseSha: String(p.base?.sha),
      headRepo: p.head?.repo?.full_name ?? null,
      additions: Number(p.additions ?? 0),
      deletions: Number(p.deletions ?? 0),
      changedFiles: Number(p.changed_files ?? 0),
      commits: Number(p.commits ?? 0),
      comments: Number(p.comments ?? 0),
      reviewComments: Number(p.review_comments ?? 0),
      mergedAt: p.merged_at ?? null,
      url: String(p.html_url),
    };
  }

  /** The unified diff of a pull request, cached per head commit (pages of it are read by offset). */
  async getPullDiff(
    owner: string,
    repo: string,
    number: number,
    opts: CallOptions = {},
  ): Promise<{ headSha: string; diff: string }> {
    const pull = await this.getPull(owner, repo, number, opts);
    const key = `${owner}/${repo}#${number}@${pull.headSha}@${pull.baseSha}`.toLowerCase();
    let diff = this.diffs.get(key);
    if (diff === undefined) {
      const { data } = await this.call(
        'GET',
        `${repoPath(owner, repo)}/pulls/${seg(number)}`,
        {},
        { ...opts, accept: MEDIA.diff },
      );
      diff = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
      diff = sanitizeText(diff);
      this.diffs.set(key, diff);
    }
    return { headSha: pull.headSha, diff };
  }

  async listPullFiles(
    owner: string,
    repo: string,
    number: number,
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/pulls/${seg(number)}/files`,
      { per_page: perPage, page },
      opts,
      (f) => {
        const { patch: _patch, ...row } = fileRow(f);
        return row;
      },
    );
  }

  /** Combined commit statuses and check runs of a pull request's head commit. */
  async getPullStatus(owner: string, repo: string, number: number, opts: CallOptions = {}) {
    const pull = await this.getPull(owner, repo, number, opts);
    const ref = seg(pull.headSha);
    const [status, checks] = await Promise.all([
      this.call('GET', `${repoPath(owner, repo)}/commits/${ref}/status`, { per_page: 100 }, opts),
      this.call('GET', `${repoPath(owner, repo)}/commits/${ref}/check-runs`, { per_page: 100 }, opts),
    ]);
    const statuses = (status.data.statuses as any[]).map((x) => ({
      context: clean(x.context),
      state: String(x.state),
      description: cleanOrNull(x.description),
    }));
    const runs = (checks.data.check_runs as any[]).map((x) => ({
      name: clean(x.name),
      status: String(x.status),
      conclusion: x.conclusion ?? null,
    }));
    const failing =
      runs.filter((r) => r.conclusion && !['success', 'neutral', 'skipped'].includes(r.conclusion)).length +
      statuses.filter((x) => x.state === 'failure' || x.state === 'error').length;
    const pending =
      runs.filter((r) => r.status !== 'completed').length +
      statuses.filter((x) => x.state === 'pending').length;
    const overall = failing
      ? 'failure'
      : pending
        ? 'pending'
        : statuses.length + runs.length
          ? 'success'
          : 'none';
    return {
      number,
      headSha: pull.headSha,
      state: overall,
      mergeable: pull.mergeable,
      mergeableState: pull.mergeableState,
      statuses,
      checks: runs,
      totalChecks: Number(checks.data.total_count ?? runs.length),
    };
  }

  async listPullReviews(
    owner: string,
    repo: string,
    number: number,
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/pulls/${seg(number)}/reviews`,
      { per_page: perPage, page },
      opts,
      (r) => ({
        ...authored(r),
        state: String(r.state),
        body: clean(r.body),
        submittedAt: r.submitted_at ?? null,
        commitId: String(r.commit_id ?? ''),
      }),
    );
  }

  async listPullReviewComments(
    owner: string,
    repo: string,
    number: number,
    page: number,
    perPage: number,
    opts: CallOptions = {},
  ) {
    return this.page(
      `${repoPath(owner, repo)}/pulls/${seg(number)}/comments`,
      { per_page: perPage, page },
      opts,
      (c) => ({
        ...commentRow(c),
        path: clean(c.path),
        line: c.line ?? c.original_line ?? null,
        ...(c.in_reply_to_id ? { inReplyTo: Number(c.in_reply_to_id) } : {}),
      }),
    );
  }

  /** A user's permission on a repository ('admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'). */
  async permission(owner: string, repo: string, user: string, opts: CallOptions = {}): Promise<string> {
    const { data } = await this.call(
      'GET',
      `${repoPath(owner, repo)}/collaborators/${seg(checkLogin(user))}/permission`,
      {},
      opts,
    );
    return String(data.role_name ?? data.permission ?? 'none');
  }

  // ------------------------------------------------------------ writes

  async createIssue(
    owner: string,
    repo: string,
    fields: { title: string; body?: string; labels?: string[]; assignees?: string[]; milestone?: number },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call('POST', `${repoPath(owner, repo)}/issues`, fields, opts);
    return { number: Number(data.number), url: String(data.html_url), state: String(data.state) };
  }

  async updateIssue(
    owner: string,
    repo: string,
    number: number,
    fields: {
      title?: string;
      body?: string;
      state?: string;
      state_reason?: string;
      labels?: string[];
      assignees?: string[];
    },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call('PATCH', `${repoPath(owner, repo)}/issues/${seg(number)}`, fields, opts);
    return { number: Number(data.number), url: String(data.html_url), state: String(data.state) };
  }

  async addIssueComment(owner: string, repo: string, number: number, body: string, opts: CallOptions = {}) {
    const { data } = await this.call(
      'POST',
      `${repoPath(owner, repo)}/issues/${seg(number)}/comments`,
      { body },
      opts,
    );
    return { id: Number(data.id), url: String(data.html_url) };
  }

  async createBranch(
    owner: string,
    repo: string,
    branch: string,
    from: string | undefined,
    opts: CallOptions = {},
  ) {
    const name = checkRef(branch, 'branch');
    const source = from
      ? checkRef(from, 'from_branch')
      : (await this.getRepository(owner, repo, opts)).defaultBranch;
    const { data: b } = await this.call('GET', `${repoPath(owner, repo)}/branches/${seg(source)}`, {}, opts);
    const sha = String(b.commit.sha);
    const { data } = await this.call(
      'POST',
      `${repoPath(owner, repo)}/git/refs`,
      { ref: `refs/heads/${name}`, sha },
      opts,
    );
    return { branch: name, from: source, sha: String(data.object?.sha ?? sha) };
  }

  async createOrUpdateFile(
    owner: string,
    repo: string,
    path: string,
    fields: { content: string; message: string; branch?: string; sha?: string },
    opts: CallOptions = {},
  ) {
    const p = checkPath(path);
    if (!p) throw new ToolError('path must name a file, e.g. "docs/notes.md"');
    const { data, status } = await this.call(
      'PUT',
      `${repoPath(owner, repo)}/contents/${pathSegs(p)}`,
      {
        message: fields.message,
        content: Buffer.from(fields.content, 'utf8').toString('base64'),
        branch: fields.branch ? checkRef(fields.branch, 'branch') : undefined,
        sha: fields.sha,
      },
      opts,
    );
    return {
      path: p,
      created: status === 201,
      sha: String(data.content?.sha ?? ''),
      commitSha: String(data.commit?.sha ?? ''),
      url: String(data.content?.html_url ?? data.commit?.html_url ?? ''),
    };
  }

  async createPull(
    owner: string,
    repo: string,
    fields: {
      title: string;
      head: string;
      base: string;
      body?: string;
      draft?: boolean;
      maintainer_can_modify?: boolean;
    },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call('POST', `${repoPath(owner, repo)}/pulls`, fields, opts);
    return { number: Number(data.number), url: String(data.html_url), state: String(data.state) };
  }

  async updatePull(
    owner: string,
    repo: string,
    number: number,
    fields: { title?: string; body?: string; state?: string; base?: string; maintainer_can_modify?: boolean },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call('PATCH', `${repoPath(owner, repo)}/pulls/${seg(number)}`, fields, opts);
    return { number: Number(data.number), url: String(data.html_url), state: String(data.state) };
  }

  async createReview(
    owner: string,
    repo: string,
    number: number,
    fields: { event?: string; body?: string; commit_id?: string },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call(
      'POST',
      `${repoPath(owner, repo)}/pulls/${seg(number)}/reviews`,
      fields,
      opts,
    );
    return { id: Number(data.id), state: String(data.state), url: String(data.html_url) };
  }

  async mergePull(
    owner: string,
    repo: string,
    number: number,
    fields: { sha: string; merge_method?: string; commit_title?: string; commit_message?: string },
    opts: CallOptions = {},
  ) {
    const { data } = await this.call(
      'PUT',
      `${repoPath(owner, repo)}/pulls/${seg(number)}/merge`,
      fields,
      opts,
    );
    return { merged: !!data.merged, sha: String(data.sha), message: clean(data.message) };
  }
}

/** Reads a response stream up to `max` bytes (a larger body is cut; the caller knows the size). */
async function readCapped(body: unknown, max: number): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (!body || typeof (body as ReadableStream).getReader !== 'function') return Buffer.alloc(0);
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max);
}
