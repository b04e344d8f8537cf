import type {
  CheckRun,
  Comment,
  Commit,
  FileChange,
  Issue,
  Pull,
  Repo,
  Review,
  ReviewComment,
  User,
  World,
} from './world.js';

/**
 * GitHub's JSON shapes, field for field as the REST API returns them (URL templates and nested
 * users included: the server under test is the one that must strip them).
 */

export interface Base {
  /** The API root as the client reached it, e.g. http://127.0.0.1:PORT or http://127.0.0.1:PORT/api/v3. */
  api: string;
  /** The web root: https://github.com, or the GHES host. */
  web: string;
}

const nodeId = (kind: string, id: number | string) => Buffer.from(`${kind}:${id}`).toString('base64');
const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');

export function user(b: Base, u: User) {
  const url = `${b.api}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId('User', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${b.web}/${u.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function fullUser(b: Base, u: User, isSelf: boolean) {
  const base = {
    ...user(b, u),
    user_view_type: isSelf ? 'private' : 'public',
    name: u.name,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 2,
    public_gists: 0,
    followers: 3,
    following: 1,
    created_at: u.createdAt,
    updated_at: u.createdAt,
  };
  if (!isSelf) return base;
  return {
    ...base,
    private_gists: 0,
    total_private_repos: 1,
    owned_private_repos: 1,
    disk_usage: 1024,
    collaborators: 1,
    two_factor_authentication: true,
    plan: { name: 'pro', space: 976562499, private_repos: 9999, collaborators: 0 },
  };
}

export function repo(b: Base, w: World, r: Repo, login?: string) {
  const fullName = `${r.owner}/${r.name}`;
  const url = `${b.api}/repos/${fullName}`;
  const perm = w.permission(r, login);
  const openIssues = [...r.issues.values()].filter((i) => i.state === 'open').length;
  return {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    owner: user(b, w.user(r.owner)),
    html_url: `${b.web}/${fullName}`,
    description: r.description,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    pushed_at: r.updatedAt,
    git_url: `git://${new URL(b.web).host}/${fullName}.git`,
    ssh_url: `git@${new URL(b.web).host}:${fullName}.git`,
    clone_url: `${b.web}/${fullName}.git`,
    svn_url: `${b.web}/${fullName}`,
    homepage: null,
    size: 108,
    stargazers_count: r.stars,
    watchers_count: r.stars,
    language: r.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: r.topics,
    visibility: r.private ? 'private' : 'public',
    forks: 0,
    open_issues: openIssues,
    watchers: r.stars,
    default_branch: r.defaultBranch,
    permissions: {
      admin: perm === 'admin',
      maintain: perm === 'admin',
      push: perm === 'admin' || perm === 'write',
      triage: perm !== 'none',
      pull: perm !== 'none' || !r.private,
    },
  };
}

export function fullRepo(b: Base, w: World, r: Repo, login?: string) {
  return { ...repo(b, w, r, login), network_count: 0, subscribers_count: 1 };
}

function association(w: World, r: Repo, login: string): string {
  if (login.toLowerCase() === r.owner.toLowerCase()) return 'OWNER';
  if (w.permission(r, login) !== 'none') return 'COLLABORATOR';
  return 'NONE';
}

const LABEL_COLORS: Record<string, string> = { bug: 'd73a4a', enhancement: 'a2eeef' };

