import { ERAS } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, TOKENS } from './standin/seed.js';
import { type CallResult, call, openWorld, textOf, violations, type World } from './support/harness.js';

const o = SEED.owner;
const r = SEED.publicRepo;

describe.each(ERAS)('errors, encoding and rate limits (%s era)', (era) => {
  let w: World;
  const results: CallResult[] = [];
  const run = async (name: string, args: Record<string, unknown>) => {
    const res = await call(w.client, name, args);
    results.push(res);
    return res;
  };
  beforeAll(async () => {
    w = await openWorld(era);
  });
  afterAll(() => w.close());

  it("a 404 says GitHub's status and message, and that the token may lack access", async () => {
    const res = await run('get_repository', { owner: o, repo: 'missing' });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toBe(
      'GitHub API error 404: Not Found; it does not exist, or the token cannot see it ' +
        '(private repositories need a token with access)',
    );
  });

  it("a 422 carries GitHub's errors[]", async () => {
    const res = await run('create_issue', { owner: o, repo: r, title: 'x', assignees: ['nobody-here'] });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/^GitHub API error 422: Validation Failed: Issue\.assignees invalid/);
  });

  it('refuses owner, repo, path and ref values that could change the endpoint, unsent', async () => {
    const before = w.standin.exchanges.length;
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['get_repository', { owner: '..', repo: r }, /Invalid owner/],
      ['get_repository', { owner: o, repo: '..' }, /Invalid repo/],
      ['get_repository', { owner: 'octo/hello', repo: 'x' }, /Invalid owner/],
      ['get_repository', { owner: o, repo: 'hello?x=1' }, /Invalid repo/],
      ['get_repository', { owner: o, repo: 'hello#frag' }, /Invalid repo/],
      ['get_file_contents', { owner: o, repo: r, path: '../../user' }, /Invalid path/],
      ['get_file_contents', { owner: o, repo: r, path: 'src/./index.ts' }, /Invalid path/],
      ['get_file_contents', { owner: o, repo: r, path: 'README.md', ref: 'main..dev' }, /Invalid ref/],
      ['get_commit', { owner: o, repo: r, sha: 'main branch' }, /Invalid sha/],
      ['list_commits', { owner: o, repo: r, author: 'a b' }, /Invalid author/],
    ];
    for (const [tool, args, message] of bad) {
      const res = await run(tool, args);
      expect(res.isError, tool).toBe(true);
      expect(textOf(res)).toMatch(message);
    }
    expect(w.standin.exchanges.length).toBe(before);
  });

  it('encodes #, ?, spaces and slashes so they reach the intended endpoint', async () => {
    const from = w.standin.exchanges.length;
    const odd = await run('get_file_contents', { owner: o, repo: r, path: SEED.oddPath });
    expect(odd.isError).toBeFalsy();
    expect(odd.structuredContent.text).toBe('odd name, plain content');
    const commit = await run('get_commit', { owner: o, repo: r, sha: 'feature/widgets' });
    expect(commit.structuredContent.message).toBe('Add widgets');
    const missing = await run('get_file_contents', { owner: o, repo: r, path: 'docs/x?ref=dev#y' });
    expect(missing.isError).toBe(true);
    expect(w.standin.since(from).map((e) => e.url)).toEqual([
      '/repos/octo/hello/contents/docs/notes%20%26%20ideas%20%231%3F.md',
      '/repos/octo/hello/commits/feature%2Fwidgets?per_page=30&page=1',
      '/repos/octo/hello/contents/docs/x%3Fref%3Ddev%23y',
    ]);
  });

  it('a secondary rate limit: isError within 2 s saying when to retry; the next call works', async () => {
    w.standin.retryAfterSeconds = 60;
    w.standin.secondaryLimit = 1;
    const started = Date.now();
    const res = await run('list_branches', { owner: o, repo: r });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(
      new RegExp(
        '^GitHub API error 403: You have exceeded a secondary rate limit \\(secondary rate limit\\); ' +
          'rate limited: retry after 60 s \\(at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)',
      ),
    );
    const next = await run('list_branches', { owner: o, repo: r });
    expect(next.isError).toBeFalsy();
  });

  it('a primary rate limit says when it resets; the next call works', async () => {
    w.standin.primaryLimit = 1;
    const from = w.standin.exchanges.length;
    const started = Date.now();
    const res = await run('get_issue', { owner: o, repo: r, issue_number: 3 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.isError).toBe(true);
    expect(w.standin.since(from).map((e) => e.status)).toEqual([403]);
    expect(textOf(res)).toMatch(
      new RegExp(
        '^GitHub API error 403: API rate limit exceeded for user ID \\d+ \\(primary rate limit\\); ' +
          'rate limited: retry after (3600|3601) s \\(at \\d{4}-\\d\\d-\\d\\dT',
      ),
    );
    expect((await run('get_issue', { owner: o, repo: r, issue_number: 3 })).isError).toBeFalsy();
  });

  it('sits out a secondary limit of a second by itself (the small retry budget), once', async () => {
    w.standin.retryAfterSeconds = 1;
    w.standin.secondaryLimit = 1;
    const from = w.standin.exchanges.length;
    const res = await run('list_branches', { owner: o, repo: r });
    expect(res.isError).toBeFalsy();
    expect(w.standin.since(from).map((e) => e.status)).toEqual([403, 200]);
    w.standin.secondaryLimit = 2;
    const twice = await run('list_branches', { owner: o, repo: r });
    expect(twice.isError).toBe(true);
    w.standin.retryAfterSeconds = 60;
  });

  it('retries a read once after a server error; never retries a write', async () => {
    w.standin.serverErrors = 1;
    let from = w.standin.exchanges.length;
    const read = await run('get_repository', { owner: o, repo: r });
    expect(read.isError).toBeFalsy();
    expect(w.standin.since(from).map((e) => e.status)).toEqual([502, 200]);
    w.standin.serverErrors = 2;
    const twice = await run('get_repository', { owner: o, repo: r });
    expect(textOf(twice)).toBe('GitHub API error 502: Server Error; GitHub had a problem; retry shortly');
    w.standin.serverErrors = 1;
    from = w.standin.exchanges.length;
    const write = await run('add_issue_comment', { owner: o, repo: r, issue_number: 4, body: 'once' });
    expect(write.isError).toBe(true);
    expect(w.standin.since(from).map((e) => e.status)).toEqual([502]);
  });

  it('never shows a stack trace or the token', () => {
    expect(results.length).toBeGreaterThan(15);
    for (const res of results) {
      const text = `${textOf(res)} ${JSON.stringify(res.structuredContent ?? {})}`;
      for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
      expect(text).not.toMatch(/\n\s+at |node_modules|\/work\//);
    }
  });

  it('keeps the contract in every exchange that was not refused by design', () => {
    // Rate-limited answers are GitHub's own error bodies: they are checked too.
    expect(violations(w.standin.exchanges)).toEqual([]);
  });
});

