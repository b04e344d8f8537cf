import { describe, expect, it } from 'vitest';
import { claudeDesktopAdapter, fromClaudeDesktop } from '../src/claude-desktop.js';

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
    });
    expect(adapted?.env).toEqual({ DATABASE_URL: 'postgresql://u@localhost/db' });
  });

  it('leaves mcpkit config files alone', () => {
    expect(claudeDesktopAdapter({ servers: { a: { server: 'calculator' } } }, 'x.yaml')).toBeUndefined();
  });

  it('refuses an entry that is not an mcpkit server, naming it', () => {
    expect(() =>
      fromClaudeDesktop({ mcpServers: { py: { command: 'python', args: ['server.py'] } } }),
    ).toThrow(/mcpServers\.py: "python server\.py" is not an mcpkit server/);
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
