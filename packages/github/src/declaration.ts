import { declareServer, option } from '@mcpkit/core';
import * as z from 'zod';

export const githubOptions = z
  .object({
    apiUrl: z
      .string()
      .url()
      .optional()
      .describe('GitHub API root (GHES: https://HOST/api/v3; GHE.com: https://api.SUBDOMAIN.ghe.com)'),
    host: z
      .string()
      .url()
      .optional()
      .describe(
        'GitHub host as github-mcp-server takes it (GITHUB_HOST): https://HOST means https://HOST/api/v3',
      ),
    toolsets: option
      .list()
      .optional()
      .describe('Toolsets to serve: context,repos,issues,pull_requests,search (default all)'),
    tools: option
      .list()
      .optional()
      .describe('Individual tools to serve (github-mcp-server names and aliases accepted)'),
    excludeTools: option.list().optional().describe('Tools never to serve'),
    allowMerge: option
      .flag()
      .default(false)
      .describe('Also serve merge_pull_request (needs --allow-writes too)'),
    lockdown: option
      .flag()
      .default(false)
      .describe('Withhold text by authors without push access in public repositories'),
    maxFileBytes: option
      .size()
      .default(10 * 1024 * 1024)
      .describe('Largest file read for line windows'),
  })
  .strict();

export const servers = [
  declareServer({
    name: 'github',
    description:
      'GitHub: repositories, files, issues, pull requests, branches and commits ' +
      '(read-only unless --allow-writes)',
    options: githubOptions,
    // github-mcp-server's variable names, so an existing environment carries over.
    env: {
      apiUrl: 'GITHUB_API_URL',
      host: 'GITHUB_HOST',
      toolsets: 'GITHUB_TOOLSETS',
      tools: 'GITHUB_TOOLS',
      excludeTools: 'GITHUB_EXCLUDE_TOOLS',
      lockdown: 'GITHUB_LOCKDOWN_MODE',
      readOnly: 'GITHUB_READ_ONLY', // as github-mcp-server: wins over everything
    },
    writes: 'off',
    async create({ host, ...options }, { logger, env }) {
      const { apiUrlForHost, createGithubServer } = await import('./server.js');
      return createGithubServer({ ...options, apiUrl: options.apiUrl ?? apiUrlForHost(host), env, logger });
    },
  }),
];
