import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkToolSnapshots, ERAS } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from './standin/seed.js';
import {
  type CallResult,
  call,
  openWorld,
  resultChars,
  textOf,
  violations,
  type World,
} from './support/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const o = SEED.owner;
const r = SEED.publicRepo;
const LIMIT = 25_000;

// Every tool, in both protocol eras, against the stand-in; every exchange checked against GitHub's
// API description; every result within 25,000 characters.
describe.each(ERAS)('every tool (%s era)', (era) => {
  let w: World;
  const called = new Set<string>();
  const ok = async (name: string, args: Record<string, unknown> = {}): Promise<CallResult> => {
    const result = await call(w.client, name, args);
    called.add(name);
    expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy();
    expect(resultChars(result), `${name} result size`).toBeLessThanOrEqual(LIMIT);
    return result;
  };

  beforeAll(async () => {
    w = await openWorld(era);
  });
  afterAll(() => w.close());

  it('lists every tool with a reviewed schema snapshot', async () => {
    const { tools } = await w.client.listTools();
    expect(tools.length).toBe(29);
    checkToolSnapshots(tools, path.join(here, '__toolsnaps__'));
  });

  it('reads: context, repositories, files, branches, commits', async () => {
    const me = await ok('get_me');
    expect(me.structuredContent).toMatchObject({ login: 'octo', tokenScopes: ['repo', 'read:org', 'user'] });
    const repos = await ok('search_repositories', { query: 'lib org:acme', limit: 5 });
    expect(repos.structuredContent.items).toHaveLength(5);
    const repo = await ok('get_repository', { owner: o, repo: r });
    expect(repo.structuredContent).toMatchObject({
      fullName: 'octo/hello',
      defaultBranch: 'main',
      visibility: 'public',
    });
    expect(JSON.stringify(repo.structuredContent)).not.toMatch(/\{\/|_url"/);
    const readme = await ok('get_file_contents', { owner: o, repo: r, path: 'README.md' });
    expect(textOf(readme)).toContain('# hello');
    const root = await ok('get_file_contents', { owner: o, repo: r, path: '' });
    expect(root.structuredContent.entries.map((e: { path: string }) => e.path)).toContain('src');
    const tree = await ok('get_repository_tree', { owner: o, repo: r, path_prefix: 'src/' });
    const main = w.standin.world.resolve(w.standin.world.repo(o, r)!, 'main')!;
    const srcFiles = [...main.tree.keys()].filter((p) => p.startsWith('src/')).sort();
    expect(srcFiles.length).toBeGreaterThan(1);
    expect(tree.structuredContent.entries.map((e: { path: string }) => e.path)).toEqual(srcFiles);
    const branches = await ok('list_branches', { owner: o, repo: r });
    expect(branches.structuredContent.items.map((b: { name: string }) => b.name)).toContain(
      'feature/widgets',
    );
    const commits = await ok('list_commits', { owner: o, repo: r, limit: 5 });
    expect(commits.structuredContent.items).toHaveLength(5);
    const sha = commits.structuredContent.items[0].sha;
    const commit = await ok('get_commit', { owner: o, repo: r, sha, include_patch: true });
    expect(commit.structuredContent.files[0]).toMatchObject({
      filename: 'CHANGELOG.md',
      patch: expect.stringContaining('+- change 40'),
    });
  });

  it('reads: issues and search', async () => {
    const list = await ok('list_issues', { owner: o, repo: r, limit: 20 });
    expect(list.structuredContent.items.length).toBeGreaterThan(0);
    expect(list.structuredContent.nextCursor).toBeTypeOf('string');
    const issue = await ok('get_issue', { owner: o, repo: r, issue_number: SEED.injectionIssue });
    expect(issue.structuredContent.commentsPage).toHaveLength(10);
    expect(issue.structuredContent.nextCommentsCursor).toBeTypeOf('string');
    // Hidden characters are stripped before a model reads them.
    expect(issue.structuredContent.body).toBe('Steps: Ship it esrever now');
    const found = await ok('search_issues', { query: 'repo:octo/hello bug', type: 'issue', limit: 10 });
    const hello = w.standin.world.repo(o, r)!;
    const bugs = [...hello.issues.values()].filter((i) => !i.pull && `${i.title} ${i.body}`.includes('bug'));
    expect(found.structuredContent.totalCount).toBe(bugs.length);
    expect(found.structuredContent.items).toHaveLength(10);
    const code = await ok('search_code', { query: 'quick brown repo:octo/hello' });
    expect(code.structuredContent.items).toEqual([
      expect.objectContaining({ repo: 'octo/hello', path: SEED.linesFile }),
    ]);
    const users = await ok('search_users', { query: 'ali' });
    expect(users.structuredContent.items).toEqual([{ login: 'alice', type: 'User' }]);
  });

  it('reads: pull requests', async () => {
    const pulls = await ok('list_pull_requests', { owner: o, repo: r });
    expect(pulls.structuredContent.items.map((p: { number: number }) => p.number)).toEqual([
      SEED.smallPull,
      SEED.bigPull,
    ]);
    const pr = await ok('get_pull_request', { owner: o, repo: r, pull_number: SEED.bigPull });
    expect(pr.structuredContent).toMatchObject({
      head: 'octo:feature/widgets',
      base: 'main',
      changedFiles: 25,
    });
    const files = await ok('get_pull_request_files', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
      limit: 10,
    });
    expect(files.structuredContent.items).toHaveLength(10);
    const diff = await ok('get_pull_request_diff', { owner: o, repo: r, pull_number: SEED.bigPull });
    expect(textOf(diff).startsWith('diff --git a/README.md b/README.md')).toBe(true);
    const status = await ok('get_pull_request_status', { owner: o, repo: r, pull_number: SEED.bigPull });
    expect(status.structuredContent).toMatchObject({
      state: 'failure',
      statuses: [expect.any(Object), expect.any(Object)],
    });
    const reviews = await ok('get_pull_request_reviews', { owner: o, repo: r, pull_number: SEED.bigPull });
    expect(reviews.structuredContent.items.map((x: { state: string }) => x.state)).toEqual([
      'APPROVED',
      'COMMENTED',
    ]);
    const comments = await ok('get_pull_request_comments', { owner: o, repo: r, pull_number: SEED.bigPull });
    expect(comments.structuredContent.items).toHaveLength(3);
  });

  it('writes: issues, branches, files, pull requests, reviews, merge', async () => {
    const created = await ok('create_issue', {
      owner: o,
      repo: r,
      title: `From ${era}`,
      body: 'Body',
      labels: ['bug'],
    });
    const n = created.structuredContent.number;
    expect(n).toBeGreaterThan(SEED.smallPull);
    await ok('update_issue', {
      owner: o,
      repo: r,
      issue_number: n,
      state: 'closed',
      state_reason: 'completed',
    });
    await ok('add_issue_comment', { owner: o, repo: r, issue_number: n, body: 'Done.' });
    const reread = await ok('get_issue', { owner: o, repo: r, issue_number: n });
    expect(reread.structuredContent).toMatchObject({ state: 'closed', comments: 1 });
    await ok('create_branch', { owner: o, repo: r, branch: `topic/${era}` });
    const file = await ok('create_or_update_file', {
      owner: o,
      repo: r,
      path: `notes/${era}.md`,
      content: 'hello\n',
      message: 'Add notes',
      branch: `topic/${era}`,
    });
    expect(file.structuredContent).toMatchObject({ created: true });
    const opened = await ok('create_pull_request', {
      owner: o,
      repo: r,
      title: 'Notes',
      head: `topic/${era}`,
      base: 'main',
    });
    const pn = opened.structuredContent.number;
    await ok('update_pull_request', { owner: o, repo: r, pull_number: pn, body: 'Adds notes.' });
    await ok('create_pull_request_review', { owner: o, repo: r, pull_number: pn, event: 'APPROVE' });
    const pr = await ok('get_pull_request', { owner: o, repo: r, pull_number: pn });
    const merged = await ok('merge_pull_request', {
      owner: o,
      repo: r,
      pull_number: pn,
      sha: pr.structuredContent.headSha,
    });
    expect(merged.structuredContent).toMatchObject({ merged: true });
    const after = await ok('get_file_contents', { owner: o, repo: r, path: `notes/${era}.md` });
    expect(after.structuredContent.text).toBe('hello');
  });

  it('serves the file resource template and the review prompt, bounded', async () => {
    const res = await w.client.readResource({ uri: `github://${o}/${r}/contents/src/util.ts?ref=main` });
    expect((res.contents[0] as { text: string }).text).toContain('export function add');
    const big = await w.client.readResource({ uri: `github://${o}/${r}/contents/${SEED.linesFile}` });
    expect((big.contents[0] as { text: string }).text).toMatch(/\[cut at 64 KiB of .*get_file_contents/);
    const prompt = await w.client.getPrompt({
      name: 'review_pull_request',
      arguments: { owner: o, repo: r, pull_number: String(SEED.bigPull) },
    });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain('Review pull request #251');
    expect(text).toContain('get_pull_request_diff');
    expect(text.length).toBeLessThan(LIMIT + 8_000);
  });

  it('called every listed tool, with 0 contract violations', async () => {
    const { tools } = await w.client.listTools();
    expect([...called].sort()).toEqual(tools.map((t) => t.name).sort());
    expect(w.standin.exchanges.length).toBeGreaterThan(40);
    expect(violations(w.standin.exchanges)).toEqual([]);
  });
});
