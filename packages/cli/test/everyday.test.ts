import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The commands of issue 10, run as a user runs them: the built CLI, one process each. */
const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
  dir = await mkdtemp(path.join(tmpdir(), 'mcpkit-everyday-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mcpkit(args: string[], cwd?: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      timeout: 60_000,
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, MCPKIT_LOG_FORMAT: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** One line on stderr, naming what is wrong, with no path of this machine the user did not type. */
function expectOneLineError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toContain(process.cwd());
  expect(result.stderr).not.toContain(path.dirname(CLI));
  expect(result.stderr).not.toMatch(/ZodError|"code":|^\s*\[/m);
  expect(result.stdout).toBe('');
}

describe('errors: one line naming the option, the file or the server; exit 2 for bad usage', () => {
  it.each([
    [['serve', 'catalog', '--http', 'notaport'], /catalog.*"notaport" does not exist/],
    [['serve', 'postgres', '--max-rows=abc'], /postgres options: --max-rows: expected a whole number/],
    [
      ['serve', 'postgres', '--allow-write'],
      /--allow-write: unknown option \(did you mean --allow-writes\?\)/,
    ],
    [['tools', 'catalog', '--bogus'], /catalog options: --bogus: unknown option/],
    [['tools', 'calculator', '--bogus'], /calculator options: --bogus: unknown option/],
    [['tools', 'code-review', '--bogus'], /code-review options: --bogus: unknown option/],
    [['serve', 'nope'], /Unknown server "nope"/],
    [['serve', '--config', 'not-here.yaml'], /Cannot read config not-here\.yaml: ENOENT/],
    [['help', 'nothing'], /no help on "nothing"/],
    [['read', 'catalog'], /read needs a resource URI/],
    [['prompt', 'code-review'], /prompt needs a name/],
  ])('mcpkit %j', async (args, pattern) => {
    const result = await mcpkit(args as string[]);
    expect(result.code).toBe(2);
    expectOneLineError(result, pattern as RegExp);
  });

  it('a config file names the file and the option path', async () => {
    await writeFile(
      path.join(dir, 'typo.yaml'),
      'servers:\n  db:\n    server: postgres\n    options: {maxRow: 5}\n',
    );
    const result = await mcpkit(['serve', '--config', 'typo.yaml'], dir);
    expect(result.code).toBe(2);
    expectOneLineError(
      result,
      /^mcpkit: typo\.yaml: .*servers\.db\.options\.maxRow: unknown option \(did you mean maxRows\?\)/,
    );
  });

  it('a server option takes its value as the next word, as --name=value does', async () => {
    // --data-dir is the server's own option: the next word is its value, not the URL argument.
    const result = await mcpkit(['serve', 'postgres', '--data-dir', path.join(dir, 'pg'), '--max-rows', 'x']);
    expect(result.code).toBe(2);
    expectOneLineError(
      result,
      /^mcpkit: Invalid postgres options: --max-rows: expected a whole number[^;]*$/,
    );
  });
});

describe('stdout carries only results', () => {
  it('`mcpkit tools code-review` prints no SDK note, and says where the prompts are', async () => {
    const result = await mcpkit(['tools', 'code-review']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/Client\.listTools|capability/);
    expect(result.stdout).toMatch(/no tools; this server offers prompts: mcpkit prompts code-review\)/);
  });

  it('`mcpkit call` takes name=value arguments, typed by the tool’s schema', async () => {
    const found = await mcpkit(['call', 'catalog', 'search_customers', 'query=john']);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/John Doe <john\.doe@example\.com>/);
    const sum = await mcpkit(['call', 'calculator', 'add', 'a=2', 'b=40', '--json']);
    expect(JSON.parse(sum.stdout).structuredContent).toEqual({ sum: 42 });
  });
});