describe.each(ERAS)('GitHub Enterprise Server (%s era)', (era) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(era, {}, { ghes: true });
  });
  afterAll(() => w.close());

  it('sends every call under /api/v3', async () => {
    expect(w.standin.url).toMatch(/\/api\/v3$/);
    for (const [tool, args] of [
      ['get_me', {}],
      ['get_repository', { owner: o, repo: r }],
      ['list_issues', { owner: o, repo: r, limit: 5 }],
      ['get_file_contents', { owner: o, repo: r, path: SEED.largeText, start_line: 10 }],
      ['get_pull_request_diff', { owner: o, repo: r, pull_number: SEED.smallPull }],
      ['get_pull_request_status', { owner: o, repo: r, pull_number: SEED.bigPull }],
      ['search_issues', { query: 'repo:octo/hello bug', limit: 5 }],
      ['create_issue', { owner: o, repo: r, title: 'On GHES' }],
    ] as const) {
      const res = await call(w.client, tool, args);
      expect(res.isError, `${tool}: ${textOf(res)}`).toBeFalsy();
    }
    const list = await call(w.client, 'list_issues', { owner: o, repo: r, limit: 5 });
    const next = await call(w.client, 'list_issues', {
      owner: o,
      repo: r,
      limit: 5,
      cursor: list.structuredContent.nextCursor,
    });
    expect(next.isError).toBeFalsy();
    expect(w.standin.exchanges.length).toBeGreaterThan(10);
    expect(w.standin.exchanges.filter((e) => !e.rawPath.startsWith('/api/v3/'))).toEqual([]);
    expect(violations(w.standin.exchanges)).toEqual([]);
  });
});
