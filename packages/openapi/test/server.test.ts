import { fileURLToPath } from 'node:url';
import { createDeclaredServer, ServerCatalog, silentLogger } from '@mcpkit/core';
import { buildFromConfig, loadConfig } from '@mcpkit/core/config';
import { checkToolSnapshots, connect, ERAS, resultText } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../examples/openapi/upstream.mjs';
import { servers } from '../src/declaration.js';
import { createOpenApiServer } from '../src/index.js';
import { json, startServer, type TestServer } from './support/http.js';
import { example, type Prism, startPrism } from './support/prism.js';

const PETSTORE = example('3.0/json/petstore.json');
const PLACEHOLDER = fileURLToPath(new URL('../../../examples/openapi/jsonplaceholder.yaml', import.meta.url));
const GITHUB = fileURLToPath(new URL('./fixtures/api.github.com.json.gz', import.meta.url));
const SNAPS = (name: string) => fileURLToPath(new URL(`./__toolsnaps__/${name}`, import.meta.url));
const TOKEN = 'server-test-token-42';
const CONFIG = fileURLToPath(new URL('../../../examples/openapi/mcpkit.yaml', import.meta.url));

let prism: Prism;
let upstream: Upstream;
let github: TestServer;

beforeAll(async () => {
  [prism, upstream, github] = await Promise.all([
    startPrism(PETSTORE),
    startUpstream({ token: TOKEN }),
    startServer((req, res) =>
      req.url.startsWith('/repos/octo/hello/pulls')
        ? json(res, 200, [])
        : json(res, 404, { message: 'Not Found' }),
    ),
  ]);
});
afterAll(async () => {
  await Promise.all([prism?.stop(), upstream?.close(), github?.close()]);
});

/** Built through the declaration, so options and the write policy apply as `mcpkit serve openapi` does. */
function declared(spec: string, options: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
  return createDeclaredServer(
    servers[0]!,
    { args: [spec], options },
    { logger: silentLogger(), cwd: process.cwd(), env },
  );
}

