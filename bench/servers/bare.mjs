// The bare SDK v2 baseline for bench/servers/overhead.mjs: a plain McpServer on a
// StdioServerTransport with one tool that makes the same HTTP request to the stand-in as the
// mcpkit server's tool does (plain fetch) and returns the JSON text. Nothing else: no output
// shaping, no bounds, no audit line, no retries.
//
//   BARE_STANDIN='<the stand-in host's "bare" JSON>' node bench/servers/bare.mjs github|slack|gdrive|openapi
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const which = process.argv[2];
const standin = JSON.parse(process.env.BARE_STANDIN ?? '{}');

/** The JSON answer of a request as text, or an error result with the status. */
async function answer(response) {
  const text = await response.text();
  if (!response.ok)
    return { isError: true, content: [{ type: 'text', text: `HTTP ${response.status}: ${text}` }] };
  return { content: [{ type: 'text', text }] };
}

/** Drive's access token from the stored refresh token, fetched once and kept (as any client does). */
let driveToken;
async function driveAccessToken() {
  if (driveToken) return driveToken;
  const response = await fetch(standin.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: standin.refreshToken,
      client_id: standin.clientId,
      client_secret: standin.clientSecret,
    }),
  });
  driveToken = (await response.json()).access_token;
  return driveToken;
}

// The same request as the mcpkit tool's (overhead.mjs checks the stand-in saw the same URL).
const DRIVE_FILE_FIELDS =
  'id,name,mimeType,size,modifiedTime,createdTime,webViewLink,owners(displayName,emailAddress),driveId,' +
  'parents,trashed,shortcutDetails(targetId,targetMimeType),description,webContentLink,exportLinks,' +
  'version,md5Checksum,capabilities(canDownload,canEdit,canShare),lastModifyingUser(displayName,' +
  'emailAddress),starred,shared';

const TOOLS = {
  github: {
    name: 'get_issue',
    input: { owner: z.string(), repo: z.string(), issue_number: z.number().int() },
    call: ({ owner, repo, issue_number }) =>
      fetch(`${standin.url}/repos/${owner}/${repo}/issues/${issue_number}`, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `token ${standin.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'bare-sdk-bench',
        },
      }),
  },
  slack: {
    name: 'get_channel_history',
    input: { channel: z.string(), limit: z.number().int().optional() },
    call: ({ channel, limit = 20 }) =>
      fetch(`${standin.url}conversations.history`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${standin.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ channel, limit: String(limit) }),
      }),
  },
  gdrive: {
    name: 'get_file',
    input: { file_id: z.string() },
    call: async ({ file_id }) => {
      const params = new URLSearchParams({ supportsAllDrives: 'true', fields: DRIVE_FILE_FIELDS });
      return fetch(`${standin.url}drive/v3/files/${encodeURIComponent(file_id)}?${params}`, {
        headers: { authorization: `Bearer ${await driveAccessToken()}` },
      });
    },
  },
  openapi: {
    name: 'fetch_user',
    input: { id: z.number().int().min(1) },
    call: ({ id }) => fetch(`${standin.url}/users/${id}`, { headers: { accept: 'application/json' } }),
  },
};

const tool = TOOLS[which];
if (!tool) {
  console.error('usage: bare.mjs github|slack|gdrive|openapi (BARE_STANDIN in the environment)');
  process.exit(2);
}
const server = new McpServer({ name: `bare-${which}`, version: '1.0.0' });
server.registerTool(
  tool.name,
  { description: `${tool.name} on the stand-in`, inputSchema: z.object(tool.input) },
  async (args) => answer(await tool.call(args)),
);
await server.connect(new StdioServerTransport());
