import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/api/client.js';
import { toGitHubError } from '../src/api/errors.js';
import { GitHubApi } from '../src/api/github.js';
import { loadScenario, ReplayServer } from './fixtures/replay.js';
import { TOKENS } from './standin/seed.js';
import { startStandin } from './standin/server.js';
import { contract } from './support/harness.js';

// Real responses recorded from api.github.com (@octokit/fixtures), replayed on 127.0.0.1: the
// domain layer reads them, and the stand-in answers in the same shape.

const TOKEN = '0000000000000000000000000000000000000001';
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
});

async function replay(name: string): Promise<ReplayServer> {
  const server = await new ReplayServer(loadScenario(name)).start();
  open.push(server);
  return server;
}

/** Top-level keys of a JSON object (what a consumer of the response can rely on). */
const keys = (o: object) => Object.keys(o).sort();

describe('recorded GitHub responses', () => {
  it('paginate-issues: Octokit follows the real Link headers; the domain layer reads them', async () => {
    const server = await replay('paginate-issues');
    const octokit = new Octokit({ baseUrl: server.origin, auth: TOKEN, log: quiet });
    const all = await octokit.paginate('GET /repos/{owner}/{repo}/issues', {
      owner: 'octokit-fixture-org',
      repo: 'paginate-issues',
      per_page: 3,
    });
    expect(server.mismatches).toEqual([]);
    expect(server.done).toBe(true);
    expect(all.map((i) => i.number)).toEqual(
      loadScenario('paginate-issues').flatMap((c) =>
        (c.response as { number: number }[]).map((i) => i.number),
      ),
    );

    const again = await replay('paginate-issues');
    const api = new GitHubApi(createClient({ apiUrl: again.origin, token: TOKEN, pacing: false }), {
      token: TOKEN,
    });
    const page = await api.listIssues('octokit-fixture-org', 'paginate-issues', {}, 1, 3);
    expect(again.mismatches).toEqual([]);
    expect(page.hasNext).toBe(true);
    const recorded = loadScenario('paginate-issues')[0]!.response as {
      number: number;
      title: string;
      user: { login: string };
    }[];
    expect(page.items).toEqual(
      recorded.map((i) =>
        expect.objectContaining({ number: i.number, title: i.title, author: i.user.login }),
      ),
    );
  });

  it("paginate-issues: the stand-in's issues carry every field the real ones do", async () => {
    const recorded = (loadScenario('paginate-issues')[0]!.response as Record<string, unknown>[])[0]!;
    const standin = await startStandin();
    open.push(standin);
    const octokit = new Octokit({ baseUrl: standin.url, auth: TOKENS.classic, log: quiet });
    const { data } = await octokit.issues.listForRepo({ owner: 'octo', repo: 'hello', per_page: 1 });
    const ours = data[0] as Record<string, unknown>;
    expect(keys(recorded).filter((k) => !(k in ours))).toEqual([]);
    // The real page itself keeps the description the stand-in is held to.
    expect(
      contract.checkResponse({
        method: 'GET',
        url: '/repos/a/b/issues',
        status: 200,
        responseBody: [recorded],
      }),
    ).toEqual([]);
    expect(keys(recorded.user as object).filter((k) => !(k in (ours.user as object)))).toEqual([]);
  });

  it('search-issues: the domain layer reads a real search answer', async () => {
    const server = await replay('search-issues');
    const api = new GitHubApi(createClient({ apiUrl: server.origin, token: TOKEN, pacing: false }), {
      token: TOKEN,
    });
    const result = await api.searchIssues('sesame repo:octokit-fixture-org/search-issues', 1, 20);
    expect(server.mismatches).toEqual([]);
    const recorded = loadScenario('search-issues')[0]!.response as {
      total_count: number;
      items: { number: number; title: string }[];
    };
    expect(result.total).toBe(recorded.total_count);
    expect(result.items.map((i) => [i.repo, i.number, i.title])).toEqual(
      recorded.items.map((i) => ['octokit-fixture-org/search-issues', i.number, i.title]),
    );
    // The real answer keeps today's description except for a field GitHub added after it was recorded.
    expect(
      contract.checkResponse({
        method: 'GET',
        url: '/search/issues?q=x',
        status: 200,
        responseBody: recorded,
      }),
    ).toEqual([expect.stringMatching(/must have required property 'search_type'/)]);
    const standin = await startStandin();
    open.push(standin);
    const { data } = await new Octokit({
      baseUrl: standin.url,
      auth: TOKENS.classic,
      log: quiet,
    }).search.issuesAndPullRequests({ q: 'repo:octo/hello bug' });
    expect(keys(recorded).filter((k) => !(k in data))).toEqual([]);
  });

  it('errors: a real 422 becomes a clear error; the stand-in answers it the same way', async () => {
    const server = await replay('errors');
    const api = new GitHubApi(createClient({ apiUrl: server.origin, token: TOKEN, pacing: false }), {
      token: TOKEN,
    });
    const real = await api.client
      .request('POST /repos/{owner}/{repo}/labels', {
        owner: 'octokit-fixture-org',
        repo: 'errors',
        name: 'foo',
        color: 'invalid',
      })
      .catch((e: unknown) => e as { status: number; response: { data: Record<string, unknown> } });
    expect(server.mismatches).toEqual([]);
    expect(real.status).toBe(422);
    const message = toGitHubError(real, [TOKEN]).message;
    expect(message).toBe(
      'GitHub API error 422: Validation Failed: Label.color invalid; ' +
        'GitHub refused the arguments; see the errors above',
    );

    const standin = await startStandin();
    open.push(standin);
    type Failed = { status: number; response: { data: Record<string, unknown> } };
    const ours = (await new Octokit({ baseUrl: standin.url, auth: TOKENS.classic, log: quiet }).issues
      .createLabel({ owner: 'octo', repo: 'hello', name: 'foo', color: 'invalid' })
      .catch((e: unknown) => e)) as Failed;
    expect(ours.status).toBe(422);
    const recordedBody = (real as { response: { data: Record<string, unknown> } }).response.data;
    expect(ours.response.data).toMatchObject({ message: recordedBody.message, errors: recordedBody.errors });
    expect(toGitHubError(ours, []).message).toBe(message);
    expect(contract.checkResponse({ ...standin.exchanges.at(-1)! })).toEqual([]);
    expect(
      contract.checkResponse({
        method: 'POST',
        url: '/repos/octokit-fixture-org/errors/labels',
        status: 422,
        responseBody: recordedBody,
      }),
    ).toEqual([]);
  });
});