describe('resources and prompts from the command line', () => {
  it('`mcpkit resources` lists them and `mcpkit read` prints one', async () => {
    const listed = await mcpkit(['resources', 'catalog']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^catalog:\/\/customers {2}Customer Database \(application\/json\)/m);
    expect(listed.stdout).toMatch(/^catalog:\/\/products /m);
    const json = await mcpkit(['resources', 'catalog', '--json']);
    expect(JSON.parse(json.stdout).resources.map((r: { uri: string }) => r.uri)).toEqual([
      'catalog://customers',
      'catalog://products',
    ]);
    const read = await mcpkit(['read', 'catalog', 'catalog://products']);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)[1]).toMatchObject({ id: 'P-002', name: 'Travel mug' });
    const missing = await mcpkit(['read', 'catalog', 'catalog://nothing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('`mcpkit prompts` lists them with arguments and `mcpkit prompt` gets one', async () => {
    const listed = await mcpkit(['prompts', 'code-review']);
    expect(listed.stdout).toMatch(/^code_review\n/);
    expect(listed.stdout).toMatch(/file_path \(required\)/);
    expect(listed.stdout).toMatch(/focus_areas \(optional\)/);
    const got = await mcpkit([
      'prompt',
      'code-review',
      'code_review',
      'file_path=src/a.ts',
      'focus_areas=security',
    ]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^\[user\]\n/);
    expect(got.stdout).toContain('src/a.ts');
    expect(got.stdout).toContain('security');
    const json = await mcpkit(['prompt', 'catalog', 'code_review', '{"file_path":"b.ts"}', '--json']);
    expect(JSON.stringify(JSON.parse(json.stdout).messages)).toContain('b.ts');
  });
});

describe('help', () => {
  it('`mcpkit help <command>` explains that command', async () => {
    const call = await mcpkit(['help', 'call']);
    expect(call.stdout).toMatch(/^Usage: mcpkit call <target> <tool>/);
    expect((await mcpkit(['help', 'read'])).stdout).toMatch(/^Usage: mcpkit read <target> <uri>/);
    expect((await mcpkit(['prompts', '--help'])).stdout).toMatch(/^Usage: mcpkit prompts <target>/);
    expect((await mcpkit(['help'])).stdout).toMatch(/mcpkit resources <target>/);
  });

  it('`mcpkit serve <server> --help` lists that server’s options with their defaults', async () => {
    const pg = await mcpkit(['serve', 'postgres', '--help']);
    expect(pg.code).toBe(0);
    expect(pg.stdout).toMatch(/^Usage: mcpkit serve postgres \[postgresql:\/\/user@host\/db\] \[options\]/);
    expect(pg.stdout).toMatch(/--max-rows <value> +Rows a query returns.*\(default 100\)/);
    expect(pg.stdout).toMatch(/--url <value> +.*env DATABASE_URL/);
    expect(pg.stdout).toMatch(/--allow-writes +Serve tools that write/);
    const fs = await mcpkit(['serve', 'filesystem', '--help']);
    expect(fs.stdout).toMatch(/--max-read-bytes <value> +.*\(default 131072\)/);
    expect(fs.stdout).not.toMatch(/--allow-writes/); // writes are on by default there
    expect((await mcpkit(['help', 'calculator'])).stdout).toMatch(
      /^Usage: mcpkit serve calculator \[options\]/,
    );
  });
});

