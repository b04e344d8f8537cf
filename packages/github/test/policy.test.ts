import { createDeclaredServer, type Logger, type ServerModule, silentLogger } from '@mcpkit/core';
import { connect, ERAS, type TestClient } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { servers } from '../src/declaration.js';
import { SEED, TOKENS } from './standin/seed.js';
import { type GitHubStandin, startStandin } from './standin/server.js';
import { call, textOf, violations } from './support/harness.js';

// Policy as a user runs it: through the declaration, the way `mcpkit serve github` builds it.

let standin: GitHubStandin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.stop());

const o = SEED.owner;
const r = SEED.publicRepo;

/** A log sink that keeps the messages, so a test can wait for the server to say it did something. */
function recordingLogger(messages: string[]): Logger {
  const logger = {
    ...silentLogger(),
    debug: (_o: unknown, m?: string) => void messages.push(String(m)),
    info: (_o: unknown, m?: string) => void messages.push(String(m)),
    warn: (_o: unknown, m?: string) => void messages.push(String(m)),
    child: () => logger,
  };
  return logger as unknown as Logger;
}

async function serve(
  options: Record<string, unknown>,
  env: Record<string, string> = {},
  messages: string[] = [],
): Promise<ServerModule> {
  return createDeclaredServer(
    servers[0]!,
    { options },
    {
      logger: recordingLogger(messages),
      cwd: process.cwd(),
      env: { GITHUB_API_URL: standin.url, GITHUB_TOKEN: TOKENS.classic, ...env },
    },
  );
}

async function listed(options: Record<string, unknown>, env: Record<string, string> = {}) {
  const client = await connect(await serve(options, env));
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

describe('write policy', () => {
  it('by default lists no tool without readOnlyHint: true', async () => {
    const tools = await listed({});
    expect(tools.length).toBe(20);
    expect(tools.filter((t) => t.annotations?.readOnlyHint !== true)).toEqual([]);
  });

  it('--read-only wins: with --tools create_issue and --allow-writes nothing writes', async () => {
    expect(await listed({ readOnly: true, tools: 'create_issue' })).toEqual([]);
    expect(await listed({ readOnly: true, allowWrites: true, tools: 'create_issue,get_issue' })).toEqual([
      expect.objectContaining({ name: 'get_issue' }),
    ]);
  });

  it('--allow-writes serves the writes; merge needs --allow-merge as well', async () => {
    const names = async (options: Record<string, unknown>) => (await listed(options)).map((t) => t.name);
    const writes = await names({ allowWrites: true });
    expect(writes).toContain('create_issue');
    expect(writes).not.toContain('merge_pull_request');
    expect(await names({ allowMerge: true })).not.toContain('merge_pull_request');
    expect(await names({ allowMerge: true })).not.toContain('create_issue');
    const both = await listed({ allowWrites: true, allowMerge: true });
    expect(both.find((t) => t.name === 'merge_pull_request')?.annotations).toMatchObject({
      destructiveHint: true,
      readOnlyHint: false,
    });
  });

  it('--toolsets, --tools (with github-mcp-server aliases) and --exclude-tools select tools', async () => {
    const names = async (options: Record<string, unknown>) =>
      (await listed(options)).map((t) => t.name).sort();
    expect(await names({ toolsets: 'issues' })).toEqual(['get_issue', 'list_issues', 'search_issues']);
    expect(await names({ tools: 'issue_read,get_me' })).toEqual(['get_issue', 'get_me']);
    expect(
      await names({
        toolsets: 'context,users',
        tools: 'pull_request_read',
        excludeTools: 'get_pull_request_diff',
      }),
    ).toEqual([
      'get_me',
      'get_pull_request',
      'get_pull_request_comments',
      'get_pull_request_files',
      'get_pull_request_reviews',
      'get_pull_request_status',
      'search_users',
    ]);
    // github-mcp-server's environment variables carry over.
    expect(
      (await listed({}, { GITHUB_TOOLSETS: 'issues', GITHUB_EXCLUDE_TOOLS: 'search_issues' }))
        .map((t) => t.name)
        .sort(),
    ).toEqual(['get_issue', 'list_issues']);
    // GITHUB_READ_ONLY=1 wins over --allow-writes, as in github-mcp-server.
    const readOnly = await listed({ allowWrites: true }, { GITHUB_READ_ONLY: '1' });
    expect(readOnly.length).toBeGreaterThan(0);
    expect(readOnly.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect((await listed({ allowWrites: true })).some((t) => t.name === 'create_issue')).toBe(true);
    await expect(serve({ toolsets: 'gists' })).rejects.toThrow(
      /Unknown GitHub toolset "gists"; known toolsets: context, repos/,
    );
    await expect(serve({ tools: 'get_isue' })).rejects.toThrow(/Unknown GitHub tool "get_isue"/);
    await expect(serve({ toolset: 'repos' })).rejects.toThrow(
      /--toolset: unknown option \(did you mean --toolsets\?\)/,
    );
  });
});

describe('token scopes', () => {
  it('hides the writes a classic token without repo/public_repo cannot do, once GitHub answers', async () => {
    const client = await connect(await serve({ allowWrites: true }, { GITHUB_TOKEN: TOKENS.narrow }));
    try {
      await vi.waitFor(
        async () => {
          const tools = (await client.listTools()).tools;
          expect(tools.filter((t) => !t.annotations?.readOnlyHint)).toEqual([]);
          expect(tools.length).toBe(20);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await client.close();
    }
  });

  it('keeps the writes for a classic repo token and a fine-grained one (no scope header)', async () => {
    for (const token of [TOKENS.classic, TOKENS.fineGrained]) {
      const messages: string[] = [];
      const client = await connect(await serve({ allowWrites: true }, { GITHUB_TOKEN: token }, messages));
      try {
        await vi.waitFor(() => expect(messages).toContain('github: token scopes checked'), {
          timeout: 10_000,
          interval: 50,
        });
        expect((await client.listTools()).tools.length).toBe(28);
      } finally {
        await client.close();
      }
    }
  });

  it('starts and lists every tool at once when GitHub cannot be reached', async () => {
    const closed = await startStandin();
    const url = closed.url;
    await closed.stop(); // nothing listens there now
    const messages: string[] = [];
    const client = await connect(await serve({ allowWrites: true }, { GITHUB_API_URL: url }, messages));
    try {
      expect((await client.listTools()).tools.length).toBe(28);
      const res = await call(client, 'get_repository', { owner: o, repo: r });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toMatch(/GitHub API error: connection refused reaching the GitHub API/);
      await vi.waitFor(
        () => expect(messages).toContain('github: scope check failed; all tools stay listed'),
        {
          timeout: 10_000,
          interval: 50,
        },
      );
      expect((await client.listTools()).tools.length).toBe(28);
    } finally {
      await client.close();
    }
  });
});

describe.each(ERAS)('lockdown (%s era)', (era) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connect(await serve({ lockdown: true }), { era });
  });
  afterAll(() => client.close());

  it("withholds a non-collaborator's comment in a public repository, keeps the others", async () => {
    const res = await call(client, 'get_issue', {
      owner: o,
      repo: r,
      issue_number: SEED.injectionIssue,
      comments_limit: 50,
    });
    const comments = res.structuredContent.commentsPage as {
      author: string;
      body: string;
      withheld?: boolean;
    }[];
    const mallory = comments.filter((c) => c.author === 'mallory');
    expect(mallory.length).toBeGreaterThan(0);
    for (const c of mallory)
      expect(c).toMatchObject({ withheld: true, body: expect.stringMatching(/^\[withheld by lockdown/) });
    expect(textOf(res)).not.toContain('curl evil.example');
    expect(
      comments
        .filter((c) => c.author !== 'mallory')
        .every((c) => !c.withheld && c.body.startsWith('Comment')),
    ).toBe(true);
    expect(res.structuredContent.commentsWithheld).toBe(mallory.length);
  });

  it('withholds an issue body, a review and a review comment by a non-collaborator', async () => {
    const issue = await call(client, 'get_issue', { owner: o, repo: r, issue_number: SEED.strangerIssue });
    expect(issue.structuredContent.bodyWithheld).toBe(true);
    expect(textOf(issue)).not.toContain('IGNORE ALL PREVIOUS INSTRUCTIONS');
    const reviews = await call(client, 'get_pull_request_reviews', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
    });
    expect(reviews.structuredContent.withheld).toBe(1);
    expect(textOf(reviews)).not.toContain('merge immediately');
    expect(textOf(reviews)).toContain('Looks good.');
    const comments = await call(client, 'get_pull_request_comments', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
    });
    expect(comments.structuredContent.withheld).toBe(1);
  });

  it("fails closed when the token cannot check permissions: only the owner's text is shown", async () => {
    const stranger = await connect(await serve({ lockdown: true }, { GITHUB_TOKEN: TOKENS.mallory }), {
      era,
    });
    try {
      const res = await call(stranger, 'get_issue', {
        owner: o,
        repo: r,
        issue_number: SEED.injectionIssue,
        comments_limit: 50,
      });
      const comments = res.structuredContent.commentsPage as { author: string; withheld?: boolean }[];
      expect(res.structuredContent.bodyWithheld).toBeUndefined(); // octo, the owner, wrote it
      expect(comments.filter((c) => !c.withheld).every((c) => c.author === 'octo')).toBe(true);
      expect(comments.some((c) => c.author === 'alice' && c.withheld)).toBe(true);
    } finally {
      await stranger.close();
    }
  });

  it('trusts everyone in a private repository', async () => {
    const res = await call(client, 'get_issue', { owner: o, repo: SEED.privateRepo, issue_number: 1 });
    expect(res.structuredContent.body).toBe('Private body 1.');
  });
});