export function label(b: Base, r: Repo, name: string) {
  const id = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7);
  return {
    id,
    node_id: nodeId('Label', id),
    url: `${b.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: LABEL_COLORS[name] ?? 'ededed',
    default: name in LABEL_COLORS,
  };
}

export function issue(b: Base, w: World, r: Repo, i: Issue) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/issues/${i.number}`;
  const comments = r.comments.filter((c) => c.issue === i.number).length;
  const out: Record<string, unknown> = {
    url,
    repository_url: `${b.api}/repos/${r.owner}/${r.name}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${b.web}/${r.owner}/${r.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    id: i.id,
    node_id: nodeId('Issue', i.id),
    number: i.number,
    title: i.title,
    user: user(b, w.user(i.author)),
    labels: i.labels.map((l) => label(b, r, l)),
    state: i.state,
    state_reason: i.state === 'closed' ? 'completed' : null,
    locked: false,
    assignee: i.assignees[0] ? user(b, w.user(i.assignees[0])) : null,
    assignees: i.assignees.map((a) => user(b, w.user(a))),
    milestone: null,
    comments,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: association(w, r, i.author),
    active_lock_reason: null,
    body: i.body,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
  };
  if (i.pull) {
    out.pull_request = {
      url: `${b.api}/repos/${r.owner}/${r.name}/pulls/${i.number}`,
      html_url: `${b.web}/${r.owner}/${r.name}/pull/${i.number}`,
      diff_url: `${b.web}/${r.owner}/${r.name}/pull/${i.number}.diff`,
      patch_url: `${b.web}/${r.owner}/${r.name}/pull/${i.number}.patch`,
      merged_at: r.pulls.get(i.number)?.mergedAt ?? null,
    };
    out.draft = r.pulls.get(i.number)?.draft ?? false;
  }
  return out;
}

export function comment(b: Base, w: World, r: Repo, c: Comment) {
  const repoUrl = `${b.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${repoUrl}/issues/comments/${c.id}`,
    html_url: `${b.web}/${r.owner}/${r.name}/issues/${c.issue}#issuecomment-${c.id}`,
    body: c.body,
    user: user(b, w.user(c.author)),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${repoUrl}/issues/${c.issue}`,
    author_association: association(w, r, c.author),
    performed_via_github_app: null,
  };
}

function gitUser(w: World, login: string, date: string) {
  const u = w.user(login);
  return { name: u.name ?? u.login, email: `${u.login}@users.noreply.github.com`, date };
}

export function commit(b: Base, w: World, r: Repo, c: Commit, withFiles: boolean) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/commits/${c.sha}`;
  const out: Record<string, unknown> = {
    url,
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    html_url: `${b.web}/${r.owner}/${r.name}/commit/${c.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${b.api}/repos/${r.owner}/${r.name}/git/commits/${c.sha}`,
      author: gitUser(w, c.author, c.date),
      committer: gitUser(w, c.author, c.date),
      message: c.message,
      comment_count: 0,
      tree: { sha: treeSha(c), url: `${b.api}/repos/${r.owner}/${r.name}/git/trees/${treeSha(c)}` },
      verification: {
        verified: false,
        reason: 'unsigned',
        payload: null,
        signature: null,
        verified_at: null,
      },
    },
    author: user(b, w.user(c.author)),
    committer: user(b, w.user(c.author)),
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${b.api}/repos/${r.owner}/${r.name}/commits/${p}`,
      html_url: `${b.web}/${r.owner}/${r.name}/commit/${p}`,
    })),
  };
  if (withFiles) {
    const additions = c.changes.reduce((n, f) => n + f.additions, 0);
    const deletions = c.changes.reduce((n, f) => n + f.deletions, 0);
    out.stats = { total: additions + deletions, additions, deletions };
    out.files = c.changes.map((f) => diffEntry(b, r, c.sha, c.tree.get(f.filename)?.sha ?? null, f));
  }
  return out;
}

export function treeSha(c: Commit): string {
  return c.sha.split('').reverse().join('');
}

export function diffEntry(b: Base, r: Repo, ref: string, sha: string | null, f: FileChange) {
  const out: Record<string, unknown> = {
    sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${b.web}/${r.owner}/${r.name}/blob/${ref}/${enc(f.filename)}`,
    raw_url: `${b.web}/${r.owner}/${r.name}/raw/${ref}/${enc(f.filename)}`,
    contents_url: `${b.api}/repos/${r.owner}/${r.name}/contents/${enc(f.filename)}?ref=${ref}`,
  };
  if (f.patch) out.patch = f.patch;
  return out;
}

export function shortBranch(b: Base, r: Repo, name: string, sha: string) {
  return {
    name,
    commit: { sha, url: `${b.api}/repos/${r.owner}/${r.name}/commits/${sha}` },
    protected: name === r.defaultBranch,
  };
}

export function branchWithProtection(b: Base, w: World, r: Repo, name: string, c: Commit) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/branches/${encodeURIComponent(name)}`;
  return {
    name,
    commit: commit(b, w, r, c, false),
    _links: { self: url, html: `${b.web}/${r.owner}/${r.name}/tree/${enc(name)}` },
    protected: name === r.defaultBranch,
    protection: {
      enabled: name === r.defaultBranch,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${url}/protection`,
  };
}

