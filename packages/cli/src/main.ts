import { ConfigError, OptionsError, packageVersion, UnknownServerError } from '@mcpkit/core';
import { auth } from './commands/auth.js';
import { configClaude } from './commands/config-claude.js';
import { call, INSPECT_VALUED, prompt, prompts, read, resources, tools } from './commands/inspect.js';
import { SERVE_VALUED, serve } from './commands/serve/index.js';
import { type ParsedArgs, parseArgv, valuedOptionsOf } from './options.js';
import { serverHelp } from './server-help.js';
import { catalog, loadServers, serverNames } from './servers.js';
import { COMMAND_HELP, HELP, UsageError } from './usage.js';

const VERSION = packageVersion(import.meta.url);

/** Which positional names the built-in server, per command (its options may then take a value word). */
const SERVER_AT: Record<string, number> = {
  serve: 0,
  tools: 0,
  call: 0,
  resources: 0,
  read: 0,
  prompts: 0,
  prompt: 0,
  config: 1,
  auth: 0,
};

const INSPECT: Record<string, (parsed: ParsedArgs) => Promise<unknown>> = {
  tools,
  call,
  resources,
  read,
  prompts,
  prompt,
};

/** Runs one command; resolves to the exit code (serve keeps running and exits on its own). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        return write(HELP);
      case 'help': {
        const topic = rest.find((a) => !a.startsWith('-'));
        if (topic === undefined) return write(HELP);
        const text = COMMAND_HELP[topic];
        if (text) return write(text);
        await loadServers();
        if (catalog.find(topic)) return write(serverHelp(catalog.get(topic)));
        throw new UsageError(
          `no help on "${topic}": try mcpkit help (commands: ${Object.keys(COMMAND_HELP).join(', ')})`,
        );
      }
      case '-v':
      case '--version':
        return write(`${VERSION}\n`);
      case 'serve': {
        const parsed = await parseForServer(rest, SERVE_VALUED, SERVER_AT.serve!);
        if (parsed.options.has('help')) {
          const server = parsed.positionals[0];
          return write(server ? serverHelp(catalog.get(server)) : COMMAND_HELP.serve!);
        }
        await serve(parsed);
        return undefined;
      }
      case 'approve': {
        const parsed = parseArgv(rest, new Set());
        if (parsed.options.has('help')) return write(COMMAND_HELP.approve!);
        // Loaded on use: it reaches the gateway and the MCP client, which `serve` must not pay for.
        const { approve } = await import('./commands/approve.js');
        approve(parsed);
        return 0;
      }
      case 'auth':
      case 'config': {
        // config claude carries serve's options into the entry: they take a value word as in serve.
        const parsed = await parseForServer(
          rest,
          command === 'config' ? SERVE_VALUED : new Set(),
          SERVER_AT[command]!,
        );
        if (parsed.options.has('help')) return write(COMMAND_HELP[command]!);
        if (command === 'auth') await auth(parsed);
        else configClaude(parsed);
        return 0;
      }
      default: {
        const run = command ? INSPECT[command] : undefined;
        if (!run) throw new UsageError(`unknown command "${command}" (try mcpkit --help)`);
        const parsed = await parseForServer(rest, INSPECT_VALUED, SERVER_AT[command]!);
        if (parsed.options.has('help')) return write(COMMAND_HELP[command]!);
        const code = await run(parsed);
        return typeof code === 'number' ? code : 0;
      }
    }
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof UnknownServerError ||
      error instanceof OptionsError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mcpkit: ${oneLine(message)}\n`);
    if (!known && process.env.MCPKIT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    // Exit 2: what the user gave was wrong (arguments, options, a config file); 1: it failed.
    return known ? 2 : 1;
  }
}

function write(text: string): number {
  process.stdout.write(text);
  return 0;
}

/** Errors are one line on stderr: line breaks inside a message become "; ". */
function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join('; ');
}

/**
 * Parses a command's arguments; when a positional names a built-in server (and no `--` command is
 * given), its own valued options are known too, so `--data-dir /tmp/x` reads as `--data-dir=/tmp/x`.
 * Loads the declarations the command needs: that server's alone, or every one when none is named
 * (a config file, `--list`, an unknown name whose error lists the known ones).
 */
async function parseForServer(
  argv: readonly string[],
  valued: ReadonlySet<string>,
  at: number,
): Promise<ParsedArgs> {
  const first = parseArgv(argv, valued);
  const name = first.rest ? undefined : first.positionals[at];
  await loadServers(name !== undefined && serverNames.includes(name) ? [name] : undefined);
  const declaration = name ? catalog.find(name) : undefined;
  if (!declaration) return first;
  return parseArgv(argv, new Set([...valued, ...valuedOptionsOf(declaration.options)]));
}
