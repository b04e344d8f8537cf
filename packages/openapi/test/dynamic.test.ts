import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOperation,
  DESCRIBE_MAX_BYTES,
  describeOperationResult,
  listOperations,
  OpenApiCatalog,
} from '../src/index.js';
import { assertValidSchema, strictAjv } from './support/ajv.js';
import { bundle } from './support/bundle.js';
import { json, startServer, type TestServer } from './support/http.js';

const GITHUB = new URL('./fixtures/api.github.com.json.gz', import.meta.url).pathname;
let api: TestServer;
let catalog: OpenApiCatalog;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.url.startsWith('/repos/octo/hello/issues')) json(res, 200, []);
    else json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  catalog = await OpenApiCatalog.load({ spec: GITHUB, baseUrl: api.url, env: {} });
});
afterAll(async () => {
  await api?.close();
});

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

describe("GitHub's full spec in dynamic mode", () => {
  it('starts in dynamic mode within 3 s and 250 MB, through core, in a process of its own', async () => {
    const probe = await bundle(new URL('./support/startup-probe.ts', import.meta.url).pathname);
    const started = performance.now();
    const child = spawn(process.execPath, [probe, GITHUB], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - started;
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.tools).toEqual(['list_operations', 'describe_operation', 'call_operation']);
    // Start-up costs under 3 s of CPU from process start (Node's own start and the imports included);
    // the wall-clock time also depends on what else the shared machine runs, so it only has to end.
    expect(report.readyCpuMs).toBeLessThan(3000);
    expect(wallMs).toBeLessThan(20_000);
    expect(report.maxRss).toBeLessThan(250 * 1024 * 1024);
    expect(report.describedBytes).toBeLessThanOrEqual(DESCRIBE_MAX_BYTES);
  });

  it('serves the GET operations (read-only) behind three meta-tools', () => {
    expect(catalog.mode).toBe('dynamic');
    expect(catalog.entries.every((e) => e.op.method === 'get' || e.op.method === 'head')).toBe(true);
    expect(catalog.excluded.write).toBeGreaterThan(500);
  });

  it('list_operations filters by words and tag, and pages with a cursor', () => {
    const first = listOperations(catalog, { query: 'issues', tag: 'issues' });
    const total = first.structuredContent!.total as number;
    expect(total).toBeGreaterThan(20);
    const ops = first.structuredContent!.operations as { id: string }[];
    expect(ops).toHaveLength(Math.min(total, 50));
    expect(ops.map((o) => o.id)).toContain('issues_list_for_repo');
    const all = listOperations(catalog, {});
    expect(all.structuredContent!.total).toBe(catalog.entries.length);
    const tags = all.structuredContent!.tags as Record<string, number>;
    expect(Object.keys(tags)).toEqual(expect.arrayContaining(['repos', 'issues', 'pulls']));
    expect(tags.issues).toBe(catalog.entries.filter((e) => e.op.tags.includes('issues')).length);
    expect(text(all)).toMatch(/Tags: [a-z-]+ \(\d+\), /);
    expect(first.structuredContent!.tags).toBeUndefined();
    const cursor = all.structuredContent!.nextCursor as string;
    expect(text(all)).toContain(cursor);
    const second = listOperations(catalog, { cursor });
    const secondIds = (second.structuredContent!.operations as { id: string }[]).map((o) => o.id);
    expect(secondIds[0]).toBe(catalog.entries[50]!.name);
    expect(Buffer.byteLength(text(all))).toBeLessThan(16 * 1024);
    const misuse = listOperations(catalog, { cursor, query: 'pulls' });
    expect(misuse.isError).toBe(true);
    expect(text(misuse)).toContain('Invalid cursor: pass back the cursor');
    expect(text(listOperations(catalog, { query: 'zzzz-nothing' }))).toContain('No operation matches');
  });

  it('describe_operation stays within 8 KB for every served operation', () => {
    let outlined = 0;
    for (const entry of catalog.entries) {
      const result = describeOperationResult(catalog, entry.name);
      const size = Buffer.byteLength(JSON.stringify(result.structuredContent));
      expect(size, entry.name).toBeLessThanOrEqual(DESCRIBE_MAX_BYTES);
      expect(text(result)).toBe(JSON.stringify(result.structuredContent));
      if (result.structuredContent!.note) outlined++;
    }
    const one = describeOperationResult(catalog, 'issues/list-for-repo').structuredContent!;
    expect(one).toMatchObject({
      id: 'issues_list_for_repo',
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues',
    });
    expect(Object.keys((one.arguments as any).properties)).toEqual(
      expect.arrayContaining(['owner', 'repo', 'state', 'per_page', 'page']),
    );
    expect(outlined).toBeLessThan(catalog.entries.length / 4);
    expect(describeOperationResult(catalog, 'nope').isError).toBe(true);
  });

  it('every input schema of all 1,223 operations is valid 2020-12 and under 100 KB', async () => {
    const everything = await OpenApiCatalog.load({
      spec: GITHUB,
      allowWrites: true,
      allowDelete: ['method:delete'],
      includeDeprecated: true,
      env: {},
    });
    expect(everything.entries.length).toBe(1223);
    const ajv = strictAjv();
    let largest = 0;
    for (const entry of everything.entries) {
      const schema = everything.input(entry).schema;
      const size = Buffer.byteLength(JSON.stringify(schema));
      largest = Math.max(largest, size);
      assertValidSchema(ajv, schema, entry.name);
    }
    expect(largest).toBeLessThan(100_000);
  });

  it('call_operation validates, then reaches the upstream', async () => {
    const wrong = await callOperation(catalog, 'issues_list_for_repo', {
      owner: 'octo',
      repo: 'hello',
      per_page: 'ten',
    });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toContain('per_page: must be integer');
    const missing = await callOperation(catalog, 'issues_list_for_repo', { owner: 'octo' });
    expect(text(missing)).toContain("must have required property 'repo'");
    expect(api.requests).toHaveLength(0);
    const result = await callOperation(catalog, 'issues_list_for_repo', {
      owner: 'octo',
      repo: 'hello',
      state: 'open',
      labels: 'bug,ui',
      per_page: 5,
    });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ items: [] });
    expect(api.requests[0]!.url).toBe('/repos/octo/hello/issues?state=open&labels=bug%2Cui&per_page=5');
    const notFound = await callOperation(catalog, 'repos/get', { owner: 'octo', repo: 'gone' });
    expect(notFound.isError).toBe(true);
    expect(text(notFound)).toContain('API error 404');
    expect(text(notFound)).toContain('Not Found');
    expect((await callOperation(catalog, 'repos_delete', {})).isError).toBe(true);
  });
});