export function contentItem(
  b: Base,
  r: Repo,
  ref: string,
  path: string,
  type: 'file' | 'dir',
  sha: string,
  size: number,
) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/contents/${enc(path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${b.api}/repos/${r.owner}/${r.name}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const html = `${b.web}/${r.owner}/${r.name}/${type === 'dir' ? 'tree' : 'blob'}/${enc(ref)}/${enc(path)}`;
  return {
    type,
    size,
    name: path.split('/').pop()!,
    path,
    sha,
    url,
    git_url: git,
    html_url: html,
    download_url:
      type === 'file'
        ? `https://raw.githubusercontent.com/${r.owner}/${r.name}/${enc(ref)}/${enc(path)}`
        : null,
    _links: { self: url, git, html },
  };
}

export function pull(b: Base, w: World, r: Repo, p: Pull, i: Issue, full: boolean, login?: string) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/pulls/${p.number}`;
  const issueUrl = `${b.api}/repos/${r.owner}/${r.name}/issues/${p.number}`;
  const ref = (branch: string, sha: string) => ({
    label: `${r.owner}:${branch}`,
    ref: branch,
    sha,
    user: user(b, w.user(r.owner)),
    repo: repo(b, w, r, login),
  });
  const out: Record<string, unknown> = {
    url,
    id: p.id,
    node_id: nodeId('PullRequest', p.id),
    html_url: `${b.web}/${r.owner}/${r.name}/pull/${p.number}`,
    diff_url: `${b.web}/${r.owner}/${r.name}/pull/${p.number}.diff`,
    patch_url: `${b.web}/${r.owner}/${r.name}/pull/${p.number}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${b.api}/repos/${r.owner}/${r.name}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${b.api}/repos/${r.owner}/${r.name}/statuses/${p.headSha}`,
    number: p.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: user(b, w.user(i.author)),
    body: i.body,
    labels: i.labels.map((l) => label(b, r, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: ref(p.head, p.headSha),
    base: ref(p.base, p.baseSha),
    _links: {
      self: { href: url },
      html: { href: `${b.web}/${r.owner}/${r.name}/pull/${p.number}` },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${b.api}/repos/${r.owner}/${r.name}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${b.api}/repos/${r.owner}/${r.name}/statuses/${p.headSha}` },
    },
    author_association: association(w, r, i.author),
    auto_merge: null,
    draft: p.draft,
  };
  if (!full) return out;
  return out;
}

export function pullFull(
  b: Base,
  w: World,
  r: Repo,
  p: Pull,
  i: Issue,
  stats: { commits: number; additions: number; deletions: number; files: number },
  login?: string,
) {
  return {
    ...pull(b, w, r, p, i, true, login),
    merged: p.merged,
    mergeable: p.merged || i.state === 'closed' ? null : true,
    rebaseable: p.merged ? null : true,
    mergeable_state: p.merged ? 'unknown' : 'clean',
    merged_by: p.mergedBy ? user(b, w.user(p.mergedBy)) : null,
    comments: r.comments.filter((c) => c.issue === p.number).length,
    review_comments: r.reviewComments.filter((c) => c.pull === p.number).length,
    maintainer_can_modify: false,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.files,
  };
}

export function review(b: Base, w: World, r: Repo, v: Review) {
  const pullUrl = `${b.api}/repos/${r.owner}/${r.name}/pulls/${v.pull}`;
  const html = `${b.web}/${r.owner}/${r.name}/pull/${v.pull}#pullrequestreview-${v.id}`;
  return {
    id: v.id,
    node_id: nodeId('PullRequestReview', v.id),
    user: user(b, w.user(v.author)),
    body: v.body,
    state: v.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: v.submittedAt,
    commit_id: v.commitId,
    author_association: association(w, r, v.author),
  };
}

