import { type ServerModule } from '@mcpkit/core';
import { connect, type TestClient } from '@mcpkit/core/testing';
import type { Era } from '@mcpkit/core';
import { Contract } from '../contract/validator.js';
import { TOKENS } from '../standin/seed.js';
import { type GitHubStandin, type Recorded, startStandin, type StandinOptions } from '../standin/server.js';
import { createGithubServer, type GithubServerOptions } from '../../src/server.js';

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

export interface CallResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: any;
}

export async function call(client: TestClient, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  return (await client.callTool({ name, arguments: args })) as CallResult;
}

export function textOf(result: CallResult): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

/** Characters a model reads from a result: its text plus its structured content as JSON. */
export function resultChars(result: CallResult): number {
  return textOf(result).length + (result.structuredContent ? JSON.stringify(result.structuredContent).length : 0);
}

/** Every contract violation in the exchanges the stand-in recorded (requests and responses). */
export function violations(exchanges: readonly Recorded[]): string[] {
  return exchanges.flatMap((ex) => contract.check(ex));
}
