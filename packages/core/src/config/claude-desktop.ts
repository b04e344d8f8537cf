import path from 'node:path';
import type * as z from 'zod';
import type { ClaudeDesktopSchema, McpkitConfigInput } from './schema.js';

type ClaudeDesktop = z.output<typeof ClaudeDesktopSchema>;

/** Finds `serve <server> [args]` in an entry whose command runs mcpkit (directly, via npx, or via node). */
function mcpkitServeArgs(command: string, args: string[]): string[] | undefined {
  const base = path.basename(command).replace(/\.(cmd|exe)$/i, '');
  let rest: string[] | undefined;
  if (base === 'mcpkit') rest = args;
  else if (base === 'npx' || base === 'bunx' || base === 'pnpx') {
    const at = args.findIndex((a) => a === 'mcpkit' || a.startsWith('mcpkit@'));
    if (at !== -1) rest = args.slice(at + 1);
  } else if (base === 'node' || base === 'node.exe') {
    const at = args.findIndex((a) => /mcpkit|[\\/]cli[\\/]dist[\\/]bin\.js$/.test(a));
    if (at !== -1) rest = args.slice(at + 1);
  }
  if (rest?.[0] !== 'serve' || !rest[1] || rest[1].startsWith('-')) return undefined;
  return rest.slice(1);
}

/**
 * Reads Claude Desktop's `mcpServers` shape: every entry that runs `mcpkit serve <server> …`
 * becomes a mounted built-in, with its `env` applied to the config's `${VAR}`s and flags
 * (`--read-only`) kept. Other commands are refused with a message naming the entry.
 */
export function fromClaudeDesktop(input: ClaudeDesktop): {
  config: McpkitConfigInput;
  env: Record<string, string>;
} {
  const servers: NonNullable<McpkitConfigInput['servers']> = {};
  const env: Record<string, string> = {};
  for (const [key, entry] of Object.entries(input.mcpServers)) {
    const serve = mcpkitServeArgs(entry.command, entry.args);
    if (!serve) {
      throw new Error(
        `mcpServers.${key}: "${entry.command} ${entry.args.join(' ')}" is not an mcpkit server; ` +
          'only entries that run `mcpkit serve <server> …` can be mounted',
      );
    }
    const [server, ...rest] = serve as [string, ...string[]];
    const readOnly = rest.includes('--read-only');
    const args = rest.filter((a) => a !== '--read-only');
    const namespace =
      key
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 16) || 'server';
    servers[namespace] = { server, args, ...(readOnly ? { readOnly } : {}) };
    Object.assign(env, entry.env ?? {});
  }
  return { config: { servers }, env };
}