describe('`mcpkit config claude` checks as serve would', () => {
  it('prints the entry to paste under mcpServers, with path options and arguments absolute', async () => {
    const result = await mcpkit(['config', 'claude', 'postgres', '--data-dir', './pg', '--max-rows=5'], dir);
    expect(result.code).toBe(0);
    const entry = JSON.parse(`{${result.stdout}}`).postgres;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([
      CLI,
      'serve',
      'postgres',
      `--data-dir=${path.join(dir, 'pg')}`,
      '--max-rows=5',
    ]);
  });

  it('carries serve’s own options into the entry, and refuses HTTP ones', async () => {
    const result = await mcpkit(['config', 'claude', 'calculator', '--timeout', '5000', '--deny=add'], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(`{${result.stdout}}`).calculator.args.slice(1)).toEqual([
      'serve',
      'calculator',
      '--timeout=5000',
      '--deny=add',
    ]);
    const http = await mcpkit(['config', 'claude', 'calculator', '--http'], dir);
    expect(http.code).toBe(2);
    expectOneLineError(http, /--http does not apply \(Claude Desktop starts servers over stdio\)/);
  });

  it.each([
    [
      ['config', 'claude', 'postgres', '--max-row=5'],
      /--max-row: unknown option \(did you mean --max-rows\?\)/,
    ],
    [['config', 'claude', 'postgres', '--max-rows=lots'], /--max-rows: expected a whole number/],
    [['config', 'claude', 'filesystem', 'no-such-folder'], /"no-such-folder" does not exist/],
    [['config', 'claude', 'calculator', 'extra'], /calculator options: takes no arguments/],
  ])('refuses %j', async (args, pattern) => {
    const result = await mcpkit(args as string[], dir);
    expect(result.code).toBe(2);
    expectOneLineError(result, pattern as RegExp);
  });
});

// util-linux `script` (its -qec form); BSD script on macOS takes other arguments.
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

describe('a stdio server started from a terminal', () => {
  it.skipIf(!hasScript)('says on stderr what it serves and that it waits for a client', () => {
    // `script` gives the server a terminal; its stdin then ends, and the server stops.
    const result = spawnSync(
      'script',
      ['-qec', `"${process.execPath}" "${CLI}" serve catalog`, '/dev/null'],
      {
        input: '',
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.stdout).toMatch(/serving catalog on stdio \(2 tools, 2 resources, 1 prompt\)/);
    expect(result.stdout).toMatch(/waiting for an MCP client/);
    expect(result.stdout).not.toMatch(/\{"level"/);
  });

  it('writes JSON log lines when stderr is not a terminal', async () => {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    const { Client } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'everyday', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', 'calculator'],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await client.connect(transport);
    await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    await client.close();
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((l) => JSON.parse(l).msg)).toContain('serving calculator on stdio');
  });
});

describe('namespaced servers name other tools as they are served', () => {
  it('filesystem mounted as files, postgres as db: messages send the model to files_… and db_… tools', async () => {
    const root = path.join(dir, 'root');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'long.txt'), 'line\n'.repeat(50));
    await writeFile(
      path.join(dir, 'ns.yaml'),
      [
        'servers:',
        '  files:',
        '    server: filesystem',
        '    args: [root]',
        '    options: {maxReadLines: 5}',
        '  db:',
        '    server: postgres',
        '    options: {dataDir: pgdata-ns}',
        '',
      ].join('\n'),
    );
    const outside = await mcpkit(
      ['call', '--config', 'ns.yaml', 'files_read_text_file', `path=${path.join(tmpdir(), 'elsewhere.txt')}`],
      dir,
    );
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(/call files_list_allowed_directories/);
    const partial = await mcpkit(
      ['call', '--config', 'ns.yaml', 'files_read_text_file', 'path=long.txt'],
      dir,
    );
    expect(partial.stdout).toMatch(/call files_read_text_file with offset=6/);
    const prompt = await mcpkit(
      ['prompt', '--config', 'ns.yaml', 'db_question_to_sql', 'question=how many?'],
      dir,
    );
    expect(prompt.stdout).toMatch(/run it with the db_query tool/);
    const missing = await mcpkit(
      ['call', '--config', 'ns.yaml', 'db_describe_table', 'table=nothing_like_it'],
      dir,
    );
    expect(missing.stdout).toMatch(/Use db_list_tables/);
  }, 180_000);
});

describe('`mcpkit serve --list`', () => {
  it('lists every declared server with its synopsis and says where its options are', async () => {
    const result = await mcpkit(['serve', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^filesystem <dir> \[dir\.\.\.\] \[options\]$/m);
    expect(result.stdout).toMatch(/^postgres \[postgresql:\/\/user@host\/db\] \[options\]$/m);
    expect(result.stdout).toMatch(/mcpkit serve <server> --help lists a server's options/);
  });
});
