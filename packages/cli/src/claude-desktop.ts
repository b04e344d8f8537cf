import path from 'node:path';
import { resolveServerOptions } from '@mcpkit/core';
import { type ConfigAdapter, ConfigError, type McpkitConfigInput } from '@mcpkit/core/config';
import * as z from 'zod';
import { parseArgv, remainingAsServerOptions, valuedOptionsOf } from './options.js';
import { catalog } from './servers.js';

/** Claude Desktop's claude_desktop_config.json shape. */
export const ClaudeDesktopSchema = z.object({
  mcpServers: z.record(
    z.string(),
    z
      .object({
        command: z.string().min(1).optional(),
        args: z.array(z.string()).default([]),
        env: z.record(z.string(), z.string()).optional(),
      })
      .loose(),
  ),
});

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
 * becomes a built-in served in-process, its arguments and `--flags` read exactly as the command
 * line reads them, and its `env` applied to the config's `${VAR}`s. Every other entry (another
 * program, or a `url`) stays an `mcpServers` entry, which the gateway serves. Every problem is
 * reported at once.
 */
export function fromClaudeDesktop(input: ClaudeDesktop): {
  config: McpkitConfigInput;
  env: Record<string, string>;
} {
  const servers: NonNullable<McpkitConfigInput['servers']> = {};
  const env: Record<string, string> = {};
  const keys = new Map<string, string>();
  const upstreams: Record<string, Record<string, unknown>> = {};
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(input.mcpServers)) {
    const serve = entry.command ? mcpkitServeArgs(entry.command, entry.args) : undefined;
    if (!serve) {
      // Any other server (a command, or a url) is served through the gateway, as written.
      upstreams[key] = entry as Record<string, unknown>;
      continue;
    }
    const namespace =
      key
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .replace(/^[0-9]+/, '')
        .slice(0, 16) || 'server';
    const clash = keys.get(namespace);
    if (clash !== undefined) {
      problems.push(
        `mcpServers: "${clash}" and "${key}" both become the namespace "${namespace}"; rename one`,
      );
      continue;
    }
    keys.set(namespace, key);
    const [server, ...rest] = serve as [string, ...string[]];
    let parsed: ReturnType<typeof parseArgv>;
    const declaration = catalog.find(server);
    try {
      // The server's own valued options take the next word, as on the command line.
      parsed = parseArgv(rest, declaration ? valuedOptionsOf(declaration.options) : new Set());
      const options = remainingAsServerOptions(parsed);
      // Checked here as flags (what the entry holds), unless ${VAR}s wait for interpolation.
      if (declaration && !JSON.stringify([parsed.positionals, options]).includes('${')) {
        resolveServerOptions(
          declaration,
          { args: parsed.positionals, options },
          { ...process.env, ...entry.env },
        );
      }
    } catch (error) {
      problems.push(`mcpServers.${key}: ${(error as Error).message}`);
      continue;
    }
    servers[namespace] = { server, args: parsed.positionals, options: remainingAsServerOptions(parsed) };
    Object.assign(env, entry.env ?? {});
  }
  if (problems.length) throw new Error(problems.join('; '));
  return { config: { servers, mcpServers: upstreams }, env };
}

/** The config adapter the CLI gives core: Claude Desktop's shape into mcpkit's, or undefined for mcpkit's own. */
export const claudeDesktopAdapter: ConfigAdapter = (raw, source) => {
  if (!raw || typeof raw !== 'object' || !('mcpServers' in raw) || 'servers' in raw) return undefined;
  const claude = ClaudeDesktopSchema.safeParse(raw);
  if (!claude.success) {
    const lines = claude.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new ConfigError(`${source} (Claude Desktop shape): ${lines.join('; ')}`);
  }
  try {
    const converted = fromClaudeDesktop(claude.data);
    return { value: converted.config, env: converted.env };
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`);
  }
};
