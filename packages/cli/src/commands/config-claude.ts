import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedArgs } from '../options.js';
import { catalog } from '../servers.js';
import { UsageError } from '../usage.js';

/**
 * `mcpkit config claude <server> [args]`: the entry to paste into claude_desktop_config.json.
 * Claude Desktop starts servers from an unknown folder with a minimal PATH, so the entry names
 * this Node and this mcpkit by absolute path, and local path arguments are made absolute.
 */
export function configClaude(parsed: ParsedArgs): void {
  const [what, server, ...args] = parsed.positionals;
  if (what !== 'claude') throw new UsageError('usage: mcpkit config claude <server> [args...]');
  if (!server) throw new UsageError('config claude needs a server name (mcpkit serve --list)');
  const entry = catalog.get(server);
  const absolute =
    entry.args && entry.paths.includes(entry.args.option)
      ? args.map((a) =>
          !a.startsWith('-') && !/^[a-z]+:\/\//i.test(a) && existsSync(a) ? path.resolve(a) : a,
        )
      : args;
  const flags = [...parsed.options].map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`));
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url).href.replace('/commands/bin.js', '/bin.js'));
  const snippet = {
    mcpServers: {
      [server]: { command: process.execPath, args: [bin, 'serve', server, ...absolute, ...flags] },
    },
  };
  process.stdout.write(`${JSON.stringify(snippet, null, 2)}\n`);
}
