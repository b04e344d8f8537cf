import type { Era, ServerModule } from '@mcpkit/core';
import { connect, type TestClient } from '@mcpkit/core/testing';
import { createGithubServer, type GithubServerOptions } from '../../src/server.js';
import { Contract } from '../contract/validator.js';
import { TOKENS } from '../standin/seed.js';
import { type GitHubStandin, type Recorded, type StandinOptions, startStandin } from '../standin/server.js';

/** One contract for the whole run (compiling GitHub's schemas once). */
export const contract = new Contract();

export interface World {
  standin: GitHubStandin;
  module: ServerModule;
  client: TestClient;
  close(): Promise<void>;
}

/** A stand-in, a server module on it (writes and merge on, no pacing), and an in-memory client. */
export async function openWorld(
  era: Era,
  options: GithubServerOptions & { token?: string | null } = {},
  standinOptions: StandinOptions = {},
): Promise<World> {
  const standin = await startStandin(standinOptions);
  const { token = TOKENS.classic, ...rest } = options;
  const module = createGithubServer({
    apiUrl: standin.url,
    env: token ? { GITHUB_TOKEN: token } : {},
    writes: true,
    allowMerge: true,
    pacing: false,
    ...rest,
  });
  const client = await connect(module, { era });
  // With writes and a token the server checks the token's scopes in the background (GET /user):
  // wait until that request has arrived, so tests that count or limit requests start after it.
  if ((options.writes ?? true) && token) await until(() => standin.exchanges.some((e) => e.url === '/user'));
  return {
    standin,
    module,
    client,
    async close() {
      await client.close();
      await standin.stop();
    },
  };
}

/** Polls a condition (every 10 ms, at most 10 s): waiting for a state, never for a fixed time. */
export async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface CallResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: any;
}

export async function call(
  client: TestClient,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallResult> {
  return (await client.callTool({ name, arguments: args })) as CallResult;
}

export function textOf(result: CallResult): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

/** Characters a model reads from a result: its text plus its structured content as JSON. */
export function resultChars(result: CallResult): number {
  return (
    textOf(result).length + (result.structuredContent ? JSON.stringify(result.structuredContent).length : 0)
  );
}

/** Every contract violation in the exchanges the stand-in recorded (requests and responses). */
export function violations(exchanges: readonly Recorded[]): string[] {
  return exchanges.flatMap((ex) => contract.check(ex));
}
