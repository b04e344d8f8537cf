import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../examples/openapi/upstream.mjs';
import { OpenApiCatalog, type OpenApiOptions } from '../src/index.js';

const SPEC = new URL('../../../examples/openapi/jsonplaceholder.yaml', import.meta.url).pathname;
const TOKEN = 'stand-in-token-0123';
let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream({ token: TOKEN });
});
afterAll(async () => {
  await upstream?.close();
});

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

function load(options: Partial<OpenApiOptions> = {}) {
  return OpenApiCatalog.load({
    spec: SPEC,
    baseUrl: upstream.url,
    env: { OPENAPI_PLACEHOLDER_TOKEN: TOKEN },
    ...options,
  });
}

describe('the seed example: users and posts against the stateful stand-in', () => {
  it('fetch_user exists without hand-written code and answers structured', async () => {
    const catalog = await load();
    expect(catalog.entries.map((e) => e.name)).toEqual([
      'list_users',
      'fetch_user',
      'list_user_posts',
      'list_posts',
      'get_post',
    ]);
    const user = await catalog.call(catalog.find('fetch_user')!, { id: 3 });
    expect(user.structuredContent).toEqual(upstream.state.users[2]);
    const missing = await catalog.call(catalog.find('fetch_user')!, { id: 999 });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('API error 404');
    expect(text(missing)).toContain('no user 999');
    const page = await catalog.call(catalog.find('list_user_posts')!, { id: 2, _limit: 3 });
    expect(page.structuredContent?.items).toHaveLength(3);
  });

  it('create_post writes through when writes are allowed, with the token from the environment', async () => {
    const catalog = await load({ allowWrites: true });
    const create = catalog.find('create_post')!;
    expect(catalog.input(create).schema.required).toEqual(['userId', 'title', 'body']);
    const before = upstream.state.posts.length;
    const created = await catalog.call(create, { userId: 1, title: 'Hello', body: 'First post' });
    expect(created.isError).toBeUndefined();
    expect(created.structuredContent).toMatchObject({ userId: 1, title: 'Hello', body: 'First post' });
    expect(upstream.state.posts.length).toBe(before + 1);
    const id = created.structuredContent!.id as number;
    const read = await catalog.call(catalog.find('get_post')!, { id });
    expect(read.structuredContent).toMatchObject({ id, title: 'Hello' });
    const patched = await catalog.call(catalog.find('update_post')!, { id, title: 'Changed' });
    expect(patched.structuredContent).toMatchObject({ id, title: 'Changed', body: 'First post' });
  });

  it('a 400 from the upstream is an error with its status and message', async () => {
    const catalog = await load({ allowWrites: true });
    const result = await catalog.call(catalog.find('create_post')!, { userId: 99, title: 'x', body: 'y' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('API error 400');
    expect(text(result)).toContain('userId 99 does not exist');
  });

  it('without the token, the 401 says which variable to set', async () => {
    const catalog = await load({ allowWrites: true, env: {} });
    const result = await catalog.call(catalog.find('create_post')!, { userId: 1, title: 'x', body: 'y' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('API error 401');
    expect(text(result)).toContain('OPENAPI_PLACEHOLDER_TOKEN');
  });

  it('DELETE needs the allow-list even with writes allowed', async () => {
    expect((await load({ allowWrites: true })).find('delete_post')).toBeUndefined();
    const catalog = await load({ allowWrites: true, allowDelete: ['delete_post'] });
    const del = catalog.find('delete_post')!;
    expect(del.annotations).toMatchObject({
      destructiveHint: true,
      idempotentHint: true,
      readOnlyHint: false,
    });
    const result = await catalog.call(del, { id: 5 });
    expect(result.isError).toBeUndefined();
    expect(text(result)).toContain('HTTP 204');
    expect(upstream.state.posts.some((p) => p.id === 5)).toBe(false);
  });

  it('a response over the cap is cut, with the total size and how to fetch less', async () => {
    const catalog = await load({ maxResponseBytes: 4096 });
    const whole = await (await fetch(`${upstream.url}/posts?_limit=100`)).text();
    const size = Buffer.byteLength(whole);
    expect(size).toBeGreaterThan(4096);
    const result = await catalog.call(catalog.find('list_posts')!, { _limit: 100 });
    expect(result.isError).toBeUndefined();
    const out = text(result);
    expect(Buffer.byteLength(out)).toBeLessThan(4096 + 300);
    expect(out).toContain(`of ${size.toLocaleString('en-US')} bytes`);
    expect(out).toContain('use _limit, _page to fetch less at a time');
    expect(result.structuredContent).toMatchObject({ truncated: true, totalBytes: size });
  });

  it('a request body over the cap is refused before sending', async () => {
    const catalog = await load({ allowWrites: true, maxRequestBytes: 200 });
    const before = upstream.state.posts.length;
    const result = await catalog.call(catalog.find('create_post')!, {
      userId: 1,
      title: 't',
      body: 'b'.repeat(500),
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/over the 200-byte cap/);
    expect(upstream.state.posts.length).toBe(before);
  });
});
