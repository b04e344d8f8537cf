import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eraClientOptions } from '@mcpkit/core/client';
import { ERAS, resultText } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../../examples/data', import.meta.url));
const run = promisify(execFile);

/** Runs the built CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
async function mcpkit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function spawnClient(era: (typeof ERAS)[number], args: string[]) {
  const client = new Client({ name: 'cli-test', version: '1.0.0' }, eraClientOptions(era));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    stderr: 'pipe',
  });
  return { client, transport };
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` (npm test does) first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(ERAS)('`mcpkit serve` as a child process over stdio (%s era)', (era) => {
  it('serves the catalog: tools, resources and the prompt', async () => {
    const { client, transport } = spawnClient(era, ['serve', 'catalog', '--log-level', 'warn']);
    await client.connect(transport);
    try {
      expect(client.getProtocolEra()).toBe(era);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'search_customers',
        'get_product_price',
      ]);
      const found = await client.callTool({ name: 'search_customers', arguments: { query: 'doe' } });
      expect(resultText(found)).toMatch(/John Doe <john\.doe@example\.com>/);
      const products = await client.readResource({ uri: 'catalog://products' });
      expect(products.contents[0]).toMatchObject({ mimeType: 'application/json' });
      const prompt = await client.getPrompt({ name: 'code_review', arguments: { file_path: 'a.ts' } });
      expect(JSON.stringify(prompt.messages)).toContain('a.ts');
    } finally {
      await client.close();
    }
  });

  it('serves a config file mounting two servers under namespaces, with read-only applied', async () => {
    const file = path.join(dir, `two-${era}.yaml`);
    await writeFile(
      file,
      // A filesystem mount brings writing tools: read-only must be what removes them.
      `servers:\n  shop:\n    server: catalog\n    args: ["${DATA.replaceAll('\\', '/')}"]\n  calc:\n    server: calculator\n  files:\n    server: filesystem\n    args: ["${dir.replaceAll('\\', '/')}"]\nreadOnly: true\n`,
    );
    const { client, transport } = spawnClient(era, ['serve', '--config', file, '--log-level', 'silent']);
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names.slice(0, 3)).toEqual(['shop_search_customers', 'shop_get_product_price', 'calc_add']);
      expect(names).toContain('files_read_text_file');
      for (const writer of [
        'files_write_file',
        'files_edit_file',
        'files_move_file',
        'files_create_directory',
      ])
        expect(names).not.toContain(writer);
      expect(
        (await client.callTool({ name: 'calc_add', arguments: { a: 2, b: 40 } })).structuredContent,
      ).toEqual({ sum: 42 });
    } finally {
      await client.close();
    }
  });
});

describe('`mcpkit tools` and `mcpkit call`', () => {
  it('lists a built-in server’s tools with their arguments', async () => {
    const { code, stdout } = await mcpkit('tools', 'catalog');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^search_customers {2}\[read-only\]/m);
    expect(stdout).toMatch(/query: string \(required\)/);
    const json = await mcpkit('tools', 'calculator', '--json');
    expect(JSON.parse(json.stdout).map((t: { name: string }) => t.name)).toEqual(['add']);
  });

  it('calls a tool and prints what the model would read; isError exits 1', async () => {
    const hit = await mcpkit('call', 'catalog', 'get_product_price', '{"product_id":"P-002"}');
    expect(hit).toMatchObject({ code: 0 });
    expect(hit.stdout).toMatch(/Travel mug \(P-002\): 24\.00 USD/);
    const miss = await mcpkit('call', 'catalog', 'get_product_price', '{"product_id":"Z"}');
    expect(miss.code).toBe(1);
    expect(miss.stdout).toMatch(/not found/);
  });

  it('calls a server started from a command after --, in the 2026-07-28 era too', async () => {
    const result = await mcpkit(
      'call',
      'add',
      '{"a":1,"b":2}',
      '--json',
      '--era',
      'modern',
      '--',
      process.execPath,
      CLI,
      'serve',
      'calculator',
      '--log-level',
      'silent',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).structuredContent).toEqual({ sum: 3 });
  });

  it('passes a built-in’s arguments through', async () => {
    const result = await mcpkit('call', 'catalog', DATA, 'search_customers', '{"query":"alice"}');
    expect(result.stdout).toMatch(/Alice Johnson/);
  });
});

describe('`mcpkit config claude`', () => {
  it('prints the entry to paste under mcpServers, with absolute paths', async () => {
    const { code, stdout } = await mcpkit(
      'config',
      'claude',
      'catalog',
      path.relative(process.cwd(), DATA) || '.',
    );
    expect(code).toBe(0);
    const entry = JSON.parse(`{${stdout}}`).catalog;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([CLI, 'serve', 'catalog', DATA]);
  });
});

describe('bad arguments: one line on stderr and a non-zero exit', () => {
  it.each([
    [['bogus'], 2, /unknown command "bogus"/],
    [['serve'], 2, /serve needs a server name/],
    [['serve', 'nope'], 2, /Unknown server "nope". Built-in servers: .*catalog/],
    [['call', 'catalog'], 2, /call needs a name/],
    [['call', 'catalog', 'search_customers', '{not json'], 2, /not valid JSON/],
    [['call', 'catalog', 'search_customers', '[1]'], 2, /must be a JSON object/],
    [['tools'], 2, /no target/],
    [['serve', 'catalog', '--timeout', 'soon'], 2, /--timeout must be a whole number/],
    [['serve', '--config', '/definitely/not/here.yaml'], 2, /Cannot read config/],
    [['tools', 'catalog', '--era', 'future'], 2, /--era must be legacy or modern/],
  ])('mcpkit %j', async (args, code, message) => {
    const result = await mcpkit(...(args as string[]));
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message as RegExp);
  });

  it('prints help and the version', async () => {
    expect((await mcpkit('--help')).stdout).toMatch(/mcpkit serve <server>/);
    expect((await mcpkit('serve', '--help')).stdout).toMatch(/--read-only/);
    expect((await mcpkit('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
