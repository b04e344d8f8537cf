import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eraClientOptions } from '@mcpkit/core/client';
import { ERAS, resultText } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../examples/openapi/upstream.mjs';

// The built CLI (npm test builds first), as a user runs it.
const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../../../examples/openapi/jsonplaceholder.yaml', import.meta.url));
const TOKEN = 'cli-test-token-7';
let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream({ token: TOKEN });
});
afterAll(async () => {
  await upstream?.close();
});

describe.each(ERAS)('`mcpkit serve openapi` over stdio (%s era)', (era) => {
  it('serves the example spec against its stand-in; --allow-writes adds create_post', async () => {
    if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
    for (const writes of [false, true]) {
      const client = new Client({ name: 'openapi-cli-test', version: '1.0.0' }, eraClientOptions(era));
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [
          CLI,
          'serve',
          'openapi',
          SPEC,
          '--base-url',
          upstream.url,
          '--log-level',
          'warn',
          ...(writes ? ['--allow-writes'] : []),
        ],
        env: { PATH: process.env.PATH ?? '', OPENAPI_PLACEHOLDER_TOKEN: TOKEN },
        stderr: 'pipe',
      });
      await client.connect(transport);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names.includes('create_post')).toBe(writes);
        expect(names).toContain('fetch_user');
        const user = await client.callTool({ name: 'fetch_user', arguments: { id: 5 } });
        expect(user.structuredContent).toMatchObject({ id: 5, username: 'user5' });
        if (writes) {
          const created = await client.callTool({
            name: 'create_post',
            arguments: { userId: 5, title: `cli ${era}`, body: 'over stdio' },
          });
          expect(resultText(created)).toContain(`"title":"cli ${era}"`);
        }
      } finally {
        await client.close();
      }
    }
  });
});