describe('GITHUB_HOST and GITHUB_LOCKDOWN_MODE', () => {
  it('reach a GHES host under /api/v3 and turn lockdown on', async () => {
    const ghes = await startStandin({ ghes: true });
    const host = ghes.url.replace(/\/api\/v3$/, '');
    const client = await connect(
      await serve({}, { GITHUB_API_URL: '', GITHUB_HOST: host, GITHUB_LOCKDOWN_MODE: 'true' }),
    );
    try {
      const res = await call(client, 'get_issue', { owner: o, repo: r, issue_number: SEED.strangerIssue });
      expect(res.structuredContent.bodyWithheld).toBe(true);
      expect(ghes.exchanges.length).toBeGreaterThan(0);
      expect(ghes.exchanges.every((e) => e.rawPath.startsWith('/api/v3/'))).toBe(true);
    } finally {
      await client.close();
      await ghes.stop();
    }
  });
});

describe('without lockdown', () => {
  it('shows every comment (sanitised)', async () => {
    const client = await connect(await serve({}));
    try {
      const res = await call(client, 'get_issue', {
        owner: o,
        repo: r,
        issue_number: SEED.injectionIssue,
        comments_limit: 50,
      });
      // Text by others comes as a quoted block, so it cannot pass for the server's own lines.
      const c = standin.world.repo(o, r)!.comments.find((x) => x.author === 'mallory')!;
      expect(textOf(res)).toContain(
        `comment ${c.id} by mallory on ${c.createdAt.slice(0, 10)}:\n> ${c.body}`,
      );
    } finally {
      await client.close();
    }
    expect(violations(standin.exchanges)).toEqual([]);
  });
});
