/**
 * @mcpkit/github: a GitHub MCP server (repositories, files, issues, pull requests, branches and
 * commits), read-only by default, bounded output, contract-tested against GitHub's OpenAPI description.
 */
export { createClient, DEFAULT_API_URL, normalizeApiUrl } from './api/client.js';
export { GitHubApi } from './api/github.js';
export { sanitizeText } from './api/sanitize.js';
export { githubOptions, servers } from './declaration.js';
export { createGithubServer, type GithubServerOptions, tokenFrom, VERSION } from './server.js';
export { selectedNames, TOOL_ALIASES, TOOLSETS } from './toolsets.js';
