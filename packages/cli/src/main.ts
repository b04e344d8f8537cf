import { OptionsError, packageVersion, UnknownServerError } from '@mcpkit/core';
import { ConfigError } from '@mcpkit/core/config';
import { auth } from './commands/auth.js';
import { configClaude } from './commands/config-claude.js';
import { call, INSPECT_VALUED, tools } from './commands/inspect.js';
import { SERVE_VALUED, serve } from './commands/serve/index.js';
import { parseArgv } from './options.js';
import { HELP, UsageError } from './usage.js';

const VERSION = packageVersion(import.meta.url);

/** Runs one command; resolves to the exit code (serve keeps running and exits on its own). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        process.stdout.write(HELP);
        return 0;
      case '-v':
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case 'serve': {
        const parsed = parseArgv(rest, SERVE_VALUED);
        if (parsed.options.has('help')) return help();
        await serve(parsed);
        return undefined;
      }
      case 'tools': {
        const parsed = parseArgv(rest, INSPECT_VALUED);
        if (parsed.options.has('help')) return help();
        await tools(parsed);
        return 0;
      }
      case 'call': {
        const parsed = parseArgv(rest, INSPECT_VALUED);
        if (parsed.options.has('help')) return help();
        return await call(parsed);
      }
      case 'auth': {
        const parsed = parseArgv(rest, new Set());
        if (parsed.options.has('help')) return help();
        await auth(parsed);
        return 0;
      }
      case 'config': {
        const parsed = parseArgv(rest, new Set());
        if (parsed.options.has('help')) return help();
        configClaude(parsed);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}" (try mcpkit --help)`);
    }
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof UnknownServerError ||
      error instanceof OptionsError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mcpkit: ${message}\n`);
    if (!known && process.env.MCPKIT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return error instanceof UsageError || error instanceof OptionsError ? 2 : 1;
  }
}

function help(): number {
  process.stdout.write(HELP);
  return 0;
}
