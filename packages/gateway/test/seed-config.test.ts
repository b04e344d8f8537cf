import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compose,
  createRuntime,
  defineServer,
  defineTool,
  type Runtime,
  type ServerModule,
  text,
} from '@mcpkit/core';
import { connect, ERAS } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
// The postgres package's private test cluster (initdb on 127.0.0.1), reused rather than copied.
import { startCluster } from '../../postgres/test/support/cluster.mjs';
import { type GatewayUpstream, gatewayModules, INHERITED_ENV_VARS } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
type Result = { content?: Array<{ text?: string }>; isError?: boolean };
const textOf = (result: unknown) => ((result as Result).content ?? []).map((c) => c.text ?? '').join('\n');

/** The seed's example Claude Desktop config, pointed at a temp folder and a local cluster. */
function seedConfig(documents: string, databaseUrl: string) {
  return {
    mcpServers: {
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', documents] },
      postgres: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', databaseUrl] },
      'custom-python-server': {
        command: 'python',
        args: [join(here, 'fixtures', 'python_server.py')],
        env: { API_KEY: 'your-api-key' },
      },
    },
  };
}

// A built-in (in-process) server next to the upstreams, as mcpkit's own servers are mounted.
const builtIn = defineServer({
  name: 'calc',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'add',
      description: 'Adds two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      annotations: { readOnlyHint: true },
      handler: ({ a, b }) => text(String(a + b)),
    }),
  ],
});

describe('the seed’s example config, served as one endpoint', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let documents: string;
  let upstreams: GatewayUpstream[];
  let runtime: Runtime;

  beforeAll(async () => {
    process.env.GITHUB_TOKEN = 'ghp_gateway_secret_0123456789abcdefghij';
    cluster = await startCluster();
    await cluster.admin('create table notes (id int, body text)');
    await cluster.admin('insert into notes values (1, $1)', ['hi']);
    await cluster.admin('grant select on notes to reader');
    documents = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-docs-'));
    writeFileSync(join(documents, 'hello.txt'), 'hello from the documents folder\n');
    const config = seedConfig(documents, cluster.readerUrl);
    const gateway = gatewayModules(config.mcpServers, { start: 'eager' });
    upstreams = gateway.upstreams;
    const mounts: Record<string, ServerModule> = { calc: builtIn, ...gateway.mounts };
    // One runtime for both eras' clients (a client that owns its runtime closes the module with it).
    runtime = await createRuntime(compose({ name: 'gateway', version: '1.0.0' }, mounts));
  }, 120_000);

  afterAll(async () => {
    delete process.env.GITHUB_TOKEN;
    await runtime?.close();
    await cluster?.stop();
    if (documents) rmSync(documents, { recursive: true, force: true });
  });

  it('runs npx entries from the installed packages (no registry, no npx wrapper)', () => {
    const status = upstreams.map((u) => [u.name, u.status().target]);
    expect(status).toEqual([
      ['filesystem', `stdio: ${process.execPath.split('/').pop()}`],
      ['postgres', `stdio: ${process.execPath.split('/').pop()}`],
      ['custom-python-server', 'stdio: python'],
    ]);
  });

  it.each(ERAS)(
    '%s era: filesystem, postgres and the Python server work as namespaced tools',
    async (era) => {
      const client = await connect(runtime, { era });
      try {
        const python = upstreams[2]!.namespace;
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toEqual(
          expect.arrayContaining([
            'calc_add',
            'filesystem_read_text_file',
            'filesystem_list_directory',
            'postgres_query',
            `${python}_has_api_key`,
            'gateway_status',
          ]),
        );
        expect(names.every((name) => name.length <= 64)).toBe(true);

        const listing = await client.callTool({
          name: 'filesystem_list_directory',
          arguments: { path: documents },
        });
        expect(textOf(listing)).toContain('hello.txt');
        const file = await client.callTool({
          name: 'filesystem_read_text_file',
          arguments: { path: join(documents, 'hello.txt') },
        });
        expect(textOf(file)).toContain('hello from the documents folder');
        const outside = await client.callTool({
          name: 'filesystem_read_text_file',
          arguments: { path: '/etc/passwd' },
        });
        expect((outside as Result).isError).toBe(true);

        const rows = await client.callTool({
          name: 'postgres_query',
          arguments: { sql: 'select id, body from notes' },
        });
        expect(JSON.parse(textOf(rows))).toEqual([{ id: 1, body: 'hi' }]);

        expect(textOf(await client.callTool({ name: `${python}_has_api_key`, arguments: {} }))).toBe('yes');
        const seen = JSON.parse(
          textOf(await client.callTool({ name: `${python}_env_names`, arguments: {} })),
        );
        // Beyond the allow-list and its own env, only what the interpreter and a pyenv shim set themselves.
        const allowed = new Set([
          ...INHERITED_ENV_VARS,
          'API_KEY',
          'LC_CTYPE',
          'PWD',
          'OLDPWD',
          'SHLVL',
          '_',
        ]);
        expect(seen.filter((name: string) => !allowed.has(name) && !/^_?PYENV_/.test(name))).toEqual([]);
        expect(seen).not.toContain('GITHUB_TOKEN');

        expect(textOf(await client.callTool({ name: 'calc_add', arguments: { a: 2, b: 3 } }))).toBe('5');
      } finally {
        await client.close();
      }
    },
  );
});