describe('tool schema snapshots', () => {
  it('petstore: its GET operations', async () => {
    const client = await connect(await declared(PETSTORE, { baseUrl: prism.url }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([
        'find_pets_by_status',
        'get_pet_by_id',
        'get_inventory',
        'get_order_by_id',
        'login_user',
        'logout_user',
        'get_user_by_name',
      ]);
      checkToolSnapshots(tools, SNAPS('petstore'));
    } finally {
      await client.close();
    }
  });

  it('the example spec with writes and its DELETE allowed', async () => {
    const client = await connect(
      await declared(PLACEHOLDER, { baseUrl: upstream.url, allowWrites: true, allowDelete: ['delete_post'] }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([
        'list_users',
        'fetch_user',
        'list_user_posts',
        'list_posts',
        'create_post',
        'get_post',
        'delete_post',
        'update_post',
      ]);
      checkToolSnapshots(tools, SNAPS('jsonplaceholder'));
    } finally {
      await client.close();
    }
  });
  it('dynamic mode: the three meta-tools', async () => {
    const client = await connect(await declared(PLACEHOLDER, { baseUrl: upstream.url, mode: 'dynamic' }));
    try {
      const { tools } = await client.listTools();
      checkToolSnapshots(tools, SNAPS('dynamic'));
    } finally {
      await client.close();
    }
  });
});

describe.each(ERAS)('%s era', (era) => {
  it('petstore through Prism: the key from the environment, a 401 naming it without', async () => {
    const key = `petstore-key-${era}`;
    const withKey = await connect(
      await declared(PETSTORE, { baseUrl: prism.url }, { OPENAPI_API_KEY_KEY: key }),
      { era },
    );
    const without = await connect(await declared(PETSTORE, { baseUrl: prism.url }), { era });
    try {
      const ok = await withKey.callTool({ name: 'get_pet_by_id', arguments: { petId: 3 } });
      expect(ok.isError).toBeFalsy();
      expect(ok.structuredContent).toMatchObject({ name: expect.any(String), photoUrls: expect.any(Array) });
      const refused = await without.callTool({ name: 'get_pet_by_id', arguments: { petId: 3 } });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toContain('API error 401');
      expect(resultText(refused)).toContain('set OPENAPI_API_KEY_KEY');
      const { tools } = await withKey.listTools();
      expect(JSON.stringify(tools)).not.toContain('api_key');
      // A wrong type is refused by the input schema before any request reaches Prism.
      const before = prism.received();
      const wrong = await withKey.callTool({ name: 'get_pet_by_id', arguments: { petId: 'three' } });
      expect(wrong.isError).toBe(true);
      expect(resultText(wrong)).toMatch(/petId/);
      expect(prism.received()).toBe(before);
    } finally {
      await Promise.all([withKey.close(), without.close()]);
    }
  });

  it('the seed example: fetch_user and create_post without hand-written code', async () => {
    const client = await connect(
      await declared(
        PLACEHOLDER,
        { baseUrl: upstream.url, allowWrites: true },
        { OPENAPI_PLACEHOLDER_TOKEN: TOKEN },
      ),
      { era },
    );
    try {
      const user = await client.callTool({ name: 'fetch_user', arguments: { id: 1 } });
      expect(user.structuredContent).toMatchObject({ id: 1, username: 'user1' });
      const created = await client.callTool({
        name: 'create_post',
        arguments: { userId: 1, title: `from ${era}`, body: 'hello' },
      });
      expect(created.isError).toBeFalsy();
      expect(created.structuredContent).toMatchObject({ userId: 1, title: `from ${era}` });
      expect(upstream.state.posts.some((p) => p.title === `from ${era}`)).toBe(true);
      const refused = await client.callTool({
        name: 'create_post',
        arguments: { userId: 77, title: 't', body: 'b' },
      });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toContain('API error 400');
      expect(resultText(refused)).toContain('userId 77 does not exist');
      const { tools } = await client.listTools();
      const create = tools.find((t) => t.name === 'create_post')!;
      expect(create.annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: false,
        openWorldHint: true,
      });
      expect(tools.find((t) => t.name === 'delete_post')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("GitHub's full spec in dynamic mode: list, describe, call", async () => {
    const client = await connect(await declared(GITHUB, { baseUrl: github.url }), { era });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['list_operations', 'describe_operation', 'call_operation']);
      // Without writes, call_operation only reaches read operations, and says so.
      expect(tools[2]!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
      const listed = await client.callTool({
        name: 'list_operations',
        arguments: { query: 'pulls list', tag: 'pulls' },
      });
      const ids = (listed.structuredContent as { operations: { id: string }[] }).operations.map((o) => o.id);
      expect(ids).toContain('pulls_list');
      const described = await client.callTool({
        name: 'describe_operation',
        arguments: { id: 'pulls_list' },
      });
      expect(Buffer.byteLength(resultText(described))).toBeLessThanOrEqual(8 * 1024);
      expect(described.structuredContent).toMatchObject({
        method: 'GET',
        path: '/repos/{owner}/{repo}/pulls',
      });
      const called = await client.callTool({
        name: 'call_operation',
        arguments: { id: 'pulls_list', arguments: { owner: 'octo', repo: 'hello', state: 'closed' } },
      });
      expect(called.isError).toBeFalsy();
      expect(github.requests.at(-1)!.url).toBe('/repos/octo/hello/pulls?state=closed');
      const bad = await client.callTool({
        name: 'call_operation',
        arguments: { id: 'pulls_list', arguments: {} },
      });
      expect(bad.isError).toBe(true);
      expect(resultText(bad)).toContain("must have required property 'owner'");
      const unknown = await client.callTool({ name: 'describe_operation', arguments: { id: 'nope' } });
      expect(resultText(unknown)).toBe('No operation "nope". Use list_operations to find ids.');
      const typo = await client.callTool({ name: 'describe_operation', arguments: { id: 'pulls_lsit' } });
      expect(resultText(typo)).toContain('Did you mean "pulls_list"?');
      const write = await client.callTool({
        name: 'call_operation',
        arguments: { id: 'repos_delete', arguments: {} },
      });
      expect(write.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('the declaration', () => {
  it('applies the write policy: read-only wins; DELETE needs its allow-list', async () => {
    const names = async (options: Record<string, unknown>) =>
      (await declared(PLACEHOLDER, { baseUrl: upstream.url, ...options })).tools.map((t) => t.name);
    expect(await names({})).not.toContain('create_post');
    expect(await names({ allowWrites: true })).toContain('create_post');
    expect(await names({ allowWrites: true })).not.toContain('delete_post');
    expect(await names({ allowWrites: true, allowDelete: 'delete_post' })).toContain('delete_post');
    expect(await names({ allowWrites: true, readOnly: true })).not.toContain('create_post');
    expect(await names({ include: 'tag:users' })).toEqual(['list_users', 'fetch_user', 'list_user_posts']);
    expect(await names({ exclude: '/posts/**,list_users' })).toEqual([
      'fetch_user',
      'list_user_posts',
      'list_posts',
    ]);
  });

  it('refuses a broken spec and bad options with errors naming them', async () => {
    await expect(declared('does-not-exist.yaml')).rejects.toThrow(
      'cannot read spec does-not-exist.yaml: no such file',
    );
    await expect(declared(PLACEHOLDER, { mode: 'sometimes' })).rejects.toThrow(/--mode/);
    await expect(declared(PLACEHOLDER, { serverVars: 'novalue' })).rejects.toThrow(/name=value/);
  });

  it('fills server variables and reads the spec from OPENAPI_SPEC', async () => {
    const module = await createDeclaredServer(
      servers[0]!,
      { options: { maxTools: 3 } },
      {
        logger: silentLogger(),
        cwd: process.cwd(),
        env: { OPENAPI_SPEC: PLACEHOLDER, OPENAPI_BASE_URL: upstream.url },
      },
    );
    expect(module.tools.map((t) => t.name)).toEqual([
      'list_operations',
      'describe_operation',
      'call_operation',
    ]);
    const { module: direct } = await createOpenApiServer({ spec: PLACEHOLDER, name: 'placeholder' });
    expect(direct.name).toBe('placeholder');
    const { summary } = await createOpenApiServer({ spec: PLACEHOLDER, include: ['tag:nothing', 'POST'] });
    expect(summary.warnings).toEqual([
      'no operation is served: 7 left out by --include/--exclude; 1 writes (--allow-writes serves them)',
    ]);
  });

  it('examples/openapi/mcpkit.yaml serves the example against its stand-in', async () => {
    const env = { PLACEHOLDER_URL: upstream.url, OPENAPI_PLACEHOLDER_TOKEN: TOKEN };
    const catalog = new ServerCatalog(servers);
    const { config, baseDir } = await loadConfig(CONFIG, { catalog, env });
    const { module } = await buildFromConfig(config, catalog, { logger: silentLogger(), cwd: baseDir, env });
    const client = await connect(module);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('create_post');
      const user = await client.callTool({ name: 'fetch_user', arguments: { id: 2 } });
      expect(user.structuredContent).toMatchObject({ id: 2, username: 'user2' });
    } finally {
      await client.close();
    }
  });

  it("raised limits are not cut short by core's server-wide ones", async () => {
    const big = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(40) })) };
    const api = await startServer((_req, res) => json(res, 200, big));
    try {
      const spec = {
        openapi: '3.1.0',
        info: { title: 'big', version: '1' },
        paths: {
          '/big': {
            get: {
              operationId: 'big',
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
              },
            },
          },
        },
      };
      const { module } = await createOpenApiServer({
        spec,
        baseUrl: api.url,
        maxResponseBytes: 512 * 1024,
        timeoutMs: 90_000,
      });
      const tool = module.tools[0]!;
      expect(tool.maxOutputBytes).toBe(2 * 512 * 1024 + 16 * 1024);
      expect(tool.timeoutMs).toBe(185_000);
      const client = await connect(module);
      try {
        const result = await client.callTool({ name: 'big', arguments: {} });
        expect(Buffer.byteLength(resultText(result))).toBeGreaterThan(256 * 1024);
        expect(result.structuredContent).toEqual(big);
      } finally {
        await client.close();
      }
    } finally {
      await api.close();
    }
  });
});
