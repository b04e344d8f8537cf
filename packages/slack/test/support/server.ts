import { createDeclaredServer, type Era, type ServerModule, silentLogger } from '@mcpkit/core';
import { connect, resultText, type TestClient } from '@mcpkit/core/testing';
import { servers } from '../../src/declaration.js';
import { type SlackStandin, TOKENS } from '../standin/server.js';

export interface Setup {
  /** Tokens in the environment (default: bot and user). */
  bot?: string | null;
  user?: string | null;
  /** The server's options as a config file or flags would give them. */
  options?: Record<string, unknown>;
  /** More environment variables. */
  env?: Record<string, string>;
  era?: Era;
}

/** The module built as `mcpkit serve slack` builds it: env tokens, options, write policy. */
export function slackModule(
  standin: SlackStandin | { apiUrl: string },
  setup: Setup = {},
): Promise<ServerModule> {
  const env: NodeJS.ProcessEnv = { SLACK_API_URL: standin.apiUrl, ...setup.env };
  const bot = setup.bot === undefined ? TOKENS.bot : setup.bot;
  const user = setup.user === undefined ? TOKENS.user : setup.user;
  if (bot) env.SLACK_BOT_TOKEN = bot;
  if (user) env.SLACK_USER_TOKEN = user;
  return createDeclaredServer(
    servers[0]!,
    { options: setup.options ?? {} },
    { logger: silentLogger(), cwd: process.cwd(), env },
  );
}

export async function slackClient(
  standin: SlackStandin | { apiUrl: string },
  setup: Setup = {},
): Promise<TestClient> {
  return connect(await slackModule(standin, setup), { era: setup.era ?? 'legacy' });
}

export interface Outcome {
  isError: boolean;
  text: string;
  structured: Record<string, any>;
  /** The whole result as JSON: what crosses the wire. */
  size: number;
}

export async function call(
  client: TestClient,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Outcome> {
  const raw = await client.callTool({ name, arguments: args });
  return {
    isError: raw.isError === true,
    text: resultText(raw),
    structured: (raw.structuredContent ?? {}) as Record<string, any>,
    size: JSON.stringify(raw).length,
  };
}

export async function toolNames(client: TestClient): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort();
}
