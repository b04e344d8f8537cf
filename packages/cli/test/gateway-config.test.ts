import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const pythonServer = fileURLToPath(new URL('../../gateway/test/fixtures/python_server.py', import.meta.url));
const run = promisify(execFile);

/**
 * The seed's Claude Desktop config as it is (the reference filesystem server through `npx`, a
 * custom Python server with an `env` block), next to one of mcpkit's own servers: one endpoint.
 */
describe('a Claude Desktop config with other MCP servers, through the gateway', () => {
  let dir: string;
  let config: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mcpkit-gateway-cli-'));
    writeFileSync(path.join(dir, 'notes.txt'), 'hello from the reference server\n');
    config = path.join(dir, 'claude_desktop_config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', dir] },
          'custom-python-server': {
            command: process.platform === 'win32' ? 'python' : 'python3',
            args: [pythonServer],
            env: { API_KEY: 'your-api-key' },
          },
          calc: { command: 'mcpkit', args: ['serve', 'calculator'] },
        },
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const mcpkit = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      cwd: repo, // where the reference server is installed: `npx -y` runs it without the registry
      env: { ...process.env, MCPKIT_STATE_DIR: path.join(dir, 'state') },
      timeout: 60_000,
    });

  it('lists every entry as namespaced tools: a built-in in-process, the others as upstreams', async () => {
    const { stdout } = await mcpkit('tools', '--config', config, '--json');
    const names = (JSON.parse(stdout) as { name: string }[]).map((t) => t.name);
    expect(names).toContain('calc_add');
    expect(names).toContain('filesystem_read_text_file');
    expect(names.some((n) => n.endsWith('_has_api_key'))).toBe(true);
  }, 90_000);

  it('calls through to the reference server and to the Python server with its own env', async () => {
    const read = await mcpkit(
      'call',
      '--config',
      config,
      'filesystem_read_text_file',
      JSON.stringify({ path: path.join(dir, 'notes.txt') }),
    );
    expect(read.stdout).toContain('hello from the reference server');
    const { stdout } = await mcpkit('tools', '--config', config, '--json');
    const hasKey = (JSON.parse(stdout) as { name: string }[]).find((t) => t.name.endsWith('_has_api_key'))!;
    const key = await mcpkit('call', '--config', config, hasKey.name, '{}');
    expect(key.stdout).toMatch(/^(yes|true)\b/im);
    expect(key.stdout).not.toContain('your-api-key');
  }, 120_000);
});
