import { beforeAll, describe, expect, it } from 'vitest';
import { claudeDesktopAdapter, fromClaudeDesktop } from '../src/claude-desktop.js';
import { loadServers } from '../src/servers.js';

// The CLI loads every declaration before it reads a config file; so does this test.
beforeAll(() => loadServers());

describe("Claude Desktop's mcpServers shape", () => {
  it('maps `mcpkit serve` entries (direct, npx, node) to mounted built-ins, flags read as the command line reads them', () => {
    const adapted = claudeDesktopAdapter(
      {
        mcpServers: {
          shop: { command: 'mcpkit', args: ['serve', 'catalog', './data'] },
          calc: { command: 'npx', args: ['-y', 'mcpkit@latest', 'serve', 'calculator', '--read-only'] },
          'my-db': {
            command: '/usr/bin/node',
            args: [
              '/opt/mcpkit/packages/cli/dist/bin.js',
              'serve',
              'postgres',
              '${DATABASE_URL}',
              '--max-rows=5',
            ],
            env: { DATABASE_URL: 'postgresql://u@localhost/db' },
          },
        },
      },
      'claude_desktop_config.json',
    );
    expect(adapted?.value).toEqual({
      servers: {
        shop: { server: 'catalog', args: ['./data'], options: {} },
        calc: { server: 'calculator', args: [], options: { readOnly: true } },
        mydb: { server: 'postgres', args: ['${DATABASE_URL}'], options: { maxRows: '5' } },
      },
      mcpServers: {},
    });
    expect(adapted?.env).toEqual({ DATABASE_URL: 'postgresql://u@localhost/db' });
  });

  it('leaves mcpkit config files alone', () => {
    expect(claudeDesktopAdapter({ servers: { a: { server: 'calculator' } } }, 'x.yaml')).toBeUndefined();
  });

  it('leaves any other server to the gateway, as written', () => {
    const converted = fromClaudeDesktop({ mcpServers: { py: { command: 'python', args: ['server.py'] } } });
    expect(converted.config).toEqual({
      servers: {},
      mcpServers: { py: { command: 'python', args: ['server.py'] } },
    });
  });

  it('reads every flag of an entry as the command line does, and reports every bad entry at once', () => {
    const converted = fromClaudeDesktop({
      mcpServers: {
        db: { command: 'mcpkit', args: ['serve', 'postgres', '--data-dir', '/srv/pg', '--max-rows=5'] },
      },
    });
    expect(converted.config.servers).toEqual({
      db: { server: 'postgres', args: [], options: { dataDir: '/srv/pg', maxRows: '5' } },
    });
    const bad = () =>
      fromClaudeDesktop({
        mcpServers: {
          a: { command: 'mcpkit', args: ['serve', 'postgres', '--max-rows=x'] },
          b: { command: 'mcpkit', args: ['serve', 'calculator', '--bogus'] },
          c: { command: 'mcpkit', args: ['serve', 'catalog'] },
        },
      });
    expect(bad).toThrow(/^mcpServers\.a: Invalid postgres options: --max-rows: expected a whole number/);
    expect(bad).toThrow(/; mcpServers\.b: Invalid calculator options: --bogus: unknown option$/);
  });

  it('refuses two keys that become one namespace, naming both', () => {
    expect(() =>
      fromClaudeDesktop({
        mcpServers: {
          'my-files': { command: 'mcpkit', args: ['serve', 'calculator'] },
          my_files: { command: 'mcpkit', args: ['serve', 'calculator'] },
        },
      }),
    ).toThrow(/"my-files" and "my_files" both become the namespace "myfiles"/);
  });
});