export function reviewComment(b: Base, w: World, r: Repo, c: ReviewComment) {
  const url = `${b.api}/repos/${r.owner}/${r.name}/pulls/comments/${c.id}`;
  const pullUrl = `${b.api}/repos/${r.owner}/${r.name}/pulls/${c.pull}`;
  const html = `${b.web}/${r.owner}/${r.name}/pull/${c.pull}#discussion_r${c.id}`;
  return {
    url,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: nodeId('PullRequestReviewComment', c.id),
    diff_hunk: c.diffHunk,
    path: c.path,
    position: c.line,
    original_position: c.line,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    user: user(b, w.user(c.author)),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.createdAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: association(w, r, c.author),
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
    line: c.line,
    original_line: c.line,
    side: 'RIGHT',
  };
}

export function combinedStatus(
  b: Base,
  w: World,
  r: Repo,
  sha: string,
  statuses: { id: number; context: string; state: string; description: string; createdAt: string }[],
) {
  const state = statuses.some((s) => s.state === 'failure' || s.state === 'error')
    ? 'failure'
    : statuses.some((s) => s.state === 'pending') || statuses.length === 0
      ? 'pending'
      : 'success';
  return {
    state,
    statuses: statuses.map((s) => ({
      url: `${b.api}/repos/${r.owner}/${r.name}/statuses/${sha}`,
      avatar_url: null,
      id: s.id,
      node_id: nodeId('StatusContext', s.id),
      state: s.state,
      description: s.description,
      target_url: null,
      context: s.context,
      created_at: s.createdAt,
      updated_at: s.createdAt,
    })),
    sha,
    total_count: statuses.length,
    repository: minimalRepo(b, w, r),
    commit_url: `${b.api}/repos/${r.owner}/${r.name}/commits/${sha}`,
    url: `${b.api}/repos/${r.owner}/${r.name}/commits/${sha}/status`,
  };
}

function minimalRepo(b: Base, w: World, r: Repo) {
  const full = repo(b, w, r);
  const keep = [
    'id',
    'node_id',
    'name',
    'full_name',
    'owner',
    'private',
    'html_url',
    'description',
    'fork',
    'url',
    'archive_url',
    'assignees_url',
    'blobs_url',
    'branches_url',
    'collaborators_url',
    'comments_url',
    'commits_url',
    'compare_url',
    'contents_url',
    'contributors_url',
    'deployments_url',
    'downloads_url',
    'events_url',
    'forks_url',
    'git_commits_url',
    'git_refs_url',
    'git_tags_url',
    'hooks_url',
    'issue_comment_url',
    'issue_events_url',
    'issues_url',
    'keys_url',
    'labels_url',
    'languages_url',
    'merges_url',
    'milestones_url',
    'notifications_url',
    'pulls_url',
    'releases_url',
    'stargazers_url',
    'statuses_url',
    'subscribers_url',
    'subscription_url',
    'tags_url',
    'teams_url',
    'trees_url',
  ] as const;
  return Object.fromEntries(keep.map((k) => [k, full[k]]));
}

export function checkRun(b: Base, r: Repo, sha: string, c: CheckRun) {
  return {
    id: c.id,
    head_sha: sha,
    node_id: nodeId('CheckRun', c.id),
    external_id: '',
    url: `${b.api}/repos/${r.owner}/${r.name}/check-runs/${c.id}`,
    html_url: `${b.web}/${r.owner}/${r.name}/runs/${c.id}`,
    details_url: `${b.web}/${r.owner}/${r.name}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.name,
      summary: `${c.name}: ${c.conclusion ?? c.status}`,
      text: null,
      annotations_count: 0,
      annotations_url: `${b.api}/repos/${r.owner}/${r.name}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: 100 + c.id },
    app: null,
    pull_requests: [],
  };
}

export function codeItem(b: Base, w: World, r: Repo, path: string, sha: string, ref: string) {
  return {
    name: path.split('/').pop()!,
    path,
    sha,
    url: `${b.api}/repos/${r.owner}/${r.name}/contents/${enc(path)}?ref=${ref}`,
    git_url: `${b.api}/repos/${r.owner}/${r.name}/git/blobs/${sha}`,
    html_url: `${b.web}/${r.owner}/${r.name}/blob/${ref}/${enc(path)}`,
    repository: minimalRepo(b, w, r),
    score: 1,
  };
}
