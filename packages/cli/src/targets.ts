import type { Era, Logger, RuntimeOptions } from '@mcpkit/core';
import type { OwnedClient } from '@mcpkit/core/client';
import { UsageError } from './usage.js';

export type Target =
  | { kind: 'builtin'; server: string; args: string[]; options: Record<string, unknown> }
  | { kind: 'config'; file: string }
  | { kind: 'command'; command: string; args: string[] }
  | { kind: 'url'; url: URL };

export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * Opens a client on a target: a built-in or a config runs in this process (the same runtime
 * `serve` uses, over an in-memory pair); a command is spawned and spoken to over stdio; a URL
 * over Streamable HTTP (a bearer token from MCPKIT_TOKEN). The client side loads only here, so
 * `mcpkit serve` never pays for it at start-up.
 */
export async function openTarget(
  target: Target,
  era: Era,
  logger: Logger,
  runtimeOptions: RuntimeOptions = {},
): Promise<OwnedClient> {
  const { connectTarget } = await import('./connect-target.js');
  return connectTarget(target, era, logger, runtimeOptions);
}

/** Reads a target from positionals (a built-in with args, or a URL) or from --config / `--`. */
export function targetFrom(
  positionals: string[],
  config: string | undefined,
  rest: string[] | undefined,
): Target {
  if (rest) {
    const [command, ...args] = rest;
    if (!command) throw new UsageError('nothing after "--": give the command that starts the server');
    return { kind: 'command', command, args };
  }
  // As typed: messages name the file the way the user did.
  if (config) return { kind: 'config', file: config };
  const [first, ...args] = positionals;
  if (!first)
    throw new UsageError('no target: name a built-in server, --config <file>, a URL, or -- <command>');
  if (isUrl(first)) {
    if (args.length) throw new UsageError(`unexpected arguments after the URL: ${args.join(' ')}`);
    return { kind: 'url', url: new URL(first) };
  }
  return { kind: 'builtin', server: first, args, options: {} };
}
