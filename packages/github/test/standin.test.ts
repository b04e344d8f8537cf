import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract } from './contract/validator.js';
import { SEED, TOKENS } from './standin/seed.js';
import { type GitHubStandin, startStandin } from './standin/server.js';

// The stand-in itself, driven by the vendor's own client (Octokit), checked against GitHub's API
// description: if it drifts from GitHub, these fail before any server test can pass by accident.

let standin: GitHubStandin;
let octokit: Octokit;
const contract = new Contract();

beforeAll(async () => {
  standin = await startStandin();
  octokit = new Octokit({
    baseUrl: standin.url,
    auth: TOKENS.classic,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
});
afterAll(() => standin.stop());

function violations(from = 0): string[] {
  return standin.since(from).flatMap((ex) => contract.check(ex));
}

const o = SEED.owner;
const r = SEED.publicRepo;

describe("stand-in keeps GitHub's contract", () => {
  it('answers every read endpoint with a schema-valid body', async () => {
    const from = standin.exchanges.length;
    await octokit.users.getAuthenticated();
    await octokit.rateLimit.get();
    await octokit.repos.get({ owner: o, repo: r });
    await octokit.repos.getContent({ owner: o, repo: r, path: 'README.md' });
    await octokit.repos.getContent({ owner: o, repo: r, path: 'src' });
    await octokit.git.getTree({ owner: o, repo: r, tree_sha: 'main', recursive: 'true' });
    await octokit.repos.listBranches({ owner: o, repo: r });
    await octokit.repos.getBranch({ owner: o, repo: r, branch: 'feature/widgets' });
    const commits = await octokit.repos.listCommits({ owner: o, repo: r, per_page: 5 });
    await octokit.repos.getCommit({ owner: o, repo: r, ref: commits.data[0]!.sha });
    await octokit.repos.getCombinedStatusForRef({ owner: o, repo: r, ref: 'feature/widgets' });
    await octokit.checks.listForRef({ owner: o, repo: r, ref: 'feature/widgets' });
    await octokit.repos.getCollaboratorPermissionLevel({ owner: o, repo: r, username: 'mallory' });
    await octokit.issues.listForRepo({ owner: o, repo: r, state: 'all', per_page: 100 });
    await octokit.issues.get({ owner: o, repo: r, issue_number: 1 });
    await octokit.issues.listComments({ owner: o, repo: r, issue_number: 1 });
    await octokit.pulls.list({ owner: o, repo: r, state: 'all' });
    await octokit.pulls.get({ owner: o, repo: r, pull_number: SEED.bigPull });
    await octokit.pulls.listFiles({ owner: o, repo: r, pull_number: SEED.bigPull });
    await octokit.pulls.listReviews({ owner: o, repo: r, pull_number: SEED.bigPull });
    await octokit.pulls.listReviewComments({ owner: o, repo: r, pull_number: SEED.bigPull });
    await octokit.search.repos({ q: 'lib org:acme' });
    await octokit.search.code({ q: 'widget repo:octo/hello' });
    await octokit.search.issuesAndPullRequests({ q: 'repo:octo/hello is:issue bug' });
    await octokit.search.users({ q: 'ali' });
    expect(violations(from)).toEqual([]);
    expect(standin.since(from).every((e) => e.status < 300)).toBe(true);
  });

  it('answers writes and errors with schema-valid bodies', async () => {
    const from = standin.exchanges.length;
    const created = await octokit.issues.create({
      owner: o,
      repo: r,
      title: 'New',
      body: 'b',
      labels: ['bug'],
    });
    await octokit.issues.update({ owner: o, repo: r, issue_number: created.data.number, state: 'closed' });
    await octokit.issues.createComment({ owner: o, repo: r, issue_number: created.data.number, body: 'c' });
    const main = await octokit.repos.getBranch({ owner: o, repo: r, branch: 'main' });
    await octokit.git.createRef({ owner: o, repo: r, ref: 'refs/heads/topic', sha: main.data.commit.sha });
    await octokit.repos.createOrUpdateFileContents({
      owner: o,
      repo: r,
      path: 'new.txt',
      message: 'm',
      content: Buffer.from('x').toString('base64'),
      branch: 'topic',
    });
    const pr = await octokit.pulls.create({ owner: o, repo: r, title: 'T', head: 'topic', base: 'main' });
    await octokit.pulls.update({ owner: o, repo: r, pull_number: pr.data.number, title: 'T2' });
    await octokit.pulls.createReview({ owner: o, repo: r, pull_number: pr.data.number, event: 'APPROVE' });
    await octokit.pulls.merge({ owner: o, repo: r, pull_number: pr.data.number, sha: pr.data.head.sha });
    for (const call of [
      () => octokit.repos.get({ owner: o, repo: 'missing' }),
      () => octokit.issues.create({ owner: o, repo: r } as never),
      () => octokit.issues.listForRepo({ owner: o, repo: r, state: 'bogus' as never }),
      () => octokit.repos.getContent({ owner: o, repo: r, path: SEED.largeBinary }),
      () => octokit.search.repos({ q: 'lib', per_page: 100, page: 11 }),
    ]) {
      await expect(call()).rejects.toMatchObject({ status: expect.any(Number) });
    }
    // The bad requests above are the client's fault (the contract says so); the answers must still keep it.
    expect(standin.since(from).flatMap((ex) => contract.checkResponse(ex))).toEqual([]);
    expect(contract.checkRequest(standin.exchanges.at(-3)!)).toEqual([
      expect.stringMatching(/query parameter "state"="bogus"/),
    ]);
  });

  it('fails validation when a response drifts from the contract', async () => {
    const from = standin.exchanges.length;
    standin.tamper = (_m, path, body) =>
      path.includes('/issues') && Array.isArray(body)
        ? body.map((i) => ({ ...i, comments_url: 'x', number: '1' }))
        : body;
    try {
      await octokit.issues.listForRepo({ owner: o, repo: r, per_page: 2 });
    } finally {
      standin.tamper = undefined;
    }
    const found = violations(from);
    expect(found.join('\n')).toMatch(/comments_url must match format "uri"/);
    expect(found.join('\n')).toMatch(/number must be integer/);
  });
});
