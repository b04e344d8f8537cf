import { describe, expect, it } from 'vitest';
import { gatewayModules, namespaceFor, parseEntry, preferLocalPackage, servedName } from '../src/index.js';
import { FILESYSTEM_SERVER } from './support/paths.js';

describe('config entries', () => {
  it('reads a Claude Desktop stdio entry, with mcpkit’s own keys', () => {
    const parsed = parseEntry('custom-python-server', {
      command: 'python',
      args: ['/path/to/my_mcp_server.py'],
      env: { API_KEY: 'your-api-key' },
      tools: { deny: ['delete_*'] },
      readOnly: true,
      timeoutMs: 5000,
      scope: 'perPrincipal',
    });
    expect(parsed.target).toEqual({
      kind: 'stdio',
      command: 'python',
      args: ['/path/to/my_mcp_server.py'],
      env: { API_KEY: 'your-api-key' },
    });
    expect(parsed.policy).toEqual({ readOnly: true, deny: ['delete_*'] });
    expect(parsed.scope).toBe('perPrincipal');
    expect(parsed.timeoutMs).toBe(5000);
  });

  it('reads a remote entry; remote servers default to one connection per session', () => {
    const parsed = parseEntry('remote', {
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer x' },
      type: 'sse',
    });
    expect(parsed.target).toEqual({
      kind: 'remote',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer x' },
      type: 'sse',
    });
    expect(parsed.scope).toBe('perSession');
    expect(parseEntry('local', { command: 'x' }).scope).toBe('shared');
  });

  it('refuses an entry it cannot run, naming the key and the problem', () => {
    expect(() => parseEntry('broken', { args: ['x'] })).toThrow(/^mcpServers\.broken: /);
    expect(() => parseEntry('web', { url: 'ftp://example.com' })).toThrow(/mcpServers\.web: .*url/);
    expect(() => parseEntry('typo', { command: 'x', evn: {} })).toThrow(/mcpServers\.typo: /);
  });
});

describe('a whole mcpServers object', () => {
  it('makes one module per entry plus the status view, skipping disabled and own entries', async () => {
    const gateway = gatewayModules(
      {
        'my-tool': { command: 'x' },
        off: { command: 'y', disabled: true },
        builtin: { command: 'npx', args: ['mcpkit', 'serve', 'filesystem'] },
        web: { url: 'http://127.0.0.1:1/mcp' },
      },
      { skip: (key) => key === 'builtin' },
    );
    expect(gateway.upstreams.map((u) => [u.name, u.namespace])).toEqual([
      ['my-tool', 'mytool'],
      ['web', 'web'],
    ]);
    expect(Object.keys(gateway.mounts)).toEqual(['mytool', 'web', 'gateway']);
    await gateway.close();
  });

  it('refuses two keys that make one namespace', () => {
    expect(() => gatewayModules({ 'my-tool': { command: 'x' }, mytool: { command: 'y' } })).toThrow(
      'mcpServers.mytool: its namespace "mytool" is also that of mcpServers.my-tool; rename one',
    );
    expect(() => gatewayModules({ gateway: { command: 'x' } })).toThrow(/status view/);
  });
});

describe('names', () => {
  it('makes a namespace compose() accepts from any key', () => {
    expect(namespaceFor('filesystem')).toBe('filesystem');
    expect(namespaceFor('custom-python-server')).toMatch(/^custompytho[0-9a-f]{5}$/);
    expect(namespaceFor('custom-python-server')).toMatch(/^[a-z][a-z0-9]{0,15}$/);
    expect(namespaceFor('42')).toMatch(/^[a-z][a-z0-9]{0,15}$/);
    expect(namespaceFor('custom-python-server')).not.toBe(namespaceFor('custom-python-server-2'));
  });

  it('keeps valid names, fixes others, and fits long ones with a hash', () => {
    expect(servedName('get-env', 60)).toBe('get-env');
    expect(servedName('weird name/with:chars', 60)).toMatch(/^weird_name_with_chars_[0-9a-f]{8}$/);
    const a = servedName(`${'a'.repeat(70)}1`, 40);
    const b = servedName(`${'a'.repeat(70)}2`, 40);
    expect(a.length).toBe(40);
    expect(a).not.toBe(b);
  });
});

describe('local packages', () => {
  it('runs `npx -y <package>` from the installed package, without npx', () => {
    const local = preferLocalPackage(
      { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
      process.cwd(),
    );
    expect(local).toEqual({ command: process.execPath, args: [FILESYSTEM_SERVER, '/tmp'] });
    const versioned = preferLocalPackage(
      { command: 'npx', args: ['@modelcontextprotocol/server-filesystem@2026.8.31', '/tmp'] },
      process.cwd(),
    );
    expect(versioned.args[0]).toBe(FILESYSTEM_SERVER);
  });

  it('leaves other commands and packages that are not installed alone', () => {
    const missing = { command: 'npx', args: ['-y', 'no-such-package-mcpkit', 'x'] };
    expect(preferLocalPackage(missing, process.cwd())).toBe(missing);
    const python = { command: 'python', args: ['server.py'] };
    expect(preferLocalPackage(python, process.cwd())).toBe(python);
  });
});
