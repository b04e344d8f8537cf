import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eraClientOptions } from '@mcpkit/core/client';
import { ERAS } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEED, TOKENS } from './standin/seed.js';
import { type GitHubStandin, startStandin } from './standin/server.js';
import { violations } from './support/harness.js';

// `mcpkit serve github` as a user runs it: the built CLI over stdio, the token in the environment.
const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

let standin: GitHubStandin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.stop());

describe.each(ERAS)('mcpkit serve github (%s era)', (era) => {
  async function open(args: string[], token: string) {
    if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
    const client = new Client({ name: 'github-cli-test', version: '1.0.0' }, eraClientOptions(era));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', 'github', '--log-level', 'debug', ...args],
      env: { PATH: process.env.PATH ?? '', GITHUB_API_URL: standin.url, GITHUB_PERSONAL_ACCESS_TOKEN: token },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    await client.connect(transport);
    return { client, stderr: () => stderr };
  }

  it('serves the read tools by default, answers from GitHub, and never logs the token', async () => {
    const { client, stderr } = await open([], TOKENS.classic);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.length).toBe(20);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      const res = await client.callTool({
        name: 'get_issue',
        arguments: {
          owner: SEED.owner,
          repo: SEED.publicRepo,
          issue_number: SEED.injectionIssue,
          comments_limit: 2,
        },
      });
      expect(res.isError).toBeFalsy();
      expect((res.structuredContent as { title: string }).title).toBe('Release checklist');
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain(TOKENS.classic);
  });

  it('--allow-writes with a token without repo scope: writes hidden once scopes are known', async () => {
    const { client, stderr } = await open(['--allow-writes'], TOKENS.narrow);
    try {
      await vi.waitFor(
        async () => {
          const tools = (await client.listTools()).tools;
          expect(tools.filter((t) => !t.annotations?.readOnlyHint)).toEqual([]);
        },
        { timeout: 15_000, interval: 100 },
      );
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain(TOKENS.narrow);
    expect(violations(standin.exchanges)).toEqual([]);
  });
});
